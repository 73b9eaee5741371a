import { useState } from 'react';
import { Alert, Button, Card, Input, InputNumber, Select, Space, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { api, ApiError } from '../api/client.ts';
import type { Label, PolicyMatch } from '../api/types.ts';
import { errorText, useApi } from '../api/useApi.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { PageCard } from '../components/PageCard.tsx';
import { MatchResults } from './MatchResults.tsx';
import { useLabel } from './policyLabels.tsx';
import { todayInChina } from '../i18n/dates.ts';

interface Variable {
  name: string;
  label: Label;
  type: string;
  unit: string | null;
  event: boolean;
  list: boolean;
}
interface Vocabulary {
  household: Variable[];
  person: Variable[];
}
type FieldValue = number | string | boolean | string[] | null;
interface Row {
  field: string | null;
  value: FieldValue;
}

const today = todayInChina;

/** A worked example: an elderly person, a working-age adult and a pupil on a low income. */
const EXAMPLE: { h: Row[]; members: Row[][] } = {
  h: [
    { field: 'member_count', value: 3 },
    { field: 'monthly_income_per_capita', value: 600 },
    { field: 'deposits_total', value: 1000 },
    { field: 'vehicles', value: 0 },
    { field: 'assistance_types', value: [] },
  ],
  members: [
    [
      { field: 'age', value: 72 },
      { field: 'children_unable_to_support', value: true },
    ],
    [{ field: 'age', value: 40 }],
    [{ field: 'age', value: 10 }],
  ],
};

/** The input for one variable, by its type. */
function ValueInput({
  variable,
  value,
  onChange,
  testId,
}: {
  variable: Variable | undefined;
  value: FieldValue;
  onChange: (value: FieldValue) => void;
  testId: string;
}) {
  const { t } = useLanguage();
  if (!variable) return <Input disabled style={{ width: 200 }} data-testid={testId} />;
  if (variable.list)
    return (
      <Select
        mode="tags"
        style={{ width: 240 }}
        value={Array.isArray(value) ? value : []}
        onChange={(v: string[]) => {
          onChange(v);
        }}
        data-testid={testId}
      />
    );
  if (variable.type === 'boolean')
    return (
      <Select
        style={{ width: 120 }}
        value={typeof value === 'boolean' ? String(value) : undefined}
        onChange={(v: string) => {
          onChange(v === 'true');
        }}
        options={[
          { value: 'true', label: t('yes') },
          { value: 'false', label: t('no') },
        ]}
        data-testid={testId}
      />
    );
  if (variable.type === 'integer' || variable.type === 'number' || variable.type === 'money')
    return (
      <InputNumber
        style={{ width: 200 }}
        value={typeof value === 'number' ? value : null}
        precision={variable.type === 'integer' ? 0 : undefined}
        suffix={variable.unit ?? undefined}
        onChange={(v) => {
          onChange(typeof v === 'number' ? v : null);
        }}
        data-testid={testId}
      />
    );
  return (
    <Input
      style={{ width: 200 }}
      value={typeof value === 'string' ? value : ''}
      placeholder={variable.type === 'date' ? 'YYYY-MM-DD' : variable.type === 'code' ? t('codeValue') : ''}
      onChange={(e) => {
        onChange(e.target.value === '' ? null : e.target.value);
      }}
      data-testid={testId}
    />
  );
}

/** Rows of variable = value, each removable, with a row to add. */
function FieldRows({
  rows,
  variables,
  onChange,
  prefix,
}: {
  rows: Row[];
  variables: Variable[];
  onChange: (rows: Row[]) => void;
  prefix: string;
}) {
  const { t } = useLanguage();
  const label = useLabel();
  const byName = new Map(variables.map((v) => [v.name, v]));
  const set = (i: number, row: Row) => {
    onChange(rows.map((r, j) => (j === i ? row : r)));
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {rows.map((row, i) => (
        <Space key={i} wrap>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            style={{ width: 280 }}
            placeholder={t('chooseVariable')}
            value={row.field ?? undefined}
            options={variables.map((v) => ({ value: v.name, label: `${label(v.label)}（${v.name}）` }))}
            onChange={(field: string) => {
              set(i, { field, value: byName.get(field)?.list ? [] : null });
            }}
            data-testid={`${prefix}-field-${String(i)}`}
          />
          <ValueInput
            variable={row.field ? byName.get(row.field) : undefined}
            value={row.value}
            onChange={(value) => {
              set(i, { ...row, value });
            }}
            testId={`${prefix}-value-${String(i)}`}
          />
          <Button
            icon={<DeleteOutlined />}
            aria-label={t('removeItem')}
            onClick={() => {
              onChange(rows.filter((_, j) => j !== i));
            }}
          />
        </Space>
      ))}
      <Button
        icon={<PlusOutlined />}
        onClick={() => {
          onChange([...rows, { field: null, value: null }]);
        }}
        data-testid={`${prefix}-add`}
      >
        {t('addField')}
      </Button>
    </Space>
  );
}

/** A card per person (living members, or the recently deceased), each with its rows and a remove button. */
function PersonCards({
  people,
  onChange,
  variables,
  title,
  prefix,
}: {
  people: Row[][];
  onChange: (people: Row[][]) => void;
  variables: Variable[];
  title: (n: number) => string;
  prefix: string;
}) {
  const { t } = useLanguage();
  return people.map((rows, i) => (
    <Card
      key={i}
      size="small"
      title={title(i + 1)}
      style={{ marginBottom: 12 }}
      extra={
        <Button
          size="small"
          onClick={() => {
            onChange(people.filter((_, j) => j !== i));
          }}
        >
          {t('removeMember')}
        </Button>
      }
    >
      <FieldRows
        rows={rows}
        variables={variables}
        onChange={(next) => {
          onChange(people.map((r, j) => (j === i ? next : r)));
        }}
        prefix={`${prefix}${String(i)}`}
      />
    </Card>
  ));
}

function plain(rows: Row[]): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  for (const r of rows) if (r.field && r.value !== null) values[r.field] = r.value;
  return values;
}

/**
 * A trial match (试算): a hypothetical household, typed in by an advisor or a resident's helper,
 * against the whole pool — nothing is stored and no real person is involved, so it needs only
 * the right to view the pool. The same explanations as a registered household's match.
 */
export function PolicyTrialPage() {
  const { t } = useLanguage();
  const vocabulary = useApi<Vocabulary>('/rules/vocabulary');
  const [region, setRegion] = useState('371082');
  const [asOf, setAsOf] = useState(today());
  const [household, setHousehold] = useState<Row[]>([]);
  const [members, setMembers] = useState<Row[][]>([[]]);
  // Members who died recently: only funeral-type policies look at them, never household aggregates.
  const [deceased, setDeceased] = useState<Row[][]>([]);
  const [result, setResult] = useState<PolicyMatch | null>(null);
  const [running, setRunning] = useState(false);
  const [failure, setFailure] = useState<{ message: string; details: string[] } | null>(null);
  // Event variables (lists of dated occurrences) are not offered in the form.
  const householdVariables = (vocabulary.data?.household ?? []).filter((v) => !v.event);
  const personVariables = (vocabulary.data?.person ?? []).filter((v) => !v.event);

  const run = async () => {
    setRunning(true);
    setFailure(null);
    try {
      setResult(
        await api<PolicyMatch>('POST', '/rules/match', {
          region,
          asOf,
          h: plain(household),
          members: members.map((rows, i) => ({
            id: `m${String(i + 1)}`,
            name: t('memberN', { n: i + 1 }),
            ...plain(rows),
          })),
          deceased: deceased.map((rows, i) => ({
            id: `d${String(i + 1)}`,
            name: t('deceasedN', { n: i + 1 }),
            ...plain(rows),
          })),
        }),
      );
    } catch (e) {
      setResult(null);
      setFailure({
        message: errorText(e),
        details: e instanceof ApiError ? e.details.map((d) => `${d.path}：${d.message}`) : [],
      });
    } finally {
      setRunning(false);
    }
  };

  return (
    <PageCard title={t('policyTrial')} error={vocabulary.error}>
      <Typography.Paragraph type="secondary">{t('trialHint')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <span>{t('trialRegion')}</span>
        <Input
          style={{ width: 160 }}
          value={region}
          onChange={(e) => {
            setRegion(e.target.value.trim());
          }}
          data-testid="trial-region"
        />
        <span>{t('trialDate')}</span>
        <Input
          style={{ width: 140 }}
          value={asOf}
          placeholder="YYYY-MM-DD"
          onChange={(e) => {
            setAsOf(e.target.value.trim());
          }}
          data-testid="trial-date"
        />
        <Button
          onClick={() => {
            setHousehold(EXAMPLE.h);
            setMembers(EXAMPLE.members);
            setDeceased([]);
          }}
          data-testid="trial-example"
        >
          {t('trialExample')}
        </Button>
      </Space>
      <Card size="small" title={t('householdFields')} style={{ marginBottom: 12 }}>
        <FieldRows rows={household} variables={householdVariables} onChange={setHousehold} prefix="trial-h" />
      </Card>
      <PersonCards
        people={members}
        onChange={setMembers}
        variables={personVariables}
        title={(n) => t('memberN', { n })}
        prefix="trial-m"
      />
      <PersonCards
        people={deceased}
        onChange={setDeceased}
        variables={personVariables}
        title={(n) => t('deceasedN', { n })}
        prefix="trial-d"
      />
      <Space style={{ marginBottom: 12 }}>
        <Button
          icon={<PlusOutlined />}
          onClick={() => {
            setMembers([...members, []]);
          }}
          data-testid="trial-add-member"
        >
          {t('addMember')}
        </Button>
        <Button
          icon={<PlusOutlined />}
          onClick={() => {
            setDeceased([...deceased, [{ field: 'death_date', value: null }]]);
          }}
          data-testid="trial-add-deceased"
        >
          {t('addDeceased')}
        </Button>
        <Button
          type="primary"
          loading={running}
          onClick={() => {
            void run();
          }}
          data-testid="trial-run"
        >
          {t('runTrial')}
        </Button>
      </Space>
      {failure && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={failure.message}
          description={failure.details.length > 0 ? failure.details.join('；') : undefined}
          data-testid="trial-error"
        />
      )}
      {result && <MatchResults match={result} loading={running} />}
    </PageCard>
  );
}
