import { describe, expect, it } from 'vitest';
import { loadVariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import { buildPortraitDefinitions, loadPortraitDefinitions } from './portraitDefinitions.ts';

const catalogue = loadVariableCatalogue();
const categories = { health: { zh: '健康', en: 'Health' } };
const label = { zh: '测试', en: 'Test' };

function attempt(doc: Record<string, unknown>): string {
  try {
    buildPortraitDefinitions(
      { person: [], household: [], tags: [], categories, ...doc },
      catalogue,
      'x.yaml',
    );
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the definitions to be refused');
}

describe('portrait definitions', () => {
  it('the shipped file holds at least 47 tags (X2) over persons and households, each traceable to inputs', () => {
    const definitions = loadPortraitDefinitions(catalogue);
    expect(definitions.tags.length).toBeGreaterThanOrEqual(47);
    expect(new Set(definitions.tags.map((t) => t.entity))).toEqual(new Set(['person', 'household']));
    for (const tag of definitions.tags) {
      expect(tag.inputs.length, tag.code).toBeGreaterThan(0);
      expect(tag.category in definitions.categories, tag.code).toBe(true);
    }
    const perCapita = definitions.household.find((d) => d.name === 'monthly_income_per_capita');
    expect(perCapita?.inputs).toEqual(['members', 'monthly_income', 'pension_monthly']);
  });

  it('refuses a name that is neither in the catalogue nor defined above, and says how to fix it', () => {
    expect(attempt({ person: [{ name: 'rich', type: 'boolean', label, expr: 'p.wealth > 1.0' }] })).toBe(
      'x.yaml: person[0] (rich): 个人没有变量 wealth；请在 catalogue/variables.yaml 中声明，或在本文件中先于此处定义',
    );
    // Order matters: a derived variable can only use those above it.
    expect(
      attempt({
        person: [
          { name: 'a', type: 'boolean', label, expr: 'p.b' },
          { name: 'b', type: 'boolean', label, expr: 'true' },
        ],
      }),
    ).toContain('person[0] (a): 个人没有变量 b');
  });

  it('refuses type errors at load time rather than turning them into unknown tags', () => {
    expect(
      attempt({ person: [{ name: 'yearly', type: 'money', label, expr: 'p.monthly_income * 12' }] }),
    ).toContain(
      "person[0] (yearly): 表达式在数据齐全时仍出错（found no matching overload for '_*_' applied to '(double, int)'）",
    );
    expect(
      attempt({
        tags: [{ code: 'x', entity: 'person', category: 'health', label, expr: 'p.monthly_income' }],
      }),
    ).toBe('x.yaml: tags[0] (x): 结果类型应为 boolean，实际得到 number');
  });

  it('refuses syntax errors, duplicate tags, unknown categories and names out of place', () => {
    expect(attempt({ person: [{ name: 'x', type: 'boolean', label, expr: 'p.age >' }] })).toMatch(
      /^x\.yaml: person\[0\] \(x\): 表达式无法解析/,
    );
    const tag = { code: 'sick', entity: 'person', category: 'health', label, expr: 'has(p.serious_illness)' };
    expect(attempt({ tags: [tag, tag] })).toBe('x.yaml: tags[1] (sick): 标签 sick 重复定义');
    expect(attempt({ tags: [{ ...tag, category: 'wealth' }] })).toBe(
      'x.yaml: tags[0] (sick): category 应为 categories 中的一项（health）',
    );
    expect(attempt({ person: [{ name: 'big', type: 'boolean', label, expr: 'members.size() > 3' }] })).toBe(
      'x.yaml: person[0] (big): 不认识的名称 members；此处可用 p、as_of',
    );
    expect(attempt({ tags: [{ ...tag, expr: 'has(p.serious_illness)', lable: label }] })).toBe(
      'x.yaml: tags[0] (sick): 不认识的字段 lable',
    );
    expect(attempt({ person: [{ name: 'sex', type: 'code', label, expr: 'p.sex' }] })).toContain(
      'sex 已经定义过',
    );
  });
});
