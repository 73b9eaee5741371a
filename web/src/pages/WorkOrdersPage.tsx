import { useState } from 'react';
import {
  Alert,
  App,
  Badge,
  Button,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { PhoneOutlined, NodeIndexOutlined, SendOutlined, ReloadOutlined } from '@ant-design/icons';
import { api } from '../api/client.ts';
import { errorText, useApi } from '../api/useApi.ts';
import { useAreaNames } from '../api/useAreaNames.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { when } from '../i18n/dates.ts';
import { useSession } from '../session/SessionContext.tsx';
import { useHashRoute } from '../layout/useHashRoute.ts';
import { PageCard } from '../components/PageCard.tsx';
import { OrganisationSelect, useOrganisations } from '../components/OrganisationSelect.tsx';
import { AreaTreeSelect } from '../components/AreaTreeSelect.tsx';
import {
  handlingStatuses,
  orderStatuses,
  priorities,
  priorityKey,
  sourceKey,
  sources,
  statusKey,
  type OrderPriority,
  type OrderSource,
  type OrderStatus,
  type WorkOrder,
} from './workOrderModel.ts';
import { ClockTag, PriorityTag, StatusTag } from './workOrderParts.tsx';
import { WorkOrderDrawer } from './WorkOrderDrawer.tsx';

type Box = 'mine' | 'dispatch' | 'verify' | 'all';
const PAGE_SIZE = 20;
/** Orders bulk dispatch can move: dispatched when new or returned, transferred while being handled. */
const movable: OrderStatus[] = ['created', 'returned', 'dispatched', 'accepted', 'in_progress'];

/** The list's state lives in the hash (`#/work-orders?tab=all&organisationId=…&id=…`): links and the back button keep it. */
function useListState() {
  const [path, go] = useHashRoute();
  const params = new URLSearchParams(path.split('?')[1] ?? '');
  const set = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === '') next.delete(key);
      else next.set(key, value);
    }
    // Any filter change goes back to the first page.
    if (!('page' in changes)) next.delete('page');
    const text = next.toString();
    go(`/work-orders${text ? `?${text}` : ''}`);
  };
  return { params, set };
}

interface HotlineForm {
  source: 'hotline' | 'manual';
  title: string;
  description?: string;
  areaCode: string;
  callerName?: string;
  callerPhone?: string;
  priority: OrderPriority;
  slaWorkingDays?: number | null;
  organisationId?: string;
}

/** A hotline call (or an order made by hand), dispatched at once when an organisation is chosen. */
function HotlineDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (id: string) => void }) {
  const { t } = useLanguage();
  const { area, principal } = useSession();
  const { message } = App.useApp();
  const [form] = Form.useForm<HotlineForm>();
  const [busy, setBusy] = useState(false);
  const source = Form.useWatch('source', form);
  const submit = async (v: HotlineForm) => {
    setBusy(true);
    try {
      const made = await api<WorkOrder>('POST', '/work-orders', {
        source: v.source,
        title: v.title.trim(),
        areaCode: v.areaCode,
        priority: v.priority,
        ...(v.description?.trim() ? { description: v.description.trim() } : {}),
        ...(v.callerName?.trim() ? { callerName: v.callerName.trim() } : {}),
        ...(v.callerPhone?.trim() ? { callerPhone: v.callerPhone.trim() } : {}),
        ...(typeof v.slaWorkingDays === 'number' ? { slaWorkingDays: v.slaWorkingDays } : {}),
        ...(v.organisationId ? { organisationId: v.organisationId } : {}),
      });
      void message.success(t('woCreated'));
      onCreated(made.id);
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('woHotlineTitle')}
      okText={t('woRegister')}
      cancelText={t('cancel')}
      confirmLoading={busy}
      width={640}
      onCancel={onClose}
      onOk={() => {
        form.submit();
      }}
      destroyOnHidden
    >
      <Form<HotlineForm>
        form={form}
        layout="vertical"
        initialValues={{ source: 'hotline', priority: 'normal', areaCode: area?.code ?? principal?.areaCode }}
        onFinish={(v) => void submit(v)}
        data-testid="hotline-form"
      >
        <Form.Item name="source" label={t('woSource')}>
          <Radio.Group
            optionType="button"
            options={(['hotline', 'manual'] as const).map((s) => ({ value: s, label: t(sourceKey[s]) }))}
          />
        </Form.Item>
        <Form.Item name="title" label={t('woTitle')} rules={[{ required: true, whitespace: true, max: 200 }]}>
          <Input maxLength={200} placeholder={t('woTitleHint')} />
        </Form.Item>
        <Form.Item name="description" label={t('woDescription')} rules={[{ max: 2000 }]}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item name="areaCode" label={t('woArea')} rules={[{ required: true }]}>
          <AreaTreeSelect
            rootCode={principal?.areaCode ?? ''}
            testId="hotline-area"
            style={{ width: '100%' }}
          />
        </Form.Item>
        {source === 'hotline' && (
          <Space wrap style={{ width: '100%' }}>
            <Form.Item name="callerName" label={t('woCallerName')} rules={[{ max: 50 }]}>
              <Input maxLength={50} style={{ width: 200 }} />
            </Form.Item>
            <Form.Item
              name="callerPhone"
              label={t('woCallerPhone')}
              rules={[{ pattern: /^[0-9+\- ]{5,20}$/, message: t('woPhoneInvalid') }]}
            >
              <Input maxLength={20} style={{ width: 200 }} />
            </Form.Item>
          </Space>
        )}
        <Space wrap style={{ width: '100%' }}>
          <Form.Item name="priority" label={t('priority')}>
            <Select
              style={{ width: 140 }}
              options={priorities.map((p) => ({ value: p, label: t(priorityKey[p]) }))}
            />
          </Form.Item>
          <Form.Item name="slaWorkingDays" label={t('woSla')} tooltip={t('woSlaDefault')}>
            <InputNumber min={0} max={365} style={{ width: 160 }} placeholder={t('woSlaDefault')} />
          </Form.Item>
        </Space>
        <Form.Item name="organisationId" label={t('woDispatchNow')}>
          <OrganisationSelect allowClear style={{ width: '100%' }} testId="hotline-organisation" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface BulkResult {
  received: number;
  dispatched: number;
  failed: { id: string; code: string; message: string }[];
}

/** Many orders to one organisation; the orders it could not move are listed with the reason. */
function BulkDispatchDialog({
  orders,
  onClose,
  onDone,
}: {
  orders: WorkOrder[];
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useLanguage();
  const { message } = App.useApp();
  const [organisationId, setOrganisationId] = useState<string | undefined>();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<BulkResult | null>(null);
  const titleOf = new Map(orders.map((o) => [o.id, o.title]));
  const submit = async () => {
    if (!organisationId) return;
    setBusy(true);
    try {
      const done = await api<BulkResult>('POST', '/work-orders/bulk-dispatch', {
        ids: orders.map((o) => o.id),
        organisationId,
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      onDone();
      if (done.failed.length === 0) {
        void message.success(t('woBulkResult', { dispatched: done.dispatched, received: done.received }));
        onClose();
      } else setResult(done);
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('woBulkDispatchTitle', { n: orders.length })}
      okText={result ? t('woClose') : t('woBulkDispatch')}
      cancelText={t('cancel')}
      confirmLoading={busy}
      okButtonProps={{ disabled: !result && !organisationId }}
      onCancel={onClose}
      onOk={() => {
        if (result) onClose();
        else void submit();
      }}
      destroyOnHidden
    >
      {result ? (
        <Space orientation="vertical" style={{ width: '100%' }} data-testid="bulk-result">
          <Alert
            type={result.dispatched > 0 ? 'warning' : 'error'}
            showIcon
            title={t('woBulkResult', { dispatched: result.dispatched, received: result.received })}
          />
          <Typography.Text strong>{t('woBulkFailed')}</Typography.Text>
          {result.failed.map((f) => (
            <div key={f.id} data-testid="bulk-failure">
              <Typography.Text>{titleOf.get(f.id) ?? f.id}</Typography.Text>：
              <Typography.Text type="danger">{f.message}</Typography.Text>
            </div>
          ))}
        </Space>
      ) : (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text type="secondary">{t('woBulkHint')}</Typography.Text>
          <OrganisationSelect
            testId="bulk-organisation"
            value={organisationId}
            onChange={setOrganisationId}
            style={{ width: '100%' }}
          />
          <Input.TextArea
            rows={2}
            maxLength={1000}
            placeholder={t('woOptionalNote')}
            value={note}
            onChange={(e) => {
              setNote(e.target.value);
            }}
          />
        </Space>
      )}
    </Modal>
  );
}

/**
 * Work orders (issue 8): my to-do (orders my organisation handles or co-handles), the orders
 * waiting to be dispatched or verified, and every order in scope — filtered, each opening into
 * its detail with the actions this user may take; dispatchers register calls, route findings and
 * dispatch many orders at once.
 */
export function WorkOrdersPage() {
  const { t } = useLanguage();
  const { can } = useSession();
  const { message } = App.useApp();
  const { params, set } = useListState();
  const dispatcher = can('workorder:order:dispatch');
  const organisationId = params.get('organisationId');
  const tab = (params.get('tab') as Box | null) ?? (organisationId ? 'all' : 'mine');
  const statusFilter = (params.get('status') ?? '').split(',').filter(Boolean) as OrderStatus[];
  const priority = params.get('priority') as OrderPriority | null;
  const source = params.get('source') as OrderSource | null;
  const overdue = params.get('overdue') === '1';
  const page = Number(params.get('page') ?? '1') || 1;
  const openId = params.get('id');
  const rule = params.get('rule');
  const [selected, setSelected] = useState<WorkOrder[]>([]);
  const [bulk, setBulk] = useState(false);
  const [hotline, setHotline] = useState(false);
  const organisations = useOrganisations();

  const q = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String((page - 1) * PAGE_SIZE) });
  q.set('box', tab === 'mine' ? 'mine' : 'all');
  const statuses =
    tab === 'dispatch'
      ? ['created', 'returned']
      : tab === 'verify'
        ? ['resolved']
        : statusFilter.length
          ? statusFilter
          : tab === 'mine'
            ? handlingStatuses
            : [];
  for (const s of statuses) q.append('status', s);
  if (priority) q.set('priority', priority);
  if (source) q.set('source', source);
  if (overdue) q.set('overdue', 'true');
  if (organisationId) q.set('organisationId', organisationId);
  if (rule) q.set('routingRuleId', rule);
  const list = useApi<{ items: WorkOrder[]; total: number }>(`/work-orders?${q.toString()}`);
  // The counts on the tabs: what waits for me, for dispatch and for verification.
  const mineCount = useApi<{ total: number }>(
    `/work-orders?box=mine&limit=1&${handlingStatuses.map((s) => `status=${s}`).join('&')}`,
  );
  const dispatchCount = useApi<{ total: number }>(
    dispatcher ? '/work-orders?box=all&limit=1&status=created&status=returned' : null,
  );
  const verifyCount = useApi<{ total: number }>(
    dispatcher ? '/work-orders?box=all&limit=1&status=resolved' : null,
  );
  const items = list.data?.items ?? [];
  const areaName = useAreaNames(items.map((o) => o.areaCode));
  const reloadAll = () => {
    list.reload();
    mineCount.reload();
    dispatchCount.reload();
    verifyCount.reload();
  };
  const routeFindings = () => {
    api<{ considered: number; created: number; dispatched: number; unrouted: number }>(
      'POST',
      '/work-orders/route-findings',
      {},
    )
      .then((r) => {
        void message.success(t('woRoutedResult', r));
        reloadAll();
      })
      .catch((e: unknown) => {
        void message.error(errorText(e));
      });
  };
  const tabLabel = (label: string, n: number | undefined) => (
    <Space size={6}>
      {label}
      {n ? <Badge count={n} overflowCount={999} color="#c0392b" /> : null}
    </Space>
  );
  const organisationName = organisations.find((o) => o.id === organisationId)?.name;

  return (
    <PageCard
      title={t('workOrders')}
      error={list.error}
      extra={
        <Space wrap>
          {dispatcher && (
            <Button
              icon={<PhoneOutlined />}
              type="primary"
              data-testid="new-hotline"
              onClick={() => {
                setHotline(true);
              }}
            >
              {t('woHotline')}
            </Button>
          )}
          {dispatcher && (
            <Button icon={<NodeIndexOutlined />} data-testid="route-findings" onClick={routeFindings}>
              {t('woRouteFindings')}
            </Button>
          )}
          <Button icon={<ReloadOutlined />} aria-label={t('refresh')} onClick={reloadAll} />
        </Space>
      }
    >
      <Tabs
        activeKey={tab}
        data-testid="order-tabs"
        onChange={(key) => {
          setSelected([]);
          set({ tab: key, status: null });
        }}
        items={[
          { key: 'mine', label: tabLabel(t('woMine'), mineCount.data?.total) },
          ...(dispatcher
            ? [
                { key: 'dispatch', label: tabLabel(t('woToDispatch'), dispatchCount.data?.total) },
                { key: 'verify', label: tabLabel(t('woToVerify'), verifyCount.data?.total) },
              ]
            : []),
          { key: 'all', label: t('woAll') },
        ]}
      />
      <Space wrap style={{ marginBottom: 12 }}>
        {(tab === 'mine' || tab === 'all') && (
          <Select<OrderStatus[]>
            mode="multiple"
            allowClear
            data-testid="filter-status"
            style={{ minWidth: 200 }}
            placeholder={tab === 'mine' ? t('woOpenStatuses') : t('allStatuses')}
            value={statusFilter}
            onChange={(v) => {
              set({ status: v.join(',') });
            }}
            options={orderStatuses.map((s) => ({ value: s, label: t(statusKey[s]) }))}
          />
        )}
        <Select<OrderPriority>
          allowClear
          style={{ width: 130 }}
          placeholder={t('woAnyPriority')}
          value={priority ?? undefined}
          onChange={(v: OrderPriority | undefined) => {
            set({ priority: v ?? null });
          }}
          options={priorities.map((p) => ({ value: p, label: t(priorityKey[p]) }))}
        />
        <Select<OrderSource>
          allowClear
          style={{ width: 130 }}
          placeholder={t('woAnySource')}
          value={source ?? undefined}
          onChange={(v: OrderSource | undefined) => {
            set({ source: v ?? null });
          }}
          options={sources.map((s) => ({ value: s, label: t(sourceKey[s]) }))}
        />
        <OrganisationSelect
          allowClear
          testId="filter-organisation"
          placeholder={t('woAnyOrganisation')}
          value={organisationId}
          onChange={(v) => {
            set({ organisationId: v ?? null, ...(v && tab !== 'all' ? { tab: 'all' } : {}) });
          }}
        />
        <Space size={4}>
          <Switch
            size="small"
            checked={overdue}
            data-testid="filter-overdue"
            onChange={(v) => {
              set({ overdue: v ? '1' : null });
            }}
          />
          {t('woOverdueOnly')}
        </Space>
      </Space>
      {organisationId && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="organisation-filter"
          title={t('woFilteredByOrganisation', { name: organisationName ?? organisationId })}
          action={
            <Button
              size="small"
              onClick={() => {
                set({ organisationId: null });
              }}
            >
              {t('woClearFilter')}
            </Button>
          }
        />
      )}
      {rule && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('woFilteredByRule', { rule })}
          action={
            <Button
              size="small"
              onClick={() => {
                set({ rule: null });
              }}
            >
              {t('woClearFilter')}
            </Button>
          }
        />
      )}
      {dispatcher && (
        <Space style={{ marginBottom: 12 }}>
          <Button
            icon={<SendOutlined />}
            data-testid="bulk-dispatch"
            disabled={selected.length === 0}
            onClick={() => {
              setBulk(true);
            }}
          >
            {t('woBulkDispatch')}
          </Button>
          {selected.length > 0 && (
            <Typography.Text type="secondary">{t('woSelected', { n: selected.length })}</Typography.Text>
          )}
        </Space>
      )}
      <Table<WorkOrder>
        rowKey="id"
        size="small"
        data-testid="orders-table"
        loading={list.loading}
        dataSource={items}
        locale={{ emptyText: t('woNoOrders') }}
        onRow={(o) => ({
          onClick: (event) => {
            // Ticking a row for bulk dispatch does not open it.
            if ((event.target as HTMLElement).closest('.ant-table-selection-column')) return;
            set({ id: o.id, page: String(page) });
          },
          style: { cursor: 'pointer' },
        })}
        rowSelection={
          dispatcher
            ? {
                selectedRowKeys: selected.map((o) => o.id),
                onChange: (_, rows) => {
                  setSelected(rows);
                },
                getCheckboxProps: (o) => ({ disabled: !movable.includes(o.status) }),
              }
            : undefined
        }
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: list.data?.total ?? 0,
          showSizeChanger: false,
          showTotal: (n) => t('total', { n }),
          onChange: (p) => {
            set({ page: String(p) });
          },
        }}
        columns={[
          {
            title: t('woTitle'),
            key: 'title',
            render: (_, o) => (
              <Space orientation="vertical" size={0}>
                <Typography.Link data-testid="order-link">{o.title}</Typography.Link>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t(sourceKey[o.source])}
                  {o.hukouNumber ? ` · ${o.hukouNumber}` : ''}
                  {o.escalationLevel > 0 ? ` · ${t('woEscalatedTimes', { n: o.escalationLevel })}` : ''}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: t('status'),
            key: 'status',
            width: 110,
            render: (_, o) => <StatusTag status={o.status} />,
          },
          {
            title: t('priority'),
            key: 'priority',
            width: 80,
            render: (_, o) => <PriorityTag priority={o.priority} />,
          },
          {
            title: t('woHandler'),
            key: 'handler',
            render: (_, o) =>
              o.organisationName ?? <Typography.Text type="secondary">{t('woUnassigned')}</Typography.Text>,
          },
          { title: t('area'), key: 'area', render: (_, o) => areaName(o.areaCode) },
          {
            title: t('woDueOn'),
            key: 'due',
            render: (_, o) => <ClockTag order={o} />,
          },
          {
            title: t('createdAt'),
            key: 'created',
            width: 160,
            render: (_, o) => when(o.createdAt),
          },
        ]}
      />
      {items.some((o) => o.clock === 'overdue') && (
        <Tag color="red" style={{ marginTop: 8 }}>
          {t('woOverdueOnPage', { n: items.filter((o) => o.clock === 'overdue').length })}
        </Tag>
      )}
      <WorkOrderDrawer
        id={openId}
        onClose={() => {
          set({ id: null, page: String(page) });
        }}
        onChanged={reloadAll}
      />
      {bulk && (
        <BulkDispatchDialog
          orders={selected}
          onClose={() => {
            setBulk(false);
          }}
          onDone={() => {
            setSelected([]);
            reloadAll();
          }}
        />
      )}
      {hotline && (
        <HotlineDialog
          onClose={() => {
            setHotline(false);
          }}
          onCreated={(id) => {
            setHotline(false);
            reloadAll();
            set({ id, page: String(page) });
          }}
        />
      )}
    </PageCard>
  );
}
