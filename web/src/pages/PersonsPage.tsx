import { useState } from 'react';
import { App, Button, Form, Input, Modal, Space, Table, Tag } from 'antd';
import { EyeOutlined } from '@ant-design/icons';
import { api, query } from '../api/client.ts';
import type { Person } from '../api/types.ts';
import { errorText, useApi } from '../api/useApi.ts';
import { useAreaNames } from '../api/useAreaNames.ts';
import { useSession } from '../session/SessionContext.tsx';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { PageCard } from '../components/PageCard.tsx';

const pageSize = 20;

/**
 * Persons living in the area the console looks at, masked by the server. Revealing a number
 * needs its own permission and a reason, and is audited as its own action.
 */
export function PersonsPage() {
  const { area, can } = useSession();
  const { t } = useLanguage();
  const { message } = App.useApp();
  const [name, setName] = useState('');
  const [page, setPage] = useState(1);
  const [revealing, setRevealing] = useState<Person | null>(null);
  const [revealed, setRevealed] = useState<{ idNumber?: string; phone?: string | null } | null>(null);
  const path = area
    ? `/persons${query({ area: area.code, q: name, limit: pageSize, offset: (page - 1) * pageSize })}`
    : null;
  const { data, loading, error } = useApi<{ items: Person[]; total: number }>(path);
  const areaName = useAreaNames((data?.items ?? []).flatMap((p) => [p.residenceAreaCode, p.hukouAreaCode]));

  const reveal = async ({ reason }: { reason: string }) => {
    if (!revealing) return;
    try {
      setRevealed(
        await api<{ idNumber?: string; phone?: string | null }>('POST', `/persons/${revealing.id}/reveal`, {
          fields: ['idNumber', 'phone'],
          reason,
        }),
      );
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  return (
    <PageCard title={`${t('persons')} · ${area?.name ?? ''}`} error={error}>
      <Form
        layout="inline"
        style={{ marginBottom: 16 }}
        onFinish={(v: { name?: string }) => {
          setName(v.name ?? '');
          setPage(1);
        }}
      >
        <Form.Item name="name" label={t('nameContains')}>
          <Input allowClear data-testid="person-search" />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('search')}
        </Button>
      </Form>
      <Table<Person>
        rowKey="id"
        size="small"
        data-testid="persons-table"
        loading={loading}
        dataSource={data?.items ?? []}
        pagination={{
          current: page,
          pageSize,
          total: data?.total ?? 0,
          showSizeChanger: false,
          showTotal: (n) => t('total', { n }),
          onChange: setPage,
        }}
        columns={[
          { title: t('name'), dataIndex: 'name' },
          { title: t('idNumber'), dataIndex: 'idNumberMasked', render: (v: string) => <code>{v}</code> },
          { title: t('sex'), dataIndex: 'sex', render: (v: Person['sex']) => t(v) },
          { title: t('age'), dataIndex: 'age' },
          {
            title: t('phone'),
            dataIndex: 'phoneMasked',
            render: (v: string | null) => (v ? <code>{v}</code> : '—'),
          },
          {
            title: t('residenceArea'),
            dataIndex: 'residenceAreaCode',
            render: (v: string | null) => <span title={v ?? ''}>{areaName(v)}</span>,
          },
          {
            title: t('hukouArea'),
            dataIndex: 'hukouAreaCode',
            render: (v: string | null, p) => (
              <Space>
                <span title={v ?? ''}>{areaName(v)}</span>
                {p.livingAwayFromHukou && <Tag color="orange">{t('livingAway')}</Tag>}
              </Space>
            ),
          },
          ...(can('registry:person:sensitive')
            ? [
                {
                  title: t('actions'),
                  key: 'actions',
                  render: (_: unknown, p: Person) => (
                    <Button
                      size="small"
                      icon={<EyeOutlined />}
                      onClick={() => {
                        setRevealed(null);
                        setRevealing(p);
                      }}
                    >
                      {t('reveal')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={revealing !== null}
        title={`${t('reveal')} · ${revealing?.name ?? ''}`}
        footer={null}
        destroyOnHidden
        onCancel={() => {
          setRevealing(null);
        }}
      >
        {revealed ? (
          <div data-testid="revealed">
            <p>{t('revealed')}</p>
            <p>
              {t('idNumber')}：<code>{revealed.idNumber}</code>
            </p>
            <p>
              {t('phone')}：<code>{revealed.phone ?? '—'}</code>
            </p>
          </div>
        ) : (
          <Form<{ reason: string }> layout="vertical" onFinish={(v) => void reveal(v)}>
            <Form.Item
              name="reason"
              label={t('revealReason')}
              extra={t('revealReasonHint')}
              rules={[{ required: true, min: 2, message: t('required') }]}
            >
              <Input.TextArea rows={2} maxLength={200} />
            </Form.Item>
            <Button type="primary" htmlType="submit">
              {t('confirm')}
            </Button>
          </Form>
        )}
      </Modal>
    </PageCard>
  );
}
