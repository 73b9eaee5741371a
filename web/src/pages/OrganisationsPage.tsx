import { useState } from 'react';
import { App, Button, Col, Empty, Form, Input, Modal, Row, Select, Table, Tree, Typography } from 'antd';
import type { TreeDataNode } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { api } from '../api/client.ts';
import type { Area } from '../api/types.ts';
import { errorText, useApi } from '../api/useApi.ts';
import { useSession } from '../session/SessionContext.tsx';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { PageCard } from '../components/PageCard.tsx';

export interface Organisation {
  id: string;
  name: string;
  kind: 'bureau' | 'township_office' | 'village_committee' | 'department' | 'partner';
  areaCode: string;
  department: string | null;
}

const kinds: Organisation['kind'][] = [
  'bureau',
  'township_office',
  'village_committee',
  'department',
  'partner',
];

interface AreaNode extends TreeDataNode {
  key: string;
  children?: AreaNode[];
}

function attach(nodes: AreaNode[], parent: string, children: AreaNode[]): AreaNode[] {
  return nodes.map((n) =>
    n.key === parent
      ? { ...n, children }
      : n.children
        ? { ...n, children: attach(n.children, parent, children) }
        : n,
  );
}

/**
 * The organisation tree is the area tree (bureau, township offices, village committees) plus
 * departments and partners attached to an area. Picking an area lists its organisations.
 */
export function OrganisationsPage() {
  const { area } = useSession();
  const { t } = useLanguage();
  const { message } = App.useApp();
  const organisations = useApi<{ items: Organisation[] }>('/organisations');
  const [tree, setTree] = useState<AreaNode[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm<{ name: string; kind: Organisation['kind']; department?: string }>();

  const nodes: AreaNode[] = tree ?? (area ? [{ key: area.code, title: area.name, isLeaf: false }] : []);
  const load = async (code: string) => {
    const children = await api<{ items: Area[] }>('GET', `/areas/${code}/children`);
    setTree(
      attach(
        nodes,
        code,
        children.items.map((c) => ({ key: c.code, title: c.name, isLeaf: c.level === 'village' })),
      ),
    );
  };
  const here = (organisations.data?.items ?? []).filter((o) => o.areaCode === selected);

  const create = async (values: { name: string; kind: Organisation['kind']; department?: string }) => {
    if (!selected) return;
    try {
      await api('POST', '/organisations', { ...values, areaCode: selected });
      setCreating(false);
      form.resetFields();
      organisations.reload();
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  return (
    <PageCard title={t('organisations')} error={organisations.error}>
      <Row gutter={16}>
        <Col span={9}>
          <Typography.Title level={5}>{t('areaTree')}</Typography.Title>
          <Tree<AreaNode>
            data-testid="area-tree"
            treeData={nodes}
            loadData={(node) => load(node.key)}
            onSelect={(keys) => {
              setSelected(keys[0] === undefined ? null : String(keys[0]));
            }}
            height={560}
          />
        </Col>
        <Col span={15}>
          <Typography.Title level={5}>
            {t('orgsInArea')} {selected && <Typography.Text type="secondary">{selected}</Typography.Text>}
          </Typography.Title>
          {selected ? (
            <>
              <Button
                icon={<PlusOutlined />}
                style={{ marginBottom: 12 }}
                onClick={() => {
                  setCreating(true);
                }}
              >
                {t('newOrganisation')}
              </Button>
              <Table<Organisation>
                rowKey="id"
                size="small"
                dataSource={here}
                pagination={false}
                columns={[
                  { title: t('name'), dataIndex: 'name' },
                  {
                    title: t('orgKind'),
                    dataIndex: 'kind',
                    render: (k: Organisation['kind']) => t(`kind_${k}` as MessageKey),
                  },
                  { title: t('department'), dataIndex: 'department' },
                ]}
              />
            </>
          ) : (
            <Empty />
          )}
        </Col>
      </Row>
      <Modal
        open={creating}
        title={t('newOrganisation')}
        onCancel={() => {
          setCreating(false);
        }}
        onOk={() => {
          form.submit();
        }}
      >
        <Form form={form} layout="vertical" onFinish={(v) => void create(v)}>
          <Form.Item name="name" label={t('name')} rules={[{ required: true, max: 100 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="kind" label={t('orgKind')} rules={[{ required: true }]}>
            <Select options={kinds.map((k) => ({ value: k, label: t(`kind_${k}` as MessageKey) }))} />
          </Form.Item>
          <Form.Item name="department" label={t('department')}>
            <Input maxLength={50} />
          </Form.Item>
        </Form>
      </Modal>
    </PageCard>
  );
}
