import { useEffect, useState } from 'react';
import { Button, Progress, Select, Space, Table, Tag, Typography, Upload, message } from 'antd';
import { api, ApiError, download, upload } from '../api/client.ts';
import { useApi } from '../api/useApi.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { PageCard } from '../components/PageCard.tsx';
import { when } from '../i18n/dates.ts';

interface Label {
  zh: string;
  en: string;
}

interface Feed {
  id: string;
  name: Label;
  departmentName: Label;
  format: string;
  encoding: string;
}

export interface ImportRow {
  id: string;
  feedId: string;
  fileName: string;
  status: 'running' | 'completed' | 'failed';
  received: number;
  accepted: number;
  rejected: number;
  duplicate: number;
  heldForReview: number;
  errorMessage: string | null;
  startedAt: string;
}

const statusColour = { running: 'blue', completed: 'green', failed: 'red' } as const;

/**
 * Department data in: choose a feed, fetch its Excel template, upload a file (its progress,
 * then the import's) and read the import history with its counts, which always add up
 * (收到 = 接收 + 拒绝 + 重复), with the rejected rows and their reasons one click away.
 */
export function ImportsPage() {
  const { t, language } = useLanguage();
  const feeds = useApi<{ items: Feed[] }>('/feeds');
  const imports = useApi<{ items: ImportRow[]; total: number }>('/imports?limit=100');
  const [feedId, setFeedId] = useState<string | undefined>(undefined);
  const [sent, setSent] = useState<number | null>(null);
  const [running, setRunning] = useState<ImportRow | null>(null);
  const feedName = (id: string) => feeds.data?.items.find((f) => f.id === id)?.name[language] ?? id;
  const reloadImports = imports.reload;

  // While an import runs, its counts are polled so the page shows it moving.
  useEffect(() => {
    if (running?.status !== 'running') return;
    const timer = setTimeout(() => {
      api<ImportRow>('GET', `/imports/${running.id}`)
        .then((row) => {
          setRunning(row);
          if (row.status !== 'running') reloadImports();
        })
        .catch(() => undefined);
    }, 500);
    return () => {
      clearTimeout(timer);
    };
  }, [running, reloadImports]);

  const send = async (file: File) => {
    if (!feedId) return;
    setSent(0);
    setRunning(null);
    try {
      const started = await upload<ImportRow>(`/feeds/${feedId}/imports`, file, setSent);
      setRunning(started);
      reloadImports();
    } catch (e) {
      void message.error(e instanceof ApiError ? e.message : String(e));
    } finally {
      setSent(null);
    }
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageCard title={t('importData')} error={feeds.error}>
        <Space wrap>
          <Select
            data-testid="feed-select"
            style={{ minWidth: 320 }}
            placeholder={t('chooseFeed')}
            value={feedId}
            onChange={setFeedId}
            options={(feeds.data?.items ?? []).map((f) => ({
              value: f.id,
              label: `${f.departmentName[language]} · ${f.name[language]}（${f.format.toUpperCase()}）`,
            }))}
          />
          <Button
            data-testid="download-template"
            disabled={!feedId}
            onClick={() => {
              if (feedId)
                download(`/feeds/${feedId}/template.xlsx`, `${feedName(feedId)}.xlsx`).catch((e: unknown) => {
                  void message.error(e instanceof ApiError ? e.message : String(e));
                });
            }}
          >
            {t('downloadTemplate')}
          </Button>
          <Upload
            accept=".csv,.txt,.xlsx,.jsonl,.json"
            showUploadList={false}
            disabled={!feedId || sent !== null}
            beforeUpload={(file) => {
              void send(file);
              return false;
            }}
          >
            <Button type="primary" data-testid="upload-file" disabled={!feedId || sent !== null}>
              {t('uploadFile')}
            </Button>
          </Upload>
        </Space>
        {sent !== null && <Progress percent={Math.round(sent * 100)} data-testid="upload-progress" />}
        {running && (
          <div data-testid="import-progress" style={{ marginTop: 16 }}>
            <Typography.Text>
              {running.status === 'running'
                ? t('importRunning', { n: running.received })
                : running.status === 'completed'
                  ? t('importDone', {
                      received: running.received,
                      accepted: running.accepted,
                      rejected: running.rejected,
                      duplicate: running.duplicate,
                    })
                  : (running.errorMessage ?? t('importFailed'))}
            </Typography.Text>
          </div>
        )}
      </PageCard>
      <PageCard title={t('importHistory')} error={imports.error}>
        <Table<ImportRow>
          rowKey="id"
          size="small"
          data-testid="imports-table"
          loading={imports.loading}
          dataSource={imports.data?.items ?? []}
          pagination={{ pageSize: 20, showTotal: (n) => t('total', { n }) }}
          columns={[
            { title: t('time'), dataIndex: 'startedAt', render: when },
            { title: t('feed'), dataIndex: 'feedId', render: feedName },
            { title: t('fileName'), dataIndex: 'fileName' },
            {
              title: t('status'),
              dataIndex: 'status',
              render: (s: ImportRow['status'], row) => (
                <Tag color={statusColour[s]} title={row.errorMessage ?? undefined}>
                  {t(`import_${s}`)}
                </Tag>
              ),
            },
            { title: t('received'), dataIndex: 'received' },
            { title: t('accepted'), dataIndex: 'accepted' },
            { title: t('rejected'), dataIndex: 'rejected' },
            { title: t('duplicates'), dataIndex: 'duplicate' },
            { title: t('heldForReview'), dataIndex: 'heldForReview' },
            {
              title: t('errorReport'),
              key: 'errors',
              render: (_: unknown, row) =>
                row.rejected > 0 ? (
                  <Button
                    size="small"
                    data-testid={`errors-${row.id}`}
                    onClick={() => {
                      download(`/imports/${row.id}/errors.xlsx`, `${row.fileName}-错误明细.xlsx`).catch(
                        (e: unknown) => {
                          void message.error(e instanceof ApiError ? e.message : String(e));
                        },
                      );
                    }}
                  >
                    {t('download')}
                  </Button>
                ) : null,
            },
          ]}
        />
      </PageCard>
    </Space>
  );
}
