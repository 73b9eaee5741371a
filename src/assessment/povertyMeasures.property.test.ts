import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessUnits } from './assessUnits.ts';
import { countingPlan, type CountingSpec } from './countingPlan.ts';
import { decompose, povertyMeasures } from './povertyMeasures.ts';
import { add, ONE, rational, ZERO, type Rational } from './rational.ts';

/**
 * A random model: d indicators (some cardinal, some flags) with positive integer parts as
 * weights, normalised to sum to exactly 1, and k a random fraction in (0, 1].
 */
const models = fc
  .record({
    parts: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }),
    flags: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    kNum: fc.integer({ min: 1, max: 12 }),
    kDen: fc.integer({ min: 1, max: 12 }),
  })
  .filter((m) => m.kNum <= m.kDen)
  .map(({ parts, flags, kNum, kDen }): CountingSpec => {
    const total = parts.reduce((a, b) => a + b, 0);
    return {
      indicators: parts.map((p, j) => ({
        id: `i${String(j)}`,
        direction: flags[j] ? 'flag' : 'below',
        cutoff: flags[j] ? null : 10,
        weight: rational(BigInt(p), BigInt(total)),
      })),
      k: rational(BigInt(kNum), BigInt(kDen)),
      bands: [{ id: 'poor', min: rational(BigInt(kNum), BigInt(kDen)) }],
    };
  });

/** A model with a population: values 0–20 (NaN now and then), 1–6 persons a unit, 3 groups. */
const cases = models.chain((spec) =>
  fc
    .array(
      fc.record({
        values: fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(Number.NaN)), {
          minLength: spec.indicators.length,
          maxLength: spec.indicators.length,
        }),
        population: fc.integer({ min: 1, max: 6 }),
        group: fc.integer({ min: 0, max: 2 }),
      }),
      { minLength: 1, maxLength: 40 },
    )
    .map((units) => ({ spec, units })),
);

function build({
  spec,
  units,
}: {
  spec: CountingSpec;
  units: { values: number[]; population: number; group: number }[];
}) {
  const plan = countingPlan(spec);
  const values = Float64Array.from(
    units.flatMap((u) =>
      u.values.map((v, j) => (spec.indicators[j]?.direction === 'flag' ? (Number.isNaN(v) ? v : v % 2) : v)),
    ),
  );
  const achievements = { units: units.length, values, populations: units.map((u) => u.population) };
  return { plan, achievements, assessment: assessUnits(plan, achievements) };
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12;

describe('Alkire–Foster properties', () => {
  it('M0 = H × A, and the indicators’ contributions add up to 1 whenever M0 > 0', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const { plan, achievements, assessment } = build(c);
        const m = povertyMeasures(plan, achievements, assessment);
        expect(close(m.M0, m.H * m.A)).toBe(true);
        if (m.M0 > 0)
          expect(
            close(
              m.contributions.reduce((a, b) => a + b, 0),
              1,
            ),
          ).toBe(true);
        // M0 is also Σ w_j × censored headcount ratio (the decomposition by indicator).
        const byIndicator = m.censored.reduce(
          (sum, h, j) => sum + ((plan.weights[j] ?? 0) / plan.denominator) * h,
          0,
        );
        expect(close(m.M0, byIndicator)).toBe(true);
      }),
    );
  });

  it('subgroups add up: Σ (N_g / N) · M0_g = M0 and their contributions sum to 1', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const { plan, achievements, assessment } = build(c);
        const groups = c.units.map((u) => u.group);
        const { total, groups: parts } = decompose(plan, achievements, assessment, groups, 3);
        const weighted = parts.reduce((sum, g) => sum + g.populationShare * g.M0, 0);
        expect(close(weighted, total.M0)).toBe(true);
        expect(parts.reduce((sum, g) => sum + g.population, 0)).toBe(total.population);
        if (total.M0 > 0)
          expect(
            close(
              parts.reduce((sum, g) => sum + g.contribution, 0),
              1,
            ),
          ).toBe(true);
      }),
    );
  });

  it('raising one deprivation never lowers a score, and never turns a poor unit non-poor', () => {
    fc.assert(
      fc.property(cases, fc.nat(), fc.nat(), (c, unitPick, indicatorPick) => {
        const { plan, achievements, assessment } = build(c);
        const i = unitPick % c.units.length;
        const j = indicatorPick % plan.indicators;
        const values = Float64Array.from(achievements.values);
        // Deprive unit i in indicator j: a flag set, a value below its cutoff.
        values[i * plan.indicators + j] = plan.directions[j] === 2 ? 1 : 0;
        const after = assessUnits(plan, { ...achievements, values });
        expect(after.scores[i]).toBeGreaterThanOrEqual(assessment.scores[i] ?? 0);
        if (assessment.poor[i] === 1) expect(after.poor[i]).toBe(1);
      }),
    );
  });

  it('a score of exactly k counts as poor, a hair below does not (exact weights)', () => {
    // Six indicators weighted 1/9 and twelve 1/36: 2/9 + 4/36 = 1/3 exactly.
    const weights: Rational[] = [
      ...Array.from({ length: 6 }, () => rational(1n, 9n)),
      ...Array.from({ length: 12 }, () => rational(1n, 36n)),
    ];
    expect(weights.reduce(add, ZERO)).toEqual(ONE);
    const spec: CountingSpec = {
      indicators: weights.map((weight, j) => ({
        id: `i${String(j)}`,
        direction: 'flag',
        cutoff: null,
        weight,
      })),
      k: rational(1n, 3n),
      bands: [
        { id: 'vulnerable', min: rational(1n, 5n) },
        { id: 'poor', min: rational(1n, 3n) },
        { id: 'severe', min: rational(1n, 2n) },
      ],
    };
    const plan = countingPlan(spec);
    const row = (deprived: number[]) => weights.map((_, j) => (deprived.includes(j) ? 1 : 0));
    // 1/9 + 1/9 + 1/36 × 4 = 1/3 exactly; 1/9 + 1/9 + 1/36 × 3 = 11/36 just below.
    const exactly = row([0, 1, 6, 7, 8, 9]);
    const below = row([0, 1, 6, 7, 8]);
    const values = Float64Array.from([...exactly, ...below]);
    const a = assessUnits(plan, { units: 2, values });
    expect([...a.poor]).toEqual([1, 0]);
    expect(plan.bandIds[a.bands[0] ?? -1]).toBe('poor');
    expect(plan.bandIds[a.bands[1] ?? -1]).toBe('vulnerable');
  });
});
