import { useMemo, useState } from 'react';
import {
  Card,
  Col,
  DatePicker,
  Empty,
  Progress,
  Row,
  Segmented,
  Space,
  Statistic,
  Table,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { query } from '../api/client.ts';
import { useApi } from '../api/useApi.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { todayInChina } from '../i18n/dates.ts';
import { useHashRoute } from '../layout/useHashRoute.ts';
import { PageCard } from '../components/PageCard.tsx';
import { EChart, type ChartOption } from '../components/EChart.tsx';
import type { WorkOrder } from './workOrderModel.ts';
import { ClockTag, PriorityTag, StatusTag } from './workOrderParts.tsx';

interface Sla {
  from: string;
  to: string;
  byOrganisation: {
    organisationId: string | null;
    name: string | null;
    resolved: number;
    onTime: number;
    rate: number | null;
  }[];
  overdue: WorkOrder[];
  returnsByRule: { rule: string; name: string; routed: number; returned: number; rate: number }[];
}

type Period = 'month' | 'quarter' | 'year' | 'custom';

function periodStart(period: Exclude<Period, 'custom'>, today: string): string {
  if (period === 'year') return `${today.slice(0, 4)}-01-01`;
  if (period === 'month') return `${today.slice(0, 7)}-01`;
  const month = Number(today.slice(5, 7));
  const first = month - ((month - 1) % 3);
  return `${today.slice(0, 4)}-${String(first).padStart(2, '0')}-01`;
}

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);

/**
 * The SLA dashboard (issue 8): how many orders each organisation resolved in the period and how
 * many of those by their due date; the orders overdue now; and how often each routing rule's
 * orders came back as wrongly routed, so the rules can be fixed.
 */
export function WorkSlaPage() {
  const { t } = useLanguage();
  const [, go] = useHashRoute();
  const [period, setPeriod] = useState<Period>('year');
  const [range, setRange] = useState<[string, string] | null>(null);
  const today = todayInChina();
  const from = period === 'custom' ? range?.[0] : periodStart(period, today);
  const to = period === 'custom' ? range?.[1] : today;
  const sla = useApi<Sla>(`/work-orders/sla${query({ from, to })}`);
  const data = sla.data;
  const resolved = (data?.byOrganisation ?? []).reduce((n, r) => n + r.resolved, 0);
  const onTime = (data?.byOrganisation ?? []).reduce((n, r) => n + r.onTime, 0);
  const rated = useMemo(
    () =>
      (data?.byOrganisation ?? [])
        .filter((r) => r.rate !== null)
        .slice(0, 20)
        .reverse(),
    [data],
  );
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (v: unknown) => `${String(v)}%`,
      },
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      yAxis: { type: 'category', data: rated.map((r) => r.name ?? t('woUnassigned')) },
      series: [
        {
          name: t('woOnTimeRate'),
          type: 'bar',
          label: { show: true, position: 'right', formatter: '{c}%' },
          data: rated.map((r) => {
            const value = Math.round((r.rate ?? 0) * 1000) / 10;
            return {
              value,
              itemStyle: { color: value >= 90 ? '#52c41a' : value >= 70 ? '#faad14' : '#cf1322' },
            };
          }),
        },
      ],
    }),
    [rated, t],
  );
  const openOrder = (id: string) => {
    go(`/work-orders?tab=all&id=${id}`);
  };
  return (
    <PageCard
      title={t('workSla')}
      error={sla.error}
      extra={
        <Space wrap>
          <Segmented<Period>
            data-testid="sla-period"
            value={period}
            onChange={setPeriod}
            options={[
              { value: 'month', label: t('periodMonth') },
              { value: 'quarter', label: t('periodQuarter') },
              { value: 'year', label: t('periodYear') },
              { value: 'custom', label: t('woCustomPeriod') },
            ]}
          />
          {period === 'custom' && (
            <DatePicker.RangePicker
              onChange={(values: [Dayjs | null, Dayjs | null] | null) => {
                const [a, b] = values ?? [null, null];
                setRange(a && b ? [a.format('YYYY-MM-DD'), b.format('YYYY-MM-DD')] : null);
              }}
            />
          )}
        </Space>
      }
    >
      <Typography.Paragraph type="secondary" data-testid="sla-period-text">
        {data ? t('woPeriodText', { from: data.from, to: data.to }) : ''}
        {t('woSlaHint')}
      </Typography.Paragraph>
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('woResolvedCount')} value={resolved} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('woOnTimeCount')} value={onTime} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small" data-testid="sla-rate">
            <Statistic title={t('woOnTimeRate')} value={resolved ? percent(onTime / resolved) : '—'} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small" data-testid="sla-overdue-count">
            <Statistic
              title={t('woOverdueList')}
              value={data?.overdue.length ?? 0}
              styles={{ content: { color: data?.overdue.length ? '#cf1322' : undefined } }}
            />
          </Card>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('woSlaChart')} style={{ marginBottom: 16 }}>
            {rated.length ? (
              <EChart option={option} height={Math.max(200, rated.length * 28 + 40)} testId="chart-sla" />
            ) : (
              <Empty description={t('woNoResolved')} />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('woByOrganisation')} style={{ marginBottom: 16 }}>
            <Table
              rowKey={(r) => r.organisationId ?? 'none'}
              size="small"
              data-testid="sla-table"
              dataSource={data?.byOrganisation ?? []}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              locale={{ emptyText: t('woNoResolved') }}
              columns={[
                { title: t('woHandler'), key: 'name', render: (_, r) => r.name ?? t('woUnassigned') },
                { title: t('woResolvedCount'), dataIndex: 'resolved', align: 'right' },
                { title: t('woOnTimeCount'), dataIndex: 'onTime', align: 'right' },
                {
                  title: t('woOnTimeRate'),
                  key: 'rate',
                  width: 160,
                  render: (_, r) =>
                    r.rate === null ? (
                      '—'
                    ) : (
                      <Progress
                        size="small"
                        percent={Math.round(r.rate * 1000) / 10}
                        status={r.rate < 0.7 ? 'exception' : 'normal'}
                        data-rate={r.rate}
                      />
                    ),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t('woOverdueList')} style={{ marginBottom: 16 }}>
        <Table<WorkOrder>
          rowKey="id"
          size="small"
          data-testid="sla-overdue"
          dataSource={data?.overdue ?? []}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          locale={{ emptyText: t('woNoOverdue') }}
          onRow={(o) => ({
            onClick: () => {
              openOrder(o.id);
            },
            style: { cursor: 'pointer' },
          })}
          columns={[
            {
              title: t('woTitle'),
              key: 'title',
              render: (_, o) => <Typography.Link>{o.title}</Typography.Link>,
            },
            { title: t('status'), key: 'status', render: (_, o) => <StatusTag status={o.status} /> },
            {
              title: t('priority'),
              key: 'priority',
              render: (_, o) => <PriorityTag priority={o.priority} />,
            },
            { title: t('woHandler'), key: 'handler', render: (_, o) => o.organisationName ?? '—' },
            { title: t('woDueOn'), key: 'due', render: (_, o) => <ClockTag order={o} /> },
            { title: t('woEscalations'), dataIndex: 'escalationLevel', align: 'right' },
          ]}
        />
      </Card>
      <Card size="small" title={t('woReturnsByRule')}>
        <Typography.Paragraph type="secondary">{t('woReturnsHint')}</Typography.Paragraph>
        <Table
          rowKey="rule"
          size="small"
          data-testid="sla-returns"
          dataSource={data?.returnsByRule ?? []}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          locale={{ emptyText: t('woNoReturns') }}
          onRow={(r) => ({
            onClick: () => {
              go(`/work-orders?tab=all&rule=${encodeURIComponent(r.rule)}`);
            },
            style: { cursor: 'pointer' },
          })}
          columns={[
            {
              title: t('woRule'),
              key: 'name',
              render: (_, r) => (
                <Space orientation="vertical" size={0}>
                  <Typography.Link>{r.name}</Typography.Link>
                  <Typography.Text type="secondary" code>
                    {r.rule}
                  </Typography.Text>
                </Space>
              ),
            },
            { title: t('woRuleRouted'), dataIndex: 'routed', align: 'right' },
            { title: t('woRuleReturned'), dataIndex: 'returned', align: 'right' },
            {
              title: t('woReturnRate'),
              key: 'rate',
              width: 160,
              render: (_, r) => (
                <Progress
                  size="small"
                  percent={Math.round(r.rate * 1000) / 10}
                  status={r.rate > 0.2 ? 'exception' : 'normal'}
                />
              ),
            },
          ]}
        />
      </Card>
    </PageCard>
  );
}
