import { useMemo, useState } from 'react';
import { Card, Col, Input, Row, Statistic, Switch, Space, Table, Tag, Typography } from 'antd';
import { useApi } from '../api/useApi.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { useHashRoute } from '../layout/useHashRoute.ts';
import { PageCard } from '../components/PageCard.tsx';
import { EChart, type ChartOption } from '../components/EChart.tsx';
import { statusKey, type OrderStatus } from './workOrderModel.ts';

interface BoardRow {
  organisationId: string | null;
  name: string | null;
  kind: string | null;
  counts: Partial<Record<OrderStatus, number>>;
  open: number;
  overdue: number;
}

const kindKey: Record<string, MessageKey> = {
  bureau: 'kind_bureau',
  township_office: 'kind_township_office',
  village_committee: 'kind_village_committee',
  department: 'kind_department',
  partner: 'kind_partner',
};
/** The board's columns: where each organisation's orders stand. */
const columnsShown: OrderStatus[] = [
  'dispatched',
  'accepted',
  'in_progress',
  'paused',
  'returned',
  'resolved',
];
const chartColours: Partial<Record<OrderStatus, string>> = {
  dispatched: '#1677ff',
  accepted: '#13c2c2',
  in_progress: '#52c41a',
  paused: '#faad14',
  returned: '#eb2f96',
  resolved: '#722ed1',
};

/**
 * The dispatch board (issue 8): every organisation holding orders, with its orders by status,
 * how many are open and how many overdue; a click opens that organisation's orders.
 */
export function WorkBoardPage() {
  const { t } = useLanguage();
  const [, go] = useHashRoute();
  const board = useApi<{ organisations: BoardRow[] }>('/work-orders/board');
  const [onlyOpen, setOnlyOpen] = useState(true);
  const [q, setQ] = useState('');
  const all = board.data?.organisations ?? [];
  const rows = all.filter(
    (r) => (!onlyOpen || r.open > 0) && (!q.trim() || (r.name ?? t('woUnassigned')).includes(q.trim())),
  );
  const totalOpen = all.reduce((n, r) => n + r.open, 0);
  const totalOverdue = all.reduce((n, r) => n + r.overdue, 0);
  const waiting = all
    .filter((r) => r.organisationId === null)
    .reduce((n, r) => n + (r.counts.created ?? 0) + (r.counts.returned ?? 0), 0);
  const returned = all.reduce((n, r) => n + (r.counts.returned ?? 0), 0);
  const open = (r: BoardRow) => {
    go(
      r.organisationId
        ? `/work-orders?tab=all&organisationId=${r.organisationId}`
        : '/work-orders?tab=dispatch',
    );
  };
  const busiest = useMemo(
    () =>
      (board.data?.organisations ?? [])
        .filter((r) => r.organisationId !== null && r.open > 0)
        .slice(0, 15)
        .reverse(),
    [board.data],
  );
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: busiest.map((r) => r.name ?? '') },
      series: columnsShown.map((s) => ({
        name: t(statusKey[s]),
        type: 'bar',
        stack: 'open',
        itemStyle: { color: chartColours[s] },
        data: busiest.map((r) => r.counts[s] ?? 0),
      })),
    }),
    [busiest, t],
  );
  return (
    <PageCard title={t('workBoard')} error={board.error}>
      <Typography.Paragraph type="secondary">{t('woBoardHint')}</Typography.Paragraph>
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('woTotalOpen')} value={totalOpen} data-testid="board-open" />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={t('woTotalOverdue')}
              value={totalOverdue}
              styles={{ content: { color: totalOverdue ? '#cf1322' : undefined } }}
              data-testid="board-overdue"
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('woToDispatch')} value={waiting} data-testid="board-waiting" />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('woStatusReturned')} value={returned} />
          </Card>
        </Col>
      </Row>
      {busiest.length > 0 && (
        <Card size="small" title={t('woBoardChart')} style={{ marginBottom: 16 }}>
          <EChart option={option} height={Math.max(200, busiest.length * 28 + 60)} testId="chart-board" />
        </Card>
      )}
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={t('woSearchOrganisation')}
          style={{ width: 240 }}
          onSearch={setQ}
          onChange={(e) => {
            if (!e.target.value) setQ('');
          }}
        />
        <Space size={4}>
          <Switch size="small" checked={onlyOpen} onChange={setOnlyOpen} />
          {t('woOnlyWithOpen')}
        </Space>
      </Space>
      <Table<BoardRow>
        rowKey={(r) => r.organisationId ?? 'none'}
        size="small"
        data-testid="board-table"
        loading={board.loading}
        dataSource={rows}
        locale={{ emptyText: t('woNoOrders') }}
        pagination={{ pageSize: 20, showTotal: (n) => t('total', { n }) }}
        onRow={(r) => ({
          onClick: () => {
            open(r);
          },
          style: { cursor: 'pointer' },
        })}
        columns={[
          {
            title: t('woHandler'),
            key: 'name',
            render: (_, r) => (
              <Space size={4}>
                <Typography.Link data-testid="board-organisation">
                  {r.name ?? t('woUnassigned')}
                </Typography.Link>
                {r.kind && kindKey[r.kind] && <Tag>{t(kindKey[r.kind] ?? 'kind_partner')}</Tag>}
              </Space>
            ),
          },
          ...columnsShown.map((s) => ({
            title: t(statusKey[s]),
            key: s,
            align: 'right' as const,
            render: (_: unknown, r: BoardRow) => r.counts[s] ?? 0,
          })),
          {
            title: t('woOpen'),
            key: 'open',
            align: 'right',
            sorter: (a, b) => a.open - b.open,
            render: (_, r) => (
              <Typography.Text strong data-testid="board-open-count">
                {r.open}
              </Typography.Text>
            ),
          },
          {
            title: t('woOverdue'),
            key: 'overdue',
            align: 'right',
            sorter: (a, b) => a.overdue - b.overdue,
            render: (_, r) =>
              r.overdue ? (
                <Tag color="red" data-testid="board-overdue-count">
                  {r.overdue}
                </Tag>
              ) : (
                0
              ),
          },
        ]}
      />
    </PageCard>
  );
}
