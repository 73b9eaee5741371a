import { useState } from 'react';
import { App, Button, Input, InputNumber, Modal, Space, Switch, Table, Typography } from 'antd';
import { api } from '../api/client.ts';
import { errorText, useApi } from '../api/useApi.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { PageCard } from '../components/PageCard.tsx';

type Value = number | boolean | string | Record<string, unknown>;

interface Setting {
  key: string;
  group: 'system' | 'security';
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  descriptionEn?: string;
  type: 'integer' | 'boolean' | 'string' | 'object';
  value: Value;
  defaultValue: Value;
  min?: number;
  max?: number;
  updatedAt: string | null;
  updatedBy: string | null;
  updatedByName?: string | null;
}

const show = (v: Value) => (typeof v === 'object' ? JSON.stringify(v) : String(v));

/** An editor for one value of the setting's type; objects of numbers get a field per number. */
function ValueEditor({
  setting,
  value,
  onChange,
}: {
  setting: Setting;
  value: Value;
  onChange: (v: Value) => void;
}) {
  switch (setting.type) {
    case 'integer':
      return (
        <InputNumber
          value={value as number}
          min={setting.min}
          max={setting.max}
          precision={0}
          onChange={(v) => {
            if (v !== null) onChange(v);
          }}
        />
      );
    case 'boolean':
      return <Switch checked={value as boolean} onChange={onChange} />;
    case 'string':
      return (
        <Input
          value={value as string}
          onChange={(e) => {
            onChange(e.target.value);
          }}
        />
      );
    case 'object': {
      const object = value as Record<string, unknown>;
      return (
        <Space orientation="vertical">
          {Object.entries(object).map(([key, v]) => (
            <Space key={key}>
              <Typography.Text code>{key}</Typography.Text>
              {typeof v === 'number' ? (
                <InputNumber
                  value={v}
                  precision={0}
                  onChange={(n) => {
                    if (n !== null) onChange({ ...object, [key]: n });
                  }}
                />
              ) : (
                <Input
                  value={String(v)}
                  onChange={(e) => {
                    onChange({ ...object, [key]: e.target.value });
                  }}
                />
              )}
            </Space>
          ))}
        </Space>
      );
    }
  }
}

/**
 * System parameters (system administrator) or the security policy (security administrator):
 * the same page over two groups, each behind its own permission on the server.
 */
export function SettingsPage({ group }: { group: 'system' | 'security' }) {
  const { t, language } = useLanguage();
  const { message } = App.useApp();
  const settings = useApi<{ items: Setting[] }>(`/settings/${group}`);
  const [editing, setEditing] = useState<{ setting: Setting; value: Value } | null>(null);

  const save = async () => {
    if (!editing) return;
    try {
      await api('PUT', `/settings/${group}/${editing.setting.key}`, { value: editing.value });
      setEditing(null);
      settings.reload();
      void message.success(t('saved'));
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  return (
    <PageCard title={group === 'system' ? t('systemSettings') : t('securityPolicy')} error={settings.error}>
      <Table<Setting>
        rowKey="key"
        size="small"
        data-testid="settings-table"
        loading={settings.loading}
        dataSource={settings.data?.items ?? []}
        pagination={false}
        columns={[
          {
            title: t('settingKey'),
            key: 'name',
            render: (_, s) => (
              <div>
                <div>{language === 'zh' ? s.nameZh : s.nameEn}</div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {s.key} · {language === 'zh' ? s.descriptionZh : (s.descriptionEn ?? s.descriptionZh)}
                </Typography.Text>
              </div>
            ),
          },
          { title: t('settingValue'), dataIndex: 'value', render: (v: Value) => <code>{show(v)}</code> },
          { title: t('defaultValue'), dataIndex: 'defaultValue', render: (v: Value) => show(v) },
          {
            title: t('updatedAt'),
            dataIndex: 'updatedAt',
            render: (v: string | null) => v?.replace('T', ' ').slice(0, 19) ?? '—',
          },
          {
            title: t('updatedBy'),
            key: 'updatedBy',
            render: (_, x) => x.updatedByName ?? x.updatedBy ?? '—',
          },
          {
            title: t('actions'),
            key: 'actions',
            render: (_, s) => (
              <Button
                size="small"
                onClick={() => {
                  setEditing({ setting: s, value: s.value });
                }}
              >
                {t('edit')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing ? (language === 'zh' ? editing.setting.nameZh : editing.setting.nameEn) : ''}
        onCancel={() => {
          setEditing(null);
        }}
        onOk={() => void save()}
        okText={t('save')}
        cancelText={t('cancel')}
        destroyOnHidden
      >
        {editing && (
          <ValueEditor
            setting={editing.setting}
            value={editing.value}
            onChange={(value) => {
              setEditing({ ...editing, value });
            }}
          />
        )}
      </Modal>
    </PageCard>
  );
}
