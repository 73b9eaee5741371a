import { useEffect, useState } from 'react';
import {
  Alert,
  Button,
  Input,
  Progress,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
  message,
} from 'antd';
import type { InputUsed, ParameterUsed, PolicyResult } from '../api/types.ts';
import { api, ApiError, download } from '../api/client.ts';
import { useApi } from '../api/useApi.ts';
import { useAreaNames } from '../api/useAreaNames.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { PageCard } from '../components/PageCard.tsx';
import { useHashRoute } from '../layout/useHashRoute.ts';
import { useSession } from '../session/SessionContext.tsx';
import { Explanation } from './MatchResults.tsx';
import { periodKey, useLabel, valueText } from './policyLabels.tsx';
import { when } from '../i18n/dates.ts';
import { findingKindColor, findingKindKey, findingKinds, type FindingKind } from './findingLabels.ts';

type Kind = FindingKind;
type Status = 'new' | 'assigned' | 'resolved' | 'superseded';

interface Finding {
  id: string;
  householdId: string;
  hukouNumber: string;
  policyId: string;
  policyName: { zh: string; en: string };
  causeLabel: { zh: string; en: string } | null;
  subject: string;
  personName: string | null;
  areaCode: string;
  kind: Kind;
  status: Status;
  resolution: string | null;
  amount: number | null;
  amountPeriod: 'monthly' | 'yearly' | 'once' | null;
  firstSeenAt: string;
  /** An open finding: its household's last screening; otherwise when a run last wrote it. */
  lastSeenAt: string;
}

interface FindingDetail extends Finding {
  /** When the explanation snapshot was made (found, changed or reappeared), and by which pool. */
  explainedAt: string;
  poolVersion: string;
  explanation: {
    result: PolicyResult;
    inputs: Record<string, InputUsed>;
    parameters: Record<string, ParameterUsed>;
  };
  events: {
    at: string;
    actorName: string | null;
    action: string;
    note: string | null;
  }[];
}

interface Run {
  id: string;
  status: 'running' | 'completed' | 'failed';
  startedAt: string;
  householdsTotal: number;
  householdsDone: number;
  findingsNew: number;
  findingsChanged: number;
  findingsSuperseded: number;
  findingsCurrent: number;
  error: string | null;
}

const statusKey: Record<Status, MessageKey> = {
  new: 'findingStatusNew',
  assigned: 'findingStatusAssigned',
  resolved: 'findingStatusResolved',
  superseded: 'findingStatusSuperseded',
};
const resolutionKey: Record<string, MessageKey> = {
  enrolled: 'resolutionEnrolled',
  not_eligible: 'resolutionNotEligible',
  declined: 'resolutionDeclined',
  referred: 'resolutionReferred',
};
const eventKey: Record<string, MessageKey> = {
  found: 'eventFound',
  changed: 'eventChanged',
  assigned: 'eventAssigned',
  resolved: 'eventResolved',
  superseded: 'eventSuperseded',
  reappeared: 'eventReappeared',
  reopened: 'eventReopened',
};

/** One finding opened: its explanation as a snapshot of when it was found or changed, its history, and what staff can do. */
function FindingPanel({ id, onChanged }: { id: string; onChanged: () => void }) {
  const { t } = useLanguage();
  const { can } = useSession();
  const [, go] = useHashRoute();
  const detail = useApi<FindingDetail>(`/findings/${id}`);
  const [resolution, setResolution] = useState<string | undefined>(undefined);
  const [note, setNote] = useState('');
  const act = (body: object) => {
    api('POST', `/findings/${id}/actions`, body)
      .then(() => {
        void message.success(t('saved'));
        detail.reload();
        onChanged();
      })
      .catch((e: unknown) => {
        void message.error(e instanceof ApiError ? e.message : String(e));
      });
  };
  const f = detail.data;
  if (!f) return detail.error ? <Alert type="error" title={detail.error} /> : null;
  const open = f.status === 'new' || f.status === 'assigned';
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid={`finding-panel-${f.id}`}>
      <Typography.Text type="secondary" data-testid="finding-explained-at">
        {t('findingExplainedAt', { at: when(f.explainedAt), version: f.poolVersion })}
      </Typography.Text>
      <Typography.Text type="secondary" data-testid="finding-last-seen">
        {t('findingLastSeen', { at: when(f.lastSeenAt) })}
      </Typography.Text>
      <Explanation
        result={f.explanation.result}
        inputs={{ household: f.explanation.inputs, persons: {} }}
        parameters={f.explanation.parameters}
      />
      <Typography.Text strong>{t('findingHistory')}</Typography.Text>
      <Timeline
        items={f.events.map((e) => ({
          content: `${when(e.at)} ${t(eventKey[e.action] ?? 'eventChanged')} · ${e.actorName ?? t('systemActor')}${
            e.note ? ` · ${e.note}` : ''
          }`,
        }))}
      />
      <Space wrap>
        <Button
          onClick={() => {
            go(`/policy-match?household=${f.householdId}`);
          }}
        >
          {t('openHouseholdMatch')}
        </Button>
        {can('discovery:finding:handle') && open && (
          <>
            {f.status === 'new' && (
              <Button
                data-testid="claim-finding"
                onClick={() => {
                  act({ action: 'assign' });
                }}
              >
                {t('claim')}
              </Button>
            )}
            <Select
              data-testid="finding-resolution"
              placeholder={t('resolution')}
              style={{ width: 180 }}
              value={resolution}
              onChange={setResolution}
              options={Object.entries(resolutionKey).map(([value, key]) => ({ value, label: t(key) }))}
            />
            <Input
              placeholder={t('findingNote')}
              style={{ width: 240 }}
              value={note}
              maxLength={500}
              onChange={(e) => {
                setNote(e.target.value);
              }}
            />
            <Button
              type="primary"
              data-testid="resolve-finding"
              onClick={() => {
                act({ action: 'resolve', ...(resolution ? { resolution } : {}), ...(note ? { note } : {}) });
              }}
            >
              {t('resolveFinding')}
            </Button>
          </>
        )}
        {can('discovery:finding:handle') && !open && (
          <Button
            onClick={() => {
              act({ action: 'reopen' });
            }}
          >
            {t('reopen')}
          </Button>
        )}
      </Space>
      {can('workorder:order:dispatch') && open && (
        <Space>
          <Button
            data-testid="finding-to-order"
            onClick={() => {
              // Where the routing rules would send it, or to the dispatcher's queue; an open order is refused.
              api<{ id: string }>('POST', '/work-orders/from-finding', { findingId: id })
                .then((order) => {
                  void message.success(t('findingOrderMade'));
                  go(`/work-orders?tab=all&id=${order.id}`);
                })
                .catch((e: unknown) => {
                  void message.error(e instanceof ApiError ? e.message : String(e));
                });
            }}
          >
            {t('findingToOrder')}
          </Button>
        </Space>
      )}
    </Space>
  );
}

/**
 * Policy finds people (issue 6): the findings of the screening runs in the caller's area —
 * gaps, reviews and watches — filtered, each opening into its explanation, history and actions;
 * the last run's progress and a button to screen now.
 */
export function FindingsPage() {
  const { t } = useLanguage();
  const label = useLabel();
  const { can } = useSession();
  const [kind, setKind] = useState<Kind | 'all'>('all');
  const [status, setStatus] = useState<Status | 'open' | 'all'>('open');
  const query = new URLSearchParams({ limit: '200' });
  if (kind !== 'all') query.set('kind', kind);
  if (status !== 'all') query.set('status', status);
  const findings = useApi<{ items: Finding[]; total: number }>(`/findings?${query.toString()}`);
  const runs = useApi<{ items: Run[]; running: string | null }>('/screening-runs?limit=1&incremental=false');
  const areaName = useAreaNames((findings.data?.items ?? []).map((f) => f.areaCode));
  const last = runs.data?.items[0];
  const running = last?.status === 'running';
  // While a run is in progress, follow it; when it ends, the list shows what it found.
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(() => {
      runs.reload();
      findings.reload();
    }, 1000);
    return () => {
      clearTimeout(timer);
    };
  }, [running, last?.householdsDone, runs, findings]);
  const start = () => {
    api('POST', '/screening-runs', {})
      .then(() => {
        void message.success(t('screeningStarted'));
        runs.reload();
      })
      .catch((e: unknown) => {
        void message.error(e instanceof ApiError ? e.message : String(e));
      });
  };
  return (
    <PageCard
      title={t('findings')}
      error={findings.error ?? runs.error}
      extra={
        <Space>
          <Button
            data-testid="export-findings"
            onClick={() => {
              const filter = new URLSearchParams(query);
              filter.delete('limit');
              download(`/findings/export?${filter.toString()}`, 'findings.csv').catch((e: unknown) => {
                void message.error(e instanceof ApiError ? e.message : String(e));
              });
            }}
          >
            {t('exportCsv')}
          </Button>
          {can('discovery:run:start') && (
            <Button type="primary" data-testid="run-screening" disabled={running} onClick={start}>
              {t('runScreening')}
            </Button>
          )}
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('findingsHint')}</Typography.Paragraph>
      <div data-testid="last-run" data-status={last?.status ?? 'none'} style={{ marginBottom: 8 }}>
        {!last && <Typography.Text>{t('noRunYet')}</Typography.Text>}
        {last && running && (
          <Space>
            <Typography.Text>
              {t('screeningRunning', { done: last.householdsDone, total: last.householdsTotal })}
            </Typography.Text>
            <Progress
              percent={Math.floor((100 * last.householdsDone) / Math.max(1, last.householdsTotal))}
              size="small"
              style={{ width: 200 }}
            />
          </Space>
        )}
        {last?.status === 'completed' && (
          <Typography.Text>
            {t('lastRun', {
              at: when(last.startedAt),
              total: last.householdsTotal,
              found: last.findingsNew,
              changed: last.findingsChanged,
              superseded: last.findingsSuperseded,
              current: last.findingsCurrent,
            })}
          </Typography.Text>
        )}
        {last?.status === 'failed' && (
          <Alert type="error" title={t('lastRunFailed', { error: last.error ?? '' })} />
        )}
      </div>
      <Space wrap style={{ marginBottom: 8 }}>
        <Segmented
          data-testid="finding-kind"
          value={kind}
          onChange={(v) => {
            setKind(v as Kind | 'all');
          }}
          options={[
            { value: 'all', label: t('allKinds') },
            ...findingKinds.map((k) => ({ value: k, label: t(findingKindKey[k]) })),
          ]}
        />
        <Select
          style={{ width: 140 }}
          value={status}
          onChange={setStatus}
          options={[
            { value: 'open', label: t('openFindings') },
            { value: 'all', label: t('allStatuses') },
            ...(Object.keys(statusKey) as Status[]).map((s) => ({ value: s, label: t(statusKey[s]) })),
          ]}
        />
      </Space>
      <Table<Finding>
        rowKey="id"
        size="small"
        data-testid="findings-table"
        loading={findings.loading}
        dataSource={findings.data?.items ?? []}
        locale={{ emptyText: t('noFindings') }}
        pagination={{ pageSize: 20, showTotal: (n) => t('total', { n }) }}
        expandable={{
          expandedRowRender: (f) => (
            <FindingPanel
              id={f.id}
              onChanged={() => {
                findings.reload();
              }}
            />
          ),
        }}
        columns={[
          {
            title: '',
            key: 'kind',
            width: 70,
            render: (_, f) => (
              <Tag color={findingKindColor[f.kind]} data-kind={f.kind}>
                {t(findingKindKey[f.kind])}
              </Tag>
            ),
          },
          {
            title: t('policyName'),
            key: 'policy',
            render: (_, f) => (
              <Space size={4}>
                {label(f.policyName)}
                {f.causeLabel && <Tag data-testid="finding-cause">{label(f.causeLabel)}</Tag>}
              </Space>
            ),
          },
          { title: t('hukouNumber'), dataIndex: 'hukouNumber' },
          {
            title: t('findingSubject'),
            key: 'subject',
            render: (_, f) => (f.subject === 'household' ? t('household') : (f.personName ?? f.subject)),
          },
          { title: t('residenceArea'), key: 'area', render: (_, f) => areaName(f.areaCode) },
          {
            title: t('amount'),
            key: 'amount',
            render: (_, f) =>
              f.amount === null
                ? '—'
                : `${valueText(f.amount)} 元${f.amountPeriod ? `/${t(periodKey[f.amountPeriod])}` : ''}`,
          },
          {
            title: t('status'),
            key: 'status',
            render: (_, f) =>
              `${t(statusKey[f.status])}${f.resolution ? `（${t(resolutionKey[f.resolution] ?? 'resolution')}）` : ''}`,
          },
          { title: t('firstSeen'), key: 'first', render: (_, f) => when(f.firstSeenAt) },
          { title: t('lastSeen'), key: 'last', render: (_, f) => when(f.lastSeenAt) },
        ]}
      />
    </PageCard>
  );
}
