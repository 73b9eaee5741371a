import type { CountingPlan } from './countingPlan.ts';

/**
 * The achievement matrix of a population: one row per unit (a household), one column per
 * indicator in the plan's order; NaN where the value is missing (nobody reported it), 1/0 for
 * a flag. `populations` weighs each unit by the persons it stands for (a household's members),
 * so headcounts are of people; without it every unit counts 1.
 */
export interface Achievements {
  units: number;
  values: Float64Array;
  populations?: ArrayLike<number>;
}

/** Each unit's deprivations, its score over the plan's denominator, poverty and band. */
export interface Assessment {
  /** units × indicators: 0 not deprived, 1 deprived, 2 missing (counted as not deprived). */
  deprived: Uint8Array;
  /** The weighted deprivation score c_i times the plan's denominator. */
  scores: Int32Array;
  /** 1 where c_i ≥ k. */
  poor: Uint8Array;
  /** Index into the plan's bands, -1 below every band. */
  bands: Int8Array;
}

export const NOT_DEPRIVED = 0;
export const DEPRIVED = 1;
export const MISSING = 2;

/** Whether one value is deprived on one indicator of the plan (Alkire–Foster: x < z strictly). */
export function deprivationOf(plan: CountingPlan, indicator: number, x: number): number {
  if (Number.isNaN(x)) return MISSING;
  const z = plan.cutoffs[indicator] ?? Number.NaN;
  switch (plan.directions[indicator]) {
    case 0:
      return x < z ? DEPRIVED : NOT_DEPRIVED;
    case 1:
      return x > z ? DEPRIVED : NOT_DEPRIVED;
    default:
      return x !== 0 ? DEPRIVED : NOT_DEPRIVED;
  }
}

/** The band a score falls in: the highest whose line it reaches, -1 if none. */
export function bandOf(plan: CountingPlan, score: number): number {
  let band = -1;
  for (let b = 0; b < plan.bandMins.length; b++) if (score >= (plan.bandMins[b] ?? 0)) band = b;
  return band;
}

/** Identification: each unit's deprivations, score, poverty (c_i ≥ k, exactly) and band. */
export function assessUnits(plan: CountingPlan, achievements: Achievements): Assessment {
  const { units, values } = achievements;
  const d = plan.indicators;
  if (values.length !== units * d)
    throw new RangeError(`成就矩阵应有 ${String(units * d)} 个值，实有 ${String(values.length)} 个`);
  const deprived = new Uint8Array(units * d);
  const scores = new Int32Array(units);
  const poor = new Uint8Array(units);
  const bands = new Int8Array(units);
  for (let i = 0, at = 0; i < units; i++) {
    let score = 0;
    for (let j = 0; j < d; j++, at++) {
      const state = deprivationOf(plan, j, values[at] ?? Number.NaN);
      deprived[at] = state;
      if (state === DEPRIVED) score += plan.weights[j] ?? 0;
    }
    scores[i] = score;
    poor[i] = score >= plan.k ? 1 : 0;
    bands[i] = bandOf(plan, score);
  }
  return { deprived, scores, poor, bands };
}
