import { describe, expect, it } from 'vitest';
import { assessUnits } from './assessUnits.ts';
import { countingPlan, type CountingSpec } from './countingPlan.ts';
import { decompose, measureChange, povertyMeasures } from './povertyMeasures.ts';
import { rational } from './rational.ts';

const r = (num: number, den = 1) => rational(BigInt(num), BigInt(den));
const to4 = (x: number | null) => (x === null ? null : Math.round(x * 1e4) / 1e4);

/**
 * Alkire, S. & Foster, J. (2011), "Counting and multidimensional poverty measurement", Journal
 * of Public Economics 95(7–8): 476–487, doi:10.1016/j.jpubeco.2010.11.006 — the paper's
 * illustration: 4 persons, 4 dimensions with cutoffs z = (13, 12, 3, 1), equal weights, k = 2
 * of 4 dimensions (1/2 as a share). Published: c = (0, 2, 4, 1), H = 1/2, A = 3/4, M0 = 3/8.
 * M1 and M2 are derived here from the paper's definitions (gaps (z − x)/z, unrounded; the
 * paper prints the gap matrix to two decimals, which would move M1 in the 4th decimal).
 */
describe('Alkire & Foster (2011): the 4 × 4 illustration', () => {
  const spec: CountingSpec = {
    indicators: [13, 12, 3, 1].map((cutoff, j) => ({
      id: `d${String(j + 1)}`,
      direction: 'below',
      cutoff,
      weight: r(1, 4),
    })),
    k: r(1, 2),
    bands: [],
  };
  const plan = countingPlan(spec);
  const achievements = {
    units: 4,
    values: Float64Array.from([13.1, 14, 4, 1, 15.2, 7, 5, 0, 12.5, 10, 1, 0, 20, 11, 3, 1]),
  };
  const assessment = assessUnits(plan, achievements);

  it('identifies by counting: c = (0, 2, 4, 1), strictly below a cutoff, poor at c ≥ k', () => {
    expect([...assessment.scores].map((s) => s / plan.denominator)).toEqual([0, 2 / 4, 4 / 4, 1 / 4]);
    // Person 4 sits exactly on two cutoffs (3 and 1) and is not deprived in them; person 2's
    // count equals k and is poor.
    expect([...assessment.poor]).toEqual([0, 1, 1, 0]);
  });

  it('H = 0.5, A = 0.75, M0 = 0.375 (published); M1 = 0.2055, M2 = 0.1655', () => {
    const m = povertyMeasures(plan, achievements, assessment);
    expect([to4(m.H), to4(m.A), to4(m.M0)]).toEqual([0.5, 0.75, 0.375]);
    expect(m.M0Exact).toBe('3/8');
    // 171/832 and 21475/129792 exactly.
    expect([to4(m.M1), to4(m.M2)]).toEqual([0.2055, 0.1655]);
    expect(m.uncensored).toEqual([1 / 4, 3 / 4, 1 / 4, 1 / 2]);
    // Person 4 is not poor: its deprivation in d2 is censored.
    expect(m.censored).toEqual([1 / 4, 1 / 2, 1 / 4, 1 / 2]);
    expect(m.contributions.map(to4)).toEqual([0.1667, 0.3333, 0.1667, 0.3333]);
  });

  it('union (k = 1/4) and intersection (k = 1) give the paper’s extremes', () => {
    const union = countingPlan({ ...spec, k: r(1, 4) });
    const u = povertyMeasures(union, achievements, assessUnits(union, achievements));
    expect([to4(u.H), to4(u.A), to4(u.M0)]).toEqual([0.75, 0.5833, 0.4375]);
    const intersection = countingPlan({ ...spec, k: r(1) });
    const i = povertyMeasures(intersection, achievements, assessUnits(intersection, achievements));
    expect([to4(i.H), to4(i.A), to4(i.M0)]).toEqual([0.25, 1, 0.25]);
  });
});

/**
 * UNDP, Human Development Report 2010, Technical note 4 ("Multidimensional Poverty Index",
 * illustration with hypothetical data; also Alkire & Santos 2010, OPHI Working Paper 38): four
 * households of 4, 7, 5 and 4 people, the global MPI's ten indicators (health and education 1/6
 * each, living standards 1/18 each), k = 1/3. Published: weighted counts 2.22, 7.22, 3.89 and
 * 5.00 of 10; H = 0.80, A = 0.56, MPI = 0.45. A is 9/16 = 0.5625 exactly (published rounded
 * to two decimals); the headcount ratios and contributions are derived from the same table.
 */
describe('HDR 2010 technical note 4: the global MPI illustration', () => {
  const weights = [r(1, 6), r(1, 6), r(1, 6), r(1, 6), ...Array.from({ length: 6 }, () => r(1, 18))];
  const ids = [
    'schooling',
    'attendance',
    'nutrition',
    'mortality',
    'electricity',
    'water',
    'sanitation',
    'floor',
    'fuel',
    'assets',
  ];
  const spec: CountingSpec = {
    indicators: ids.map((id, j) => ({ id, direction: 'flag', cutoff: null, weight: weights[j] ?? r(0) })),
    k: r(1, 3),
    bands: [
      { id: 'vulnerable', min: r(1, 5) },
      { id: 'poor', min: r(1, 3) },
      { id: 'severe', min: r(1, 2) },
    ],
  };
  const plan = countingPlan(spec);
  // Rows are households; 1 = deprived.
  const table = [
    [0, 0, 0, 1, 0, 0, 0, 0, 1, 0],
    [1, 1, 0, 1, 1, 0, 1, 0, 1, 1],
    [0, 0, 1, 0, 1, 1, 1, 0, 1, 0],
    [1, 0, 0, 1, 1, 0, 0, 0, 1, 1],
  ];
  const achievements = { units: 4, values: Float64Array.from(table.flat()), populations: [4, 7, 5, 4] };
  const assessment = assessUnits(plan, achievements);

  it('weighted counts 2.22, 7.22, 3.89, 5.00 of 10; households 2–4 poor', () => {
    expect([...assessment.scores].map((s) => to4((10 * s) / plan.denominator))).toEqual([
      2.2222, 7.2222, 3.8889, 5,
    ]);
    expect([...assessment.poor]).toEqual([0, 1, 1, 1]);
    expect([...assessment.bands].map((b) => plan.bandIds[b])).toEqual([
      'vulnerable',
      'severe',
      'poor',
      'severe',
    ]);
  });

  it('H = 0.80, A = 0.5625, MPI = 0.45, of people', () => {
    const m = povertyMeasures(plan, achievements, assessment);
    expect([m.population, m.poor]).toEqual([20, 16]);
    expect([to4(m.H), to4(m.A), to4(m.M0)]).toEqual([0.8, 0.5625, 0.45]);
    expect(m.M0Exact).toBe('9/20');
    // No M1 or M2: the indicators are not cardinal.
    expect([m.M1, m.M2]).toEqual([null, null]);
    // The non-poor household 1 is censored out of child mortality and cooking fuel.
    expect(m.uncensored.map(to4)).toEqual([0.55, 0.35, 0.25, 0.75, 0.8, 0.25, 0.6, 0, 1, 0.55]);
    expect(m.censored.map(to4)).toEqual([0.55, 0.35, 0.25, 0.55, 0.8, 0.25, 0.6, 0, 0.8, 0.55]);
    expect(m.contributions.map(to4)).toEqual([
      0.2037, 0.1296, 0.0926, 0.2037, 0.0988, 0.0309, 0.0741, 0, 0.0988, 0.0679,
    ]);
  });

  it('decomposes by group, population-weighted: 11/20 × 91/198 + 9/20 × 71/162 = 9/20', () => {
    const { total, groups } = decompose(plan, achievements, assessment, [0, 0, 1, 1], 2);
    expect(to4(total.M0)).toBe(0.45);
    expect(groups.map((g) => [to4(g.populationShare), to4(g.M0), to4(g.contribution)])).toEqual([
      [0.55, 0.4596, 0.5617],
      [0.45, 0.4383, 0.4383],
    ]);
  });

  it('reports the change between two periods', () => {
    const before = povertyMeasures(plan, achievements, assessment);
    // The next period: household 3 gets electricity, water and sanitation (score 1/6 + 1/18).
    const values = Float64Array.from(achievements.values);
    values.set([0, 0, 1, 0, 0, 0, 0, 0, 1, 0], 20);
    const later = { ...achievements, values };
    const after = povertyMeasures(plan, later, assessUnits(plan, later));
    const change = measureChange(plan, before, after);
    expect([to4(change.H.after), to4(change.H.absolute)]).toEqual([0.55, -0.25]);
    expect(to4(change.M0.relative)).toBe(to4(after.M0 / before.M0 - 1));
    expect(change.censored.find((c) => c.indicator === 'electricity')?.absolute).toBeCloseTo(-0.25, 10);
  });
});
