import { Button, Empty, Space, Table, Tag, message } from 'antd';
import { api, ApiError } from '../api/client.ts';
import { useApi } from '../api/useApi.ts';
import { useAreaNames } from '../api/useAreaNames.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { PageCard } from '../components/PageCard.tsx';

interface Candidate {
  personId: string;
  score: number;
  reasons: string[];
  name: string;
  birthDate: string;
  residenceAreaCode: string | null;
}

interface Review {
  id: number;
  feedId: string;
  feedName: { zh: string; en: string };
  line: number;
  name: string | null;
  birthDate: string | null;
  hukouNumber: string | null;
  candidates: Candidate[];
}

/**
 * Rows that arrived without an ID number and could not be linked for certain: staff see the
 * row's name, birth date and hukou number beside the registered persons who might be meant,
 * with the score and its reasons, and link the row to one of them or dismiss it.
 */
export function LinkReviewsPage() {
  const { t, language } = useLanguage();
  const reviews = useApi<{ items: Review[]; total: number }>('/link-reviews?limit=200');
  const areaNames = useAreaNames(
    (reviews.data?.items ?? []).flatMap((r) => r.candidates.map((c) => c.residenceAreaCode)),
  );
  const decide = (id: number, body: object) => {
    api('POST', `/link-reviews/${String(id)}`, body)
      .then(() => {
        void message.success(t('saved'));
        reviews.reload();
      })
      .catch((e: unknown) => {
        void message.error(e instanceof ApiError ? e.message : String(e));
      });
  };
  return (
    <PageCard title={t('linkReviews')} error={reviews.error}>
      <Table<Review>
        rowKey="id"
        size="small"
        data-testid="link-reviews-table"
        loading={reviews.loading}
        dataSource={reviews.data?.items ?? []}
        locale={{ emptyText: <Empty description={t('noLinkReviews')} /> }}
        pagination={{ pageSize: 20, showTotal: (n) => t('total', { n }) }}
        columns={[
          { title: t('feed'), key: 'feed', render: (_: unknown, review) => review.feedName[language] },
          { title: t('line'), dataIndex: 'line' },
          { title: t('name'), dataIndex: 'name' },
          { title: t('birthDate'), dataIndex: 'birthDate' },
          { title: t('hukouNumber'), dataIndex: 'hukouNumber' },
          {
            title: t('candidates'),
            key: 'candidates',
            render: (_: unknown, review) =>
              review.candidates.length === 0 ? (
                t('noCandidates')
              ) : (
                <Space orientation="vertical">
                  {review.candidates.map((c) => (
                    <Space key={c.personId} wrap>
                      <span>
                        {c.name} · {c.birthDate} · {areaNames(c.residenceAreaCode)}
                      </span>
                      <Tag color={c.score >= 0.9 ? 'green' : 'orange'}>{c.score.toFixed(2)}</Tag>
                      <span>{c.reasons.join('、')}</span>
                      <Button
                        size="small"
                        type="primary"
                        data-testid={`link-${String(review.id)}-${c.personId}`}
                        onClick={() => {
                          decide(review.id, { personId: c.personId });
                        }}
                      >
                        {t('linkToThisPerson')}
                      </Button>
                    </Space>
                  ))}
                </Space>
              ),
          },
          {
            title: t('actions'),
            key: 'actions',
            render: (_: unknown, review) => (
              <Button
                size="small"
                danger
                data-testid={`dismiss-${String(review.id)}`}
                onClick={() => {
                  decide(review.id, { dismiss: true });
                }}
              >
                {t('dismiss')}
              </Button>
            ),
          },
        ]}
      />
    </PageCard>
  );
}
