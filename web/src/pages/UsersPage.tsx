import { useState } from 'react';
import { App, Button, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { api } from '../api/client.ts';
import { errorText, useApi } from '../api/useApi.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { PageCard } from '../components/PageCard.tsx';
import type { Organisation } from './OrganisationsPage.tsx';

interface UserRow {
  id: string;
  username: string;
  displayName: string;
  organisation: string;
  areaCode: string;
  roles: string[];
  locked: boolean;
  disabled: boolean;
  mustChangePassword: boolean;
}

interface RoleChoice {
  code: string;
  nameZh: string;
  nameEn: string;
}

interface NewUser {
  username: string;
  displayName: string;
  organisationId: string;
  roleCodes: string[];
}

/** The system administrator's accounts page: create, disable or enable, reset a password. */
export function UsersPage() {
  const { t, language } = useLanguage();
  const { message, modal } = App.useApp();
  const users = useApi<{ items: UserRow[] }>('/users?limit=500');
  const organisations = useApi<{ items: Organisation[] }>('/organisations');
  const roles = useApi<{ items: RoleChoice[] }>('/users/role-choices');
  const [creating, setCreating] = useState(false);
  const [editingRoles, setEditingRoles] = useState<{ user: UserRow; roleCodes: string[] } | null>(null);
  const [form] = Form.useForm<NewUser>();

  const showPassword = (title: string, password: string) => {
    modal.info({
      title,
      content: (
        <div>
          <p>{t('initialPassword')}</p>
          <Typography.Text code copyable data-testid="initial-password">
            {password}
          </Typography.Text>
        </div>
      ),
    });
  };

  const create = async (values: NewUser) => {
    try {
      const result = await api<{ id: string; initialPassword: string }>('POST', '/users', values);
      setCreating(false);
      form.resetFields();
      users.reload();
      showPassword(values.username, result.initialPassword);
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      users.reload();
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  const roleName = (code: string) => {
    const role = roles.data?.items.find((r) => r.code === code);
    return role ? (language === 'zh' ? role.nameZh : role.nameEn) : code;
  };

  return (
    <PageCard
      title={t('users')}
      error={users.error}
      extra={
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => {
            setCreating(true);
          }}
          data-testid="new-user"
        >
          {t('newUser')}
        </Button>
      }
    >
      <Table<UserRow>
        rowKey="id"
        size="small"
        data-testid="users-table"
        loading={users.loading}
        dataSource={users.data?.items ?? []}
        pagination={{ pageSize: 20, showTotal: (n) => t('total', { n }) }}
        columns={[
          { title: t('account'), dataIndex: 'username' },
          { title: t('displayName'), dataIndex: 'displayName' },
          { title: t('organisation'), dataIndex: 'organisation' },
          {
            title: t('rolesColumn'),
            dataIndex: 'roles',
            render: (codes: string[]) => codes.map((c) => <Tag key={c}>{roleName(c)}</Tag>),
          },
          {
            title: t('status'),
            key: 'status',
            render: (_, u) => (
              <Space size={2}>
                {u.disabled ? (
                  <Tag color="default">{t('disabled')}</Tag>
                ) : (
                  <Tag color="green">{t('active')}</Tag>
                )}
                {u.locked && <Tag color="red">{t('locked')}</Tag>}
                {u.mustChangePassword && <Tag color="orange">{t('mustChange')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('actions'),
            key: 'actions',
            render: (_, u) => (
              <Space>
                <Popconfirm
                  title={u.disabled ? t('enable') : t('disable')}
                  onConfirm={() =>
                    void act(() => api('POST', `/users/${u.id}/status`, { disabled: !u.disabled }))
                  }
                >
                  <Button size="small" danger={!u.disabled}>
                    {u.disabled ? t('enable') : t('disable')}
                  </Button>
                </Popconfirm>
                <Button
                  size="small"
                  onClick={() => {
                    setEditingRoles({ user: u, roleCodes: u.roles });
                  }}
                >
                  {t('changeRoles')}
                </Button>
                <Popconfirm
                  title={t('resetPassword')}
                  onConfirm={() =>
                    void act(async () => {
                      const r = await api<{ initialPassword: string }>(
                        'POST',
                        `/users/${u.id}/reset-password`,
                        {},
                      );
                      showPassword(u.username, r.initialPassword);
                    })
                  }
                >
                  <Button size="small">{t('resetPassword')}</Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={editingRoles !== null}
        title={`${t('changeRoles')} · ${editingRoles?.user.username ?? ''}`}
        okText={t('save')}
        cancelText={t('cancel')}
        onCancel={() => {
          setEditingRoles(null);
        }}
        onOk={() => {
          if (!editingRoles) return;
          const { user, roleCodes } = editingRoles;
          void act(async () => {
            await api('PUT', `/users/${user.id}/roles`, { roleCodes });
            setEditingRoles(null);
            void message.success(t('saved'));
          });
        }}
      >
        <Select
          mode="multiple"
          style={{ width: '100%' }}
          aria-label={t('rolesColumn')}
          data-testid="role-editor"
          value={editingRoles?.roleCodes ?? []}
          onChange={(roleCodes: string[]) => {
            if (editingRoles) setEditingRoles({ ...editingRoles, roleCodes });
          }}
          options={(roles.data?.items ?? []).map((r) => ({
            value: r.code,
            label: language === 'zh' ? r.nameZh : r.nameEn,
          }))}
        />
      </Modal>
      <Modal
        open={creating}
        title={t('newUser')}
        onCancel={() => {
          setCreating(false);
        }}
        onOk={() => {
          form.submit();
        }}
        okText={t('create')}
        cancelText={t('cancel')}
      >
        <Form form={form} layout="vertical" onFinish={(v) => void create(v)}>
          <Form.Item
            name="username"
            label={t('account')}
            rules={[{ required: true, pattern: /^[a-z][a-z0-9_.-]{2,31}$/ }]}
          >
            <Input placeholder="zhang.san" />
          </Form.Item>
          <Form.Item name="displayName" label={t('displayName')} rules={[{ required: true, max: 50 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="organisationId" label={t('organisation')} rules={[{ required: true }]}>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              options={(organisations.data?.items ?? []).map((o) => ({
                value: o.id,
                label: `${o.name}（${o.areaCode}）`,
              }))}
            />
          </Form.Item>
          <Form.Item name="roleCodes" label={t('rolesColumn')} rules={[{ required: true }]}>
            <Select
              mode="multiple"
              options={(roles.data?.items ?? []).map((r) => ({
                value: r.code,
                label: language === 'zh' ? r.nameZh : r.nameEn,
              }))}
            />
          </Form.Item>
        </Form>
      </Modal>
    </PageCard>
  );
}
