import { useState } from 'react';
import { Alert, App, Button, DatePicker, Form, Input, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { DownloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { api, download, query } from '../api/client.ts';
import { errorText, useApi } from '../api/useApi.ts';
import { useSession } from '../session/SessionContext.tsx';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { PageCard } from '../components/PageCard.tsx';
import { when } from '../i18n/dates.ts';

interface AuditRecord {
  id: number;
  at: string;
  actor: string;
  actorName?: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  areaCode: string | null;
  ip: string | null;
  outcome: string;
  detail: unknown;
  hash: string;
}

interface Filter {
  actor?: string;
  action?: string;
  subjectId?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

interface Verification {
  ok: boolean;
  checked: number;
  problem?: { kind: string; id: number; message: string };
}

/**
 * The audit administrator's page: filter records by who, what, which subject and when;
 * export what the filter shows (the export is itself audited); verify the SM3 chain.
 */
export function AuditLogPage() {
  const { t } = useLanguage();
  const { can } = useSession();
  const { message } = App.useApp();
  const [filter, setFilter] = useState<Record<string, string | undefined>>({});
  const [verification, setVerification] = useState<Verification | null>(null);
  const path = `/audit${query({ ...filter, limit: 1000 })}`;
  const records = useApi<{ items: AuditRecord[]; total: number }>(path);

  const apply = (values: Filter) => {
    setFilter({
      actor: values.actor?.trim() || undefined,
      action: values.action?.trim() || undefined,
      subjectId: values.subjectId?.trim() || undefined,
      from: values.range?.[0]?.startOf('day').toISOString(),
      to: values.range?.[1]?.endOf('day').toISOString(),
    });
  };
  const verify = async () => {
    try {
      setVerification(await api<Verification>('GET', '/audit/verify'));
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  return (
    <PageCard
      title={t('auditLog')}
      error={records.error}
      extra={
        <Space>
          <Button
            icon={<SafetyCertificateOutlined />}
            onClick={() => void verify()}
            data-testid="verify-audit"
          >
            {t('verifyChain')}
          </Button>
          {can('audit:record:export') && (
            <Button
              icon={<DownloadOutlined />}
              data-testid="export-audit"
              onClick={() => {
                download(`/audit/export${query({ ...filter, limit: 5000 })}`, 'audit.csv').catch(
                  (e: unknown) => {
                    void message.error(errorText(e));
                  },
                );
              }}
            >
              {t('exportCsv')}
            </Button>
          )}
        </Space>
      }
    >
      {verification && (
        <Alert
          style={{ marginBottom: 16 }}
          showIcon
          data-testid="verify-result"
          type={verification.ok ? 'success' : 'error'}
          title={
            verification.ok
              ? t('chainIntact', { n: verification.checked })
              : t('chainBroken', { problem: verification.problem?.message ?? '' })
          }
        />
      )}
      <Form<Filter> layout="inline" onFinish={apply} style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item name="actor" label={t('actor')}>
          <Input allowClear style={{ width: 180 }} />
        </Form.Item>
        <Form.Item name="action" label={t('action')}>
          <Input
            allowClear
            placeholder="person.view"
            style={{ width: 160 }}
            data-testid="audit-action-filter"
          />
        </Form.Item>
        <Form.Item name="subjectId" label={t('subject')}>
          <Input allowClear style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="range" label={t('time')}>
          <DatePicker.RangePicker />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('search')}
        </Button>
      </Form>
      <Table<AuditRecord>
        rowKey="id"
        size="small"
        data-testid="audit-table"
        loading={records.loading}
        dataSource={records.data?.items ?? []}
        pagination={{ pageSize: 50, showTotal: (n) => t('total', { n }) }}
        expandable={{
          expandedRowRender: (r) => (
            <Typography.Paragraph style={{ margin: 0 }}>
              <code>{JSON.stringify(r.detail)}</code>
              <br />
              <Typography.Text type="secondary">SM3 {r.hash}</Typography.Text>
            </Typography.Paragraph>
          ),
        }}
        columns={[
          { title: '#', dataIndex: 'id', width: 70 },
          { title: t('time'), dataIndex: 'at', render: when },
          {
            title: t('actor'),
            key: 'actor',
            ellipsis: true,
            render: (_, r) => <span title={r.actor}>{r.actorName ?? r.actor}</span>,
          },
          { title: t('action'), dataIndex: 'action', render: (a: string) => <Tag>{a}</Tag> },
          {
            title: t('subject'),
            key: 'subject',
            ellipsis: true,
            render: (_, r) => (r.subjectType ? `${r.subjectType}:${r.subjectId ?? ''}` : '—'),
          },
          { title: t('area'), dataIndex: 'areaCode' },
          { title: t('address'), dataIndex: 'ip' },
          { title: t('outcome'), dataIndex: 'outcome' },
        ]}
      />
    </PageCard>
  );
}
