import { Button, Descriptions, Typography } from 'antd';
import type { PolicyMatch } from '../api/types.ts';
import { useApi } from '../api/useApi.ts';
import { useAreaNames } from '../api/useAreaNames.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { PageCard } from '../components/PageCard.tsx';
import { useHashRoute } from '../layout/useHashRoute.ts';
import { MatchResults } from './MatchResults.tsx';

/** A household against the whole pool (issue 5): ✓ / ✗ / ? for every policy and why, gaps first. */
export function PolicyMatchPage() {
  const { t } = useLanguage();
  const [path, go] = useHashRoute();
  const household = new URLSearchParams(path.split('?')[1] ?? '').get('household');
  const { data, loading, error } = useApi<PolicyMatch>(
    household ? `/hukou-households/${household}/policy-match` : null,
  );
  const areaName = useAreaNames(data?.household.areaCode ? [data.household.areaCode] : []);
  if (!household)
    return (
      <PageCard title={t('policyMatch')}>
        <Typography.Paragraph>{t('matchHint')}</Typography.Paragraph>
        <Button
          onClick={() => {
            go('/portrait');
          }}
        >
          {t('portrait')}
        </Button>
      </PageCard>
    );
  return (
    <PageCard
      title={data ? t('matchTitle', { number: data.household.hukouNumber ?? '' }) : t('policyMatch')}
      error={error}
      extra={
        <Button
          onClick={() => {
            go(`/portrait?household=${household}`);
          }}
        >
          {t('back')}
        </Button>
      }
    >
      {data && (
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('residenceArea')}>
            {areaName(data.household.areaCode ?? '')}
          </Descriptions.Item>
          <Descriptions.Item label={t('matchDate')}>{data.asOf}</Descriptions.Item>
          <Descriptions.Item label={t('poolVersionShort')}>
            <code>{data.poolVersion}</code>
          </Descriptions.Item>
        </Descriptions>
      )}
      <MatchResults match={data ?? null} loading={loading} />
    </PageCard>
  );
}
