import { useEffect, useState } from 'react';
import { Badge, Button, Tooltip } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { api } from '../api/client.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { useSession } from '../session/SessionContext.tsx';

const changed = 'zhulian:inbox-changed';

/** Tells the header's bell that messages were read (or arrived), so it counts again now. */
export function inboxChanged(): void {
  window.dispatchEvent(new Event(changed));
}

/** The caller's unread messages, counted again every minute and whenever the inbox changes. */
export function useUnreadCount(): number | null {
  const { can } = useSession();
  const allowed = can('workorder:order:view');
  const [unread, setUnread] = useState<number | null>(null);
  useEffect(() => {
    if (!allowed) return;
    let live = true;
    const count = () => {
      api<{ unread: number }>('GET', '/inbox?unread=true&limit=1')
        .then((r) => {
          if (live) setUnread(r.unread);
        })
        .catch(() => undefined);
    };
    count();
    const timer = setInterval(count, 60_000);
    window.addEventListener(changed, count);
    return () => {
      live = false;
      clearInterval(timer);
      window.removeEventListener(changed, count);
    };
  }, [allowed]);
  return allowed ? unread : null;
}

/** The bell in the header: the unread count, and a click to the inbox. */
export function InboxBell({ onOpen }: { onOpen: () => void }) {
  const { t } = useLanguage();
  const unread = useUnreadCount();
  if (unread === null) return null;
  return (
    <Tooltip title={t('inbox')}>
      <Badge count={unread} size="small" overflowCount={99} data-testid="inbox-badge" data-unread={unread}>
        <Button
          type="text"
          icon={<BellOutlined />}
          aria-label={t('inbox')}
          onClick={onOpen}
          data-testid="inbox-bell"
        />
      </Badge>
    </Tooltip>
  );
}
