import { useState } from 'react';
import { App, Badge, Button, Empty, Segmented, Space, Spin, Tag, Typography } from 'antd';
import { CheckOutlined, ReloadOutlined } from '@ant-design/icons';
import { api } from '../api/client.ts';
import { errorText, useApi } from '../api/useApi.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { when } from '../i18n/dates.ts';
import { useHashRoute } from '../layout/useHashRoute.ts';
import { PageCard } from '../components/PageCard.tsx';
import { inboxChanged } from '../components/InboxBell.tsx';
import { inboxKindColor, inboxKindKey, type InboxMessage } from './workOrderModel.ts';

interface Inbox {
  items: InboxMessage[];
  unread: number;
}

/**
 * My messages (issue 8): orders dispatched, transferred or escalated to my organisation, parts to
 * co-handle, clocks near due or overdue, orders returned or waiting for verification — unread
 * first; each opens its order, and reading it marks it read for the whole organisation.
 */
export function InboxPage({ mobile = false }: { mobile?: boolean }) {
  const { t } = useLanguage();
  const { message } = App.useApp();
  const [, go] = useHashRoute();
  const [show, setShow] = useState<'all' | 'unread'>('all');
  const unread = useApi<Inbox>('/inbox?unread=true&limit=200');
  const recent = useApi<Inbox>(show === 'all' ? '/inbox?limit=100' : null);
  const [busy, setBusy] = useState(false);
  const unreadItems = unread.data?.items ?? [];
  const readItems = show === 'all' ? (recent.data?.items ?? []).filter((m) => m.readAt !== null) : [];
  const items = [...unreadItems, ...readItems];
  const reload = () => {
    unread.reload();
    recent.reload();
    inboxChanged();
  };
  /** One message, or (null) every unread one in a single request. */
  const markRead = async (ids: number[] | null) => {
    setBusy(true);
    try {
      if (ids === null) await api('POST', '/inbox/read-all', {});
      else for (const id of ids) await api('POST', `/inbox/${String(id)}/read`, {});
      reload();
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const open = (m: InboxMessage) => {
    if (m.readAt === null) void markRead([m.id]);
    if (m.orderId) go(mobile ? `/m/work-orders?id=${m.orderId}` : `/work-orders?tab=all&id=${m.orderId}`);
  };
  const count = unread.data?.unread ?? 0;
  return (
    <PageCard
      title={
        <Space>
          {t('inbox')}
          <Badge
            count={count}
            overflowCount={999}
            data-testid="inbox-unread"
            data-unread={count}
            showZero={false}
          />
        </Space>
      }
      error={unread.error ?? recent.error}
      extra={
        <Space wrap>
          <Segmented<'all' | 'unread'>
            value={show}
            onChange={setShow}
            options={[
              { value: 'all', label: t('woAllMessages') },
              { value: 'unread', label: t('woUnreadOnly') },
            ]}
          />
          <Button
            icon={<CheckOutlined />}
            disabled={unreadItems.length === 0}
            loading={busy}
            data-testid="mark-all-read"
            onClick={() => void markRead(null)}
          >
            {t('woMarkAllRead')}
          </Button>
          <Button icon={<ReloadOutlined />} aria-label={t('refresh')} onClick={reload} />
        </Space>
      }
    >
      {unread.loading && !unread.data && <Spin />}
      {unread.data && items.length === 0 && <Empty description={t('woNoMessages')} />}
      <div data-testid="inbox-list">
        {items.map((m) => (
          <div
            key={m.id}
            className={`wo-message${m.readAt === null ? ' wo-message-unread' : ''}`}
            data-testid="inbox-item"
            data-read={m.readAt === null ? 'no' : 'yes'}
          >
            <Space align="start" style={{ width: '100%', justifyContent: 'space-between' }} wrap>
              <Space orientation="vertical" size={2}>
                <Space size={6} wrap>
                  {m.readAt === null && <Badge status="processing" />}
                  <Tag color={inboxKindColor[m.kind] ?? 'blue'}>
                    {t(inboxKindKey[m.kind] ?? 'woMsgOther')}
                  </Tag>
                  <Typography.Text strong={m.readAt === null}>{m.title}</Typography.Text>
                </Space>
                {m.body && <Typography.Text type="secondary">{m.body}</Typography.Text>}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {when(m.createdAt)}
                  {m.readAt ? ` · ${t('woReadAt', { at: when(m.readAt) })}` : ''}
                </Typography.Text>
              </Space>
              <Space wrap>
                {m.orderId && (
                  <Button
                    size="small"
                    type="primary"
                    ghost
                    data-testid="open-message-order"
                    onClick={() => {
                      open(m);
                    }}
                  >
                    {t('woOpenOrder')}
                  </Button>
                )}
                {m.readAt === null && (
                  <Button size="small" data-testid="mark-read" onClick={() => void markRead([m.id])}>
                    {t('woMarkRead')}
                  </Button>
                )}
              </Space>
            </Space>
          </div>
        ))}
      </div>
    </PageCard>
  );
}
