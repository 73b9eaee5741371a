import { parse } from '@bufbuild/cel';
import { Dictionary } from './dictionary.ts';
import { describe, expect, it } from 'vitest';
import { loadVariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import { loadPortraitDefinitions } from '../../portrait/portraitDefinitions.ts';
import { loadPool } from '../policies/loadPool.ts';
import { ruleCompileScope } from '../policies/buildPolicy.ts';
import { compileCel, ERR, type Value } from '../compile/compileCel.ts';
import { toValue } from '../compile/toValue.ts';
import { subjectFromPlain, type RuleSubject } from '../evaluate/ruleSubject.ts';
import { subjectSlots } from '../evaluate/explainPolicies.ts';
import { compareBatchWithExplain } from '../testing/batchAgreement.ts';
import { caseSubject } from '../policies/runPolicyCase.ts';
import { Arena, compileColumnar, UnsupportedColumnar, type Col, type Frame } from './columnarKernels.ts';
import { buildSnapshot, poolFields, repeatSnapshot } from './populationSnapshot.ts';
import {
  chunkOf,
  emptyTallies,
  planScreening,
  rowWiseExpressions,
  screenRange,
  tally,
} from './screenPopulation.ts';
import { ScreeningWorkers } from './screeningWorkers.ts';

const catalogue = loadVariableCatalogue();
const pool = loadPool(catalogue, loadPortraitDefinitions(catalogue));
const asOf = '2026-11-01';

/** Deterministic pseudo-random households with every kind of value, and some values missing. */
function syntheticSubjects(count: number, seed: number): RuleSubject[] {
  let state = seed;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const maybe = <T>(value: T): T | undefined => (random() < 0.2 ? undefined : value);
  const date = (from: number, to: number) =>
    `${String(from + Math.floor(random() * (to - from)))}-${pick(['01', '02', '06', '11', '12'])}-${pick(['01', '15', '28'])}`;
  return Array.from({ length: count }, (_, i) => {
    const members = Array.from({ length: Math.floor(random() * 5) }, (_, m) => ({
      id: `h${String(i)}m${String(m)}`,
      age: maybe(Math.floor(random() * 95)),
      disabled: maybe(random() < 0.3),
      disability_grade: maybe(pick(['1', '2', '3', '4'])),
      birth_date: maybe(date(1930, 2024)),
      self_care_level: maybe(pick(['full', 'partial', 'none'])),
      monthly_income: maybe(Math.round(random() * 400000) / 100),
      social_insurance_scheme: maybe(
        Array.from({ length: Math.floor(random() * 4) }, () => ({
          on: date(2020, 2026),
          value: pick(['unemployment', 'pension']),
        })),
      ),
    }));
    return subjectFromPlain(pool.vocabulary, {
      region: pick(['371082001001', '330382001001', '310105001001', '450102001001', '110101001001']),
      asOf,
      h: {
        monthly_income_per_capita: maybe(Math.round(random() * 300000) / 100),
        member_count: maybe(Math.floor(random() * 6)),
        assistance_types: maybe(random() < 0.5 ? [] : [pick(['dibao', 'tekun', 'near_dibao'])]),
        house_safety_grade: maybe(pick(['A', 'B', 'C', 'D'])),
        dibao_phase_out_since: maybe(date(2024, 2027)),
        elderly_living_alone: maybe(random() < 0.4),
      },
      members,
    });
  });
}

const householdExpressions = [
  'h.monthly_income_per_capita < param.dibao.standard',
  'h.member_count / 0 > 1',
  'h.member_count / 2 == 1',
  'h.member_count % 3 == 1',
  'double(h.member_count) * 1.5 - h.monthly_income_per_capita',
  'h.monthly_income_per_capita / 0.0',
  "'dibao' in h.assistance_types || h.elderly_living_alone",
  '!h.elderly_living_alone && has(h.house_safety_grade)',
  "h.house_safety_grade in ['C', 'D']",
  "h.house_safety_grade == 'D' ? h.monthly_income_per_capita : 0.0",
  "h.house_safety_grade == 'D' ? 'danger' : h.house_safety_grade",
  'h.elderly_living_alone ? h.member_count > 1 : h.member_count < 3',
  'members.exists(m, m.disabled && m.age >= 60)',
  "h.assistance_types.exists(t, t == 'dibao')",
  "h.assistance_types.filter(t, t != 'tekun').size() > 0",
  "h.assistance_types.all(t, t in ['dibao', 'tekun'])",
  "size(h.assistance_types.filter(t, t == 'near_dibao'))",
  'members.all(m, m.age < 70 || has(m.disability_grade))',
  'members.exists(m, m.self_care_level == h.house_safety_grade)',
  'months_between(h.dibao_phase_out_since, as_of) <= 6',
  'h.dibao_phase_out_since >= add_months(as_of, -12)',
  'size(h.assistance_types) > 0',
  'h.member_count == h.monthly_income_per_capita',
  'h.house_safety_grade == 1',
  '-h.member_count < -2',
  'p.age > 3',
  'int(h.monthly_income_per_capita) >= 1000',
  'h.elderly_living_alone == true',
  'h.elderly_living_alone > false',
];
const personExpressions = [
  'age_at(p.birth_date, as_of) >= 60 && p.disabled',
  "p.disability_grade in ['1', '2'] || h.elderly_living_alone",
  "members.exists(m, m.self_care_level == 'none')",
  'p.monthly_income > h.monthly_income_per_capita',
  "has(p.social_insurance_scheme) && p.social_insurance_scheme.filter(e, e.value == 'unemployment').size() >= 2",
  "p.social_insurance_scheme.exists(e, e.on >= '2024-01-01')",
  "size(p.social_insurance_scheme.filter(e, e.value == 'pension')) == 0",
  "p.social_insurance_scheme.all(e, e.value == 'pension' || e.other)",
  // An item whose test is neither true nor false makes the filter, and its size, an error.
  "p.social_insurance_scheme.filter(e, e.value == 'pension' || e.other).size() > 0",
  "p.social_insurance_scheme.exists(e, e.value == 'unemployment' && e.other)",
  'p.monthly_income * 12.0 - param.dibao.standard * 12.0',
];

/** A kernel's column as the compiled engine's values, row by row. */
function valuesOf(col: Col, n: number, strings: string[]): Value[] {
  return Array.from({ length: n }, (_, i): Value => {
    switch (col.k) {
      case 'const':
        return col.value;
      case 'bool':
        return col.v[i] === 2 ? ERR : col.v[i] === 1;
      case 'num':
        return col.ok[i] ? (col.v[i] as number) : ERR;
      case 'str':
        return (col.v[i] as number) < 0 ? ERR : (strings[col.v[i] as number] as string);
      case 'list':
        throw new Error('a list column is not a result');
    }
  });
}

describe('columnar kernels', () => {
  const subjects = syntheticSubjects(400, 7);
  const scope = ruleCompileScope(pool.vocabulary, pool.parameters);
  const snapshot = buildSnapshot(subjects, {
    household: [
      'monthly_income_per_capita',
      'member_count',
      'assistance_types',
      'house_safety_grade',
      'dibao_phase_out_since',
      'elderly_living_alone',
    ],
    person: [
      'age',
      'disabled',
      'disability_grade',
      'birth_date',
      'self_care_level',
      'monthly_income',
      'social_insurance_scheme',
    ],
  });
  const dict = new Dictionary([...snapshot.strings]);
  const binding = {
    snapshot,
    dict,
    scope,
    paramTrees: snapshot.regions.map((r) => toValue(pool.parameters.treeAt(r, asOf))),
  };

  /** Every row of every chunk (odd sizes, so chunks cut anywhere) against compileCel's closure on the same household. */
  function check(source: string, frame: Frame): number {
    const tree = parse(source).expr;
    const kernel = compileColumnar(tree, frame, binding);
    const closure = compileCel(tree, scope).run;
    const arena = new Arena(snapshot.persons + snapshot.households);
    let rows = 0;
    for (let h0 = 0; h0 < snapshot.households; h0 += 37) {
      const h1 = Math.min(snapshot.households, h0 + 37);
      arena.reset();
      const chunk = chunkOf(snapshot, h0, h1, arena);
      const n = frame === 'H' ? h1 - h0 : chunk.p1 - chunk.p0;
      const got = valuesOf(kernel(chunk), n, dict.strings);
      let row = 0;
      for (let h = h0; h < h1; h++) {
        const subject = subjects[h] as RuleSubject;
        const { slots, memberValues } = subjectSlots(pool, subject);
        const expected =
          frame === 'H'
            ? [closure(slots)]
            : memberValues.map((m) => closure([slots[0] ?? ERR, m, ...slots.slice(2)]));
        for (const value of expected) {
          expect(got[row], `${source} · household ${String(h)} row ${String(row)}`).toEqual(value);
          row++;
          rows++;
        }
      }
    }
    return rows;
  }

  it.each(householdExpressions)('household rows: %s', (source) => {
    expect(check(source, 'H')).toBe(snapshot.households);
  });

  it.each(personExpressions)('person rows: %s', (source) => {
    expect(check(source, 'P')).toBe(snapshot.persons);
  });

  it('leaves constructs without a kernel to the closures, which the batch path then runs row by row', () => {
    const unsupported = [
      // An item body that reads the person: every item paired with its row's values.
      ['p.social_insurance_scheme.exists(e, e.value == p.sex)', 'P'],
      // A household's list read for each member: its items would have to be gathered.
      ["h.assistance_types.exists(t, t == 'dibao')", 'P'],
      ['h.house_safety_grade + "x"', 'H'],
      // A member's body that reads the outer person would pair every person with every member.
      ['members.all(m, m.age >= p.age)', 'P'],
    ] as const;
    for (const [source, frame] of unsupported)
      expect(() => compileColumnar(parse(source).expr, frame, binding), source).toThrow(UnsupportedColumnar);
  });
});

describe('batch path against the explain path', () => {
  it('gives the same outcome, receiving and amount for every YAML case of every policy', () => {
    const byDate = new Map<string, RuleSubject[]>();
    for (const policy of pool.policies)
      for (const c of policy.cases) {
        byDate.set(c.date, [...(byDate.get(c.date) ?? []), caseSubject(pool, policy, c)]);
      }
    let compared = 0;
    let deceased = 0;
    for (const subjects of byDate.values()) {
      const result = compareBatchWithExplain(pool, subjects);
      expect(result.disagreements).toEqual([]);
      compared += result.compared;
      deceased += result.deceasedRows;
    }
    // The funeral policy's cases bring deceased members, screened row by row on the batch path.
    expect(deceased).toBeGreaterThan(0);
    // Every case household against every policy, not only its own.
    expect(compared).toBeGreaterThan(pool.policies.length * 500);
  });

  it('agrees on synthetic households with missing values everywhere', () => {
    const result = compareBatchWithExplain(pool, syntheticSubjects(300, 11));
    expect(result.disagreements).toEqual([]);
    expect(result.compared).toBeGreaterThan(300 * pool.policies.length);
  });

  it('runs every expression of the pool as kernels', () => {
    const plan = planScreening(pool, buildSnapshot(syntheticSubjects(50, 3), poolFields(pool)));
    const rowWise = rowWiseExpressions(plan);
    expect(rowWise).toEqual([]);
  });
});

describe('snapshots and worker threads', () => {
  it('refuses a field whose values are of different kinds, naming it', () => {
    const subjects = [
      subjectFromPlain(pool.vocabulary, { region: '371082001001', asOf, h: {}, members: [] }),
      subjectFromPlain(pool.vocabulary, { region: '371082001001', asOf, h: {}, members: [] }),
    ];
    subjects[0]?.household.set('member_count', 3n);
    subjects[1]?.household.set('member_count', 'three');
    expect(() => buildSnapshot(subjects, { household: ['member_count'], person: [] })).toThrow(
      /字段 member_count 的取值类型不一致/,
    );
  });

  it('gives the same tallies in worker threads as on one thread, and a repeated snapshot scales them', async () => {
    const base = buildSnapshot(syntheticSubjects(200, 5), poolFields(pool));
    const big = repeatSnapshot(base, 3);
    expect(big.households).toBe(600);
    const one = emptyTallies(pool);
    screenRange(planScreening(pool, big), 0, big.households, (r) => {
      tally(one, r);
    });
    const once = emptyTallies(pool);
    screenRange(planScreening(pool, base), 0, base.households, (r) => {
      tally(once, r);
    });
    for (const [i, t] of one.entries()) {
      expect(t.eligible).toBe(3 * (once[i]?.eligible ?? 0));
      expect(t.unknown).toBe(3 * (once[i]?.unknown ?? 0));
    }
    expect(one.reduce((n, t) => n + t.eligible, 0)).toBeGreaterThan(0);
    const workers = await ScreeningWorkers.start(pool, { threads: 2 });
    try {
      expect(workers.threads).toBe(2);
      expect(await workers.screen(big)).toEqual(
        one.map((t, i) => ({ ...t, gapAmount: expect.closeTo(one[i]?.gapAmount ?? 0, 2) as number })),
      );
    } finally {
      await workers.close();
    }
  }, 60_000);
});
