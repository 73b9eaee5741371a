import { useState } from 'react';
import { App, Button, Dropdown, Layout, Menu, Modal, Result, Space, Typography } from 'antd';
import type { MenuProps } from 'antd';
import { DownOutlined, UserOutlined } from '@ant-design/icons';
import { api } from '../api/client.ts';
import { useSession } from '../session/SessionContext.tsx';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { consolePages, type MenuGroup } from './consolePages.tsx';
import { AreaScopeSwitch } from './AreaScopeSwitch.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { ChangePasswordForm } from '../components/ChangePasswordForm.tsx';
import { useHashRoute } from './useHashRoute.ts';
import { InboxBell } from '../components/InboxBell.tsx';

const groupLabel: Record<MenuGroup, MessageKey> = {
  registry: 'groupRegistry',
  policies: 'groupPolicies',
  workorders: 'groupWorkOrders',
  data: 'groupData',
  system: 'groupSystem',
  security: 'groupSecurity',
  audit: 'groupAudit',
};

/** The console frame: a menu of the pages this user may open, the area scope, the account menu. */
export function ConsoleLayout({ onPasswordChanged }: { onPasswordChanged: () => void }) {
  const { principal, can, signOut } = useSession();
  const { t } = useLanguage();
  const { message } = App.useApp();
  const [path, navigate] = useHashRoute();
  const [changing, setChanging] = useState(false);
  if (!principal) return null;

  const visible = consolePages.filter((p) => !p.hidden && (p.permission === null || can(p.permission)));
  const items: MenuProps['items'] = [];
  for (const page of visible.filter((p) => p.group === null)) {
    items.push({ key: page.path, icon: page.icon, label: t(page.label) });
  }
  for (const group of [
    'registry',
    'policies',
    'workorders',
    'data',
    'system',
    'security',
    'audit',
  ] as MenuGroup[]) {
    const pages = visible.filter((p) => p.group === group);
    if (pages.length === 0) continue;
    items.push({
      type: 'group',
      key: group,
      label: t(groupLabel[group]),
      children: pages.map((p) => ({ key: p.path, icon: p.icon, label: t(p.label) })),
    });
  }

  // A page may carry its state in the hash's query (`#/portrait?person=…`).
  const pagePath = path.split('?')[0] ?? path;
  const page = consolePages.find((p) => p.path === pagePath);
  const allowed = page && (page.permission === null || can(page.permission));

  // The phone pages draw their own narrow frame, without the menu (a village worker's phone).
  if (page?.bare) {
    return allowed ? (
      <>{page.render()}</>
    ) : (
      <Result status="403" title={t('noPermission')} data-testid="no-permission" />
    );
  }

  const accountMenu: MenuProps['items'] = [
    { key: 'password', label: t('changePassword') },
    { key: 'everywhere', label: t('signOutEverywhere') },
    { type: 'divider' },
    { key: 'signout', label: t('signOut'), danger: true },
  ];
  const onAccount = async (key: string) => {
    if (key === 'password') setChanging(true);
    if (key === 'signout') await signOut();
    if (key === 'everywhere') {
      await api('POST', '/auth/logout-all', {});
      void message.success(t('signedOutEverywhere'));
      await signOut().catch(() => undefined);
    }
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={220} theme="light" breakpoint="lg" collapsedWidth={0}>
        <div className="brand">{t('appShort')}</div>
        <Menu
          mode="inline"
          data-testid="main-menu"
          selectedKeys={[pagePath]}
          items={items}
          onClick={({ key }) => {
            navigate(key);
          }}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header className="console-header">
          <Typography.Text strong className="header-title">
            {principal.systemName || t('appName')}
          </Typography.Text>
          <Space size="middle">
            <InboxBell
              onOpen={() => {
                navigate('/inbox');
              }}
            />
            <AreaScopeSwitch />
            <LanguageSwitch />
            <Dropdown menu={{ items: accountMenu, onClick: ({ key }) => void onAccount(key) }}>
              <Button type="text" data-testid="account-menu">
                <UserOutlined /> {principal.displayName} <DownOutlined />
              </Button>
            </Dropdown>
          </Space>
        </Layout.Header>
        <Layout.Content className="console-content">
          {!page ? (
            <Result status="404" title={t('notFound')} />
          ) : allowed ? (
            page.render()
          ) : (
            <Result status="403" title={t('noPermission')} data-testid="no-permission" />
          )}
        </Layout.Content>
      </Layout>
      <Modal
        open={changing}
        title={t('changePassword')}
        footer={null}
        onCancel={() => {
          setChanging(false);
        }}
        destroyOnHidden
      >
        <ChangePasswordForm
          onDone={() => {
            setChanging(false);
            onPasswordChanged();
            void signOut().catch(() => undefined);
          }}
        />
      </Modal>
    </Layout>
  );
}
