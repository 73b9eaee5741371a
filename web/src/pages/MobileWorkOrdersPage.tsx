import {
  Alert,
  Badge,
  Button,
  Card,
  Collapse,
  Descriptions,
  Empty,
  Segmented,
  Space,
  Spin,
  Typography,
} from 'antd';
import { LeftOutlined, ReloadOutlined } from '@ant-design/icons';
import { useApi } from '../api/useApi.ts';
import { useAreaNames } from '../api/useAreaNames.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { when } from '../i18n/dates.ts';
import { useHashRoute } from '../layout/useHashRoute.ts';
import { MobileShell } from '../components/MobileShell.tsx';
import {
  outcomeKey,
  sourceKey,
  type OrderDetail,
  type OrderStatus,
  type WorkOrder,
} from './workOrderModel.ts';
import {
  ClockTag,
  OrderActions,
  OrderAttachments,
  OrderComments,
  OrderParts,
  OrderTimeline,
  PriorityTag,
  StatusTag,
} from './workOrderParts.tsx';
import { InboxPage } from './InboxPage.tsx';

type Tab = 'waiting' | 'handling' | 'done';
const tabStatuses: Record<Tab, OrderStatus[]> = {
  waiting: ['dispatched'],
  handling: ['accepted', 'in_progress', 'paused'],
  done: ['resolved', 'verified', 'closed'],
};
const mineQuery = (tab: Tab, limit: number) =>
  `/work-orders?box=mine&limit=${String(limit)}&${tabStatuses[tab].map((s) => `status=${s}`).join('&')}`;

/** One order as a card: what, where, by when; a tap opens it. */
function OrderCard({ order, areaName, onOpen }: { order: WorkOrder; areaName: string; onOpen: () => void }) {
  const { t } = useLanguage();
  return (
    <Card
      size="small"
      hoverable
      className="m-card"
      data-testid="m-order-card"
      data-order={order.id}
      onClick={onOpen}
    >
      <Space orientation="vertical" size={4} style={{ width: '100%' }}>
        <Typography.Text strong className="m-card-title">
          {order.title}
        </Typography.Text>
        <Space size={4} wrap>
          <StatusTag status={order.status} />
          <PriorityTag priority={order.priority} />
          <ClockTag order={order} />
        </Space>
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
          {areaName}
          {order.hukouNumber ? ` · ${order.hukouNumber}` : ''} · {t(sourceKey[order.source])}
        </Typography.Text>
      </Space>
    </Card>
  );
}

function MobileList({
  tab,
  setTab,
  open,
}: {
  tab: Tab;
  setTab: (tab: Tab) => void;
  open: (id: string) => void;
}) {
  const { t } = useLanguage();
  const list = useApi<{ items: WorkOrder[]; total: number }>(mineQuery(tab, 100));
  const waiting = useApi<{ total: number }>(mineQuery('waiting', 1));
  const handling = useApi<{ total: number }>(mineQuery('handling', 1));
  const items = list.data?.items ?? [];
  const areaName = useAreaNames(items.map((o) => o.areaCode));
  const label = (text: string, n: number | undefined) => (
    <Space size={4}>
      {text}
      {n ? <Badge count={n} size="small" color="#c0392b" /> : null}
    </Space>
  );
  return (
    <>
      <div className="m-toolbar">
        <Segmented<Tab>
          block
          size="large"
          data-testid="m-tabs"
          value={tab}
          onChange={setTab}
          options={[
            { value: 'waiting', label: label(t('mToAccept'), waiting.data?.total) },
            { value: 'handling', label: label(t('mHandling'), handling.data?.total) },
            { value: 'done', label: t('mDone') },
          ]}
        />
      </div>
      {list.error && <Alert type="error" showIcon title={list.error} />}
      {list.loading && !list.data && <Spin style={{ display: 'block', margin: 24 }} />}
      {list.data && items.length === 0 && <Empty description={t('mNoOrders')} style={{ marginTop: 32 }} />}
      <div data-testid="m-order-list">
        {items.map((o) => (
          <OrderCard
            key={o.id}
            order={o}
            areaName={areaName(o.areaCode)}
            onOpen={() => {
              open(o.id);
            }}
          />
        ))}
      </div>
      {list.data && list.data.total > items.length && (
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          {t('mMore', { n: list.data.total - items.length })}
        </Typography.Paragraph>
      )}
    </>
  );
}

function MobileOrder({ id, back }: { id: string; back: () => void }) {
  const { t } = useLanguage();
  const detail = useApi<OrderDetail>(`/work-orders/${id}`);
  const order = detail.data?.id === id ? detail.data : undefined;
  const areaName = useAreaNames(order ? [order.areaCode] : []);
  return (
    <>
      <div className="m-toolbar m-back">
        <Button type="text" size="large" icon={<LeftOutlined />} onClick={back} data-testid="m-back">
          {t('back')}
        </Button>
        <Button
          type="text"
          size="large"
          icon={<ReloadOutlined />}
          aria-label={t('refresh')}
          onClick={() => {
            detail.reload();
          }}
        />
      </div>
      {detail.error && <Alert type="error" showIcon title={detail.error} />}
      {!order && !detail.error && <Spin style={{ display: 'block', margin: 24 }} />}
      {order && (
        <div data-testid="m-order" data-order={order.id} data-status={order.status}>
          <Card size="small" className="m-card">
            <Typography.Title level={5} style={{ marginTop: 0 }} data-testid="m-order-title">
              {order.title}
            </Typography.Title>
            <Space size={4} wrap style={{ marginBottom: 8 }}>
              <StatusTag status={order.status} />
              <PriorityTag priority={order.priority} />
              <ClockTag order={order} />
            </Space>
            <Descriptions
              size="small"
              column={1}
              items={[
                { key: 'area', label: t('area'), children: areaName(order.areaCode) },
                ...(order.hukouNumber
                  ? [{ key: 'household', label: t('hukouNumber'), children: order.hukouNumber }]
                  : []),
                ...(order.policyName
                  ? [{ key: 'policy', label: t('woPolicy'), children: order.policyName }]
                  : []),
                ...(order.callerName || order.callerPhone
                  ? [
                      {
                        key: 'caller',
                        label: t('woCaller'),
                        children: [order.callerName, order.callerPhone].filter(Boolean).join(' · '),
                      },
                    ]
                  : []),
                { key: 'source', label: t('woSource'), children: t(sourceKey[order.source]) },
                { key: 'created', label: t('createdAt'), children: when(order.createdAt) },
                ...(order.outcome
                  ? [
                      {
                        key: 'outcome',
                        label: t('woOutcome'),
                        children: (
                          <span data-testid="order-outcome" data-outcome={order.outcome}>
                            {t(outcomeKey[order.outcome])}
                            {[order.outcomePolicyName, order.outcomeProvider, order.outcomeNote]
                              .filter(Boolean)
                              .map((s) => `：${s ?? ''}`)
                              .join('')}
                          </span>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
            {order.description && (
              <Typography.Paragraph className="wo-note" style={{ marginBottom: 0 }}>
                {order.description}
              </Typography.Paragraph>
            )}
          </Card>
          <Card size="small" className="m-card">
            <OrderActions order={order} onChanged={detail.reload} large />
          </Card>
          {order.parts.length > 0 && (
            <Card size="small" className="m-card">
              <OrderParts order={order} />
            </Card>
          )}
          <Card size="small" className="m-card" title={t('woTimeline')}>
            <OrderTimeline order={order} />
          </Card>
          <Collapse
            className="m-card"
            items={[
              {
                key: 'comments',
                label: `${t('woComments')}（${String(order.comments.length)}）`,
                children: <OrderComments order={order} onChanged={detail.reload} />,
              },
              {
                key: 'attachments',
                label: `${t('woAttachments')}（${String(order.attachments.length)}）`,
                children: <OrderAttachments order={order} onChanged={detail.reload} />,
              },
            ]}
          />
        </div>
      )}
    </>
  );
}

/**
 * The phone page for village workers (issue 8, `#/m/work-orders`): their organisation's orders as
 * cards — waiting to be accepted, being handled, resolved — each opening with large buttons to
 * accept, start, resolve (with the outcome), pause or return it, and its history below.
 */
export function MobileWorkOrdersPage() {
  const { t } = useLanguage();
  const [path, go] = useHashRoute();
  const params = new URLSearchParams(path.split('?')[1] ?? '');
  const id = params.get('id');
  const tab = (params.get('tab') as Tab | null) ?? 'waiting';
  return (
    <MobileShell title={t('mobileWork')}>
      {id ? (
        <MobileOrder
          id={id}
          back={() => {
            go(`/m/work-orders${tab === 'waiting' ? '' : `?tab=${tab}`}`);
          }}
        />
      ) : (
        <MobileList
          tab={tab}
          setTab={(next) => {
            go(`/m/work-orders?tab=${next}`);
          }}
          open={(next) => {
            go(`/m/work-orders?tab=${tab}&id=${next}`);
          }}
        />
      )}
    </MobileShell>
  );
}

/** The inbox inside the phone frame: a message opens its order on the phone page. */
export function MobileInboxPage() {
  const { t } = useLanguage();
  return (
    <MobileShell title={t('inbox')}>
      <InboxPage mobile />
    </MobileShell>
  );
}
