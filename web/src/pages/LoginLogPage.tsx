import { Table, Tag } from 'antd';
import { useApi } from '../api/useApi.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { PageCard } from '../components/PageCard.tsx';
import { when } from '../i18n/dates.ts';

interface LoginEntry {
  at: string;
  username: string;
  userId: string | null;
  ip: string | null;
  outcome: string;
}

/** Every sign-in attempt: time, account, address and outcome (MLPS level 3). */
export function LoginLogPage() {
  const { t } = useLanguage();
  const log = useApi<{ items: LoginEntry[] }>('/login-log?limit=1000');
  return (
    <PageCard title={t('loginLog')} error={log.error}>
      <Table<LoginEntry>
        rowKey={(r) => `${r.at}-${r.username}-${r.outcome}`}
        size="small"
        data-testid="login-log-table"
        loading={log.loading}
        dataSource={log.data?.items ?? []}
        pagination={{ pageSize: 50, showTotal: (n) => t('total', { n }) }}
        columns={[
          { title: t('time'), dataIndex: 'at', render: when },
          { title: t('account'), dataIndex: 'username' },
          { title: t('address'), dataIndex: 'ip' },
          {
            title: t('outcome'),
            dataIndex: 'outcome',
            render: (o: string) => <Tag color={o === 'success' ? 'green' : 'red'}>{o}</Tag>,
          },
        ]}
      />
    </PageCard>
  );
}
