import { Card, Descriptions, Space, Tag, Typography } from 'antd';
import { useSession } from '../session/SessionContext.tsx';
import { useLanguage } from '../i18n/LanguageContext.tsx';

/** Who is signed in, where, with which roles and permissions. */
export function HomePage() {
  const { principal, area } = useSession();
  const { t } = useLanguage();
  if (!principal) return null;
  return (
    <Card>
      <Typography.Title level={4} data-testid="welcome">
        {t('welcome', { name: principal.displayName })}
      </Typography.Title>
      <Descriptions column={1} bordered size="small">
        <Descriptions.Item label={t('account')}>{principal.username}</Descriptions.Item>
        <Descriptions.Item label={t('myOrganisation')}>
          {area ? `${area.name}（${area.code}）` : principal.areaCode}
        </Descriptions.Item>
        <Descriptions.Item label={t('myRoles')}>
          <Space wrap>
            {principal.roles.map((r) => (
              <Tag key={r}>{r}</Tag>
            ))}
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label={t('myPermissions')}>
          <Space wrap>
            {principal.permissionLabels.map((p) => (
              <Tag color="blue" key={p}>
                {p}
              </Tag>
            ))}
          </Space>
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
