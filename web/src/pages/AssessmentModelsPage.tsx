import { useEffect, useMemo, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Collapse,
  Input,
  InputNumber,
  Popconfirm,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { api, ApiError } from '../api/client.ts';
import { useApi } from '../api/useApi.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { todayInChina } from '../i18n/dates.ts';
import { PageCard } from '../components/PageCard.tsx';
import { useLabel } from './policyLabels.tsx';
import { fixed, percent, type Measures, type ModelSummary } from './AssessmentPage.tsx';

interface Version {
  version: number;
  status: 'draft' | 'active' | 'retired';
  createdBy: string;
  createdAt: string;
  activatedAt: string | null;
}
interface ModelList {
  models: { id: string; active: ModelSummary | null; versions: Version[] }[];
}
interface Indicator {
  id: string;
  name: { zh: string; en: string };
  deprived: 'below' | 'above' | 'flag';
  cutoff?: number;
  weight: string | number;
  [key: string]: unknown;
}
interface Definition {
  k: string | number;
  dimensions: { id: string; name: { zh: string; en: string }; indicators: Indicator[] }[];
  [key: string]: unknown;
}
type Problem = { path: string; message: string };
interface Preview {
  problems: Problem[];
  preview: { asOf: string; households: number; sample: number; total: Measures } | null;
}

/** A fraction from "1/21", "0.05" or a number; null when it is not one. */
function fraction(input: string | number): [number, number] | null {
  const text = String(input).trim();
  const f = /^(\d+)\s*\/\s*(\d+)$/.exec(text);
  if (f) return Number(f[2]) > 0 ? [Number(f[1]), Number(f[2])] : null;
  const d = /^(\d*)(?:\.(\d+))?$/.exec(text);
  if (!d || text === '') return null;
  const decimals = d[2]?.length ?? 0;
  return [Number(`${d[1] ?? ''}${d[2] ?? ''}` || '0'), 10 ** decimals];
}
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
/** The weights' sum as a fraction's text (the server checks it exactly; this is the hint). */
function sumText(weights: (string | number)[]): { text: string; one: boolean } {
  let num = 0;
  let den = 1;
  for (const w of weights) {
    const f = fraction(w);
    if (!f) return { text: '?', one: false };
    num = num * f[1] + f[0] * den;
    den = den * f[1];
    const g = gcd(num, den) || 1;
    num /= g;
    den /= g;
  }
  return { text: den === 1 ? String(num) : `${String(num)}/${String(den)}`, one: num === den };
}

/**
 * Assessment models (issue 7): each model's versions, and an editor for the next version — the
 * poverty cutoff k and each indicator's weight and cutoff, the weights' sum shown as a fraction —
 * that checks and tries the model on the caller's households before it is saved as a draft, and
 * activates a version once satisfied. Expressions are edited in the model's file or through the
 * API; the server refuses any problem with where it is.
 */
export function AssessmentModelsPage() {
  const { t } = useLanguage();
  const label = useLabel();
  const { message } = App.useApp();
  const list = useApi<ModelList>('/assessment/models');
  const [modelId, setModelId] = useState<string | null>(null);
  const current = (list.data?.models ?? []).find((m) => m.id === modelId) ?? list.data?.models[0];
  const base = current?.versions.at(-1)?.version;
  const source = useApi<{ definition: Definition }>(
    current && base ? `/assessment/models/${current.id}/versions/${String(base)}` : null,
  );
  const [draft, setDraft] = useState<Definition | null>(null);
  useEffect(() => {
    setDraft(source.data ? structuredClone(source.data.definition) : null);
  }, [source.data]);
  const [result, setResult] = useState<Preview | null>(null);
  // The whole definition as JSON: dimensions, indicators and their expressions, bands, cases.
  const [json, setJson] = useState('');
  const [jsonError, setJsonError] = useState<string | null>(null);
  useEffect(() => {
    setJson(draft ? JSON.stringify(draft, null, 2) : '');
    setJsonError(null);
  }, [draft]);
  const [busy, setBusy] = useState(false);
  const indicators = useMemo(
    () => draft?.dimensions.flatMap((d) => d.indicators.map((i) => ({ ...i, dimension: d }))) ?? [],
    [draft],
  );
  const sum = sumText(indicators.map((i) => i.weight));

  const change = (id: string, patch: Partial<Indicator>) => {
    if (!draft) return;
    setDraft({
      ...draft,
      dimensions: draft.dimensions.map((d) => ({
        ...d,
        indicators: d.indicators.map((i) => (i.id === id ? { ...i, ...patch } : i)),
      })),
    });
    setResult(null);
  };
  const problemsOf = (error: unknown): Problem[] =>
    error instanceof ApiError
      ? error.details.length
        ? error.details
        : [{ path: '', message: error.message }]
      : [];

  const preview = async () => {
    if (!draft) return;
    setBusy(true);
    try {
      setResult(
        await api<Preview>('POST', '/assessment/models/preview', { definition: draft, asOf: todayInChina() }),
      );
    } catch (error) {
      setResult({ problems: problemsOf(error), preview: null });
    } finally {
      setBusy(false);
    }
  };
  const save = async () => {
    if (!draft) return;
    setBusy(true);
    try {
      const saved = await api<{ version: number }>('POST', '/assessment/models', { definition: draft });
      void message.success(t('savedVersion', { version: saved.version }));
      list.reload();
    } catch (error) {
      setResult({ problems: problemsOf(error), preview: null });
    } finally {
      setBusy(false);
    }
  };
  const activate = async (version: number) => {
    if (!current) return;
    try {
      await api('POST', `/assessment/models/${current.id}/versions/${String(version)}/activate`, {});
      void message.success(t('activated', { version }));
      list.reload();
    } catch (error) {
      void message.error(error instanceof Error ? error.message : String(error));
    }
  };
  const statusTag = (status: Version['status']) => (
    <Tag color={status === 'active' ? 'green' : status === 'draft' ? 'blue' : 'default'}>
      {t(
        status === 'active'
          ? 'versionStatusActive'
          : status === 'draft'
            ? 'versionStatusDraft'
            : 'versionStatusRetired',
      )}
    </Tag>
  );

  return (
    <PageCard title={t('assessmentModels')} error={list.error ?? source.error}>
      <Space wrap style={{ marginBottom: 12 }}>
        {(list.data?.models ?? []).map((m) => (
          <Button
            key={m.id}
            type={m.id === current?.id ? 'primary' : 'default'}
            data-testid={`model-${m.id}`}
            onClick={() => {
              setModelId(m.id);
              setResult(null);
            }}
          >
            {label(m.active?.name) || m.id}
          </Button>
        ))}
      </Space>
      <Card size="small" title={t('modelVersions')}>
        <Table
          rowKey="version"
          size="small"
          pagination={false}
          data-testid="model-versions"
          dataSource={current?.versions ?? []}
          columns={[
            { title: '#', dataIndex: 'version' },
            { title: t('status'), key: 'status', render: (_, v) => statusTag(v.status) },
            { title: t('createdBy'), dataIndex: 'createdBy' },
            {
              title: t('createdAt'),
              key: 'at',
              render: (_, v) => v.createdAt.slice(0, 16).replace('T', ' '),
            },
            {
              title: t('actions'),
              key: 'actions',
              render: (_, v) =>
                v.status === 'active' ? null : (
                  <Popconfirm
                    title={t('activateConfirm', { version: v.version })}
                    onConfirm={() => {
                      void activate(v.version);
                    }}
                    okButtonProps={{ 'data-testid': 'activate-confirm' }}
                  >
                    <Button size="small" data-testid={`activate-${String(v.version)}`}>
                      {t('activate')}
                    </Button>
                  </Popconfirm>
                ),
            },
          ]}
        />
      </Card>
      {draft && base && (
        <Card size="small" style={{ marginTop: 16 }} title={t('editModel', { version: base })}>
          <Space wrap style={{ marginBottom: 12 }}>
            <span>{t('povertyCutoff')}</span>
            <Input
              style={{ width: 100 }}
              data-testid="model-k"
              value={String(draft.k)}
              onChange={(e) => {
                setDraft({ ...draft, k: e.target.value });
                setResult(null);
              }}
            />
            <Typography.Text type={sum.one ? 'secondary' : 'danger'} data-testid="weights-sum">
              {t(sum.one ? 'weightsSum' : 'weightsSumBad', { sum: sum.text })}
            </Typography.Text>
          </Space>
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            data-testid="model-indicators"
            dataSource={indicators}
            columns={[
              { title: t('dimension'), key: 'dimension', render: (_, i) => label(i.dimension.name) },
              { title: t('indicator'), key: 'name', render: (_, i) => label(i.name) },
              {
                title: t('deprivedWhen'),
                key: 'deprived',
                render: (_, i) =>
                  t(i.deprived === 'below' ? 'dirBelow' : i.deprived === 'above' ? 'dirAbove' : 'dirFlag'),
              },
              {
                title: t('cutoff'),
                key: 'cutoff',
                render: (_, i) =>
                  i.deprived === 'flag' ? (
                    '—'
                  ) : (
                    <InputNumber
                      size="small"
                      data-testid={`cutoff-${i.id}`}
                      value={i.cutoff ?? null}
                      onChange={(v) => {
                        change(i.id, { cutoff: v ?? undefined });
                      }}
                    />
                  ),
              },
              {
                title: t('weight'),
                key: 'weight',
                render: (_, i) => (
                  <Input
                    size="small"
                    style={{ width: 90 }}
                    data-testid={`weight-${i.id}`}
                    value={String(i.weight)}
                    onChange={(e) => {
                      change(i.id, { weight: e.target.value });
                    }}
                  />
                ),
              },
            ]}
          />
          <Collapse
            style={{ marginTop: 12 }}
            size="small"
            items={[
              {
                key: 'json',
                label: t('modelJson'),
                children: (
                  <>
                    <Typography.Paragraph type="secondary">{t('modelJsonHint')}</Typography.Paragraph>
                    <Input.TextArea
                      data-testid="model-json"
                      rows={16}
                      style={{ fontFamily: 'monospace' }}
                      value={json}
                      onChange={(e) => {
                        setJson(e.target.value);
                      }}
                    />
                    {jsonError && <Typography.Text type="danger">{jsonError}</Typography.Text>}
                    <div style={{ marginTop: 8 }}>
                      <Button
                        data-testid="model-json-apply"
                        onClick={() => {
                          try {
                            setDraft(JSON.parse(json) as Definition);
                            setResult(null);
                          } catch (error) {
                            setJsonError(
                              t('modelJsonInvalid', { reason: error instanceof Error ? error.message : '' }),
                            );
                          }
                        }}
                      >
                        {t('modelJsonApply')}
                      </Button>
                    </div>
                  </>
                ),
              },
            ]}
          />
          <Space style={{ marginTop: 12 }}>
            <Button data-testid="model-preview" loading={busy} onClick={() => void preview()}>
              {t('previewModel')}
            </Button>
            <Button type="primary" data-testid="model-save" loading={busy} onClick={() => void save()}>
              {t('saveVersion')}
            </Button>
          </Space>
          {result && result.problems.length > 0 && (
            <Alert
              style={{ marginTop: 12 }}
              type="error"
              showIcon
              data-testid="model-problems"
              title={t('modelProblems')}
              description={
                <ul style={{ margin: 0 }}>
                  {result.problems.map((p) => (
                    <li key={`${p.path}:${p.message}`}>
                      {p.path && <code>{p.path}</code>} {p.message}
                    </li>
                  ))}
                </ul>
              }
            />
          )}
          {result?.preview && (
            <Alert
              style={{ marginTop: 12 }}
              type="success"
              showIcon
              data-testid="model-preview-result"
              title={t('previewResult', {
                asOf: result.preview.asOf,
                sample: result.preview.sample,
                households: result.preview.households,
                H: percent(result.preview.total.H),
                A: percent(result.preview.total.A),
                M0: fixed(result.preview.total.M0),
                poor: result.preview.total.poor,
              })}
            />
          )}
        </Card>
      )}
    </PageCard>
  );
}
