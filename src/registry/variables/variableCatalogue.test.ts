import { describe, expect, it } from 'vitest';
import { buildVariableCatalogue, loadVariableCatalogue } from './variableCatalogue.ts';

const departments = [{ code: 'civil_affairs', zh: '民政', en: 'Civil affairs' }];
const label = { zh: '标签', en: 'Label' };

describe('variable catalogue', () => {
  const catalogue = loadVariableCatalogue();

  it('loads the shipped catalogue with its departments', () => {
    expect(catalogue.list().length).toBeGreaterThanOrEqual(25);
    expect(catalogue.get('monthly_income')).toMatchObject({ type: 'money', entity: 'person', unit: '元/月' });
    expect(catalogue.department('disabled_federation')?.zh).toBe('残疾人联合会');
    expect(catalogue.departments.length).toBeGreaterThanOrEqual(14);
  });

  it('checks and normalises values by type, with Chinese reasons', () => {
    expect(catalogue.checkValue('monthly_income', 1520.456)).toEqual({ ok: true, value: 1520.46 });
    expect(catalogue.checkValue('monthly_income', '1520')).toEqual({ ok: false, reason: '应为金额（元）' });
    expect(catalogue.checkValue('vehicle_count', 1.5)).toEqual({ ok: false, reason: '应为整数' });
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
    expect(() => buildVariableCatalogue({ variables: [] })).toThrow('缺少 departments 列表');
  });
});
