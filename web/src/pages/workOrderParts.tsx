import { useEffect, useState } from 'react';
import {
  App,
  Button,
  Descriptions,
  Empty,
  Form,
  Input,
  Modal,
  Radio,
  Select,
  Space,
  Tag,
  Timeline,
  Tooltip,
  Typography,
  Upload,
} from 'antd';
import type { DescriptionsProps } from 'antd';
import {
  DeleteOutlined,
  DownloadOutlined,
  PaperClipOutlined,
  PlusOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { api, ApiError, download } from '../api/client.ts';
import { errorText, useApi } from '../api/useApi.ts';
import { useAreaNames } from '../api/useAreaNames.ts';
import type { Label } from '../api/types.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { when } from '../i18n/dates.ts';
import { useSession } from '../session/SessionContext.tsx';
import { useHashRoute } from '../layout/useHashRoute.ts';
import { OrganisationSelect } from '../components/OrganisationSelect.tsx';
import { useLabel } from './policyLabels.tsx';
import {
  actionKey,
  actionNeeds,
  backActions,
  clockColor,
  clockKey,
  eventColor,
  eventKey,
  forwardActions,
  outcomeKey,
  outcomes,
  partKey,
  priorityColor,
  priorityKey,
  reasonKey,
  sourceKey,
  statusColor,
  statusKey,
  type OrderAction,
  type OrderDetail,
  type OrderOutcome,
  type OrderPriority,
  type OrderStatus,
  type WorkOrder,
} from './workOrderModel.ts';
import './workOrders.css';

export function StatusTag({ status }: { status: OrderStatus }) {
  const { t } = useLanguage();
  return (
    <Tag color={statusColor[status]} data-status={status}>
      {t(statusKey[status])}
    </Tag>
  );
}

export function PriorityTag({ priority }: { priority: OrderPriority }) {
  const { t } = useLanguage();
  return (
    <Tag color={priorityColor[priority]} data-priority={priority}>
      {t(priorityKey[priority])}
    </Tag>
  );
}

/** How much time is left, in working days, while the clock runs. */
export function daysLeftText(
  order: Pick<WorkOrder, 'clock' | 'workingDaysLeft'>,
  t: ReturnType<typeof useLanguage>['t'],
): string | null {
  const running = order.clock === 'on_time' || order.clock === 'near_due' || order.clock === 'overdue';
  if (!running || order.workingDaysLeft === null) return null;
  return order.workingDaysLeft >= 0
    ? t('woDaysLeft', { n: order.workingDaysLeft })
    : t('woDaysOver', { n: -order.workingDaysLeft });
}

/** The due date with the clock's colour: on time, near due, overdue, paused or stopped. */
export function ClockTag({ order, showDue = true }: { order: WorkOrder; showDue?: boolean }) {
  const { t } = useLanguage();
  const left = daysLeftText(order, t);
  return (
    <Space size={4} wrap>
      <Tooltip title={left}>
        <Tag color={clockColor[order.clock]} data-clock={order.clock} data-testid="order-clock">
          {t(clockKey[order.clock])}
        </Tag>
      </Tooltip>
      {showDue && order.dueOn && <Typography.Text>{order.dueOn}</Typography.Text>}
      {showDue && left && <Typography.Text type="secondary">{left}</Typography.Text>}
    </Space>
  );
}

/** The order's history, oldest first: what was done, by whom, from which organisation, when and why. */
export function OrderTimeline({ order }: { order: OrderDetail }) {
  const { t } = useLanguage();
  return (
    <Timeline
      data-testid="order-timeline"
      items={order.events.map((e) => {
        const moved = e.fromStatus !== null && e.fromStatus !== e.toStatus;
        const toOrganisation = ['dispatch', 'transfer', 'escalate'].includes(e.action) && e.organisationName;
        const outcome = e.detail?.outcome;
        return {
          key: e.seq,
          color: eventColor[e.action] ?? 'blue',
          content: (
            <div data-action={e.action} data-testid="timeline-item">
              <Space size={4} wrap>
                <Typography.Text strong>{t(eventKey[e.action] ?? 'woEventCreate')}</Typography.Text>
                {toOrganisation && <Typography.Text>→ {e.organisationName}</Typography.Text>}
                {moved && e.fromStatus && (
                  <Typography.Text type="secondary">
                    {t(statusKey[e.fromStatus])} → {t(statusKey[e.toStatus])}
                  </Typography.Text>
                )}
                {outcome && <Tag color="green">{t(outcomeKey[outcome])}</Tag>}
              </Space>
              <div>
                <Typography.Text type="secondary">
                  {when(e.at)} · {e.actor === 'system' ? t('woSystem') : (e.actorName ?? e.actor)}
                </Typography.Text>
              </div>
              {e.detail?.outcomeProvider && (
                <div>
                  {t('woOutcomeProvider')}：{e.detail.outcomeProvider}
                </div>
              )}
              {e.note && <div className="wo-note">{e.note}</div>}
            </div>
          ),
        };
      })}
    />
  );
}

/** The order's facts: what it is about, who handles it, the clock, and the result once resolved. */
export function OrderFields({ order, columns = 2 }: { order: OrderDetail; columns?: number }) {
  const { t } = useLanguage();
  const { can } = useSession();
  const [, go] = useHashRoute();
  const areaName = useAreaNames([order.areaCode]);
  const items: DescriptionsProps['items'] = [
    {
      key: 'source',
      label: t('woSource'),
      children: t(sourceKey[order.source]),
    },
    { key: 'priority', label: t('priority'), children: <PriorityTag priority={order.priority} /> },
    { key: 'handler', label: t('woHandler'), children: order.organisationName ?? t('woUnassigned') },
    { key: 'area', label: t('area'), children: areaName(order.areaCode) },
    {
      key: 'due',
      label: t('woDueOn'),
      children: <ClockTag order={order} />,
    },
    {
      key: 'sla',
      label: t('woSlaShort'),
      children: `${t('woSlaDays', { n: order.slaWorkingDays })}${
        order.clockStartedOn ? ` · ${t('woClockStarted', { day: order.clockStartedOn })}` : ''
      }`,
    },
  ];
  if (order.hukouNumber)
    items.push({
      key: 'household',
      label: t('hukouNumber'),
      children: (
        <Space size={4} wrap>
          <span>{order.hukouNumber}</span>
          {order.householdId && can('registry:household:view') && (
            <Button
              type="link"
              size="small"
              onClick={() => {
                go(`/policy-match?household=${order.householdId ?? ''}`);
              }}
            >
              {t('openHouseholdMatch')}
            </Button>
          )}
        </Space>
      ),
    });
  if (order.policyName) items.push({ key: 'policy', label: t('woPolicy'), children: order.policyName });
  if (order.callerName || order.callerPhone)
    items.push({
      key: 'caller',
      label: t('woCaller'),
      children: [order.callerName, order.callerPhone].filter(Boolean).join(' · '),
    });
  if (order.escalationLevel > 0)
    items.push({ key: 'escalated', label: t('woEscalations'), children: order.escalationLevel });
  items.push({ key: 'created', label: t('createdAt'), children: when(order.createdAt) });
  if (order.outcome)
    items.push({
      key: 'outcome',
      label: t('woOutcome'),
      span: columns,
      children: (
        <Space orientation="vertical" size={0} data-testid="order-outcome" data-outcome={order.outcome}>
          <Typography.Text strong>{t(outcomeKey[order.outcome])}</Typography.Text>
          {order.outcomePolicyName && <span>{order.outcomePolicyName}</span>}
          {order.outcomeProvider && <span>{order.outcomeProvider}</span>}
          {order.outcomeNote && <span>{order.outcomeNote}</span>}
          {order.resolvedAt && <Typography.Text type="secondary">{when(order.resolvedAt)}</Typography.Text>}
        </Space>
      ),
    });
  if (order.description)
    items.push({
      key: 'description',
      label: t('woDescription'),
      span: columns,
      children: <span className="wo-note">{order.description}</span>,
    });
  return <Descriptions size="small" bordered column={columns} items={items} data-testid="order-fields" />;
}

/** The co-handling organisations and how far each is with its task. */
export function OrderParts({ order }: { order: OrderDetail }) {
  const { t } = useLanguage();
  if (order.parts.length === 0) return null;
  return (
    <Space orientation="vertical" size={4} style={{ width: '100%' }} data-testid="order-parts">
      <Typography.Text strong>{t('woParts')}</Typography.Text>
      {order.parts.map((p) => (
        <div key={p.organisationId}>
          <Tag color={p.status === 'done' ? 'green' : p.status === 'accepted' ? 'blue' : 'default'}>
            {t(partKey[p.status])}
          </Tag>
          <Typography.Text strong>{p.organisationName}</Typography.Text>：{p.task}
          {p.note && <Typography.Text type="secondary">（{p.note}）</Typography.Text>}
        </div>
      ))}
    </Space>
  );
}

interface ActionForm {
  organisationId?: string;
  note?: string;
  outcome?: OrderOutcome;
  outcomePolicyId?: string;
  outcomeProvider?: string;
  coHandlers?: { organisationId?: string; task?: string }[];
}

interface PolicyItem {
  id: string;
  name: Label;
}

/** The small form an action needs: a reason, an organisation, the outcome — only what it asks for. */
function ActionDialog({
  action,
  order,
  large,
  onClose,
  onSubmit,
}: {
  action: OrderAction | null;
  order: OrderDetail;
  large: boolean;
  onClose: () => void;
  onSubmit: (action: OrderAction, body: Record<string, unknown>) => Promise<boolean>;
}) {
  const { t } = useLanguage();
  const { can } = useSession();
  const label = useLabel();
  const [form] = Form.useForm<ActionForm>();
  const [busy, setBusy] = useState(false);
  const outcome = Form.useWatch('outcome', form);
  const needs = action ? actionNeeds[action] : null;
  const policies = useApi<{ items: PolicyItem[] }>(
    action === 'resolve' && can('rules:policy:view') ? '/policies' : null,
  );
  // A finding's own policy is the likely enrolment: chosen beforehand when it is one of the pool's.
  const suggested = (policies.data?.items ?? []).some((p) => p.id === order.policyId) ? order.policyId : null;
  useEffect(() => {
    if (suggested && !form.getFieldValue('outcomePolicyId')) form.setFieldValue('outcomePolicyId', suggested);
  }, [suggested, form]);
  if (!action || !needs) return null;
  const words = t(actionKey[action]);
  const noteLabel =
    action === 'resolve'
      ? outcome === 'not_eligible'
        ? t('woNotEligibleReason')
        : t('woResolveNote')
      : needs.note === 'required'
        ? t(reasonKey[action] ?? 'reason')
        : t('woOptionalNote');
  const noteRequired = needs.note === 'required' || (action === 'resolve' && outcome === 'not_eligible');
  const submit = async (values: ActionForm) => {
    setBusy(true);
    const body: Record<string, unknown> = {};
    if (values.organisationId) body.organisationId = values.organisationId;
    if (values.note?.trim()) body.note = values.note.trim();
    if (action === 'resolve' && values.outcome) {
      body.outcome = values.outcome;
      if (values.outcome === 'enrolled') body.outcomePolicyId = values.outcomePolicyId;
      if (values.outcome === 'referred') body.outcomeProvider = values.outcomeProvider?.trim();
    }
    const co = (values.coHandlers ?? []).filter((c) => c.organisationId && c.task?.trim());
    if (co.length)
      body.coHandlers = co.map((c) => ({ organisationId: c.organisationId, task: c.task?.trim() }));
    const done = await onSubmit(action, body);
    setBusy(false);
    if (done) onClose();
  };
  return (
    <Modal
      open
      title={t('woActionTitle', { action: words, title: order.title })}
      okText={words}
      cancelText={t('cancel')}
      confirmLoading={busy}
      okButtonProps={{ size: large ? 'large' : 'middle' }}
      cancelButtonProps={{ size: large ? 'large' : 'middle' }}
      onCancel={onClose}
      onOk={() => {
        form.submit();
      }}
      destroyOnHidden
      data-testid={`action-dialog-${action}`}
    >
      <Form<ActionForm>
        form={form}
        layout="vertical"
        size={large ? 'large' : 'middle'}
        onFinish={(v) => void submit(v)}
      >
        {action === 'escalate' && (
          <Typography.Paragraph type="secondary">{t('woEscalateHint')}</Typography.Paragraph>
        )}
        {needs.organisation && (
          <Form.Item name="organisationId" label={t('woTargetOrganisation')} rules={[{ required: true }]}>
            <OrganisationSelect
              testId="action-organisation"
              exclude={order.organisationId}
              style={{ width: '100%' }}
            />
          </Form.Item>
        )}
        {needs.outcome && (
          <>
            <Form.Item name="outcome" label={t('woOutcome')} rules={[{ required: true }]}>
              <Radio.Group
                data-testid="resolve-outcome"
                optionType="button"
                buttonStyle="solid"
                options={outcomes.map((o) => ({ value: o, label: t(outcomeKey[o]) }))}
              />
            </Form.Item>
            {outcome === 'enrolled' && (
              <Form.Item name="outcomePolicyId" label={t('woChoosePolicy')} rules={[{ required: true }]}>
                <Select
                  data-testid="resolve-policy"
                  showSearch={{ optionFilterProp: 'label' }}
                  loading={policies.loading}
                  options={(policies.data?.items ?? []).map((p) => ({ value: p.id, label: label(p.name) }))}
                />
              </Form.Item>
            )}
            {outcome === 'referred' && (
              <Form.Item
                name="outcomeProvider"
                label={t('woProvider')}
                rules={[{ required: true, whitespace: true, max: 200 }]}
              >
                <Input data-testid="resolve-provider" maxLength={200} />
              </Form.Item>
            )}
          </>
        )}
        {needs.note !== 'none' && (
          <Form.Item
            name="note"
            label={noteLabel}
            rules={[{ required: noteRequired, whitespace: noteRequired, max: 1000 }]}
          >
            <Input.TextArea data-testid="action-note" rows={3} maxLength={1000} showCount />
          </Form.Item>
        )}
        {needs.coHandlers && (
          <Form.List name="coHandlers">
            {(fields, { add, remove }) => (
              <Space orientation="vertical" style={{ width: '100%' }}>
                {fields.map((field) => (
                  <Space key={field.key} align="start" wrap>
                    <Form.Item name={[field.name, 'organisationId']} rules={[{ required: true }]} noStyle>
                      <OrganisationSelect style={{ width: 220 }} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'task']} rules={[{ required: true, max: 200 }]} noStyle>
                      <Input placeholder={t('woCoTask')} style={{ width: 180 }} maxLength={200} />
                    </Form.Item>
                    <Button
                      icon={<DeleteOutlined />}
                      aria-label={t('woDelete')}
                      onClick={() => {
                        remove(field.name);
                      }}
                    />
                  </Space>
                ))}
                <Button
                  type="dashed"
                  icon={<PlusOutlined />}
                  onClick={() => {
                    add();
                  }}
                >
                  {t('woAddCoHandler')}
                </Button>
              </Space>
            )}
          </Form.List>
        )}
      </Form>
    </Modal>
  );
}

/**
 * The buttons for what this user may do with the order now (the server says which), each asking
 * only for what its action needs; the version shown goes with it, so a change made meanwhile by
 * someone else is refused — the page then says so and shows the order as it is now.
 */
export function OrderActions({
  order,
  onChanged,
  large = false,
}: {
  order: OrderDetail;
  onChanged: () => void;
  large?: boolean;
}) {
  const { t } = useLanguage();
  const { message } = App.useApp();
  const [open, setOpen] = useState<OrderAction | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const send = async (action: OrderAction, body: Record<string, unknown>): Promise<boolean> => {
    try {
      await api('POST', `/work-orders/${order.id}/actions`, { action, version: order.version, ...body });
      void message.success(t('woActionDone', { action: t(actionKey[action]) }));
      onChanged();
      return true;
    } catch (e) {
      void message.error(errorText(e));
      // Someone changed it meanwhile (a newer version, or a status this action no longer fits):
      // show it as it is now, and the user decides again.
      if (e instanceof ApiError && e.status === 409) {
        onChanged();
        return true;
      }
      return false;
    }
  };
  const part = async (status: 'accepted' | 'done') => {
    setBusy(`part-${status}`);
    try {
      await api('POST', `/work-orders/${order.id}/parts`, { status });
      void message.success(t(status === 'accepted' ? 'woPartAcceptDone' : 'woPartDoneDone'));
      onChanged();
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setBusy(null);
    }
  };
  const rank = (a: OrderAction) => (forwardActions.includes(a) ? 0 : backActions.includes(a) ? 2 : 1);
  const actions = [...order.actions].sort((a, b) => rank(a) - rank(b));
  const myPart = order.myPart;
  const live = ['dispatched', 'accepted', 'in_progress', 'paused'].includes(order.status);
  const size = large ? 'large' : 'middle';
  const buttons = [
    ...actions.map((a) => (
      <Button
        key={a}
        size={size}
        block={large}
        data-testid={`action-${a}`}
        type={forwardActions.includes(a) ? 'primary' : 'default'}
        danger={backActions.includes(a)}
        loading={busy === a}
        onClick={() => {
          if (actionNeeds[a].note === 'none' && !actionNeeds[a].organisation && !actionNeeds[a].outcome) {
            setBusy(a);
            void send(a, {}).finally(() => {
              setBusy(null);
            });
          } else setOpen(a);
        }}
      >
        {t(actionKey[a])}
      </Button>
    )),
    ...(myPart && live && myPart.status === 'pending'
      ? [
          <Button
            key="part-accept"
            size={size}
            block={large}
            type="primary"
            data-testid="part-accept"
            loading={busy === 'part-accepted'}
            onClick={() => void part('accepted')}
          >
            {t('woPartAccept')}
          </Button>,
        ]
      : []),
    ...(myPart && live && myPart.status !== 'done'
      ? [
          <Button
            key="part-done"
            size={size}
            block={large}
            data-testid="part-done"
            loading={busy === 'part-done'}
            onClick={() => void part('done')}
          >
            {t('woPartDone')}
          </Button>,
        ]
      : []),
  ];
  return (
    <>
      {myPart && (
        <Typography.Paragraph data-testid="my-part">
          <Tag color="blue">{t('woMyPart')}</Tag>
          {myPart.task}（{t(partKey[myPart.status])}）
        </Typography.Paragraph>
      )}
      {buttons.length > 0 ? (
        large ? (
          <div className="wo-mobile-actions" data-testid="order-actions">
            {buttons}
          </div>
        ) : (
          <Space wrap data-testid="order-actions">
            {buttons}
          </Space>
        )
      ) : (
        <Typography.Text type="secondary" data-testid="no-actions">
          {t('woNoActions')}
        </Typography.Text>
      )}
      {open && (
        <ActionDialog
          action={open}
          order={order}
          large={large}
          onClose={() => {
            setOpen(null);
          }}
          onSubmit={send}
        />
      )}
    </>
  );
}

/** The order's comments, and a box to add one (the handler is told). */
export function OrderComments({ order, onChanged }: { order: OrderDetail; onChanged: () => void }) {
  const { t } = useLanguage();
  const { message } = App.useApp();
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const send = async () => {
    if (!body.trim()) return;
    setBusy(true);
    try {
      await api('POST', `/work-orders/${order.id}/comments`, { body: body.trim() });
      setBody('');
      onChanged();
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="order-comments">
      {order.comments.length === 0 && <Typography.Text type="secondary">{t('woNoComments')}</Typography.Text>}
      {order.comments.map((c) => (
        <div key={c.id} data-testid="order-comment">
          <Typography.Text strong>{c.authorName ?? t('woSystem')}</Typography.Text>{' '}
          <Typography.Text type="secondary">{when(c.at)}</Typography.Text>
          <div className="wo-note">{c.body}</div>
        </div>
      ))}
      <Input.TextArea
        data-testid="comment-input"
        rows={2}
        maxLength={2000}
        value={body}
        placeholder={t('woCommentPlaceholder')}
        onChange={(e) => {
          setBody(e.target.value);
        }}
      />
      <Button data-testid="comment-send" loading={busy} disabled={!body.trim()} onClick={() => void send()}>
        {t('woSend')}
      </Button>
    </Space>
  );
}

const allowedTypes: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  pdf: 'application/pdf',
};
const ATTACHMENT_LIMIT = 2 * 1024 * 1024;

function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      resolve(typeof reader.result === 'string' ? reader.result.replace(/^data:[^,]*,/, '') : '');
    };
    reader.onerror = () => {
      reject(reader.error ?? new Error('read failed'));
    };
    reader.readAsDataURL(file);
  });
}

/** Photos and scans of the household's papers: listed, downloaded, added (JPG, PNG or PDF, ≤ 2 MB). */
export function OrderAttachments({ order, onChanged }: { order: OrderDetail; onChanged: () => void }) {
  const { t } = useLanguage();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const send = async (file: File) => {
    const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
    const contentType = Object.values(allowedTypes).includes(file.type) ? file.type : allowedTypes[extension];
    if (!contentType) {
      void message.error(t('woUploadBadType'));
      return;
    }
    if (file.size > ATTACHMENT_LIMIT) {
      void message.error(t('woUploadTooBig'));
      return;
    }
    setBusy(true);
    try {
      await api('POST', `/work-orders/${order.id}/attachments`, {
        name: file.name,
        contentType,
        contentBase64: await base64Of(file),
      });
      void message.success(t('woUploaded'));
      onChanged();
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="order-attachments">
      {order.attachments.length === 0 && (
        <Typography.Text type="secondary">{t('woNoAttachments')}</Typography.Text>
      )}
      {order.attachments.map((a) => (
        <Space key={a.id} wrap data-testid="order-attachment">
          <PaperClipOutlined />
          <Typography.Text>{a.name}</Typography.Text>
          <Typography.Text type="secondary">
            {Math.max(1, Math.round(a.size / 1024))} KB · {when(a.uploadedAt)}
          </Typography.Text>
          <Button
            size="small"
            icon={<DownloadOutlined />}
            onClick={() => {
              download(`/work-orders/${order.id}/attachments/${a.id}`, a.name).catch((e: unknown) => {
                void message.error(errorText(e));
              });
            }}
          >
            {t('download')}
          </Button>
        </Space>
      ))}
      <Upload
        accept=".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf"
        showUploadList={false}
        beforeUpload={(file) => {
          void send(file);
          return Upload.LIST_IGNORE;
        }}
      >
        <Button icon={<UploadOutlined />} loading={busy} data-testid="attachment-upload">
          {t('woUpload')}
        </Button>
      </Upload>
      <Typography.Text type="secondary">{t('woUploadHint')}</Typography.Text>
    </Space>
  );
}

/** Nothing to show yet, or the order could not be loaded. */
export function OrderMissing({ error }: { error: string | null }) {
  return error ? <Empty description={error} /> : null;
}
