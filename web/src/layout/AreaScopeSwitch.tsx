import { useState } from 'react';
import { Space, Tag, TreeSelect, Typography } from 'antd';
import { EnvironmentOutlined } from '@ant-design/icons';
import { api } from '../api/client.ts';
import type { Area, DataScope } from '../api/types.ts';
import { useSession } from '../session/SessionContext.tsx';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import type { MessageKey } from '../i18n/messages.ts';

const scopeLabel: Record<DataScope, MessageKey> = {
  all: 'scopeAll',
  area_and_below: 'scopeAreaAndBelow',
  area_only: 'scopeAreaOnly',
  own: 'scopeOwn',
};

interface TreeNode {
  id: string;
  pId: string | null;
  value: string;
  title: string;
  isLeaf: boolean;
  area: Area;
}

const toNode = (area: Area, parent: string | null): TreeNode => ({
  id: area.code,
  pId: parent,
  value: area.code,
  title: area.name,
  isLeaf: area.level === 'village',
  area,
});

/**
 * The area the console looks at. Users whose scope reaches below their own area may narrow
 * the view to any area under it (the server refuses anything outside their scope anyway);
 * the others see their area, fixed.
 */
export function AreaScopeSwitch() {
  const { principal, area, setArea } = useSession();
  const { t } = useLanguage();
  const [nodes, setNodes] = useState<TreeNode[]>([]);
  if (!principal || !area) return null;
  const switchable = principal.dataScope === 'all' || principal.dataScope === 'area_and_below';
  const label = (
    <Tag color="blue" data-testid="data-scope">
      {t(scopeLabel[principal.dataScope])}
    </Tag>
  );
  if (!switchable) {
    return (
      <Space size={4}>
        <EnvironmentOutlined />
        <Typography.Text data-testid="current-area">{area.name}</Typography.Text>
        {label}
      </Space>
    );
  }
  const root = nodes.length > 0 ? nodes : [toNode({ ...area }, null)];
  const ownRoot = root.find((n) => n.pId === null)?.area ?? area;
  const loadChildren = async (parentCode: string) => {
    const children = await api<{ items: Area[] }>('GET', `/areas/${parentCode}/children`);
    setNodes((current) => {
      const base = current.length > 0 ? current : [toNode(ownRoot, null)];
      const known = new Set(base.map((n) => n.id));
      return [...base, ...children.items.filter((c) => !known.has(c.code)).map((c) => toNode(c, parentCode))];
    });
  };
  return (
    <Space size={4}>
      <EnvironmentOutlined />
      <TreeSelect
        data-testid="area-switch"
        aria-label={t('scopeSwitch')}
        treeDataSimpleMode
        treeData={root}
        value={area.code}
        style={{ minWidth: 200 }}
        popupMatchSelectWidth={false}
        loadData={(node) => loadChildren(String(node.value))}
        onChange={(code: string) => {
          const picked = root.find((n) => n.value === code);
          if (picked) setArea(picked.area);
        }}
        title={t('scopeSwitch')}
      />
      {label}
    </Space>
  );
}
