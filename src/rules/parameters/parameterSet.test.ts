import { describe, expect, it } from 'vitest';
import { parseYamlSource } from '../yamlSource.ts';
import { buildParameterDefinitions, ParameterSet, regionChain } from './parameterSet.ts';

const file = `
dibao.standard:
  label: { zh: 低保标准, en: Dibao standard }
  unit: 元/人·月
  type: number
  values:
    CN:
      - { from: 2020-01-01, value: 800, ref: 国家, checked: 2026-11-29 }
    '31':
      - { from: 2022-07-01, value: 1420, ref: 上海2022, checked: 2026-11-29 }
      - { from: 2023-07-01, value: 1510, ref: 上海2023, checked: 2026-11-29, confirmed: false }
    '310104':
      - { from: 2024-01-01, value: 1600, ref: 徐汇, checked: 2026-11-29 }
`;

const set = new ParameterSet(buildParameterDefinitions(parseYamlSource('test.yaml', file)));

describe('parameters', () => {
  it('inherits village ← township ← county ← city ← province ← national', () => {
    expect(regionChain('310104001001')).toEqual(['310104001001', '310104001', '310104', '3101', '31', 'CN']);
    expect(regionChain('4501')).toEqual(['4501', '45', 'CN']);
  });

  it('takes the most specific region with a value by the date, and the latest value there', () => {
    const at = (area: string, date: string) => set.valueAt('dibao.standard', area, date)?.value;
    expect(at('310105001001', '2022-06-30')).toBe(800); // Shanghai has nothing yet: national
    expect(at('310105001001', '2022-07-01')).toBe(1420);
    expect(at('310105001001', '2023-06-30')).toBe(1420);
    expect(at('310105001001', '2023-07-01')).toBe(1510);
    expect(at('310104003002', '2023-12-31')).toBe(1510); // Xuhui's own value starts later
    expect(at('310104003002', '2024-01-01')).toBe(1600);
    expect(at('371082', '2024-01-01')).toBe(800);
    expect(at('371082', '2019-12-31')).toBeUndefined();
    expect(set.valueAt('dibao.standard', '310105', '2023-07-01')?.confirmed).toBe(false);
    expect(set.treeAt('310104', '2024-01-01')).toEqual({ dibao: { standard: 1600 } });
    expect(set.effectiveDates('dibao.standard')).toEqual([
      '2020-01-01',
      '2022-07-01',
      '2023-07-01',
      '2024-01-01',
    ]);
  });

  it('refuses a bad file with file:line and the fix', () => {
    const bad = (text: string) => () => buildParameterDefinitions(parseYamlSource('bad.yaml', text));
    expect(bad('standard:\n  label: { zh: a, en: b }\n')).toThrow(
      /^bad\.yaml:1: 参数名“standard”应为以点分隔/,
    );
    expect(
      bad(
        'a.b:\n  label: { zh: a, en: b }\n  unit: ""\n  type: number\n  values:\n    CN:\n      - { from: 2020-01-01, value: x, ref: r, checked: 2026-01-01 }\n',
      ),
    ).toThrow(/^bad\.yaml:7: value 应为 number/);
    expect(
      bad(
        'a.b:\n  label: { zh: a, en: b }\n  unit: ""\n  type: number\n  values:\n    CN:\n      - { from: 2021-01-01, value: 1, ref: r, checked: 2026-01-01 }\n      - { from: 2020-01-01, value: 2, ref: r, checked: 2026-01-01 }\n',
      ),
    ).toThrow(/^bad\.yaml:8: 地区 CN 的取值应按 from 递增排列/);
    expect(
      bad(
        "a.b:\n  label: { zh: a, en: b }\n  unit: ''\n  type: number\n  values:\n    '3':\n      - { from: 2021-01-01, value: 1, ref: r, checked: 2026-01-01 }\n",
      ),
    ).toThrow(/^bad\.yaml:6: 地区“3”不是 CN 或区划代码前缀/);
  });
});
