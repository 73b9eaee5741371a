import { useMemo, useState } from 'react';
import { Button, Card, Col, Row, Segmented, Statistic, Table, Tag, Typography } from 'antd';
import { useApi } from '../api/useApi.ts';
import { useAreaNames } from '../api/useAreaNames.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { PageCard } from '../components/PageCard.tsx';
import { EChart, type ChartOption } from '../components/EChart.tsx';
import { useHashRoute } from '../layout/useHashRoute.ts';
import { useLabel } from './policyLabels.tsx';
import { findingKindKey, findingKinds, type FindingKind } from './findingLabels.ts';
import { todayInChina } from '../i18n/dates.ts';

type Kind = FindingKind;
type LabelText = { zh: string; en: string };

interface Cockpit {
  counts: { kind: Kind; status: string; n: number }[];
  byTownship: { township: string; kind: Kind; status: string; n: number }[];
  byDepartment: { department: string; kind: Kind; open: number; total: number; label: LabelText }[];
  byCause: { cause: string; open: number; total: number; label: LabelText }[];
  ledger: {
    gapsFilled: number;
    gapsFound: number;
    householdsReached: number;
    subjectsReached: number;
    annualCommitted: number;
    oneOffCommitted: number;
    byMonth: { month: string; filled: number; annualCommitted: number }[];
    byTownship: { township: string; filled: number; householdsReached: number; annualCommitted: number }[];
  };
  period: { from: string; to: string };
  latestWarnings: {
    id: string;
    householdId: string;
    hukouNumber: string;
    policyName: LabelText;
    causeLabel: LabelText | null;
    personName: string | null;
    subject: string;
    areaCode: string;
    firstSeenAt: string;
  }[];
}

const isOpen = (status: string) => status === 'new' || status === 'assigned';

type Period = 'month' | 'quarter' | 'year' | 'last12';
const periodKey = {
  month: 'periodMonth',
  quarter: 'periodQuarter',
  year: 'periodYear',
  last12: 'periodLast12',
} as const;

/** The ledger's period up to today (Beijing time): its first day, as the API's `from`. */
function periodStart(period: Period, today: string): string {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const pad = (n: number) => String(n).padStart(2, '0');
  switch (period) {
    case 'month':
      return `${String(year)}-${pad(month)}-01`;
    case 'quarter':
      return `${String(year)}-${pad(Math.floor((month - 1) / 3) * 3 + 1)}-01`;
    case 'year':
      return `${String(year)}-01-01`;
    case 'last12': {
      // The day after the same date a year ago (29 February falls back to the 28th).
      const day = new Date(Date.UTC(year - 1, month - 1, Math.min(Number(today.slice(8, 10)), 28) + 1));
      return day.toISOString().slice(0, 10);
    }
  }
}

/**
 * The cockpit (issue 6): open findings by kind, township, department and cause of hardship; the
 * outcomes ledger (gaps filled, households reached, public money committed); and the latest
 * warnings, each leading to its household's explanation. Everything is within the viewer's area.
 */
export function CockpitPage() {
  const { t } = useLanguage();
  const label = useLabel();
  const [, go] = useHashRoute();
  const [period, setPeriod] = useState<Period>('year');
  const today = todayInChina();
  const { data, error, loading } = useApi<Cockpit>(
    `/discovery/cockpit?from=${periodStart(period, today)}&to=${today}`,
  );
  const townships = useMemo(
    () => [...new Set((data?.byTownship ?? []).map((r) => r.township))].sort(),
    [data],
  );
  const areaName = useAreaNames([
    ...townships,
    ...(data?.ledger.byTownship ?? []).map((r) => r.township),
    ...(data?.latestWarnings ?? []).map((w) => w.areaCode),
  ]);
  const open = (kind: Kind) =>
    (data?.counts ?? []).filter((c) => c.kind === kind && isOpen(c.status)).reduce((n, c) => n + c.n, 0);

  const townshipOption: ChartOption = {
    tooltip: { trigger: 'axis' },
    legend: { data: findingKinds.map((k) => t(findingKindKey[k])) },
    grid: { left: 40, right: 10, bottom: 60 },
    xAxis: { type: 'category', data: townships.map((c) => areaName(c)), axisLabel: { rotate: 40 } },
    yAxis: { type: 'value' },
    series: findingKinds.map((k) => ({
      name: t(findingKindKey[k]),
      type: 'bar',
      stack: 'open',
      data: townships.map((code) =>
        (data?.byTownship ?? [])
          .filter((r) => r.township === code && r.kind === k && isOpen(r.status))
          .reduce((n, r) => n + r.n, 0),
      ),
    })),
  };
  const causeOption: ChartOption = {
    tooltip: { trigger: 'item' },
    series: [
      {
        type: 'pie',
        radius: ['35%', '70%'],
        data: (data?.byCause ?? []).map((c) => ({ name: label(c.label), value: c.open })),
      },
    ],
  };
  const departments = [...new Set((data?.byDepartment ?? []).map((d) => d.department))];
  const departmentOption: ChartOption = {
    tooltip: { trigger: 'axis' },
    grid: { left: 110, right: 10 },
    xAxis: { type: 'value' },
    yAxis: {
      type: 'category',
      data: departments.map((code) => {
        const row = (data?.byDepartment ?? []).find((d) => d.department === code);
        return row ? label(row.label) : code;
      }),
    },
    series: [
      {
        type: 'bar',
        data: departments.map((code) =>
          (data?.byDepartment ?? []).filter((d) => d.department === code).reduce((n, d) => n + d.open, 0),
        ),
      },
    ],
  };
  const ledgerOption: ChartOption = {
    tooltip: { trigger: 'axis' },
    legend: { data: [t('gapsFilled'), t('annualCommitted')] },
    grid: { left: 60, right: 60 },
    xAxis: { type: 'category', data: (data?.ledger.byMonth ?? []).map((m) => m.month) },
    yAxis: [{ type: 'value' }, { type: 'value' }],
    series: [
      { name: t('gapsFilled'), type: 'bar', data: (data?.ledger.byMonth ?? []).map((m) => m.filled) },
      {
        name: t('annualCommitted'),
        type: 'line',
        yAxisIndex: 1,
        data: (data?.ledger.byMonth ?? []).map((m) => m.annualCommitted),
      },
    ],
  };

  return (
    <PageCard title={t('cockpit')} error={error}>
      <Row gutter={[16, 16]} data-testid="cockpit-numbers">
        {findingKinds.map((k) => (
          <Col key={k} xs={12} md={6}>
            <Card size="small" loading={loading}>
              <Statistic title={t(findingKindKey[k])} value={open(k)} data-testid={`open-${k}`} />
            </Card>
          </Col>
        ))}
        <Col xs={12} md={6}>
          <Card size="small" loading={loading}>
            <Statistic title={t('gapsFound')} value={data?.ledger.gapsFound ?? 0} data-testid="gaps-found" />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small" loading={loading}>
            <Statistic
              title={t('gapsFilled')}
              value={data?.ledger.gapsFilled ?? 0}
              data-testid="gaps-filled"
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small" loading={loading}>
            <Statistic title={t('householdsReached')} value={data?.ledger.householdsReached ?? 0} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small" loading={loading}>
            <Statistic title={t('annualCommitted')} value={data?.ledger.annualCommitted ?? 0} suffix="元" />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small" loading={loading}>
            <Statistic title={t('socialCommitted')} value={t('notYetMatched')} />
          </Card>
        </Col>
      </Row>
      <div style={{ marginTop: 8, display: 'flex', gap: 12, alignItems: 'center', flexWrap: 'wrap' }}>
        <Segmented
          data-testid="ledger-period"
          value={period}
          onChange={(v) => {
            setPeriod(v);
          }}
          options={(Object.keys(periodKey) as Period[]).map((p) => ({ value: p, label: t(periodKey[p]) }))}
        />
        {data && (
          <Typography.Text type="secondary" data-testid="ledger-period-text">
            {t('ledgerPeriod', { from: data.period.from, to: data.period.to })}
          </Typography.Text>
        )}
      </div>
      <Row gutter={[16, 16]} style={{ marginTop: 8 }}>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('findingsByTownship')}>
            <EChart option={townshipOption} testId="chart-townships" />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('warningsByCause')}>
            <EChart option={causeOption} testId="chart-causes" />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('findingsByDepartment')}>
            <EChart option={departmentOption} testId="chart-departments" />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('ledgerByMonth')}>
            <EChart option={ledgerOption} testId="chart-ledger" />
          </Card>
        </Col>
        <Col xs={24}>
          <Card size="small" title={t('ledgerByTownship')}>
            <Table
              rowKey="township"
              size="small"
              data-testid="ledger-townships"
              pagination={false}
              dataSource={data?.ledger.byTownship ?? []}
              columns={[
                { title: t('township'), key: 'township', render: (_, r) => areaName(r.township) },
                { title: t('gapsFilled'), dataIndex: 'filled' },
                { title: t('householdsReached'), dataIndex: 'householdsReached' },
                { title: t('annualCommitted'), dataIndex: 'annualCommitted' },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t('latestWarnings')} style={{ marginTop: 16 }}>
        <Table
          rowKey="id"
          size="small"
          data-testid="latest-warnings"
          pagination={false}
          dataSource={data?.latestWarnings ?? []}
          columns={[
            {
              title: t('policyName'),
              key: 'name',
              render: (_, w) => (
                <>
                  {label(w.policyName)} {w.causeLabel && <Tag>{label(w.causeLabel)}</Tag>}
                </>
              ),
            },
            { title: t('hukouNumber'), dataIndex: 'hukouNumber' },
            {
              title: t('findingSubject'),
              key: 'subject',
              render: (_, w) => (w.subject === 'household' ? t('household') : (w.personName ?? w.subject)),
            },
            { title: t('residenceArea'), key: 'area', render: (_, w) => areaName(w.areaCode) },
            {
              title: '',
              key: 'open',
              render: (_, w) => (
                <Button
                  size="small"
                  data-testid={`open-warning-${w.id}`}
                  onClick={() => {
                    go(`/policy-match?household=${w.householdId}`);
                  }}
                >
                  {t('openHouseholdMatch')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
    </PageCard>
  );
}
