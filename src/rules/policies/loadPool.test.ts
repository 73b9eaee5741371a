import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadVariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import { loadPortraitDefinitions } from '../../portrait/portraitDefinitions.ts';
import { explainSubject } from '../evaluate/explainPolicies.ts';
import { subjectFromPlain } from '../evaluate/ruleSubject.ts';
import { loadPool } from './loadPool.ts';
import { PoolHolder } from './poolHolder.ts';

const catalogue = loadVariableCatalogue();
const portrait = loadPortraitDefinitions(catalogue);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-pool-'));
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const PARAMETERS = `
aid.line:
  label: { zh: 救助线, en: Aid line }
  unit: 元/人·月
  type: number
  values:
    CN:
      - { from: 2020-01-01, value: 1000, ref: 测试文件, checked: 2026-11-29 }
    '31':
      - { from: 2024-07-01, value: 1500, ref: 测试文件, checked: 2026-11-29 }
aid.age:
  label: { zh: 年龄线, en: Age line }
  unit: 岁
  type: integer
  values:
    CN:
      - { from: 2020-01-01, value: 60, ref: 测试文件, checked: 2026-11-29 }
`;

const POLICY = `id: test_aid
name: { zh: 测试救助, en: Test aid }
department: civil_affairs
category: assistance_policy
entity: household
legal_ref: 测试法规第一条
criteria:
  - name: low_income
    label: { zh: 人均收入低于救助线, en: Income below the line }
    test: h.monthly_income_per_capita < param.aid.line
    fail: { zh: '人均收入{h.monthly_income_per_capita}元，不低于{param.aid.line}元', en: 'Income {h.monthly_income_per_capita} not below {param.aid.line}' }
  - name: has_elderly
    label: { zh: 有老年成员, en: Has an elderly member }
    test: members.exists(m, m.age >= param.aid.age)
    fail: { zh: 没有老年成员, en: No elderly member }
exceptions:
  - name: severe_disability
    label: { zh: 有重度残疾成员的视为符合, en: A severely disabled member qualifies }
    priority: 1
    when: members.exists(m, m.severe_disability) && h.monthly_income_per_capita < param.aid.line * 1.5
    outcome: eligible
amount:
  period: monthly
  formula: (param.aid.line - h.monthly_income_per_capita) * double(h.member_count)
  explain: { zh: 补差, en: Gap }
cases:
  - { name: a, region: '371082', date: 2026-01-01, h: { monthly_income_per_capita: 500.0, member_count: 2 }, members: [{ age: 70 }], expect: eligible, amount: 1000.0 }
  - { name: b, region: '371082', date: 2026-01-01, h: { monthly_income_per_capita: 2500.0, member_count: 2 }, members: [{ age: 70 }], expect: ineligible }
  - { name: c, region: '371082', date: 2026-01-01, h: { member_count: 2 }, members: [{ age: 70 }], expect: unknown }
`;

let n = 0;
/** A pool folder with the test parameter file and the given policy files. */
function poolDir(
  policies: Record<string, string>,
  parameters = PARAMETERS,
): { policiesDir: string; parametersDir: string } {
  const dir = path.join(root, String(n++));
  fs.mkdirSync(path.join(dir, 'policies', 'assistance_policy'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'parameters'));
  fs.writeFileSync(path.join(dir, 'policies', 'pool.yaml'), "regions: ['371082', '310104']\n");
  fs.writeFileSync(path.join(dir, 'parameters', 'test.yaml'), parameters);
  for (const [name, text] of Object.entries(policies))
    fs.writeFileSync(path.join(dir, 'policies', 'assistance_policy', name), text);
  return { policiesDir: path.join(dir, 'policies'), parametersDir: path.join(dir, 'parameters') };
}
const load = (policies: Record<string, string>, parameters?: string) =>
  loadPool(catalogue, portrait, { ...poolDir(policies, parameters), checkDate: '2026-11-29' });
const refusal = (policies: Record<string, string>, parameters?: string): string => {
  try {
    load(policies, parameters);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the pool was accepted');
};

describe('loadPool', () => {
  it('explains a household: three-valued criteria, inputs, parameters with their dates, distance and amount', () => {
    const pool = load({ 'test_aid.yaml': POLICY });
    const explanation = (
      h: Record<string, unknown>,
      members: Record<string, unknown>[],
      region = '371082001001',
    ) => explainSubject(pool, subjectFromPlain(pool.vocabulary, { region, asOf: '2026-11-01', h, members }));
    const explain = (h: Record<string, unknown>, members: Record<string, unknown>[], region?: string) =>
      explanation(h, members, region).results[0];

    const whole = explanation({ monthly_income_per_capita: 600.0, member_count: 3 }, [
      { age: 40 },
      { age: 61 },
    ]);
    const yes = whole.results[0];
    expect(yes?.outcome).toBe('eligible');
    expect(yes?.amount).toEqual({ value: 1200, period: 'monthly', explain: { zh: '补差', en: 'Gap' } });
    const income = yes?.criteria[0];
    expect(income?.distance).toEqual({ left: 600, right: 1000, difference: -400, operator: '<' });
    // Inputs and parameters are cited by ref and described once, in the explanation.
    expect(income?.parameters).toEqual(['aid.line']);
    expect(income?.inputs).toEqual(['h.monthly_income_per_capita']);
    expect(whole.parameters['aid.line']).toMatchObject({
      name: 'aid.line',
      value: 1000,
      region: 'CN',
      from: '2020-01-01',
    });
    expect(whole.inputs.household['h.monthly_income_per_capita']).toMatchObject({
      ref: 'h.monthly_income_per_capita',
      value: 600,
    });
    // A member aggregate shows each member's value, in order.
    expect(Object.values(whole.inputs.household).find((i) => i.ref.startsWith('members.'))?.value).toEqual([
      40, 61,
    ]);

    // Shanghai's own line applies in Xuhui: 1,600 is above it, and the message says so.
    const no = explain(
      { monthly_income_per_capita: 1600.0, member_count: 1 },
      [{ age: 70, severe_disability: false }],
      '310104001001',
    );
    expect(no?.outcome).toBe('ineligible');
    expect(no?.criteria[0]?.message?.zh).toBe('人均收入1600元，不低于1500元');

    // Income unknown: unknown, and the missing input that would decide it comes first.
    const open = explain({ member_count: 2 }, [{ age: 70 }]);
    expect(open?.outcome).toBe('unknown');
    expect(open?.missing[0]).toMatchObject({
      ref: 'h.monthly_income_per_capita',
      criteria: ['low_income', 'severe_disability'],
    });

    // The exception decides even though no member is elderly.
    const exception = explain({ monthly_income_per_capita: 1200.0, member_count: 2 }, [
      { age: 30, severe_disability: true },
    ]);
    expect(exception?.outcome).toBe('eligible');
    expect(exception?.exception?.name).toBe('severe_disability');
    // An exception on missing data keeps an otherwise ineligible result open.
    const pending = explain({ monthly_income_per_capita: 1200.0, member_count: 2 }, [{ age: 30 }]);
    expect(pending?.outcome).toBe('unknown');
  });

  it('refuses a broken policy with file:line and the fix', () => {
    const broken = (from: string, to: string) => ({ 'test_aid.yaml': POLICY.replace(from, to) });
    expect(
      refusal(broken('h.monthly_income_per_capita < param', 'h.monthly_income_per_capit < param')),
    ).toMatch(
      /^assistance_policy\/test_aid\.yaml:10: .*未知的家庭变量“h\.monthly_income_per_capit”，是否应为“monthly_income_per_capita”？/,
    );
    expect(refusal(broken('< param.aid.line\n', '< param.aid.lines\n'))).toMatch(
      /^assistance_policy\/test_aid\.yaml:10: .*未定义的参数“param\.aid\.lines”，是否应为“aid\.line”？/,
    );
    expect(refusal(broken('m.age >= param.aid.age', 'm.age >= (param.aid.age'))).toMatch(
      /^assistance_policy\/test_aid\.yaml:14: 条件 has_elderly 的 test 不是合法的 CEL/,
    );
    expect(refusal(broken('m.age >= param.aid.age', "m.age >= 'sixty'"))).toMatch(
      /^assistance_policy\/test_aid\.yaml:14: 条件 has_elderly 的 test 类型错误/,
    );
    expect(refusal(broken('priority: 1', 'priority: 0'))).toMatch(/:19: priority 应为正整数/);
    expect(refusal(broken('id: test_aid', 'id: other_aid'))).toMatch(
      /:1: id 为 other_aid 的政策应保存在 other_aid\.yaml/,
    );
    expect(refusal(broken('  - { name: c,', '  # - { name: c,'))).toMatch(/至少需要 3 个测试用例/);
    // Policies for the recently deceased are person policies.
    expect(refusal(broken('entity: household\n', 'entity: household\npersons: deceased\n'))).toMatch(
      /^assistance_policy\/test_aid\.yaml:\d+: persons: deceased 只适用于 entity: person 的政策/,
    );
    expect(refusal(broken('entity: household\n', 'entity: household\npersons: dead\n'))).toMatch(
      /persons 应为 living（在世成员，默认）或 deceased/,
    );
    // phase_out names another policy of the pool, of the same entity.
    expect(refusal(broken('entity: household\n', 'entity: household\nphase_out: no_such_policy\n'))).toMatch(
      /phase_out 需要 enrolment/,
    );
    expect(
      refusal(
        broken(
          'entity: household\n',
          `entity: household\nenrolment: "'dibao' in h.assistance_types"\nphase_out: no_such_policy\n`,
        ),
      ),
    ).toMatch(/^assistance_policy\/test_aid\.yaml:1: phase_out 指向的政策 no_such_policy 不存在/);
    const conflicting = POLICY.replace(
      'amount:\n',
      `  - name: prisoner
    label: { zh: 服刑, en: In prison }
    priority: 1
    when: members.exists(m, m.in_prison)
    outcome: ineligible
amount:
`,
    );
    expect(refusal({ 'test_aid.yaml': conflicting })).toMatch(
      /:24: 例外 prisoner 与 severe_disability 优先级同为 1 而结论相反.*请给其中一条更高的优先级/,
    );
    const constant = POLICY.replace('test: members.exists(m, m.age >= param.aid.age)', 'test: 1 < 2');
    expect(refusal({ 'test_aid.yaml': constant })).toMatch(
      /:14: 条件 has_elderly 不读取任何家庭、人员变量或参数，结果恒定/,
    );
  });

  it('refuses a parameter with no value today in a region the pool serves', () => {
    const lateShanghaiOnly = PARAMETERS.replace(
      '    CN:\n      - { from: 2020-01-01, value: 1000, ref: 测试文件, checked: 2026-11-29 }\n',
      '',
    );
    expect(refusal({ 'test_aid.yaml': POLICY }, lateShanghaiOnly)).toMatch(
      /:10: 参数 aid\.line 在地区 371082 于 2026-11-29 没有取值：请在 test\.yaml 中为该地区（或其上级）补充取值/,
    );
  });

  it('keeps the last good pool when a reload fails, and says where', () => {
    const dirs = poolDir({ 'test_aid.yaml': POLICY });
    const holder = new PoolHolder(() => loadPool(catalogue, portrait, { ...dirs, checkDate: '2026-11-29' }));
    const good = holder.pool.version;
    const file = path.join(dirs.policiesDir, 'assistance_policy', 'test_aid.yaml');
    fs.writeFileSync(file, POLICY.replace('h.member_count', 'h.member_cnt'));
    const result = holder.reload();
    expect(result).toMatchObject({ ok: false, error: { at: 'assistance_policy/test_aid.yaml:24' } });
    expect(holder.pool.version).toBe(good);
    expect(holder.pool.policies.map((p) => p.id)).toEqual(['test_aid']);
    expect(holder.status.lastFailure?.message).toContain('h.member_cnt');
    fs.writeFileSync(file, POLICY.replace('1.5', '2.0'));
    expect(holder.reload()).toMatchObject({ ok: true });
    expect(holder.pool.version).not.toBe(good);
    expect(holder.status.lastFailure).toBeNull();
  });
});
