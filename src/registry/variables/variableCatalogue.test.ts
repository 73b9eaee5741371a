import { describe, expect, it } from 'vitest';
import { buildVariableCatalogue, loadVariableCatalogue, roundToFen } from './variableCatalogue.ts';

const departments = [{ code: 'civil_affairs', zh: '民政', en: 'Civil affairs' }];
const label = { zh: '标签', en: 'Label' };

describe('variable catalogue', () => {
  const catalogue = loadVariableCatalogue();

  it('loads the shipped catalogue with its departments', () => {
    expect(catalogue.list().length).toBeGreaterThanOrEqual(25);
    expect(catalogue.get('monthly_income')).toMatchObject({ type: 'money', entity: 'person', unit: '元/月' });
    expect(catalogue.department('disabled_federation')?.zh).toBe('残疾人联合会');
    expect(catalogue.departments.map((d) => d.code)).toEqual(
      expect.arrayContaining(['public_security', 'vehicles', 'housing_fund', 'self_declared', 'survey']),
    );
    expect(catalogue.departments.length).toBeGreaterThanOrEqual(16);
    for (const variable of catalogue.list()) {
      expect(variable.label.zh, variable.name).toMatch(/[\u4e00-\u9fa5]/);
      if (variable.type === 'code') expect(Object.keys(variable.codes ?? {}).length).toBeGreaterThan(0);
    }
    expect(catalogue.get('marital_status')?.codes?.['30']?.zh).toBe('丧偶');
  });

  it('checks and normalises values by type, with Chinese reasons', () => {
    expect(catalogue.checkValue('monthly_income', 1520.456)).toEqual({ ok: true, value: 1520.46 });
    expect(catalogue.checkValue('monthly_income', '1520')).toEqual({ ok: false, reason: '应为金额（元）' });
    expect(catalogue.checkValue('monthly_income', 1.005)).toEqual({ ok: true, value: 1.01 });
    expect(catalogue.checkValue('monthly_income', -20.125)).toEqual({ ok: true, value: -20.13 });
    expect(catalogue.checkValue('monthly_income', Number.NaN)).toMatchObject({ ok: false });
    expect(catalogue.checkValue('monthly_income', Number.POSITIVE_INFINITY)).toMatchObject({ ok: false });
    expect(catalogue.checkValue('vehicle_count', 2)).toEqual({ ok: true, value: 2 });
    expect(catalogue.checkValue('vehicle_count', 1.5)).toEqual({ ok: false, reason: '应为整数' });
    expect(catalogue.checkValue('vehicle_count', 2 ** 60)).toEqual({ ok: false, reason: '应为整数' });
    expect(catalogue.checkValue('vehicle_count', '2')).toEqual({ ok: false, reason: '应为整数' });
    expect(catalogue.checkValue('housing_area_per_person', 12.75)).toEqual({ ok: true, value: 12.75 });
    expect(catalogue.checkValue('housing_area_per_person', '12')).toEqual({ ok: false, reason: '应为数字' });
    expect(catalogue.checkValue('disability_type', 'visual')).toEqual({ ok: true, value: 'visual' });
    expect(catalogue.checkValue('clergy_at_religious_site_since', '2020-02-29')).toEqual({
      ok: true,
      value: '2020-02-29',
    });
    expect(catalogue.checkValue('clergy_at_religious_site_since', '2020/02/01')).toMatchObject({ ok: false });
    expect(catalogue.checkValue('in_prison', false)).toEqual({ ok: true, value: false });
    expect(catalogue.checkValue('in_prison', 0)).toMatchObject({ ok: false });
    expect(catalogue.checkValue('disability_grade', 2)).toEqual({ ok: true, value: '2' });
    expect(catalogue.checkValue('disability_grade', '5')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('1、2、3、4') as unknown,
    });
    expect(catalogue.checkValue('clergy_at_religious_site_since', '2023-02-29')).toEqual({
      ok: false,
      reason: '2023年2月没有29日',
    });
    expect(catalogue.checkValue('in_prison', 'yes')).toMatchObject({ ok: false });
    expect(catalogue.checkValue('no_such_thing', 1)).toEqual({
      ok: false,
      reason: '变量no_such_thing未登记',
    });
  });

  it('refuses broken catalogues, naming the entry and the fix', () => {
    const build = (variables: unknown[]) => () =>
      buildVariableCatalogue({ departments, variables }, 'test.yaml');
    expect(build([{ name: 'x', type: 'decimal', entity: 'person', label }])).toThrow(
      'test.yaml: variables[0] (x): type 应为',
    );
    expect(build([{ name: 'x', type: 'code', entity: 'person', label }])).toThrow(
      'code 类型的变量需要 codes',
    );
    expect(build([{ name: 'x', type: 'number', entity: 'person' }])).toThrow('label 需要 zh 和 en');
    expect(build([{ name: 'x', type: 'number', entity: 'family', label }])).toThrow(
      'entity 应为 person 或 household',
    );
    expect(
      build([
        { name: 'x', type: 'number', entity: 'person', label },
        { name: 'x', type: 'number', entity: 'person', label },
      ]),
    ).toThrow('variables[1] (x): 变量名重复');
    expect(build([{ name: 'Bad Name', type: 'number', entity: 'person', label }])).toThrow(
      'name 应为小写字母',
    );
    expect(build([{ name: 'x', type: 'number', entity: 'person', lable: label }])).toThrow(
      'variables[0] (x): 不认识的字段 lable',
    );
    expect(build([{ name: 'x', type: 'number', entity: 'person', label, codes: { a: label } }])).toThrow(
      'variables[0] (x): 只有 code 类型的变量可以有 codes',
    );
    expect(build([{ name: 'x', type: 'code', entity: 'person', label, codes: { a: { zh: '甲' } } }])).toThrow(
      'variables[0] (x): codes.a 需要 zh 和 en',
    );
    expect(build([{ name: 'x', type: 'number', entity: 'person', label, unit: 3 }])).toThrow(
      'variables[0] (x): unit 应为非空文本',
    );
    expect(() => buildVariableCatalogue({ variables: [] })).toThrow('缺少 departments 列表');
    expect(() =>
      buildVariableCatalogue({ variables: [], departments: [...departments, ...departments] }, 'test.yaml'),
    ).toThrow('test.yaml: departments[1] (civil_affairs): 部门代码重复');
    expect(() =>
      buildVariableCatalogue({ variables: [], departments: [{ code: 'tax', zh: '税务' }] }, 'test.yaml'),
    ).toThrow('test.yaml: departments[0] (tax): 需要 code');
  });

  it('tells state variables (latest value wins) from event variables (occurrences), state by default', () => {
    expect(catalogue.get('monthly_income')?.temporal).toBe('state');
    for (const name of ['medical_claim_type', 'medical_claim_total', 'medical_claim_out_of_pocket'])
      expect(catalogue.get(name)?.temporal, name).toBe('event');
    const one = (extra: Record<string, unknown>) =>
      buildVariableCatalogue(
        { departments, variables: [{ name: 'x', type: 'money', entity: 'person', label, ...extra }] },
        'test.yaml',
      );
    expect(one({}).get('x')?.temporal).toBe('state');
    expect(one({ temporal: 'event' }).get('x')?.temporal).toBe('event');
    expect(one({ temporal: 'state' }).get('x')?.temporal).toBe('state');
    expect(() => one({ temporal: 'events' })).toThrow(
      'test.yaml: variables[0] (x): temporal 应为 state（状态，取最新值）或 event（事件，按期间汇总）',
    );
    expect(() => one({ temporal: true })).toThrow('temporal 应为 state');
  });

  it('rounds money to the fen as written, half away from zero', () => {
    expect([1.005, 2.675, 0.125, -0.125, 1e-7, 1520.456, 1e21].map(roundToFen)).toEqual([
      1.01, 2.68, 0.13, -0.13, 0, 1520.46, 1e21,
    ]);
    // Whole fen already (the quick path): unchanged, negative zero as zero; a sum off by a
    // binary fraction is not whole fen and is rounded.
    expect([19.99, -3.1, 1234567.89, 0.1 + 0.2].map(roundToFen)).toEqual([19.99, -3.1, 1234567.89, 0.3]);
    expect(Object.is(roundToFen(-0), 0)).toBe(true);
  });
});
