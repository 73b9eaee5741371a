import { useState, type ReactNode } from 'react';
import {
  Alert,
  Button,
  Collapse,
  Descriptions,
  Empty,
  Form,
  Input,
  Space,
  Table,
  Tabs,
  Tag,
  Timeline,
  Tooltip,
  Typography,
} from 'antd';
import { api, query } from '../api/client.ts';
import type {
  HouseholdPortrait,
  Label,
  Person,
  PersonPortrait,
  PortraitEvent,
  PortraitInput,
  PortraitTag,
  PortraitValue,
  ShortTag,
} from '../api/types.ts';
import { errorText, useApi } from '../api/useApi.ts';
import { useAreaNames } from '../api/useAreaNames.ts';
import { useSession } from '../session/SessionContext.tsx';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { PageCard } from '../components/PageCard.tsx';
import { useHashRoute } from '../layout/useHashRoute.ts';
import { HouseholdAssessments } from './HouseholdAssessments.tsx';

const ID_NUMBER = /^\d{17}[\dXx]$/;
const pageSize = 20;

/** Which portrait the hash asks for: `#/portrait?person=…` or `#/portrait?household=…`. */
function selected(path: string): { person?: string; household?: string; tag?: string } {
  const params = new URLSearchParams(path.split('?')[1] ?? '');
  return {
    ...(params.get('person') ? { person: params.get('person') ?? '' } : {}),
    ...(params.get('household') ? { household: params.get('household') ?? '' } : {}),
    ...(params.get('tag') ? { tag: params.get('tag') ?? '' } : {}),
  };
}

/** A link-styled button to another portrait view (the console routes by the URL's hash). */
function LinkButton({
  go,
  to,
  testId,
  children,
}: {
  go: (next: string) => void;
  to: string;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <Button
      type="link"
      size="small"
      data-testid={testId}
      onClick={() => {
        go(to);
      }}
    >
      {children}
    </Button>
  );
}

function useLabel() {
  const { language } = useLanguage();
  return (label: Label | null | undefined) => (label ? label[language] : '');
}

function TagChips({ tags, onPick }: { tags: (PortraitTag | ShortTag)[]; onPick?: (code: string) => void }) {
  const { t } = useLanguage();
  const label = useLabel();
  const shown = tags.filter((tag) => tag.state !== 'no');
  if (shown.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space size={[4, 4]} wrap>
      {shown.map((tag) => (
        <Tooltip key={tag.code} title={tag.state === 'yes' ? t('tagYes') : t('tagUnknown')}>
          <Tag
            color={tag.state === 'yes' ? 'blue' : 'default'}
            data-testid={`tag-${tag.code}`}
            style={{ cursor: onPick ? 'pointer' : 'default' }}
            onClick={() => onPick?.(tag.code)}
          >
            {label(tag.label)}
            {tag.state === 'unknown' ? ' ?' : ''}
          </Tag>
        </Tooltip>
      ))}
    </Space>
  );
}

function EvidenceTable({ inputs }: { inputs: PortraitInput[] }) {
  const { t } = useLanguage();
  const label = useLabel();
  return (
    <Table<PortraitInput>
      size="small"
      pagination={false}
      rowKey={(r) => `${r.variable}/${r.personId ?? 'household'}`}
      dataSource={inputs}
      columns={[
        { title: t('member'), dataIndex: 'personName', render: (v: string | null) => v ?? '—' },
        { title: t('name'), dataIndex: 'label', render: (v: Label) => label(v) },
        {
          title: t('value'),
          dataIndex: 'display',
          render: (v: Label, r) =>
            r.value === null ? <Typography.Text type="warning">{label(v)}</Typography.Text> : label(v),
        },
        {
          title: t('sourceDepartment'),
          dataIndex: 'sourceLabel',
          render: (v: string | null, r) => (
            <Space>
              {v ?? '—'}
              {r.basis === 'authority' && <Tag color="gold">{t('authoritySource')}</Tag>}
            </Space>
          ),
        },
        { title: t('observedAt'), dataIndex: 'observedAt', render: (v: string | null) => v ?? '—' },
        {
          title: t('feedLine'),
          dataIndex: 'feed',
          render: (v: PortraitInput['feed']) =>
            v ? (
              <span title={v.fileName}>
                {v.feedName}
                {v.line !== null ? ` · ${String(v.line)}` : ''}
              </span>
            ) : (
              '—'
            ),
        },
      ]}
    />
  );
}

function TagsWithEvidence({ tags }: { tags: PortraitTag[] }) {
  const { t } = useLanguage();
  const label = useLabel();
  const shown = tags.filter((tag) => tag.state !== 'no');
  if (shown.length === 0) return <Empty />;
  return (
    <Collapse
      size="small"
      data-testid="tag-evidence"
      items={shown.map((tag) => ({
        key: tag.code,
        label: (
          <Space>
            <Tag color={tag.state === 'yes' ? 'blue' : 'default'}>{label(tag.categoryLabel)}</Tag>
            <span data-testid={`evidence-${tag.code}`}>{label(tag.label)}</span>
            <Typography.Text type="secondary">
              {tag.state === 'yes' ? t('tagYes') : t('tagUnknown')}
            </Typography.Text>
          </Space>
        ),
        children: (
          <>
            {tag.description && (
              <Typography.Paragraph type="secondary">{tag.description}</Typography.Paragraph>
            )}
            <Typography.Paragraph>
              {t('tagRule')}：<code>{tag.expr}</code>
            </Typography.Paragraph>
            <EvidenceTable inputs={tag.inputs} />
          </>
        ),
      }))}
    />
  );
}

function Values({ values }: { values: PortraitValue[] }) {
  const label = useLabel();
  return (
    <Descriptions size="small" bordered column={{ xs: 1, md: 2, xl: 3 }}>
      {values.map((v) => (
        <Descriptions.Item key={v.name} label={label(v.label)}>
          <span data-testid={`value-${v.name}`}>
            {label(v.display)}
            {v.unit && v.value !== null && typeof v.value === 'number' ? ` ${v.unit}` : ''}
          </span>
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

function EventList({ events }: { events: PortraitEvent[] }) {
  const label = useLabel();
  if (events.length === 0) return <Empty />;
  return (
    <Timeline
      data-testid="timeline"
      items={events.map((e, i) => ({
        key: `${e.date}-${String(i)}`,
        color: e.kind === 'death' ? 'red' : e.kind === 'fact' ? 'blue' : 'green',
        content: (
          <span>
            <code>{e.date}</code> {e.personName} · {label(e.title)}
            {e.sourceLabel ? <Typography.Text type="secondary">（{e.sourceLabel}）</Typography.Text> : null}
          </span>
        ),
      }))}
    />
  );
}

function PersonView({ id, go }: { id: string; go: (next: string) => void }) {
  const { t } = useLanguage();
  const label = useLabel();
  const { data, loading, error } = useApi<PersonPortrait>(`/persons/${id}/portrait`);
  const areaName = useAreaNames(data ? [data.person.residenceAreaCode, data.person.hukouAreaCode] : []);
  if (!data)
    return (
      <PageCard title={t('portrait')} error={error}>
        {loading ? '…' : null}
      </PageCard>
    );
  const { person } = data;
  return (
    <PageCard
      title={`${t('openPerson')} · ${person.name}`}
      extra={
        <Button
          onClick={() => {
            go('/portrait');
          }}
        >
          {t('back')}
        </Button>
      }
      error={error}
    >
      <Descriptions size="small" column={{ xs: 1, md: 3 }} data-testid="portrait-person">
        <Descriptions.Item label={t('idNumber')}>
          <code>{person.idNumberMasked}</code>
        </Descriptions.Item>
        <Descriptions.Item label={t('sex')}>{t(person.sex)}</Descriptions.Item>
        <Descriptions.Item label={t('age')}>{person.age}</Descriptions.Item>
        <Descriptions.Item label={t('residenceArea')}>{areaName(person.residenceAreaCode)}</Descriptions.Item>
        <Descriptions.Item label={t('hukouArea')}>{areaName(person.hukouAreaCode)}</Descriptions.Item>
        <Descriptions.Item label={t('hukouNumber')}>
          {data.household ? (
            <Space>
              <code>{data.household.hukouNumber}</code>
              {data.household.relationshipLabel}
              <Button
                size="small"
                data-testid="open-household"
                onClick={() => {
                  go(`/portrait?household=${data.household?.id ?? ''}`);
                }}
              >
                {t('openHousehold')}
              </Button>
            </Space>
          ) : (
            t('noHousehold')
          )}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Paragraph type="secondary">{t('evaluatedOn', { date: data.asOf })}</Typography.Paragraph>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <TagChips tags={data.tags} />
        {data.household && (
          <div>
            {t('householdTags')}：<TagChips tags={data.household.tags} />
          </div>
        )}
      </Space>
      <Tabs
        style={{ marginTop: 16 }}
        items={[
          { key: 'tags', label: t('tagEvidence'), children: <TagsWithEvidence tags={data.tags} /> },
          { key: 'values', label: t('derivedValues'), children: <Values values={data.values} /> },
          {
            key: 'facts',
            label: t('factsAndSources'),
            children: (
              <Table
                size="small"
                rowKey="variable"
                pagination={false}
                dataSource={data.facts}
                data-testid="portrait-facts"
                columns={[
                  { title: t('name'), dataIndex: 'label', render: (v: Label) => label(v) },
                  { title: t('value'), dataIndex: 'display', render: (v: Label) => label(v) },
                  {
                    title: t('sourceDepartment'),
                    dataIndex: 'sourceLabel',
                    render: (v: string, r) => (
                      <Space>
                        {v}
                        {r.basis === 'authority' && <Tag color="gold">{t('authoritySource')}</Tag>}
                      </Space>
                    ),
                  },
                  { title: t('observedAt'), dataIndex: 'observedAt' },
                  {
                    title: t('feedLine'),
                    dataIndex: 'feed',
                    render: (v: PersonPortrait['facts'][number]['feed']) =>
                      v ? `${v.feedName}${v.line !== null ? ` · ${String(v.line)}` : ''}` : '—',
                  },
                  {
                    title: t('otherSources'),
                    dataIndex: 'competing',
                    render: (v: PersonPortrait['facts'][number]['competing']) =>
                      v.length === 0
                        ? '—'
                        : v.map((c) => `${c.sourceLabel} ${c.observedAt}：${label(c.display)}`).join('；'),
                  },
                ]}
              />
            ),
          },
          { key: 'timeline', label: t('timeline'), children: <EventList events={data.timeline} /> },
        ]}
      />
    </PageCard>
  );
}

function HouseholdView({ id, go }: { id: string; go: (next: string) => void }) {
  const { t } = useLanguage();
  const { can } = useSession();
  const { data, loading, error } = useApi<HouseholdPortrait>(`/hukou-households/${id}/portrait`);
  const areaName = useAreaNames(data ? [data.household.areaCode] : []);
  if (!data)
    return (
      <PageCard title={t('portrait')} error={error}>
        {loading ? '…' : null}
      </PageCard>
    );
  return (
    <PageCard
      title={`${t('openHousehold')} · ${data.household.hukouNumber}`}
      extra={
        <Space>
          <Button
            type="primary"
            data-testid="open-policy-match"
            onClick={() => {
              go(`/policy-match?household=${id}`);
            }}
          >
            {t('policyMatch')}
          </Button>
          <Button
            onClick={() => {
              go('/portrait');
            }}
          >
            {t('back')}
          </Button>
        </Space>
      }
      error={error}
    >
      <Descriptions size="small" column={{ xs: 1, md: 3 }} data-testid="portrait-household">
        <Descriptions.Item label={t('hukouNumber')}>
          <code>{data.household.hukouNumber}</code>
        </Descriptions.Item>
        <Descriptions.Item label={t('residenceArea')}>{areaName(data.household.areaCode)}</Descriptions.Item>
        {data.household.hukouAreaElsewhere && (
          <Descriptions.Item label={t('hukouArea')}>
            <Space data-testid="hukou-elsewhere">
              <Tag color="gold">{t('nonLocalHukou')}</Tag>
              <code>{data.household.hukouAreaElsewhere}</code>
            </Space>
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t('address')}>{data.household.address ?? '—'}</Descriptions.Item>
      </Descriptions>
      <Typography.Paragraph type="secondary">{t('evaluatedOn', { date: data.asOf })}</Typography.Paragraph>
      <TagChips tags={data.tags} />
      <Table
        style={{ marginTop: 16 }}
        size="small"
        rowKey={(m) => m.person.id}
        pagination={false}
        dataSource={data.members}
        data-testid="portrait-members"
        columns={[
          {
            title: t('name'),
            key: 'name',
            render: (_: unknown, m) => (
              <LinkButton go={go} to={`/portrait?person=${m.person.id}`}>
                {m.person.name}
              </LinkButton>
            ),
          },
          {
            title: t('idNumber'),
            key: 'id',
            render: (_: unknown, m) => <code>{m.person.idNumberMasked}</code>,
          },
          { title: t('relationship'), dataIndex: 'relationshipLabel' },
          { title: t('age'), key: 'age', render: (_: unknown, m) => m.person.age },
          { title: t('portraitTags'), key: 'tags', render: (_: unknown, m) => <TagChips tags={m.tags} /> },
        ]}
      />
      <Tabs
        style={{ marginTop: 16 }}
        items={[
          { key: 'tags', label: t('tagEvidence'), children: <TagsWithEvidence tags={data.tags} /> },
          { key: 'values', label: t('derivedValues'), children: <Values values={data.values} /> },
          { key: 'timeline', label: t('timeline'), children: <EventList events={data.timeline} /> },
          ...(can('assessment:result:view')
            ? [
                {
                  key: 'assessment',
                  label: t('householdAssessment'),
                  children: <HouseholdAssessments id={id} />,
                },
              ]
            : []),
        ]}
      />
    </PageCard>
  );
}

interface TagCount {
  tag: string;
  yes: number;
  unknown: number;
}
interface Definitions {
  categories: Record<string, Label>;
  tags: { code: string; entity: 'person' | 'household'; category: string; label: Label }[];
}

function Overview({ go, tag }: { go: (next: string) => void; tag: string | undefined }) {
  const { area } = useSession();
  const { t } = useLanguage();
  const label = useLabel();
  const [found, setFound] = useState<Person[] | null>(null);
  const [searchError, setSearchError] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const definitions = useApi<Definitions>('/portrait/definitions');
  const counts = useApi<{ total: number; items: TagCount[] }>(
    area ? `/portrait/tag-counts${query({ area: area.code })}` : null,
  );
  const tagged = useApi<{
    entity: 'person' | 'household';
    total: number;
    persons: Person[];
    households: { id: string; hukouNumber: string; address: string | null }[];
  }>(
    area && tag
      ? `/portrait/tags/${tag}/subjects${query({ area: area.code, limit: pageSize, offset: (page - 1) * pageSize })}`
      : null,
  );

  const search = async ({ q }: { q?: string }) => {
    const text = (q ?? '').trim();
    setSearchError(null);
    if (!text || !area) {
      setFound(null);
      return;
    }
    try {
      if (ID_NUMBER.test(text)) {
        setFound([await api<Person>('POST', '/persons/lookup', { idNumber: text.toUpperCase() })]);
      } else {
        setFound(
          (await api<{ items: Person[] }>('GET', `/persons${query({ area: area.code, q: text, limit: 50 })}`))
            .items,
        );
      }
    } catch (e) {
      setFound([]);
      setSearchError(errorText(e));
    }
  };

  const pagination = {
    current: page,
    pageSize,
    total: tagged.data?.total ?? 0,
    onChange: setPage,
    showSizeChanger: false,
  };
  const tagLabel = (code: string) => label(definitions.data?.tags.find((d) => d.code === code)?.label);
  const rows = (definitions.data?.tags ?? []).map((d) => {
    const count = counts.data?.items.find((c) => c.tag === d.code);
    return { ...d, yes: count?.yes ?? 0, unknown: count?.unknown ?? 0 };
  });

  return (
    <PageCard title={`${t('portrait')} · ${area?.name ?? ''}`} error={definitions.error ?? counts.error}>
      <Form layout="inline" style={{ marginBottom: 16 }} onFinish={(v: { q?: string }) => void search(v)}>
        <Form.Item name="q" label={t('portraitSearch')} extra={t('portraitSearchHint')}>
          <Input allowClear data-testid="portrait-search" style={{ width: 260 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('search')}
        </Button>
      </Form>
      {searchError && <Alert type="warning" showIcon title={searchError} style={{ marginBottom: 16 }} />}
      {found && (
        <Table<Person>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={found}
          data-testid="portrait-found"
          style={{ marginBottom: 24 }}
          columns={[
            {
              title: t('name'),
              dataIndex: 'name',
              render: (v: string, p) => (
                <LinkButton go={go} to={`/portrait?person=${p.id}`}>
                  {v}
                </LinkButton>
              ),
            },
            { title: t('idNumber'), dataIndex: 'idNumberMasked', render: (v: string) => <code>{v}</code> },
            { title: t('sex'), dataIndex: 'sex', render: (v: Person['sex']) => t(v) },
            { title: t('age'), dataIndex: 'age' },
          ]}
        />
      )}
      {tag && tagged.data ? (
        <>
          <Space style={{ marginBottom: 8 }}>
            <Button
              onClick={() => {
                go('/portrait');
              }}
            >
              {t('back')}
            </Button>
            <Typography.Text strong>{tagLabel(tag)}</Typography.Text>
          </Space>
          {tagged.data.entity === 'household' ? (
            <Table
              rowKey="id"
              size="small"
              data-testid="tagged-households"
              dataSource={tagged.data.households}
              pagination={pagination}
              columns={[
                {
                  title: t('hukouNumber'),
                  dataIndex: 'hukouNumber',
                  render: (v: string, h) => (
                    <LinkButton go={go} to={`/portrait?household=${h.id}`}>
                      {v}
                    </LinkButton>
                  ),
                },
                { title: t('address'), dataIndex: 'address', render: (v: string | null) => v ?? '—' },
              ]}
            />
          ) : (
            <Table<Person>
              rowKey="id"
              size="small"
              data-testid="tagged-persons"
              dataSource={tagged.data.persons}
              pagination={pagination}
              columns={[
                {
                  title: t('name'),
                  dataIndex: 'name',
                  render: (v: string, p) => (
                    <LinkButton go={go} to={`/portrait?person=${p.id}`}>
                      {v}
                    </LinkButton>
                  ),
                },
                {
                  title: t('idNumber'),
                  dataIndex: 'idNumberMasked',
                  render: (v: string) => <code>{v}</code>,
                },
                { title: t('age'), dataIndex: 'age' },
              ]}
            />
          )}
        </>
      ) : (
        <Table
          rowKey="code"
          size="small"
          data-testid="tag-overview"
          loading={counts.loading || definitions.loading}
          title={() => `${t('tagOverview')}（${t('households')} ${String(counts.data?.total ?? 0)}）`}
          dataSource={rows}
          pagination={false}
          columns={[
            {
              title: t('portraitTags'),
              dataIndex: 'label',
              render: (v: Label, r) => (
                <LinkButton go={go} to={`/portrait?tag=${r.code}`} testId={`overview-${r.code}`}>
                  {label(v)}
                </LinkButton>
              ),
            },
            {
              title: t('category'),
              dataIndex: 'category',
              render: (v: string) => label(definitions.data?.categories[v]),
            },
            {
              title: `${t('households')} / ${t('personsCount')}`,
              dataIndex: 'yes',
              render: (v: number, r) =>
                `${String(v)} ${r.entity === 'household' ? t('households') : t('personsCount')}`,
            },
            { title: t('tagUnknown'), dataIndex: 'unknown' },
          ]}
        />
      )}
    </PageCard>
  );
}

/**
 * The portrait (X2): tags of the area at a glance, search by name or ID number within scope,
 * and for a person or a household their tags with the evidence behind each (facts, the
 * departments and feed lines they came from), indicators, facts with sources, and a timeline.
 */
export function PortraitPage() {
  const [path, go] = useHashRoute();
  const { person, household, tag } = selected(path);
  if (person) return <PersonView key={person} id={person} go={go} />;
  if (household) return <HouseholdView key={household} id={household} go={go} />;
  return <Overview key={tag ?? ''} go={go} tag={tag} />;
}
