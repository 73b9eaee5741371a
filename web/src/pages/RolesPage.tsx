import { useState } from 'react';
import { App, Button, Checkbox, Form, Input, Modal, Select, Space, Table, Tag, Tooltip } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { api } from '../api/client.ts';
import type { DataScope } from '../api/types.ts';
import { errorText, useApi } from '../api/useApi.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { PageCard } from '../components/PageCard.tsx';

interface Role {
  code: string;
  nameZh: string;
  nameEn: string;
  permissions: string[];
  dataScope: DataScope;
  builtin: boolean;
}

const scopes: { value: DataScope; label: MessageKey }[] = [
  { value: 'all', label: 'scopeAll' },
  { value: 'area_and_below', label: 'scopeAreaAndBelow' },
  { value: 'area_only', label: 'scopeAreaOnly' },
  { value: 'own', label: 'scopeOwn' },
];

/**
 * The security administrator's roles: created and changed here (the built-in administrator
 * roles only renamed). The server refuses any role that would merge two administrator
 * families or an administrator family with business work (三员分立) and says why.
 */
export function RolesPage() {
  const { t, language } = useLanguage();
  const { message } = App.useApp();
  const roles = useApi<{ items: Role[]; permissions: Record<string, string> }>('/roles');
  const [editing, setEditing] = useState<Role | 'new' | null>(null);
  const [form] = Form.useForm<Omit<Role, 'builtin'>>();
  const catalogue = roles.data?.permissions ?? {};
  const scopeLabel = (s: DataScope) => t(scopes.find((x) => x.value === s)?.label ?? 'scopeAll');

  const open = (role: Role | 'new') => {
    setEditing(role);
    form.setFieldsValue(
      role === 'new'
        ? { code: '', nameZh: '', nameEn: '', permissions: [], dataScope: 'area_and_below' }
        : role,
    );
  };
  const save = async (values: Omit<Role, 'builtin'>) => {
    try {
      if (editing === 'new') await api('POST', '/roles', values);
      else {
        const { code, ...change } = values;
        await api('PATCH', `/roles/${code}`, change);
      }
      setEditing(null);
      roles.reload();
      void message.success(t('saved'));
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  return (
    <PageCard
      title={t('roles')}
      error={roles.error}
      extra={
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => {
            open('new');
          }}
        >
          {t('newRole')}
        </Button>
      }
    >
      <Table<Role>
        rowKey="code"
        size="small"
        data-testid="roles-table"
        loading={roles.loading}
        dataSource={roles.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('roleCode'), dataIndex: 'code' },
          { title: t('roleName'), key: 'name', render: (_, r) => (language === 'zh' ? r.nameZh : r.nameEn) },
          { title: t('dataScope'), dataIndex: 'dataScope', render: scopeLabel },
          {
            title: t('permissions'),
            dataIndex: 'permissions',
            render: (ps: string[]) => (
              <Space size={2} wrap>
                {ps.map((p) => (
                  <Tooltip key={p} title={p}>
                    <Tag>{catalogue[p] ?? p}</Tag>
                  </Tooltip>
                ))}
              </Space>
            ),
          },
          {
            title: t('actions'),
            key: 'actions',
            render: (_, r) => (
              <Space>
                <Button
                  size="small"
                  onClick={() => {
                    open(r);
                  }}
                >
                  {t('edit')}
                </Button>
                {r.builtin && <Tag>{t('builtin')}</Tag>}
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        width={720}
        title={editing === 'new' ? t('newRole') : t('edit')}
        onCancel={() => {
          setEditing(null);
        }}
        onOk={() => {
          form.submit();
        }}
        okText={t('save')}
        cancelText={t('cancel')}
      >
        <Form form={form} layout="vertical" onFinish={(v) => void save(v)}>
          <Form.Item
            name="code"
            label={t('roleCode')}
            rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{2,49}$/ }]}
          >
            <Input disabled={editing !== 'new'} />
          </Form.Item>
          <Form.Item name="nameZh" label={t('roleName')} rules={[{ required: true, max: 50 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="nameEn" label={t('roleNameEn')} rules={[{ required: true, max: 100 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="dataScope" label={t('dataScope')} rules={[{ required: true }]}>
            <Select options={scopes.map((s) => ({ value: s.value, label: t(s.label) }))} />
          </Form.Item>
          <Form.Item name="permissions" label={t('permissions')}>
            <Checkbox.Group
              style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 4 }}
              options={Object.entries(catalogue).map(([p, label]) => ({
                value: p,
                label: `${label}（${p}）`,
              }))}
            />
          </Form.Item>
        </Form>
      </Modal>
    </PageCard>
  );
}
