import type { Label } from '../core/label.ts';
import { ERR, type Value } from '../rules/compile/compileCel.ts';
import { slotsOf } from '../rules/evaluate/explainPolicies.ts';
import type { SubjectValues } from '../rules/evaluate/ruleSubject.ts';
import type { AssessmentModel } from './assessmentModel.ts';
import { assessUnits, bandOf, deprivationOf, DEPRIVED, MISSING } from './assessUnits.ts';
import { scoreText } from './countingPlan.ts';

/**
 * A household's achievements under a model — each indicator's value on its portrait, in the
 * plan's column order: a number as it is, a flag as 1 or 0, NaN where the value could not be
 * read (a variable nobody reported: missing, not deprived). Evaluated once per household and
 * model: a screening run judges `h.hardship_*` before deciding and stores the same row after.
 * Indicators never read `h.hardship_*`, so setting those on the values leaves the row true.
 */
export function indicatorRow(model: AssessmentModel, values: SubjectValues): Float64Array {
  let byModel = evaluated.get(values);
  if (!byModel) evaluated.set(values, (byModel = new Map<AssessmentModel, Float64Array>()));
  let row = byModel.get(model);
  if (!row) {
    const slots = slotsOf(values, ERR);
    row = Float64Array.from(model.indicators, (indicator) => numeric(indicator.run(slots)));
    byModel.set(model, row);
  }
  return row;
}

const evaluated = new WeakMap<SubjectValues, Map<AssessmentModel, Float64Array>>();

/** `indicatorRow` written into `out` from `offset`. */
export function indicatorValues(
  model: AssessmentModel,
  values: SubjectValues,
  out: Float64Array,
  offset: number,
): void {
  out.set(indicatorRow(model, values), offset);
}

const numeric = (v: Value): number =>
  typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : Number.NaN;

/**
 * Only a household's score, poverty and band under a model — what rules read of it
 * (`h.hardship_*`) — without the per-indicator detail and reasons `assessHousehold` builds.
 */
export function judgeHousehold(
  model: AssessmentModel,
  values: SubjectValues,
): { poor: boolean; scoreValue: number; band: string | null } {
  const { plan } = model;
  let score = 0;
  indicatorRow(model, values).forEach((x, j) => {
    if (deprivationOf(plan, j, x) === DEPRIVED) score += plan.weights[j] ?? 0;
  });
  const band = bandOf(plan, score);
  return {
    poor: score >= plan.k,
    scoreValue: score / plan.denominator,
    band: band < 0 ? null : (plan.bandIds[band] ?? null),
  };
}

/** One household's assessment as the portrait and the console show it. */
export interface HouseholdAssessment {
  /** The score as an exact fraction ("5/21") and as a number. */
  score: string;
  scoreValue: number;
  poor: boolean;
  band: string | null;
  indicators: {
    id: string;
    dimension: string;
    value: number | null;
    state: 'deprived' | 'not_deprived' | 'missing';
    /** Why, in words, when deprived. */
    reason: Label | null;
  }[];
}

/** Assesses one household under a model: its deprivations, score, poverty, band and reasons. */
export function assessHousehold(model: AssessmentModel, values: SubjectValues): HouseholdAssessment {
  const row = new Float64Array(model.plan.indicators);
  indicatorValues(model, values, row, 0);
  return assessRow(model, row);
}

/** The same from a household's indicator values (as a run stored them; NaN where missing). */
export function assessRow(model: AssessmentModel, row: Float64Array): HouseholdAssessment {
  const { plan } = model;
  const a = assessUnits(plan, { units: 1, values: row });
  const score = a.scores[0] ?? 0;
  const band = a.bands[0] ?? -1;
  return {
    score: scoreText(plan, score),
    scoreValue: score / plan.denominator,
    poor: a.poor[0] === 1,
    band: band < 0 ? null : (plan.bandIds[band] ?? null),
    indicators: model.indicators.map((indicator, j) => {
      const x = row[j] ?? Number.NaN;
      const state = a.deprived[j];
      return {
        id: indicator.id,
        dimension: indicator.dimension,
        value: Number.isNaN(x) ? null : x,
        state: state === DEPRIVED ? 'deprived' : state === MISSING ? 'missing' : 'not_deprived',
        reason: state === DEPRIVED ? reasonOf(indicator.reason, x, indicator.cutoff) : null,
      };
    }),
  };
}

const fill = (text: string, value: number, cutoff: number | null) =>
  text
    .replaceAll('{value}', formatNumber(value))
    .replaceAll('{cutoff}', cutoff === null ? '' : formatNumber(cutoff));

const formatNumber = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

function reasonOf(reason: Label, value: number, cutoff: number | null): Label {
  return { zh: fill(reason.zh, value, cutoff), en: fill(reason.en, value, cutoff) };
}
