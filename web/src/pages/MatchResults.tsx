import { useState } from 'react';
import { Alert, Button, List, Segmented, Space, Table, Tag, Typography } from 'antd';
import type {
  CriterionResult,
  InputUsed,
  ParameterUsed,
  PolicyList,
  PolicyMatch,
  PolicyResult,
} from '../api/types.ts';
import { useApi } from '../api/useApi.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { useHashRoute } from '../layout/useHashRoute.ts';
import { OutcomeTag, periodKey, useLabel, valueText } from './policyLabels.tsx';

const stateMark: Record<CriterionResult['state'], { mark: string; color: string }> = {
  yes: { mark: '✓', color: 'green' },
  no: { mark: '✗', color: 'red' },
  unknown: { mark: '?', color: 'gold' },
};

/** Why (exported for findings, which keep the same explanation): each criterion's state, the data and parameters it read (with source and date), the distance to the line. */
export function Explanation({
  result,
  inputs: described,
  parameters: parameterValues,
}: {
  result: PolicyResult;
  inputs: PolicyMatch['inputs'];
  parameters: PolicyMatch['parameters'];
}) {
  const { t } = useLanguage();
  const label = useLabel();
  // The match describes each input and parameter once; a criterion cites them by ref.
  const own = described.persons[result.subject] ?? {};
  const inputsOf = (c: CriterionResult): InputUsed[] =>
    c.inputs.flatMap((ref) => own[ref] ?? described.household[ref] ?? []);
  const parametersOf = (c: CriterionResult): ParameterUsed[] =>
    c.parameters.flatMap((name) => parameterValues[name] ?? []);
  return (
    <div data-testid={`explain-${result.policyId}-${result.subject}`}>
      {result.exception && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 8 }}
          title={t('exceptionApplied', { label: label(result.exception.label) })}
        />
      )}
      <List
        size="small"
        dataSource={result.criteria}
        renderItem={(c) => (
          <List.Item data-state={c.state}>
            <Space orientation="vertical" size={2} style={{ width: '100%' }}>
              <Space wrap>
                <Tag color={stateMark[c.state].color}>{stateMark[c.state].mark}</Tag>
                <Typography.Text strong>{label(c.label)}</Typography.Text>
                {c.distance && (
                  <Typography.Text type="secondary">
                    {t('distanceToLine', { difference: valueText(c.distance.difference) })}
                  </Typography.Text>
                )}
              </Space>
              {c.message && <Typography.Text type="danger">{label(c.message)}</Typography.Text>}
              {c.inputs.length > 0 && (
                <Typography.Text type="secondary">
                  {t('inputsUsed')}：
                  {inputsOf(c)
                    .map(
                      (i) =>
                        `${label(i.label)} ${valueText(i.value)}${i.unit ? i.unit : ''}${
                          i.source
                            ? `（${t('sourceOn', { source: i.source.source, date: i.source.observedAt })}）`
                            : ''
                        }`,
                    )
                    .join('；')}
                </Typography.Text>
              )}
              {c.parameters.length > 0 && (
                <Typography.Text type="secondary">
                  {t('parametersUsed')}：
                  {parametersOf(c)
                    .map(
                      (p) =>
                        `${label(p.label)} ${valueText(p.value)}${p.unit}（${p.region === 'CN' ? t('national') : (p.region ?? '—')}，${p.from ?? '—'}${
                          p.confirmed === false ? `，${t('unconfirmed')}` : ''
                        }）`,
                    )
                    .join('；')}
                </Typography.Text>
              )}
            </Space>
          </List.Item>
        )}
      />
      {result.missing.length > 0 && (
        <Typography.Paragraph data-testid="missing-inputs">
          {t('missingInputs')}：{result.missing.map((m) => label(m.label)).join('、')}
        </Typography.Paragraph>
      )}
      {result.amount && (
        <Typography.Paragraph>
          {t('amount')}：{valueText(result.amount.value)} 元（{t(periodKey[result.amount.period])}）——
          {label(result.amount.explain)}
        </Typography.Paragraph>
      )}
    </div>
  );
}

/** A match's tally, the gaps filter and the table of results, each row expandable into its explanation. */
export function MatchResults({ match, loading }: { match: PolicyMatch | null; loading: boolean }) {
  const { t } = useLanguage();
  const label = useLabel();
  const [, go] = useHashRoute();
  const [filter, setFilter] = useState<'all' | 'gaps'>('all');
  const pool = useApi<PolicyList>('/policies');
  const policies = new Map((pool.data?.items ?? []).map((p) => [p.id, p]));
  const memberName = new Map(
    (match?.members ?? []).map((m) => [
      m.id,
      `${m.name ?? m.id}${m.deceased ? `（${t('deceasedMark')}）` : ''}`,
    ]),
  );
  const rows = (match?.results ?? []).filter((r) => filter === 'all' || r.gap);
  return (
    <>
      {match && (
        <Space style={{ display: 'flex', margin: '8px 0' }} wrap>
          <Typography.Text data-testid="match-tally">{t('matchTally', { ...match.tally })}</Typography.Text>
          <Segmented
            value={filter}
            onChange={(v) => {
              setFilter(v as 'all' | 'gaps');
            }}
            options={[
              { value: 'all', label: t('showAll') },
              { value: 'gaps', label: t('onlyGaps') },
            ]}
          />
        </Space>
      )}
      <Table<PolicyResult>
        rowKey={(r) => `${r.policyId}|${r.subject}`}
        size="small"
        loading={loading}
        dataSource={rows}
        data-testid="match-table"
        pagination={{ pageSize: 30, showSizeChanger: false }}
        expandable={{
          expandedRowRender: (r) =>
            match && <Explanation result={r} inputs={match.inputs} parameters={match.parameters} />,
        }}
        columns={[
          {
            title: '',
            key: 'outcome',
            width: 120,
            render: (_, r) => (
              <Space size={4}>
                <OutcomeTag outcome={r.outcome} />
                {r.gap && <Tag color="magenta">{t('gap')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('policyName'),
            key: 'name',
            render: (_, r) => (
              <Button
                type="link"
                size="small"
                onClick={() => {
                  go(`/policies?id=${r.policyId}`);
                }}
              >
                {label(policies.get(r.policyId)?.name) || r.policyId}
              </Button>
            ),
          },
          {
            title: t('subject'),
            key: 'subject',
            render: (_, r) =>
              r.subject === 'household' ? t('household') : (memberName.get(r.subject) ?? r.subject),
          },
          {
            title: t('policyDepartment'),
            key: 'department',
            render: (_, r) => label(policies.get(r.policyId)?.departmentLabel),
          },
          {
            title: t('amount'),
            key: 'amount',
            render: (_, r) =>
              r.amount ? `${valueText(r.amount.value)} 元/${t(periodKey[r.amount.period])}` : '—',
          },
          {
            title: t('receiving'),
            key: 'receiving',
            render: (_, r) => (r.receiving === null ? '—' : r.receiving ? t('yes') : t('no')),
          },
        ]}
      />
    </>
  );
}
