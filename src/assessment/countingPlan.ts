import { formatRational, lcm, rational, type Rational } from './rational.ts';

/**
 * How an indicator's value marks deprivation: `below` the cutoff (strictly: x < z, as
 * Alkire–Foster define it), `above` it (x > z: crowding, debt), or `flag` (the value is a
 * boolean, true meaning deprived).
 */
export type Direction = 'below' | 'above' | 'flag';

export interface CountingIndicator {
  id: string;
  direction: Direction;
  /** The deprivation cutoff z_j; null for a flag. */
  cutoff: number | null;
  weight: Rational;
}

/** A band of the deprivation score: a unit is in the highest band whose line it reaches. */
export interface CountingBand {
  id: string;
  min: Rational;
}

/** What counting needs of a model: its indicators in order, the poverty cutoff k and the bands. */
export interface CountingSpec {
  indicators: readonly CountingIndicator[];
  k: Rational;
  bands: readonly CountingBand[];
}

/**
 * A model in integers: every weight, k and band line times one common denominator L, so a
 * score is a sum of integers and "poor" is `score ≥ k·L` — exact, and as fast as counting gets.
 */
export interface CountingPlan {
  indicators: number;
  ids: readonly string[];
  denominator: number;
  weights: Int32Array;
  /** 0 below, 1 above, 2 flag. */
  directions: Uint8Array;
  cutoffs: Float64Array;
  k: number;
  bandIds: readonly string[];
  /** Band lines over L, ascending. */
  bandMins: Int32Array;
  /** Every indicator cardinal, deprived below a positive cutoff: M1 and M2 are defined. */
  cardinal: boolean;
}

const DIRECTIONS: Record<Direction, number> = { below: 0, above: 1, flag: 2 };

/** Scores stay far inside Int32 and their population-weighted sums inside 2^53. */
const MAX_DENOMINATOR = 1n << 24n;

export function countingPlan(spec: CountingSpec): CountingPlan {
  let denominator = spec.k.den;
  for (const i of spec.indicators) denominator = lcm(denominator, i.weight.den);
  for (const b of spec.bands) denominator = lcm(denominator, b.min.den);
  if (denominator > MAX_DENOMINATOR)
    throw new RangeError(
      `权重、k 与分档线的公分母 ${denominator.toString()} 过大（上限 ${MAX_DENOMINATOR.toString()}），请使用更简单的分数`,
    );
  const over = (r: Rational) => Number((r.num * denominator) / r.den);
  const bands = [...spec.bands].sort((a, b) => over(a.min) - over(b.min));
  return {
    indicators: spec.indicators.length,
    ids: spec.indicators.map((i) => i.id),
    denominator: Number(denominator),
    weights: Int32Array.from(spec.indicators, (i) => over(i.weight)),
    directions: Uint8Array.from(spec.indicators, (i) => DIRECTIONS[i.direction]),
    cutoffs: Float64Array.from(spec.indicators, (i) => i.cutoff ?? Number.NaN),
    k: over(spec.k),
    bandIds: bands.map((b) => b.id),
    bandMins: Int32Array.from(bands, (b) => over(b.min)),
    cardinal: spec.indicators.every((i) => i.direction === 'below' && i.cutoff !== null && i.cutoff > 0),
  };
}

/** A score over the plan's denominator as an exact fraction's text ("1/3"). */
export const scoreText = (plan: CountingPlan, score: number): string =>
  formatRational(rational(BigInt(score), BigInt(plan.denominator)));
