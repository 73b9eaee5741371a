import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  Popconfirm,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { api } from '../api/client.ts';
import { errorText, useApi } from '../api/useApi.ts';
import { useAreaNames } from '../api/useAreaNames.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { todayInChina, when } from '../i18n/dates.ts';
import { useSession } from '../session/SessionContext.tsx';
import { PageCard } from '../components/PageCard.tsx';
import { AreaTreeSelect } from '../components/AreaTreeSelect.tsx';

interface Override {
  regionCode: string;
  day: string;
  kind: 'holiday' | 'workday';
  name: string;
  createdBy: string;
  createdAt: string;
}

interface DayInfo {
  day: string;
  working: boolean;
  name: string | null;
  source: 'override' | 'statutory' | 'weekend' | 'weekday';
  covered: boolean;
}

interface OverrideForm {
  regionCode: string;
  day: Dayjs;
  kind: 'holiday' | 'workday';
  name: string;
}

const sourceKey: Record<DayInfo['source'], MessageKey> = {
  override: 'calSourceOverride',
  statutory: 'calSourceStatutory',
  weekend: 'calSourceWeekend',
  weekday: 'calSourceWeekday',
};

/**
 * The working-day calendar (issue 8): deadlines count working days, so the administrators keep
 * the regional holidays and make-up workdays the national calendar does not have; below, the
 * year's exceptional days as any area sees them (statutory, make-up, regional).
 */
export function WorkCalendarPage() {
  const { t, language } = useLanguage();
  const { principal, can } = useSession();
  const { message } = App.useApp();
  const manage = can('system:calendar:manage');
  const overrides = useApi<Override[]>('/work-calendar/overrides');
  const thisYear = Number(todayInChina().slice(0, 4));
  const [year, setYear] = useState(thisYear);
  const [areaCode, setAreaCode] = useState(principal?.areaCode ?? '');
  const calendar = useApi<{ year: number; areaCode: string; covered: boolean; days: DayInfo[] }>(
    areaCode ? `/work-calendar?year=${String(year)}&areaCode=${areaCode}` : null,
  );
  const areaName = useAreaNames([...(overrides.data ?? []).map((o) => o.regionCode), areaCode]);
  const [form] = Form.useForm<OverrideForm>();
  const [busy, setBusy] = useState(false);
  const changed = () => {
    overrides.reload();
    calendar.reload();
  };
  const add = async (v: OverrideForm) => {
    setBusy(true);
    try {
      await api('POST', '/work-calendar/overrides', {
        regionCode: v.regionCode,
        day: v.day.format('YYYY-MM-DD'),
        kind: v.kind,
        name: v.name.trim(),
      });
      void message.success(t('saved'));
      form.resetFields(['day', 'name']);
      changed();
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const remove = async (o: Override) => {
    try {
      await api('DELETE', `/work-calendar/overrides/${o.regionCode}/${o.day}`);
      void message.success(t('calDeleted'));
      changed();
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  const weekday = (day: string) =>
    new Date(`${day}T00:00:00Z`).toLocaleDateString(language === 'zh' ? 'zh-CN' : 'en', {
      weekday: 'short',
      timeZone: 'UTC',
    });
  const kindTag = (kind: 'holiday' | 'workday') =>
    kind === 'holiday' ? <Tag color="red">{t('calHoliday')}</Tag> : <Tag color="blue">{t('calWorkday')}</Tag>;
  return (
    <PageCard title={t('workCalendar')} error={overrides.error}>
      <Typography.Paragraph type="secondary">{t('calHint')}</Typography.Paragraph>
      <Card size="small" title={t('calOverrides')} style={{ marginBottom: 16 }}>
        {manage && (
          <Form<OverrideForm>
            form={form}
            layout="inline"
            style={{ marginBottom: 16, rowGap: 8 }}
            initialValues={{ regionCode: principal?.areaCode, kind: 'holiday' }}
            onFinish={(v) => void add(v)}
            data-testid="override-form"
          >
            <Form.Item name="regionCode" label={t('calRegion')} rules={[{ required: true }]}>
              <AreaTreeSelect rootCode={principal?.areaCode ?? ''} fromTop testId="override-region" />
            </Form.Item>
            <Form.Item name="day" label={t('calDay')} rules={[{ required: true }]}>
              <DatePicker data-testid="override-day" />
            </Form.Item>
            <Form.Item name="kind" label={t('calKind')}>
              <Radio.Group
                optionType="button"
                options={[
                  { value: 'holiday', label: t('calHoliday') },
                  { value: 'workday', label: t('calWorkday') },
                ]}
              />
            </Form.Item>
            <Form.Item
              name="name"
              label={t('calName')}
              rules={[{ required: true, whitespace: true, max: 50 }]}
            >
              <Input maxLength={50} placeholder={t('calNameHint')} data-testid="override-name" />
            </Form.Item>
            <Form.Item>
              <Button
                type="primary"
                htmlType="submit"
                icon={<PlusOutlined />}
                loading={busy}
                data-testid="add-override"
              >
                {t('calAdd')}
              </Button>
            </Form.Item>
          </Form>
        )}
        <Table<Override>
          rowKey={(o) => `${o.regionCode}/${o.day}`}
          size="small"
          data-testid="overrides-table"
          loading={overrides.loading}
          dataSource={overrides.data ?? []}
          locale={{ emptyText: t('calNoOverrides') }}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[
            { title: t('calDay'), key: 'day', render: (_, o) => `${o.day}（${weekday(o.day)}）` },
            {
              title: t('calRegion'),
              key: 'region',
              render: (_, o) => <span title={o.regionCode}>{areaName(o.regionCode)}</span>,
            },
            { title: t('calKind'), key: 'kind', render: (_, o) => kindTag(o.kind) },
            { title: t('calName'), dataIndex: 'name' },
            { title: t('updatedAt'), key: 'at', render: (_, o) => when(o.createdAt) },
            ...(manage
              ? [
                  {
                    title: t('actions'),
                    key: 'actions',
                    render: (_: unknown, o: Override) => (
                      <Popconfirm
                        title={t('calDeleteConfirm', { region: areaName(o.regionCode), day: o.day })}
                        okText={t('woDelete')}
                        cancelText={t('cancel')}
                        onConfirm={() => void remove(o)}
                      >
                        <Button size="small" danger icon={<DeleteOutlined />} data-testid="delete-override">
                          {t('woDelete')}
                        </Button>
                      </Popconfirm>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <Card
        size="small"
        title={t('calYearDays', { year })}
        extra={
          <Space wrap>
            <Select<number>
              value={year}
              style={{ width: 100 }}
              onChange={setYear}
              options={[thisYear - 1, thisYear, thisYear + 1].map((y) => ({ value: y, label: String(y) }))}
            />
            <AreaTreeSelect
              rootCode={principal?.areaCode ?? ''}
              fromTop
              value={areaCode}
              onChange={setAreaCode}
              testId="calendar-area"
            />
          </Space>
        }
      >
        {calendar.error && <Alert type="error" showIcon title={calendar.error} />}
        {calendar.data && !calendar.data.covered && (
          <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('calNotCovered', { year })} />
        )}
        <Typography.Paragraph type="secondary">
          {t('calYearHint', { area: areaName(areaCode) })}
        </Typography.Paragraph>
        <Table<DayInfo>
          rowKey="day"
          size="small"
          data-testid="calendar-days"
          loading={calendar.loading}
          dataSource={calendar.data?.days ?? []}
          pagination={{ pageSize: 40, hideOnSinglePage: true }}
          columns={[
            { title: t('calDay'), key: 'day', render: (_, d) => `${d.day}（${weekday(d.day)}）` },
            {
              title: t('calKind'),
              key: 'working',
              render: (_, d) => (d.working ? kindTag('workday') : kindTag('holiday')),
            },
            { title: t('calName'), key: 'name', render: (_, d) => d.name ?? '—' },
            {
              title: t('woSource'),
              key: 'source',
              render: (_, d) => (
                <Tag color={d.source === 'override' ? 'purple' : 'default'} data-source={d.source}>
                  {t(sourceKey[d.source])}
                </Tag>
              ),
            },
          ]}
        />
      </Card>
    </PageCard>
  );
}
