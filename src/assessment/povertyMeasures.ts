import { DEPRIVED, MISSING, type Achievements, type Assessment } from './assessUnits.ts';
import type { CountingPlan } from './countingPlan.ts';
import { formatRational, rational } from './rational.ts';

/**
 * The Alkire–Foster measures of a population (Alkire & Foster 2011; DOMAIN.md), of people: each
 * unit weighs its population.
 *   H   headcount ratio: the share of people in poor units (c_i ≥ k)
 *   A   intensity: the average deprivation score among the poor
 *   M0  adjusted headcount ratio, H × A: Σ_poor c_i / N
 *   uncensored[j]  share deprived in indicator j; censored[j] share poor and deprived in j
 *   contributions[j]  w_j · censored[j] / M0 — the shares of M0, adding up to 1
 *   M1, M2  adjusted poverty gap and squared gap, only where every indicator is cardinal
 *           (deprived below a positive cutoff); a gap is (z − x) / z with x taken as 0 when
 *           below it, so it never exceeds 1
 */
export interface PovertyMeasures {
  units: number;
  population: number;
  poorUnits: number;
  poor: number;
  H: number;
  A: number;
  M0: number;
  /** M0 as an exact fraction ("3/8") when the populations are whole numbers. */
  M0Exact: string | null;
  uncensored: number[];
  censored: number[];
  contributions: number[];
  /** The share of people whose value of each indicator is missing (counted as not deprived). */
  missing: number[];
  M1: number | null;
  M2: number | null;
}

/** A subgroup's measures, its share of the population and its share of the whole's M0. */
export interface GroupMeasures extends PovertyMeasures {
  group: number;
  populationShare: number;
  /** (N_g / N) · M0_g / M0: the subgroups' contributions add up to 1. */
  contribution: number;
}

/** A population's totals per group, in persons: what every measure is computed from. */
export interface GroupSums {
  units: Float64Array;
  population: Float64Array;
  poorUnits: Float64Array;
  poor: Float64Array;
  /** Σ population × score over the poor, scores over the plan's denominator. */
  score: Float64Array;
  uncensored: Float64Array;
  censored: Float64Array;
  missing: Float64Array;
  gap1: Float64Array;
  gap2: Float64Array;
}

/** One pass over the population, summing per group (one group when `groups` is null). */
export function groupSums(
  plan: CountingPlan,
  achievements: Achievements,
  assessment: Assessment,
  groups: ArrayLike<number> | null,
  groupCount: number,
): GroupSums {
  const d = plan.indicators;
  const s: GroupSums = {
    units: new Float64Array(groupCount),
    population: new Float64Array(groupCount),
    poorUnits: new Float64Array(groupCount),
    poor: new Float64Array(groupCount),
    score: new Float64Array(groupCount),
    uncensored: new Float64Array(groupCount * d),
    censored: new Float64Array(groupCount * d),
    missing: new Float64Array(groupCount * d),
    gap1: new Float64Array(groupCount),
    gap2: new Float64Array(groupCount),
  };
  const { values, populations } = achievements;
  const { deprived, scores, poor } = assessment;
  const L = plan.denominator;
  for (let i = 0; i < achievements.units; i++) {
    const g = groups ? (groups[i] ?? 0) : 0;
    if (g < 0 || g >= groupCount) throw new RangeError(`第 ${String(i)} 个单元的分组 ${String(g)} 超出范围`);
    const n = populations ? (populations[i] ?? 0) : 1;
    const isPoor = poor[i] === 1;
    s.units[g] = (s.units[g] ?? 0) + 1;
    s.population[g] = (s.population[g] ?? 0) + n;
    if (isPoor) {
      s.poorUnits[g] = (s.poorUnits[g] ?? 0) + 1;
      s.poor[g] = (s.poor[g] ?? 0) + n;
      s.score[g] = (s.score[g] ?? 0) + n * (scores[i] ?? 0);
    }
    let gap1 = 0;
    let gap2 = 0;
    for (let j = 0, at = i * d; j < d; j++, at++) {
      const state = deprived[at];
      const cell = g * d + j;
      if (state === MISSING) s.missing[cell] = (s.missing[cell] ?? 0) + n;
      if (state !== DEPRIVED) continue;
      s.uncensored[cell] = (s.uncensored[cell] ?? 0) + n;
      if (!isPoor) continue;
      s.censored[cell] = (s.censored[cell] ?? 0) + n;
      if (plan.cardinal) {
        const z = plan.cutoffs[j] ?? 1;
        const gap = (z - Math.max(0, values[at] ?? 0)) / z;
        const w = (plan.weights[j] ?? 0) / L;
        gap1 += w * gap;
        gap2 += w * gap * gap;
      }
    }
    s.gap1[g] = (s.gap1[g] ?? 0) + n * gap1;
    s.gap2[g] = (s.gap2[g] ?? 0) + n * gap2;
  }
  return s;
}

function measuresOf(plan: CountingPlan, s: GroupSums, g: number): PovertyMeasures {
  const d = plan.indicators;
  const L = plan.denominator;
  const N = s.population[g] ?? 0;
  const q = s.poor[g] ?? 0;
  const scoreSum = s.score[g] ?? 0;
  const ratio = (x: number) => (N > 0 ? x / N : 0);
  const M0 = N > 0 ? scoreSum / (L * N) : 0;
  const column = (a: Float64Array) => Array.from({ length: d }, (_, j) => ratio(a[g * d + j] ?? 0));
  const censored = column(s.censored);
  return {
    units: s.units[g] ?? 0,
    population: N,
    poorUnits: s.poorUnits[g] ?? 0,
    poor: q,
    H: ratio(q),
    A: q > 0 ? scoreSum / (L * q) : 0,
    M0,
    M0Exact:
      N > 0 && Number.isSafeInteger(scoreSum) && Number.isSafeInteger(N * L)
        ? formatRational(rational(BigInt(scoreSum), BigInt(N * L)))
        : null,
    uncensored: column(s.uncensored),
    censored,
    contributions: censored.map((h, j) => (M0 > 0 ? (((plan.weights[j] ?? 0) / L) * h) / M0 : 0)),
    missing: column(s.missing),
    M1: plan.cardinal ? ratio(s.gap1[g] ?? 0) : null,
    M2: plan.cardinal ? ratio(s.gap2[g] ?? 0) : null,
  };
}

/** The groups' totals added into one group: the whole, without a second pass. */
function wholeOf(s: GroupSums, groupCount: number, d: number): GroupSums {
  const add = (a: Float64Array, width: number) => {
    const out = new Float64Array(width);
    for (let g = 0; g < groupCount; g++)
      for (let j = 0; j < width; j++) out[j] = (out[j] ?? 0) + (a[g * width + j] ?? 0);
    return out;
  };
  return {
    units: add(s.units, 1),
    population: add(s.population, 1),
    poorUnits: add(s.poorUnits, 1),
    poor: add(s.poor, 1),
    score: add(s.score, 1),
    uncensored: add(s.uncensored, d),
    censored: add(s.censored, d),
    missing: add(s.missing, d),
    gap1: add(s.gap1, 1),
    gap2: add(s.gap2, 1),
  };
}

/** The measures of the whole population. */
export function povertyMeasures(
  plan: CountingPlan,
  achievements: Achievements,
  assessment: Assessment,
): PovertyMeasures {
  return measuresOf(plan, groupSums(plan, achievements, assessment, null, 1), 0);
}

/**
 * Decomposition by subgroup (area, or with and without a tag): each unit's group in `groups`,
 * 0 … groupCount − 1. Population-weighted, so Σ_g (N_g / N) · M0_g = M0 and the groups'
 * contributions add up to 1 — one pass for every group and the whole.
 */
export function decompose(
  plan: CountingPlan,
  achievements: Achievements,
  assessment: Assessment,
  groups: ArrayLike<number>,
  groupCount: number,
): { total: PovertyMeasures; groups: GroupMeasures[] } {
  const s = groupSums(plan, achievements, assessment, groups, groupCount);
  const total = measuresOf(plan, wholeOf(s, groupCount, plan.indicators), 0);
  return {
    total,
    groups: Array.from({ length: groupCount }, (_, g) => {
      const m = measuresOf(plan, s, g);
      const populationShare = total.population > 0 ? m.population / total.population : 0;
      return {
        ...m,
        group: g,
        populationShare,
        contribution: total.M0 > 0 ? (populationShare * m.M0) / total.M0 : 0,
      };
    }),
  };
}

/** One measure in two periods. `relative` is null when it was 0 before. */
export interface Change {
  before: number;
  after: number;
  absolute: number;
  relative: number | null;
}

const change = (before: number, after: number): Change => ({
  before,
  after,
  absolute: after - before,
  relative: before === 0 ? null : (after - before) / before,
});

/** How the measures moved between two periods under the same model. */
export function measureChange(
  plan: CountingPlan,
  before: PovertyMeasures,
  after: PovertyMeasures,
): {
  H: Change;
  A: Change;
  M0: Change;
  M1: Change | null;
  M2: Change | null;
  censored: (Change & { indicator: string })[];
} {
  return {
    H: change(before.H, after.H),
    A: change(before.A, after.A),
    M0: change(before.M0, after.M0),
    M1: before.M1 === null || after.M1 === null ? null : change(before.M1, after.M1),
    M2: before.M2 === null || after.M2 === null ? null : change(before.M2, after.M2),
    censored: plan.ids.map((indicator, j) => ({
      indicator,
      ...change(before.censored[j] ?? 0, after.censored[j] ?? 0),
    })),
  };
}
