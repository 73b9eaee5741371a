import { useState } from 'react';
import { Col, Menu, Row, Table, Typography } from 'antd';
import { useApi } from '../api/useApi.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { PageCard } from '../components/PageCard.tsx';

interface Entry {
  code: string;
  nameZh: string;
  nameEn: string;
}
interface Dictionary extends Entry {
  entries: Entry[];
}

/** Code tables (relationship, disability type and grade, …), read from the server's own constants. */
export function DictionariesPage() {
  const { t, language } = useLanguage();
  const dictionaries = useApi<{ items: Dictionary[] }>('/dictionaries');
  const [selected, setSelected] = useState<string | null>(null);
  const items = dictionaries.data?.items ?? [];
  const current = items.find((d) => d.code === selected) ?? items[0];
  const name = (e: Entry) => (language === 'zh' ? e.nameZh : e.nameEn);
  return (
    <PageCard title={t('dictionaries')} error={dictionaries.error}>
      <Row gutter={16}>
        <Col span={7}>
          <Menu
            mode="inline"
            data-testid="dictionary-list"
            selectedKeys={current ? [current.code] : []}
            items={items.map((d) => ({
              key: d.code,
              label: (
                <span>
                  {name(d)} <Typography.Text type="secondary">{d.code}</Typography.Text>
                </span>
              ),
            }))}
            onClick={({ key }) => {
              setSelected(key);
            }}
          />
        </Col>
        <Col span={17}>
          {current && (
            <Table<Entry>
              rowKey="code"
              size="small"
              data-testid="dictionary-entries"
              dataSource={current.entries}
              pagination={{ pageSize: 50, hideOnSinglePage: true }}
              columns={[
                { title: t('code'), dataIndex: 'code', width: 120 },
                { title: '中文', dataIndex: 'nameZh' },
                { title: 'English', dataIndex: 'nameEn' },
              ]}
            />
          )}
        </Col>
      </Row>
    </PageCard>
  );
}
