import { Alert, Button, Divider, Drawer, Space, Spin, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useApi } from '../api/useApi.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import type { OrderDetail } from './workOrderModel.ts';
import {
  OrderActions,
  OrderAttachments,
  OrderComments,
  OrderFields,
  OrderParts,
  OrderTimeline,
  PriorityTag,
  StatusTag,
} from './workOrderParts.tsx';

/**
 * One work order opened beside the list: what it is about, the clock, the buttons for what this
 * user may do now, the co-handlers, the whole history, the comments and the attachments.
 */
export function WorkOrderDrawer({
  id,
  onClose,
  onChanged,
}: {
  id: string | null;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t } = useLanguage();
  const detail = useApi<OrderDetail>(id ? `/work-orders/${id}` : null);
  const order = detail.data?.id === id ? detail.data : undefined;
  const changed = () => {
    detail.reload();
    onChanged();
  };
  return (
    <Drawer
      open={id !== null}
      size={760}
      onClose={onClose}
      destroyOnHidden
      title={
        order ? (
          <Space wrap>
            <span data-testid="order-title">{order.title}</span>
            <StatusTag status={order.status} />
            <PriorityTag priority={order.priority} />
          </Space>
        ) : (
          t('woDetail')
        )
      }
      extra={
        <Button
          icon={<ReloadOutlined />}
          aria-label={t('refresh')}
          onClick={() => {
            detail.reload();
          }}
        />
      }
    >
      {detail.error && <Alert type="error" showIcon title={detail.error} data-testid="order-error" />}
      {!order && !detail.error && <Spin />}
      {order && (
        <div data-testid="order-detail" data-order={order.id} data-status={order.status}>
          <OrderActions order={order} onChanged={changed} />
          <Divider />
          <OrderFields order={order} />
          {order.parts.length > 0 && (
            <>
              <Divider />
              <OrderParts order={order} />
            </>
          )}
          <Divider titlePlacement="start">{t('woTimeline')}</Divider>
          <OrderTimeline order={order} />
          <Divider titlePlacement="start">{t('woComments')}</Divider>
          <OrderComments order={order} onChanged={changed} />
          <Divider titlePlacement="start">{t('woAttachments')}</Divider>
          <OrderAttachments order={order} onChanged={changed} />
          <Typography.Paragraph type="secondary" style={{ marginTop: 16 }} copyable={{ text: order.id }}>
            {t('woId')}：{order.id}
          </Typography.Paragraph>
        </div>
      )}
    </Drawer>
  );
}
