import { Card, Col, Empty, Row, Space, Tag, Typography } from 'antd';
import { useApi } from '../api/useApi.ts';
import type { Label } from '../api/types.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { EChart, type ChartOption } from '../components/EChart.tsx';
import { useLabel } from './policyLabels.tsx';

interface HouseholdAssessment {
  model: { id: string; version: number; name: Label; active: boolean };
  asOf: string;
  score: string;
  scoreValue: number;
  poor: boolean;
  band: string | null;
  bandLabel: Label | null;
  indicators: { id: string; dimension: string; value: number | null; state: string; reason: Label | null }[];
  dimensions: { id: string; name: Label; deprivedShare: number }[];
  indicatorNames: Record<string, Label>;
}

/**
 * A household's multidimensional hardship (issue 7) on its portrait: per model, the score (an
 * exact fraction), the band, a radar of how deprived it is in each dimension, and the reason in
 * words for each indicator it is deprived in — with the indicators nobody reported named, since
 * they count as not deprived.
 */
export function HouseholdAssessments({ id }: { id: string }) {
  const { t } = useLanguage();
  const label = useLabel();
  const { data, error } = useApi<{ assessments: HouseholdAssessment[] }>(
    `/hukou-households/${id}/assessments`,
  );
  if (error) return <Typography.Text type="danger">{error}</Typography.Text>;
  if (data && data.assessments.length === 0) return <Empty description={t('noHouseholdAssessment')} />;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="household-assessments">
      {(data?.assessments ?? []).map((a) => {
        const radar: ChartOption = {
          tooltip: {},
          radar: {
            indicator: a.dimensions.map((d) => ({ name: label(d.name), max: 1 })),
            radius: '65%',
          },
          series: [
            {
              type: 'radar',
              areaStyle: { opacity: 0.3 },
              data: [{ name: t('radarTitle'), value: a.dimensions.map((d) => d.deprivedShare) }],
            },
          ],
        };
        const deprived = a.indicators.filter((i) => i.state === 'deprived');
        const missing = a.indicators.filter((i) => i.state === 'missing');
        return (
          <Card
            key={a.model.id}
            size="small"
            data-testid={`assessment-${a.model.id}`}
            title={t('assessmentOfVersion', {
              model: label(a.model.name),
              version: a.model.version,
              asOf: a.asOf,
            })}
          >
            <Row gutter={16}>
              <Col xs={24} md={10}>
                <Space wrap style={{ marginBottom: 8 }}>
                  <span>
                    {t('deprivationScore')}：<code data-testid="assessment-score">{a.score}</code>（
                    {(a.scoreValue * 100).toFixed(1)}%）
                  </span>
                  {a.poor && <Tag color="red">{t('multidimensionallyPoor')}</Tag>}
                  <Tag data-testid="assessment-band">{a.bandLabel ? label(a.bandLabel) : t('bandNone')}</Tag>
                </Space>
                <EChart option={radar} height={240} testId={`assessment-radar-${a.model.id}`} />
              </Col>
              <Col xs={24} md={14}>
                <Typography.Text strong>{t('deprivedReasons')}</Typography.Text>
                {deprived.length === 0 ? (
                  <Typography.Paragraph type="secondary">{t('notDeprived')}</Typography.Paragraph>
                ) : (
                  <ul data-testid="assessment-reasons">
                    {deprived.map((i) => (
                      <li key={i.id}>
                        <Typography.Text strong>{label(a.indicatorNames[i.id])}</Typography.Text>：
                        {label(i.reason)}
                      </li>
                    ))}
                  </ul>
                )}
                {missing.length > 0 && (
                  <Typography.Paragraph type="secondary" data-testid="assessment-missing">
                    {t('missingIndicators', {
                      list: missing.map((i) => label(a.indicatorNames[i.id])).join('、'),
                    })}
                  </Typography.Paragraph>
                )}
              </Col>
            </Row>
          </Card>
        );
      })}
    </Space>
  );
}
