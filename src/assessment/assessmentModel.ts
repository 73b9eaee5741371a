import type { Label } from '../core/label.ts';
import type { Compiled } from '../rules/compile/compileCel.ts';
import type { CountingPlan, Direction } from './countingPlan.ts';
import type { Rational } from './rational.ts';

/** One indicator of a model: a value of the household's portrait and the line of deprivation. */
export interface AssessmentIndicator {
  id: string;
  dimension: string;
  name: Label;
  /** CEL over `h`, `members` and `as_of`, as written. */
  value: string;
  run: Compiled;
  direction: Direction;
  cutoff: number | null;
  unit: Label | null;
  weight: Rational;
  /** Why a household is deprived in words; `{value}` and `{cutoff}` are filled in. */
  reason: Label;
}

export interface AssessmentDimension {
  id: string;
  name: Label;
  /** The sum of its indicators' weights. */
  weight: Rational;
  indicators: string[];
}

export interface AssessmentBand {
  id: string;
  min: Rational;
  label: Label;
}

/** A household the model must judge as its author says (the model's own test cases). */
export interface AssessmentCase {
  name: string;
  h: Record<string, unknown>;
  members: Record<string, unknown>[];
  expect: { deprived: string[]; band: string | null };
}

/**
 * A checked multidimensional hardship model (Alkire–Foster): dimensions of weighted indicators
 * on the portrait, the poverty cutoff k and the bands, compiled for counting.
 */
export interface AssessmentModel {
  id: string;
  name: Label;
  summary: Label | null;
  reference: string;
  /**
   * Whether its judgement is the household's `h.hardship_poor`, `h.hardship_score` and
   * `h.hardship_band`, which rules read (the discovery model of poor households that receive
   * nothing): the first active model that says so, by id.
   */
  discovery: boolean;
  k: Rational;
  bands: AssessmentBand[];
  dimensions: AssessmentDimension[];
  /** In the order of the plan's columns. */
  indicators: AssessmentIndicator[];
  cases: AssessmentCase[];
  plan: CountingPlan;
  /** The definition as written (stored with each version). */
  definition: Record<string, unknown>;
}
