import { useState } from 'react';
import {
  App,
  Alert,
  Button,
  Card,
  Checkbox,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  Modal,
  Radio,
  Row,
  Table,
  Tag,
} from 'antd';
import { api, query } from '../api/client.ts';
import type { Person } from '../api/types.ts';
import { errorText, useApi } from '../api/useApi.ts';
import { useAreaNames } from '../api/useAreaNames.ts';
import { useSession } from '../session/SessionContext.tsx';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { PageCard } from '../components/PageCard.tsx';

interface Candidate {
  kind: 'id_upgrade' | 'name_birth';
  kindLabel: string;
  differentIdNumbers: boolean;
  first: Person;
  second: Person;
}

interface Merge {
  id: string;
  survivorId: string;
  duplicateId: string;
  survivorName: string;
  duplicateName: string;
  reason: string;
  confirmedDifferentIds: boolean;
  mergedByName: string | null;
  mergedAt: string;
  moved: Record<string, number>;
  status: 'merged' | 'split';
  splitByName: string | null;
  splitAt: string | null;
  splitReason: string | null;
}

const pageSize = 20;
const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '—');

/**
 * Likely duplicate persons in the area the console looks at (masked), compared side by side;
 * merged into the one kept, with a reason; and the history of a person's merges, where a wrong
 * merge is split back. Needs `registry:person:merge`.
 */
export function PersonMergesPage() {
  const { area } = useSession();
  const { t } = useLanguage();
  const { message } = App.useApp();
  const [page, setPage] = useState(1);
  const [pair, setPair] = useState<Candidate | null>(null);
  const [survivorId, setSurvivorId] = useState<string>('');
  const [historyOf, setHistoryOf] = useState<string | null>(null);
  const [splitting, setSplitting] = useState<Merge | null>(null);
  const [form] = Form.useForm<{ reason: string; confirm?: boolean }>();
  const candidates = useApi<{ items: Candidate[]; total: number }>(
    area
      ? `/person-merge-candidates${query({ area: area.code, limit: pageSize, offset: (page - 1) * pageSize })}`
      : null,
  );
  const history = useApi<{ items: Merge[] }>(historyOf ? `/persons/${historyOf}/merges` : null);
  const areaName = useAreaNames(
    (candidates.data?.items ?? []).flatMap((c) => [c.first.residenceAreaCode, c.second.residenceAreaCode]),
  );

  const compare = (c: Candidate) => {
    setPair(c);
    setSurvivorId(c.first.id);
    setHistoryOf(c.first.id);
    form.resetFields();
  };

  const merge = async (values: { reason: string; confirm?: boolean }) => {
    if (!pair) return;
    const duplicateId = survivorId === pair.first.id ? pair.second.id : pair.first.id;
    try {
      await api('POST', '/person-merges', {
        survivorId,
        duplicateId,
        reason: values.reason,
        ...(pair.differentIdNumbers ? { confirmDifferentIds: values.confirm === true } : {}),
      });
      void message.success(t('merged'));
      setPair(null);
      setHistoryOf(survivorId);
      history.reload();
      candidates.reload();
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  const split = async ({ reason }: { reason: string }) => {
    if (!splitting) return;
    try {
      await api('POST', `/person-merges/${splitting.id}/split`, { reason });
      void message.success(t('splitDone'));
      setSplitting(null);
      history.reload();
      candidates.reload();
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  const personCell = (p: Person) => (
    <span>
      {p.name} · <code>{p.idNumberMasked}</code> · {p.birthDate} · {areaName(p.residenceAreaCode)}
    </span>
  );

  const side = (p: Person, label: string) => (
    <Col span={12}>
      <Card
        size="small"
        title={label}
        extra={
          <Radio
            checked={survivorId === p.id}
            onChange={() => {
              setSurvivorId(p.id);
            }}
            data-testid={`keep-${p.id}`}
          >
            {t('keepAsSurvivor')}
          </Radio>
        }
      >
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t('name')}>{p.name}</Descriptions.Item>
          <Descriptions.Item label={t('idNumber')}>
            <code>{p.idNumberMasked}</code>
          </Descriptions.Item>
          <Descriptions.Item label={t('sex')}>{t(p.sex)}</Descriptions.Item>
          <Descriptions.Item label={t('birthDate')}>{p.birthDate}</Descriptions.Item>
          <Descriptions.Item label={t('residenceArea')}>{areaName(p.residenceAreaCode)}</Descriptions.Item>
          <Descriptions.Item label={t('hukouArea')}>{areaName(p.hukouAreaCode)}</Descriptions.Item>
          <Descriptions.Item label={t('phone')}>{p.phoneMasked ?? '—'}</Descriptions.Item>
        </Descriptions>
      </Card>
    </Col>
  );

  return (
    <PageCard title={`${t('personMerges')} · ${area?.name ?? ''}`} error={candidates.error}>
      <h4>{t('mergeCandidates')}</h4>
      <Table<Candidate>
        rowKey={(c) => `${c.first.id}:${c.second.id}`}
        size="small"
        data-testid="merge-candidates-table"
        loading={candidates.loading}
        dataSource={candidates.data?.items ?? []}
        locale={{ emptyText: <Empty description={t('noMergeCandidates')} /> }}
        pagination={{
          current: page,
          pageSize,
          total: candidates.data?.total ?? 0,
          showSizeChanger: false,
          showTotal: (n) => t('total', { n }),
          onChange: setPage,
        }}
        columns={[
          {
            title: t('mergeKind'),
            key: 'kind',
            render: (_: unknown, c) => (
              <Tag color={c.kind === 'id_upgrade' ? 'red' : 'orange'}>{c.kindLabel}</Tag>
            ),
          },
          { title: t('personA'), key: 'first', render: (_: unknown, c) => personCell(c.first) },
          { title: t('personB'), key: 'second', render: (_: unknown, c) => personCell(c.second) },
          {
            title: t('actions'),
            key: 'actions',
            render: (_: unknown, c) => (
              <Button
                size="small"
                data-testid={`compare-${c.first.id}`}
                onClick={() => {
                  compare(c);
                }}
              >
                {t('compare')}
              </Button>
            ),
          },
        ]}
      />
      {pair && (
        <Card size="small" title={t('compareTitle')} style={{ marginTop: 16 }} data-testid="merge-compare">
          <Row gutter={16}>
            {side(pair.first, t('personA'))}
            {side(pair.second, t('personB'))}
          </Row>
          <Form form={form} layout="vertical" style={{ marginTop: 16 }} onFinish={(v) => void merge(v)}>
            {pair.differentIdNumbers && (
              <>
                <Alert
                  type="warning"
                  showIcon
                  title={t('differentIdsWarning')}
                  style={{ marginBottom: 12 }}
                />
                <Form.Item
                  name="confirm"
                  valuePropName="checked"
                  rules={[
                    {
                      validator: (_, v) =>
                        v === true ? Promise.resolve() : Promise.reject(new Error(t('required'))),
                    },
                  ]}
                >
                  <Checkbox data-testid="merge-confirm">{t('confirmDifferentIds')}</Checkbox>
                </Form.Item>
              </>
            )}
            <Form.Item
              name="reason"
              label={t('mergeReason')}
              rules={[{ required: true, min: 2, message: t('required') }]}
            >
              <Input.TextArea rows={2} maxLength={200} data-testid="merge-reason" />
            </Form.Item>
            <Button type="primary" danger htmlType="submit" data-testid="merge-submit">
              {t('merge')}
            </Button>
          </Form>
        </Card>
      )}
      {historyOf && (
        <>
          <h4 style={{ marginTop: 24 }}>{t('mergeHistory')}</h4>
          <Table<Merge>
            rowKey="id"
            size="small"
            data-testid="merge-history-table"
            loading={history.loading}
            dataSource={history.data?.items ?? []}
            locale={{ emptyText: <Empty description={t('noMergeHistory')} /> }}
            pagination={false}
            columns={[
              { title: t('mergedAt'), dataIndex: 'mergedAt', render: (v: string) => when(v) },
              { title: t('survivor'), dataIndex: 'survivorName' },
              { title: t('duplicate'), dataIndex: 'duplicateName' },
              { title: t('mergeReason'), dataIndex: 'reason' },
              { title: t('operator'), dataIndex: 'mergedByName' },
              {
                title: t('movedRows'),
                dataIndex: 'moved',
                render: (moved: Record<string, number>) => Object.values(moved).reduce((a, b) => a + b, 0),
              },
              {
                title: t('status'),
                key: 'status',
                render: (_: unknown, m) =>
                  m.status === 'split' ? (
                    <Tag>{`${t('split')} · ${when(m.splitAt)} · ${m.splitReason ?? ''}`}</Tag>
                  ) : (
                    <Tag color="blue">{t('merged')}</Tag>
                  ),
              },
              {
                title: t('actions'),
                key: 'actions',
                render: (_: unknown, m) =>
                  m.status === 'merged' ? (
                    <Button
                      size="small"
                      danger
                      data-testid={`split-${m.id}`}
                      onClick={() => {
                        setSplitting(m);
                      }}
                    >
                      {t('split')}
                    </Button>
                  ) : null,
              },
            ]}
          />
        </>
      )}
      <Modal
        open={splitting !== null}
        title={`${t('split')} · ${splitting?.survivorName ?? ''}`}
        footer={null}
        destroyOnHidden
        onCancel={() => {
          setSplitting(null);
        }}
      >
        <Form<{ reason: string }> layout="vertical" onFinish={(v) => void split(v)}>
          <Form.Item
            name="reason"
            label={t('splitReason')}
            rules={[{ required: true, min: 2, message: t('required') }]}
          >
            <Input.TextArea rows={2} maxLength={200} data-testid="split-reason" />
          </Form.Item>
          <Button type="primary" danger htmlType="submit" data-testid="split-submit">
            {t('split')}
          </Button>
        </Form>
      </Modal>
    </PageCard>
  );
}
