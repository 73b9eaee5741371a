import type { ReactNode } from 'react';
import { Button, Dropdown, Typography } from 'antd';
import type { MenuProps } from 'antd';
import { DesktopOutlined, UserOutlined } from '@ant-design/icons';
import { useSession } from '../session/SessionContext.tsx';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { useHashRoute } from '../layout/useHashRoute.ts';
import { LanguageSwitch } from '../layout/LanguageSwitch.tsx';
import { InboxBell } from './InboxBell.tsx';
import './mobile.css';

/**
 * The frame of the phone pages (`#/m/…`): one narrow column without the console's side menu, a
 * header with the unread messages, the way back to the full console, the language and the account.
 */
export function MobileShell({ title, children }: { title: string; children: ReactNode }) {
  const { principal, signOut } = useSession();
  const { t } = useLanguage();
  const [, go] = useHashRoute();
  const account: MenuProps['items'] = [
    { key: 'console', label: t('mConsole') },
    { type: 'divider' },
    { key: 'signout', label: t('signOut'), danger: true },
  ];
  return (
    <div className="m-shell" data-testid="mobile-shell">
      <header className="m-header">
        <Typography.Text strong className="m-title" ellipsis>
          {title}
        </Typography.Text>
        <div className="m-tools">
          <InboxBell
            onOpen={() => {
              go('/m/inbox');
            }}
          />
          <Button
            type="text"
            icon={<DesktopOutlined />}
            aria-label={t('mConsole')}
            data-testid="to-console"
            onClick={() => {
              go('/work-orders');
            }}
          />
          <LanguageSwitch />
          <Dropdown
            trigger={['click']}
            menu={{
              items: account,
              onClick: ({ key }) => {
                if (key === 'console') go('/');
                if (key === 'signout') void signOut();
              },
            }}
          >
            <Button
              type="text"
              icon={<UserOutlined />}
              data-testid="mobile-account"
              aria-label={principal?.displayName}
            />
          </Dropdown>
        </div>
      </header>
      <main className="m-main">{children}</main>
    </div>
  );
}
