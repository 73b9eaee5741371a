import { useEffect, useState, type CSSProperties } from 'react';
import { TreeSelect } from 'antd';
import { api } from '../api/client.ts';
import type { Area } from '../api/types.ts';

interface Node {
  id: string;
  pId: string | null;
  value: string;
  title: string;
  isLeaf: boolean;
}

const toNode = (area: Area, parent: string | null): Node => ({
  id: area.code,
  pId: parent,
  value: area.code,
  title: area.name,
  isLeaf: area.level === 'village',
});

/**
 * An area picked from the tree, opened level by level from `rootCode` — or, with `fromTop`, from
 * the highest area above it (a province's holiday is set on the province).
 */
export function AreaTreeSelect({
  rootCode,
  fromTop = false,
  value,
  onChange,
  testId,
  placeholder,
  style,
}: {
  rootCode: string;
  fromTop?: boolean;
  value?: string;
  onChange?: (code: string) => void;
  testId?: string;
  placeholder?: string;
  style?: CSSProperties;
}) {
  const [nodes, setNodes] = useState<Node[]>([]);
  useEffect(() => {
    let live = true;
    void api<Area & { ancestors: Area[] }>('GET', `/areas/${rootCode}`)
      .then((area) => {
        const root = fromTop ? (area.ancestors[0] ?? area) : area;
        if (live) setNodes([toNode(root, null)]);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [rootCode, fromTop]);
  const loadChildren = async (parentCode: string) => {
    const children = await api<{ items: Area[] }>('GET', `/areas/${parentCode}/children`);
    setNodes((current) => {
      const known = new Set(current.map((n) => n.id));
      return [
        ...current,
        ...children.items.filter((c) => !known.has(c.code)).map((c) => toNode(c, parentCode)),
      ];
    });
  };
  // A value below the root shows its name: the levels between are opened for it.
  const rootId = nodes.find((n) => n.pId === null)?.id;
  const valueKnown = value === undefined || nodes.some((n) => n.id === value);
  useEffect(() => {
    if (!rootId || valueKnown || !value) return;
    let live = true;
    void api<Area & { ancestors: Area[] }>('GET', `/areas/${value}`)
      .then(async (area) => {
        const chain = area.ancestors.map((a) => a.code);
        const from = chain.indexOf(rootId);
        if (from < 0) return;
        for (const code of chain.slice(from)) if (live) await loadChildren(code);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
    // loadChildren only sets state: the chain is opened once per value.
  }, [rootId, value, valueKnown]);
  return (
    <TreeSelect
      data-testid={testId}
      treeDataSimpleMode
      treeData={nodes}
      value={value}
      placeholder={placeholder}
      style={{ minWidth: 220, ...style }}
      popupMatchSelectWidth={false}
      showSearch={{ treeNodeFilterProp: 'title' }}
      loadData={(node) => loadChildren(String(node.value))}
      onChange={(code: string) => onChange?.(code)}
    />
  );
}
