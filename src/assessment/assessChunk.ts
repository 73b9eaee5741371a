import type { HouseholdAssessmentTable } from '../db/schema.ts';
import type { SubjectValues } from '../rules/evaluate/ruleSubject.ts';
import type { ActiveModel } from './assessmentModels.ts';
import { indicatorValues } from './assessHousehold.ts';
import { assessUnits } from './assessUnits.ts';
import { scoreText } from './countingPlan.ts';

/**
 * A screening chunk's households assessed under every active model (issue 7): the values the
 * run decided findings on, read once more by each model's indicators — no second read of the
 * registry. One row per household and model, replacing its last.
 */
export function assessChunk(
  models: readonly ActiveModel[],
  households: readonly { id: string; area_code: string; values: SubjectValues }[],
  stamp: { runId: string; asOf: string; at: string },
): HouseholdAssessmentTable[] {
  const rows: HouseholdAssessmentTable[] = [];
  for (const { model, version } of models) {
    const { plan } = model;
    const d = plan.indicators;
    const values = new Float64Array(households.length * d);
    households.forEach((h, i) => {
      indicatorValues(model, h.values, values, i * d);
    });
    const assessed = assessUnits(plan, { units: households.length, values });
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
        population: h.values.members.length,
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
  return rows;
}
