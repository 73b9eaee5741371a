import type { HouseholdAssessmentTable } from '../db/schema.ts';
import type { SubjectValues } from '../rules/evaluate/ruleSubject.ts';
import type { ActiveModel } from './assessmentModels.ts';
import { indicatorValues } from './assessHousehold.ts';
import { assessUnits } from './assessUnits.ts';
import { groupSums } from './povertyMeasures.ts';
import { areaCodePrefix, AREA_CODE_LENGTH } from '../areas/areaCode.ts';
import { scoreText } from './countingPlan.ts';

/**
 * A township's totals under one model in one chunk (every household assessed, changed or not),
 * summed by the run into its snapshot (`assessment_snapshots`).
 */
export interface AssessmentTally {
  modelId: string;
  modelVersion: number;
  areaCode: string;
  households: number;
  population: number;
  poor: number;
  /** Σ persons × score over the poor. */
  scoreSum: number;
  censored: number[];
  uncensored: number[];
  missing: number[];
}

/** Adds one tally into another of the same model version and township. */
export function addTally(into: AssessmentTally, t: AssessmentTally): void {
  into.households += t.households;
  into.population += t.population;
  into.poor += t.poor;
  into.scoreSum += t.scoreSum;
  const add = (a: number[], b: number[]) => {
    b.forEach((x, j) => {
      a[j] = (a[j] ?? 0) + x;
    });
  };
  add(into.censored, t.censored);
  add(into.uncensored, t.uncensored);
  add(into.missing, t.missing);
}

const townshipOf = (areaCode: string) => areaCodePrefix(areaCode, 'township').padEnd(AREA_CODE_LENGTH, '0');

/**
 * A screening chunk's households assessed under every active model (issue 7): the values the
 * run decided findings on, read once more by each model's indicators — no second read of the
 * registry. One row per household and model, replacing its last.
 */
export function assessChunk(
  models: readonly ActiveModel[],
  households: readonly { id: string; area_code: string; values: SubjectValues }[],
  stamp: { runId: string; asOf: string; at: string },
): { rows: HouseholdAssessmentTable[]; tallies: AssessmentTally[] } {
  const rows: HouseholdAssessmentTable[] = [];
  const tallies: AssessmentTally[] = [];
  // Townships in the chunk, each household's index among them: the tallies' groups.
  const townships = [...new Set(households.map((h) => townshipOf(h.area_code)))];
  const groupOf = new Map(townships.map((code, g) => [code, g]));
  const groups = households.map((h) => groupOf.get(townshipOf(h.area_code)) ?? 0);
  const populations = households.map((h) => h.values.members.length);
  for (const { model, version } of models) {
    const { plan } = model;
    const d = plan.indicators;
    const values = new Float64Array(households.length * d);
    households.forEach((h, i) => {
      indicatorValues(model, h.values, values, i * d);
    });
    const achievements = { units: households.length, values, populations };
    const assessed = assessUnits(plan, achievements);
    const s = groupSums(plan, achievements, assessed, groups, townships.length);
    const column = (a: Float64Array, g: number) => Array.from(a.subarray(g * d, (g + 1) * d));
    townships.forEach((areaCode, g) =>
      tallies.push({
        modelId: model.id,
        modelVersion: version,
        areaCode,
        households: s.units[g] ?? 0,
        population: s.population[g] ?? 0,
        poor: s.poor[g] ?? 0,
        scoreSum: (s.score[g] ?? 0) / plan.denominator,
        censored: column(s.censored, g),
        uncensored: column(s.uncensored, g),
        missing: column(s.missing, g),
      }),
    );
    households.forEach((h, i) => {
      const score = assessed.scores[i] ?? 0;
      const band = assessed.bands[i] ?? -1;
      rows.push({
        household_id: h.id,
        model_id: model.id,
        model_version: version,
        area_code: h.area_code,
        run_id: stamp.runId,
        as_of: stamp.asOf,
        assessed_at: stamp.at,
        population: populations[i] ?? 0,
        score: scoreText(plan, score),
        score_value: score / plan.denominator,
        poor: assessed.poor[i] ?? 0,
        band: band < 0 ? null : (plan.bandIds[band] ?? null),
        values_json: JSON.stringify(
          Array.from(values.subarray(i * d, (i + 1) * d), (x) => (Number.isNaN(x) ? null : x)),
        ),
      });
    });
  }
  return { rows, tallies };
}
