import { useState } from 'react';
import { Alert, App, Button, Descriptions, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { api, query } from '../api/client.ts';
import type { Parameter, PolicyCategory, PolicyDetail, PolicyList, PolicySummary } from '../api/types.ts';
import { errorText, useApi } from '../api/useApi.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { useSession } from '../session/SessionContext.tsx';
import { PageCard } from '../components/PageCard.tsx';
import { useHashRoute } from '../layout/useHashRoute.ts';
import { OutcomeTag, periodKey, useLabel, valueText } from './policyLabels.tsx';

/** `#/policies?id=dibao` opens one policy; `#/policies` the pool. */
function selectedPolicy(path: string): string | null {
  return new URLSearchParams(path.split('?')[1] ?? '').get('id');
}

/** The welfare pool browser (issue 5): by category and department, each policy on its own page. */
export function PoliciesPage() {
  const [path, go] = useHashRoute();
  const id = selectedPolicy(path);
  return id ? <PolicyView id={id} go={go} /> : <PoolView go={go} />;
}

function PoolView({ go }: { go: (next: string) => void }) {
  const { t } = useLanguage();
  const label = useLabel();
  const { can } = useSession();
  const { message } = App.useApp();
  const [category, setCategory] = useState<PolicyCategory | undefined>();
  const [department, setDepartment] = useState<string | undefined>();
  const [q, setQ] = useState('');
  const all = useApi<PolicyList>('/policies');
  const { data, loading, error, reload } = useApi<PolicyList>(
    `/policies${query({ category, department, q })}`,
  );
  const departments = new Map((all.data?.items ?? []).map((p) => [p.department, p.departmentLabel]));
  const pool = all.data?.pool;
  return (
    <PageCard
      title={t('policies')}
      error={error ?? all.error}
      extra={
        can('rules:policy:manage') ? (
          <Button
            data-testid="reload-pool"
            onClick={() => {
              api('POST', '/policies/reload', {})
                .then(() => {
                  void message.success(t('poolReloaded'));
                  all.reload();
                  reload();
                })
                .catch((e: unknown) => {
                  void message.error(errorText(e));
                  all.reload();
                });
            }}
          >
            {t('reloadPool')}
          </Button>
        ) : null
      }
    >
      {pool?.lastFailure && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('poolFailure', { message: pool.lastFailure.message })}
          data-testid="pool-failure"
        />
      )}
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          style={{ width: 180 }}
          placeholder={t('allCategories')}
          value={category}
          onChange={(v: PolicyCategory | undefined) => {
            setCategory(v);
          }}
          data-testid="policy-category"
          options={Object.entries(all.data?.categories ?? {}).map(([value, l]) => ({
            value,
            label: `${label(l)}（${String(all.data?.counts.category[value] ?? 0)}）`,
          }))}
        />
        <Select
          allowClear
          style={{ width: 220 }}
          placeholder={t('allDepartments')}
          value={department}
          onChange={(v: string | undefined) => {
            setDepartment(v);
          }}
          options={[...departments].map(([value, l]) => ({
            value,
            label: `${label(l)}（${String(all.data?.counts.department[value] ?? 0)}）`,
          }))}
        />
        <Input.Search
          allowClear
          style={{ width: 260 }}
          data-testid="policy-search"
          placeholder={t('policySearch')}
          onSearch={(v) => {
            setQ(v.trim());
          }}
        />
      </Space>
      {pool && (
        <Typography.Paragraph type="secondary" data-testid="pool-version">
          {t('poolVersion', { version: pool.version, count: pool.policies })}
        </Typography.Paragraph>
      )}
      <Table<PolicySummary>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        pagination={{ pageSize: 20, showSizeChanger: false }}
        data-testid="policy-table"
        columns={[
          {
            title: t('policyName'),
            key: 'name',
            render: (_, p) => (
              <Button
                type="link"
                size="small"
                onClick={() => {
                  go(`/policies?id=${p.id}`);
                }}
              >
                {label(p.name)}
              </Button>
            ),
          },
          { title: t('policyCategory'), key: 'category', render: (_, p) => label(p.categoryLabel) },
          { title: t('policyDepartment'), key: 'department', render: (_, p) => label(p.departmentLabel) },
          {
            title: t('policyEntity'),
            key: 'entity',
            render: (_, p) =>
              t(
                p.entity === 'household'
                  ? 'entityHousehold'
                  : p.persons === 'deceased'
                    ? 'entityDeceased'
                    : 'entityPerson',
              ),
          },
          {
            title: t('policyPays'),
            key: 'pays',
            render: (_, p) => (p.pays ? t(periodKey[p.pays]) : '—'),
          },
          { title: t('legalRef'), dataIndex: 'legalRef', ellipsis: true },
        ]}
      />
    </PageCard>
  );
}

function regionText(region: string, t: (key: 'national') => string) {
  return region === 'CN' ? t('national') : region;
}

function ParameterTable({ parameter }: { parameter: Parameter }) {
  const { t } = useLanguage();
  const label = useLabel();
  return (
    <div style={{ marginBottom: 16 }} data-testid={`parameter-${parameter.name}`}>
      <Typography.Text strong>{label(parameter.label)}</Typography.Text>{' '}
      <Typography.Text type="secondary">
        <code>param.{parameter.name}</code> · {parameter.unit}
      </Typography.Text>
      <Table
        rowKey={(v) => `${v.region}|${v.from}`}
        size="small"
        pagination={false}
        dataSource={parameter.values}
        columns={[
          { title: t('parameterRegion'), key: 'region', render: (_, v) => regionText(v.region, t) },
          { title: t('parameterFrom'), dataIndex: 'from' },
          {
            title: t('parameterValue'),
            key: 'value',
            render: (_, v) => (
              <Space>
                {valueText(v.value)}
                {!v.confirmed && <Tag color="orange">{t('unconfirmed')}</Tag>}
              </Space>
            ),
          },
          { title: t('parameterRef'), dataIndex: 'ref' },
          { title: t('parameterChecked'), dataIndex: 'checked' },
        ]}
      />
    </div>
  );
}

function PolicyView({ id, go }: { id: string; go: (next: string) => void }) {
  const { t } = useLanguage();
  const label = useLabel();
  const { data, error } = useApi<PolicyDetail>(`/policies/${id}`);
  return (
    <PageCard
      title={data ? label(data.name) : t('policies')}
      error={error}
      extra={
        <Button
          onClick={() => {
            go('/policies');
          }}
        >
          {t('back')}
        </Button>
      }
    >
      {data && (
        <div data-testid="policy-detail">
          <Descriptions size="small" column={{ xs: 1, md: 2 }}>
            <Descriptions.Item label={t('policyCategory')}>{label(data.categoryLabel)}</Descriptions.Item>
            <Descriptions.Item label={t('policyDepartment')}>{label(data.departmentLabel)}</Descriptions.Item>
            <Descriptions.Item label={t('policyEntity')}>
              {t(
                data.entity === 'household'
                  ? 'entityHousehold'
                  : data.persons === 'deceased'
                    ? 'entityDeceased'
                    : 'entityPerson',
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('policyPays')}>
              {data.pays ? t(periodKey[data.pays]) : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('legalRef')} span={2}>
              {data.legalRef}
            </Descriptions.Item>
          </Descriptions>
          {data.summary && <Typography.Paragraph>{label(data.summary)}</Typography.Paragraph>}

          <Typography.Title level={5}>{t('criteria')}</Typography.Title>
          <ol data-testid="policy-criteria">
            {data.criteria.map((c) => (
              <li key={c.name} style={{ marginBottom: 8 }}>
                <Typography.Text strong>{label(c.label)}</Typography.Text>
                <div>
                  <Typography.Text type="secondary">{t('criterionTest')}：</Typography.Text>
                  <code>{c.test}</code>
                </div>
                <div>
                  <Typography.Text type="secondary">{t('failMessage')}：</Typography.Text>
                  {c.fail.zh}
                </div>
              </li>
            ))}
          </ol>
          {data.exceptions.length > 0 && (
            <>
              <Typography.Title level={5}>{t('exceptions')}</Typography.Title>
              <ul>
                {data.exceptions.map((e) => (
                  <li key={e.name}>
                    {label(e.label)}（{t('priority')} {e.priority}，
                    <OutcomeTag outcome={e.outcome} />）<code>{e.when}</code>
                  </li>
                ))}
              </ul>
            </>
          )}
          <Typography.Title level={5}>{t('amountFormula')}</Typography.Title>
          {data.amount ? (
            <Typography.Paragraph>
              {t(periodKey[data.amount.period])}：{label(data.amount.explain)}{' '}
              <code>{data.amount.formula}</code>
            </Typography.Paragraph>
          ) : (
            <Typography.Paragraph type="secondary">{t('noPayment')}</Typography.Paragraph>
          )}
          {data.enrolment && (
            <Typography.Paragraph>
              {t('enrolmentEvidence')}：<code>{data.enrolment}</code>
            </Typography.Paragraph>
          )}
          <Typography.Title level={5}>{t('parameterHistory')}</Typography.Title>
          {data.parameters.map((p) => (
            <ParameterTable key={p.name} parameter={p} />
          ))}
          <Typography.Title level={5}>{t('testCases')}</Typography.Title>
          <Table
            rowKey="line"
            size="small"
            pagination={false}
            data-testid="policy-cases"
            dataSource={data.cases}
            columns={[
              { title: t('policyName'), dataIndex: 'name' },
              { title: t('parameterRegion'), dataIndex: 'region' },
              { title: t('parameterFrom'), dataIndex: 'date' },
              {
                title: t('caseInput'),
                key: 'input',
                render: (_, c) => (
                  <code style={{ fontSize: 12 }}>
                    {JSON.stringify({
                      h: c.h,
                      ...(c.members.length ? { members: c.members } : {}),
                      ...(c.p ? { p: c.p } : {}),
                    })}
                  </code>
                ),
              },
              { title: t('caseExpect'), key: 'expect', render: (_, c) => <OutcomeTag outcome={c.expect} /> },
              { title: t('caseAmount'), key: 'amount', render: (_, c) => valueText(c.amount) },
            ]}
          />
        </div>
      )}
    </PageCard>
  );
}
