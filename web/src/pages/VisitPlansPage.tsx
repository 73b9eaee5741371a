import { useState } from 'react';
import { Button, Input, Progress, Select, Space, Table, Tag, Typography, message } from 'antd';
import { api, ApiError } from '../api/client.ts';
import { useApi } from '../api/useApi.ts';
import { useAreaNames } from '../api/useAreaNames.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { PageCard } from '../components/PageCard.tsx';
import { useLabel } from './policyLabels.tsx';
import { quarterOf, todayInChina, when } from '../i18n/dates.ts';

interface Plan {
  id: string;
  areaCode: string;
  households: number;
  visited: number;
}
interface PlanItem {
  householdId: string;
  hukouNumber: string;
  headName: string | null;
  reasons: { code: string; label: { zh: string; en: string } }[];
  visitedAt: string | null;
  visitedBy: string | null;
  note: string | null;
}

const thisQuarter = () => quarterOf(todayInChina());
const quarters = () => {
  const [year, q] = [Number(thisQuarter().slice(0, 4)), Number(thisQuarter().slice(5))];
  return [0, 1, 2, 3].map((back) => {
    const n = year * 4 + (q - 1) - back;
    return `${String(Math.floor(n / 4))}Q${String((n % 4) + 1)}`;
  });
};

/** One village's plan opened: its households, why each is listed, and the visits recorded. */
function PlanItems({ id, onChanged }: { id: string; onChanged: () => void }) {
  const { t } = useLanguage();
  const label = useLabel();
  const plan = useApi<{ items: PlanItem[] }>(`/visit-plans/${id}`);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const visit = (householdId: string) => {
    const note = notes[householdId];
    api('POST', `/visit-plans/${id}/visits`, { householdId, ...(note ? { note } : {}) })
      .then(() => {
        void message.success(t('saved'));
        plan.reload();
        onChanged();
      })
      .catch((e: unknown) => {
        void message.error(e instanceof ApiError ? e.message : String(e));
      });
  };
  return (
    <Table<PlanItem>
      rowKey="householdId"
      size="small"
      data-testid={`plan-items-${id}`}
      loading={plan.loading}
      dataSource={plan.data?.items ?? []}
      pagination={{ pageSize: 20 }}
      columns={[
        { title: t('hukouNumber'), dataIndex: 'hukouNumber' },
        { title: t('headOfHousehold'), key: 'head', render: (_, i) => i.headName ?? '—' },
        {
          title: t('visitReasons'),
          key: 'reasons',
          render: (_, i) => i.reasons.map((r) => <Tag key={r.code}>{label(r.label)}</Tag>),
        },
        {
          title: t('visit'),
          key: 'visit',
          render: (_, i) =>
            i.visitedAt ? (
              <Typography.Text data-testid={`visited-${i.householdId}`}>
                {t('visitedOn', { at: when(i.visitedAt), by: i.visitedBy ?? '' })}
                {i.note ? `：${i.note}` : ''}
              </Typography.Text>
            ) : (
              <Space>
                <Input
                  size="small"
                  placeholder={t('visitNote')}
                  maxLength={500}
                  value={notes[i.householdId] ?? ''}
                  onChange={(e) => {
                    setNotes({ ...notes, [i.householdId]: e.target.value });
                  }}
                />
                <Button
                  size="small"
                  type="primary"
                  data-testid={`visit-${i.householdId}`}
                  onClick={() => {
                    visit(i.householdId);
                  }}
                >
                  {t('markVisited')}
                </Button>
              </Space>
            ),
        },
      ]}
    />
  );
}

/**
 * Quarterly visit plans (issue 6, N3): one per village, listing households with severe
 * disability, serious illness, a single parent or elderly people alone; progress per village,
 * and each visit recorded with a note.
 */
export function VisitPlansPage() {
  const { t } = useLanguage();
  const [quarter, setQuarter] = useState(thisQuarter());
  const plans = useApi<{ items: Plan[]; total: number }>(`/visit-plans?quarter=${quarter}`);
  const areaName = useAreaNames((plans.data?.items ?? []).map((p) => p.areaCode));
  const make = () => {
    api<{ plans: number; households: number }>('POST', '/visit-plans', { quarter })
      .then((made) => {
        void message.success(t('visitPlansMade', { plans: made.plans, households: made.households }));
        plans.reload();
      })
      .catch((e: unknown) => {
        void message.error(e instanceof ApiError ? e.message : String(e));
      });
  };
  const all = plans.data?.items ?? [];
  const visited = all.reduce((n, p) => n + p.visited, 0);
  const listed = all.reduce((n, p) => n + p.households, 0);
  return (
    <PageCard
      title={t('visitPlans')}
      error={plans.error}
      extra={
        <Space>
          <Select
            style={{ width: 110 }}
            value={quarter}
            onChange={setQuarter}
            options={quarters().map((q) => ({ value: q, label: q }))}
          />
          <Button type="primary" data-testid="make-visit-plans" onClick={make}>
            {t('makeVisitPlans')}
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('visitPlansHint')}</Typography.Paragraph>
      <Typography.Paragraph data-testid="visit-progress">
        {t('visitProgress', { plans: all.length, visited, listed })}
      </Typography.Paragraph>
      <Table<Plan>
        rowKey="id"
        size="small"
        data-testid="visit-plans-table"
        loading={plans.loading}
        dataSource={all}
        pagination={{ pageSize: 20 }}
        expandable={{
          expandedRowRender: (p) => (
            <PlanItems
              id={p.id}
              onChanged={() => {
                plans.reload();
              }}
            />
          ),
        }}
        columns={[
          { title: t('village'), key: 'area', render: (_, p) => areaName(p.areaCode) },
          { title: t('households'), dataIndex: 'households' },
          { title: t('visited'), dataIndex: 'visited' },
          {
            title: t('progress'),
            key: 'progress',
            render: (_, p) => (
              <Progress
                size="small"
                percent={Math.floor((100 * p.visited) / Math.max(1, p.households))}
                style={{ width: 160 }}
              />
            ),
          },
        ]}
      />
    </PageCard>
  );
}
