import { useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Col,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Typography,
  message,
} from 'antd';
import { api, ApiError } from '../api/client.ts';
import { useApi } from '../api/useApi.ts';
import { useAreaNames } from '../api/useAreaNames.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { PageCard } from '../components/PageCard.tsx';
import { EChart, type ChartOption } from '../components/EChart.tsx';
import { useSession } from '../session/SessionContext.tsx';
import { useLabel } from './policyLabels.tsx';
import { todayInChina } from '../i18n/dates.ts';

type LabelText = { zh: string; en: string };

interface Parameter {
  name: string;
  label: LabelText;
  unit: string;
  type: string;
  current: { value: number | string | boolean; region: string; from: string } | null;
}

interface Scenario {
  name: string;
  parameter: string | undefined;
  region: string;
  from: string;
  value: number | null;
}

interface Outcome {
  name: string;
  gainers: number;
  losers: number;
  householdsGaining: number;
  householdsLosing: number;
  monthlyChange: number;
  annualChange: number;
  byTownship: { township: string; gainers: number; losers: number; annualChange: number }[];
  byPolicy: { policyId: string; name: LabelText; gainers: number; losers: number; annualChange: number }[];
}

/** One scenario's form: a parameter, the region it is set for, from when, and the new value. */
function ScenarioForm({
  scenario,
  parameters,
  onChange,
  testId,
}: {
  scenario: Scenario;
  parameters: Parameter[];
  onChange: (next: Scenario) => void;
  testId: string;
}) {
  const { t } = useLanguage();
  const label = useLabel();
  const chosen = parameters.find((p) => p.name === scenario.parameter);
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid={testId}>
      <Input
        value={scenario.name}
        maxLength={50}
        placeholder={t('scenarioName')}
        onChange={(e) => {
          onChange({ ...scenario, name: e.target.value });
        }}
      />
      <Select
        showSearch={{ optionFilterProp: 'label' }}
        style={{ width: '100%' }}
        placeholder={t('scenarioParameter')}
        value={scenario.parameter}
        onChange={(name: string) => {
          const p = parameters.find((x) => x.name === name);
          onChange({
            ...scenario,
            parameter: name,
            value: typeof p?.current?.value === 'number' ? p.current.value : null,
          });
        }}
        options={parameters
          .filter((p) => p.type === 'number' || p.type === 'integer')
          .map((p) => ({ value: p.name, label: `${label(p.label)}（${p.name}）` }))}
      />
      {chosen && (
        <Typography.Text type="secondary">
          {t('scenarioCurrent', { value: String(chosen.current?.value ?? '—'), unit: chosen.unit })}
        </Typography.Text>
      )}
      <Space wrap>
        <Input
          style={{ width: 150 }}
          prefix={`${t('parameterRegion')}：`}
          value={scenario.region}
          onChange={(e) => {
            onChange({ ...scenario, region: e.target.value });
          }}
        />
        <Input
          style={{ width: 190 }}
          prefix={`${t('parameterFrom')}：`}
          value={scenario.from}
          onChange={(e) => {
            onChange({ ...scenario, from: e.target.value });
          }}
        />
        <InputNumber
          style={{ width: 160 }}
          placeholder={t('parameterValue')}
          value={scenario.value}
          onChange={(value) => {
            onChange({ ...scenario, value: typeof value === 'number' ? value : null });
          }}
        />
      </Space>
    </Space>
  );
}

/**
 * What-if simulation (issue 6): change a parameter (e.g. the dibao standard +5 % from a date) in one
 * or two scenarios and see, over the households in your area, who gains or loses which policy
 * and what it costs a month and a year — side by side. Nothing is stored; findings are untouched.
 */
export function SimulationPage() {
  const { t } = useLanguage();
  const label = useLabel();
  const { area } = useSession();
  // Parameters are shown and set for the county the viewer works in.
  const county = (area?.code ?? '371082000000').slice(0, 6);
  const parameters = useApi<{ items: Parameter[] }>(`/parameters?area=${county}`);
  const blank = (name: string): Scenario => ({
    name,
    parameter: undefined,
    region: county,
    from: todayInChina(),
    value: null,
  });
  const [scenarios, setScenarios] = useState<Scenario[]>([blank(t('scenarioA')), blank(t('scenarioB'))]);
  const [result, setResult] = useState<Outcome[] | null>(null);
  const [running, setRunning] = useState(false);
  const names = useAreaNames((result ?? []).flatMap((o) => o.byTownship.map((t) => t.township)));
  const run = () => {
    const ready = scenarios.filter((s) => s.parameter && s.value !== null);
    if (ready.length === 0) {
      void message.warning(t('scenarioIncomplete'));
      return;
    }
    setRunning(true);
    api<{ scenarios: Outcome[] }>('POST', '/simulations', {
      scenarios: ready.map((s) => ({
        name: s.name || t('scenarioA'),
        changes: [{ name: s.parameter, region: s.region, from: s.from, value: s.value }],
      })),
    })
      .then((answer) => {
        setResult(answer.scenarios);
      })
      .catch((e: unknown) => {
        void message.error(e instanceof ApiError ? e.message : String(e));
      })
      .finally(() => {
        setRunning(false);
      });
  };
  const townships = [...new Set((result ?? []).flatMap((o) => o.byTownship.map((x) => x.township)))].sort();
  const chart: ChartOption = {
    tooltip: { trigger: 'axis' },
    legend: { data: (result ?? []).map((o) => o.name) },
    grid: { left: 70, right: 10, bottom: 60 },
    xAxis: { type: 'category', data: townships.map((c) => names(c)), axisLabel: { rotate: 40 } },
    yAxis: { type: 'value' },
    series: (result ?? []).map((o) => ({
      name: o.name,
      type: 'bar',
      data: townships.map((c) => o.byTownship.find((x) => x.township === c)?.annualChange ?? 0),
    })),
  };
  return (
    <PageCard title={t('simulation')} error={parameters.error}>
      <Typography.Paragraph type="secondary">{t('simulationHint')}</Typography.Paragraph>
      <Row gutter={[16, 16]}>
        {scenarios.map((s, i) => (
          <Col key={i} xs={24} lg={12}>
            <Card size="small">
              <ScenarioForm
                testId={`scenario-${String(i)}`}
                scenario={s}
                parameters={parameters.data?.items ?? []}
                onChange={(next) => {
                  setScenarios(scenarios.map((x, j) => (j === i ? next : x)));
                }}
              />
            </Card>
          </Col>
        ))}
      </Row>
      <Button
        type="primary"
        style={{ marginTop: 16 }}
        loading={running}
        onClick={run}
        data-testid="run-simulation"
      >
        {t('runSimulation')}
      </Button>
      {result && (
        <div data-testid="simulation-result" style={{ marginTop: 16 }}>
          <Row gutter={[16, 16]}>
            {result.map((o) => (
              <Col key={o.name} xs={24} lg={12}>
                <Card size="small" title={o.name} data-testid={`outcome-${o.name}`}>
                  <Space wrap size="large">
                    <Statistic title={t('gainers')} value={o.gainers} />
                    <Statistic title={t('losers')} value={o.losers} />
                    <Statistic title={t('householdsGaining')} value={o.householdsGaining} />
                    <Statistic title={t('monthlyChange')} value={o.monthlyChange} suffix="元" />
                    <Statistic title={t('annualChange')} value={o.annualChange} suffix="元" />
                  </Space>
                  <Table
                    rowKey="policyId"
                    size="small"
                    style={{ marginTop: 8 }}
                    pagination={{ pageSize: 8 }}
                    dataSource={o.byPolicy}
                    columns={[
                      { title: t('policyName'), key: 'name', render: (_, p) => label(p.name) },
                      { title: t('gainers'), dataIndex: 'gainers' },
                      { title: t('losers'), dataIndex: 'losers' },
                      { title: t('annualChange'), dataIndex: 'annualChange' },
                    ]}
                  />
                </Card>
              </Col>
            ))}
          </Row>
          <Card size="small" title={t('annualChangeByTownship')} style={{ marginTop: 16 }}>
            {townships.length === 0 ? (
              <Alert type="info" title={t('noChange')} />
            ) : (
              <EChart option={chart} testId="chart-simulation" />
            )}
          </Card>
        </div>
      )}
    </PageCard>
  );
}
