import { useMemo, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Col,
  Empty,
  Row,
  Segmented,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useApi } from '../api/useApi.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { PageCard } from '../components/PageCard.tsx';
import { EChart, type ChartOption } from '../components/EChart.tsx';
import { useLabel } from './policyLabels.tsx';
import type { Label } from '../api/types.ts';

export interface ModelSummary {
  id: string;
  version: number;
  name: Label;
  k: string;
  bands: { id: string; min: string; label: Label }[];
  dimensions: { id: string; name: Label; weight: string; weightValue: number; indicators: string[] }[];
  indicators: {
    id: string;
    dimension: string;
    name: Label;
    direction: 'below' | 'above' | 'flag';
    cutoff: number | null;
    unit: Label | null;
    weight: string;
    weightValue: number;
  }[];
}

export interface Measures {
  households: number;
  population: number;
  poor: number;
  H: number;
  A: number;
  M0: number;
  censored: number[];
  contributions: number[];
  missing: number[];
  dimensions: { id: string; contribution: number }[];
}

interface Change {
  before: number;
  after: number;
  absolute: number;
  relative: number | null;
}

interface AreaResult {
  model: ModelSummary;
  history: { runId: string; asOf: string; modelVersion: number; H: number; A: number; M0: number }[];
  change: { from: string; to: string; H: Change; A: Change; M0: Change } | null;
  byTag: {
    tag: string;
    groups: (Omit<Measures, 'dimensions'> & {
      state: 'yes' | 'no' | 'unknown';
      populationShare: number;
      contribution: number;
    })[];
  } | null;
  areaCode: string | null;
  assessedAt: string | null;
  pending: number;
  total: Measures;
  bands: { band: string | null; households: number; persons: number }[];
  areas: (Omit<Measures, 'dimensions'> & { code: string; name: string; contribution: number })[];
}

interface ModelList {
  models: { id: string; active: ModelSummary | null }[];
}

export const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
export const fixed = (x: number) => x.toFixed(4);

/**
 * Multidimensional hardship by area (issue 7): an active model's H, A and M0 over the caller's
 * area, decomposed over the areas one level down (click to descend); a heat map of the share
 * of people poor and deprived in each indicator by area; each indicator's and dimension's
 * contribution to M0, with how much of each indicator's data is missing.
 */
export function AssessmentPage() {
  const { t } = useLanguage();
  const label = useLabel();
  const models = useApi<ModelList>('/assessment/models');
  const active = (models.data?.models ?? []).filter((m) => m.active !== null);
  const [chosen, setChosen] = useState<string | null>(null);
  const modelId =
    chosen ?? active.find((m) => m.id === 'default_seven_dimensions')?.id ?? active[0]?.id ?? null;
  const [trail, setTrail] = useState<{ code: string; name: string }[]>([]);
  const area = trail.at(-1)?.code;
  const [tag, setTag] = useState<string | null>(null);
  const tags = useApi<{ tags: { code: string; entity: string; label: Label }[] }>('/portrait/definitions');
  const { data, error, loading } = useApi<AreaResult>(
    modelId
      ? `/assessment/areas?model=${modelId}${area ? `&area=${area}` : ''}${tag ? `&tag=${tag}` : ''}`
      : null,
  );
  const model = data?.model;
  const indicatorNames = useMemo(() => (model?.indicators ?? []).map((i) => label(i.name)), [model, label]);

  // M0 first, then each indicator's share of people poor and deprived: one scale, 0 to 1.
  const columns = ['M0', ...indicatorNames];
  const heatmap: ChartOption = {
    tooltip: {
      position: 'top',
      formatter: (p: { value: [number, number, number] }) =>
        `${data?.areas[p.value[1]]?.name ?? ''} · ${columns[p.value[0]] ?? ''}：${p.value[0] === 0 ? fixed(p.value[2]) : percent(p.value[2])}`,
    },
    grid: { left: 120, right: 20, top: 10, bottom: 120 },
    xAxis: { type: 'category', data: columns, axisLabel: { rotate: 50, interval: 0 } },
    // Top to bottom in the table's order (highest M0 first).
    yAxis: { type: 'category', inverse: true, data: (data?.areas ?? []).map((a) => a.name || a.code) },
    visualMap: {
      min: 0,
      max: Math.max(0.01, ...(data?.areas ?? []).flatMap((a) => [a.M0, ...a.censored])),
      calculable: true,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      formatter: (v: number) => percent(v),
    },
    series: [
      {
        type: 'heatmap',
        data: (data?.areas ?? []).flatMap((a, y) => [a.M0, ...a.censored].map((v, x) => [x, y, v])),
      },
    ],
  };
  const contributions: ChartOption = {
    tooltip: { trigger: 'axis' },
    legend: { data: [t('contributionShare'), t('missingShare')] },
    grid: { left: 150, right: 20 },
    xAxis: { type: 'value', axisLabel: { formatter: (v: number) => percent(v) } },
    yAxis: { type: 'category', data: indicatorNames, inverse: true },
    series: [
      { name: t('contributionShare'), type: 'bar', data: data?.total.contributions ?? [] },
      { name: t('missingShare'), type: 'bar', data: data?.total.missing ?? [] },
    ],
  };
  const dimensions: ChartOption = {
    tooltip: {
      trigger: 'item',
      formatter: (p: { name: string; value: number }) => `${p.name}：${percent(p.value)}`,
    },
    series: [
      {
        type: 'pie',
        radius: ['35%', '70%'],
        data: (data?.total.dimensions ?? []).map((d) => ({
          name: label(model?.dimensions.find((x) => x.id === d.id)?.name),
          value: d.contribution,
        })),
      },
    ],
  };
  const history: ChartOption = {
    tooltip: { trigger: 'axis' },
    legend: { data: ['H', 'M0'] },
    grid: { left: 50, right: 50 },
    xAxis: {
      type: 'category',
      data: (data?.history ?? []).map((h) => `${h.asOf} v${String(h.modelVersion)}`),
    },
    yAxis: [
      { type: 'value', axisLabel: { formatter: (v: number) => percent(v) } },
      { type: 'value', axisLabel: { formatter: (v: number) => v.toFixed(3) } },
    ],
    series: [
      { name: 'H', type: 'line', data: (data?.history ?? []).map((h) => h.H) },
      { name: 'M0', type: 'line', yAxisIndex: 1, data: (data?.history ?? []).map((h) => h.M0) },
    ],
  };
  const points = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
  const bandLabel = (band: string | null) =>
    band === null ? t('bandNone') : label(model?.bands.find((b) => b.id === band)?.label) || band;

  return (
    <PageCard
      title={t('assessment')}
      error={error ?? models.error}
      extra={
        active.length > 1 && (
          <Segmented
            data-testid="assessment-model"
            value={modelId ?? ''}
            onChange={(v) => {
              setChosen(v);
              setTrail([]);
            }}
            options={active.map((m) => ({ value: m.id, label: label(m.active?.name) }))}
          />
        )
      }
    >
      <Typography.Paragraph type="secondary">{t('assessmentHint')}</Typography.Paragraph>
      {data && data.total.households === 0 && <Empty description={t('noAssessment')} />}
      {data && data.pending > 0 && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('assessmentPending', { n: data.pending })}
        />
      )}
      <Space style={{ marginBottom: 12 }} wrap>
        {trail.length > 0 && (
          <Button
            data-testid="assessment-up"
            onClick={() => {
              setTrail(trail.slice(0, -1));
            }}
          >
            {t('backToParent')}
          </Button>
        )}
        {trail.map((step) => (
          <Tag key={step.code}>{step.name}</Tag>
        ))}
        {data?.assessedAt && model && (
          <Typography.Text type="secondary" data-testid="assessment-assessed-at">
            {t('assessedAt', {
              at: data.assessedAt.slice(0, 16).replace('T', ' '),
              version: model.version,
              k: model.k,
            })}
          </Typography.Text>
        )}
      </Space>
      <Row gutter={[16, 16]} data-testid="assessment-numbers">
        {(
          [
            ['headcountH', percent(data?.total.H ?? 0), 'H'],
            ['intensityA', percent(data?.total.A ?? 0), 'A'],
            ['adjustedM0', fixed(data?.total.M0 ?? 0), 'M0'],
            ['poorPersons', String(data?.total.poor ?? 0), 'poor'],
            ['assessedHouseholds', String(data?.total.households ?? 0), 'households'],
          ] as const
        ).map(([key, value, id]) => (
          <Col key={key} xs={12} md={8} lg={4}>
            <Card size="small" loading={loading}>
              <Statistic title={t(key)} value={value} data-testid={`assessment-${id}`} />
            </Card>
          </Col>
        ))}
        <Col xs={24} lg={4}>
          <Card size="small" title={t('bandsTitle')} loading={loading}>
            {(data?.bands ?? []).map((b) => (
              <div key={b.band ?? 'none'}>
                {bandLabel(b.band)}：{b.households}
              </div>
            ))}
          </Card>
        </Col>
      </Row>
      {(data?.history.length ?? 0) > 0 && (
        <Card size="small" title={t('historyTitle')} style={{ marginTop: 16 }}>
          {data?.change && (
            <Typography.Paragraph data-testid="assessment-change">
              {t('changeSince', {
                from: data.change.from,
                to: data.change.to,
                H: points(data.change.H.absolute),
                A: points(data.change.A.absolute),
                M0: `${data.change.M0.absolute >= 0 ? '+' : ''}${data.change.M0.absolute.toFixed(4)}`,
              })}
            </Typography.Paragraph>
          )}
          <EChart option={history} height={220} testId="assessment-history" />
        </Card>
      )}
      <Card size="small" title={t('areaTable')} style={{ marginTop: 16 }}>
        <Table
          rowKey="code"
          size="small"
          data-testid="assessment-areas"
          pagination={false}
          dataSource={data?.areas ?? []}
          columns={[
            {
              title: t('area'),
              key: 'name',
              render: (_, a) =>
                a.code.endsWith('000') ? (
                  <Button
                    type="link"
                    size="small"
                    data-testid={`assessment-area-${a.code}`}
                    onClick={() => {
                      setTrail([...trail, { code: a.code, name: a.name || a.code }]);
                    }}
                  >
                    {a.name || a.code}
                  </Button>
                ) : (
                  a.name || a.code
                ),
            },
            { title: t('households'), dataIndex: 'households' },
            { title: t('population'), dataIndex: 'population' },
            { title: t('poorPersons'), dataIndex: 'poor' },
            { title: 'H', key: 'H', render: (_, a) => percent(a.H) },
            { title: 'A', key: 'A', render: (_, a) => percent(a.A) },
            { title: 'M0', key: 'M0', render: (_, a) => fixed(a.M0) },
            { title: t('contributionShare'), key: 'c', render: (_, a) => percent(a.contribution) },
          ]}
        />
      </Card>
      <Card
        size="small"
        title={t('decomposeByTag')}
        style={{ marginTop: 16 }}
        extra={
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            style={{ width: 260 }}
            placeholder={t('chooseTag')}
            data-testid="assessment-tag"
            value={tag ?? undefined}
            onChange={(v: string | undefined) => {
              setTag(v ?? null);
            }}
            options={(tags.data?.tags ?? []).map((x) => ({ value: x.code, label: label(x.label) }))}
          />
        }
      >
        {data?.byTag ? (
          <Table
            rowKey="state"
            size="small"
            pagination={false}
            data-testid="assessment-by-tag"
            dataSource={data.byTag.groups}
            columns={[
              {
                title: t('portraitTags'),
                key: 'state',
                render: (_, g) =>
                  t(g.state === 'yes' ? 'tagWith' : g.state === 'no' ? 'tagWithout' : 'tagUnknown'),
              },
              { title: t('households'), dataIndex: 'households' },
              { title: t('population'), dataIndex: 'population' },
              { title: t('poorPersons'), dataIndex: 'poor' },
              { title: 'H', key: 'H', render: (_, g) => percent(g.H) },
              { title: 'A', key: 'A', render: (_, g) => percent(g.A) },
              { title: 'M0', key: 'M0', render: (_, g) => fixed(g.M0) },
              { title: t('contributionShare'), key: 'c', render: (_, g) => percent(g.contribution) },
            ]}
          />
        ) : (
          <Typography.Text type="secondary">{t('decomposeByTagHint')}</Typography.Text>
        )}
      </Card>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24}>
          <Card size="small" title={t('heatmapTitle')}>
            <EChart
              option={heatmap}
              height={Math.max(260, 28 * (data?.areas.length ?? 0) + 140)}
              testId="assessment-heatmap"
              onClick={({ value }) => {
                // A township's row goes one level down, as in the table.
                const area = Array.isArray(value) ? data?.areas[Number(value[1])] : undefined;
                if (area?.code.endsWith('000'))
                  setTrail([...trail, { code: area.code, name: area.name || area.code }]);
              }}
            />
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('indicatorContributions')}>
            <EChart
              option={contributions}
              height={Math.max(280, 22 * indicatorNames.length + 60)}
              testId="assessment-contributions"
            />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('dimensionContributions')}>
            <EChart option={dimensions} testId="assessment-dimensions" />
          </Card>
        </Col>
      </Row>
    </PageCard>
  );
}
