import type { DataScopeFilter } from '../access/scope/dataScope.ts';
import { areaCodePrefix, areaLevelOf, areaLevels, AREA_CODE_LENGTH } from '../areas/areaCode.ts';
import { findAreas } from '../areas/areaRepository.ts';
import { AppError } from '../core/appError.ts';
import type { Label } from '../core/label.ts';
import type { HouseholdAssessmentTable } from '../db/schema.ts';
import { householdsToScreen } from '../discovery/discoveryRepository.ts';
import type { AppContext } from '../http/appContext.ts';
import { requireHukouHousehold } from '../registry/households/hukouHouseholdService.ts';
import { screenedHouseholds } from '../rules/householdSubject.ts';
import type { AssessmentModel } from './assessmentModel.ts';
import type { ActiveModel } from './assessmentModels.ts';
import {
  householdAssessmentRows,
  householdAssessments,
  householdTagStates,
  snapshotRows,
} from './assessmentRepository.ts';
import { assessRow, indicatorValues, type HouseholdAssessment } from './assessHousehold.ts';
import { assessUnits, type Achievements } from './assessUnits.ts';
import { decompose, measureChange, povertyMeasures, type PovertyMeasures } from './povertyMeasures.ts';
import type { AssessmentSnapshotTable } from '../db/schema.ts';
import { formatRational, toNumber } from './rational.ts';

type Context = Pick<AppContext, 'db' | 'variables' | 'portrait' | 'feeds' | 'assessment'>;

/** A model as the console shows it: dimensions and indicators with weights as fractions. */
export function modelSummary(model: AssessmentModel, version: number) {
  return {
    id: model.id,
    version,
    name: model.name,
    summary: model.summary,
    reference: model.reference,
    k: formatRational(model.k),
    bands: model.bands.map((b) => ({ id: b.id, min: formatRational(b.min), label: b.label })),
    dimensions: model.dimensions.map((d) => ({
      id: d.id,
      name: d.name,
      weight: formatRational(d.weight),
      weightValue: toNumber(d.weight),
      indicators: d.indicators,
    })),
    indicators: model.indicators.map((i) => ({
      id: i.id,
      dimension: i.dimension,
      name: i.name,
      direction: i.direction,
      cutoff: i.cutoff,
      unit: i.unit,
      weight: formatRational(i.weight),
      weightValue: toNumber(i.weight),
    })),
  };
}

/** How many households (and persons) fall in each band, and below every band. */
function bandCounts(model: AssessmentModel, bands: Int8Array, populations: ArrayLike<number>) {
  const out = [...model.plan.bandIds, null].map((id) => ({ band: id, households: 0, persons: 0 }));
  bands.forEach((b, i) => {
    const entry = out[b < 0 ? out.length - 1 : b];
    if (!entry) return;
    entry.households += 1;
    entry.persons += populations[i] ?? 0;
  });
  return out;
}

/** Measures with each dimension's share of M0 (the sum of its indicators' contributions). */
function withDimensions(model: AssessmentModel, m: PovertyMeasures) {
  return {
    ...m,
    dimensions: model.dimensions.map((d) => ({
      id: d.id,
      contribution: model.indicators.reduce(
        (sum, indicator, j) => (indicator.dimension === d.id ? sum + (m.contributions[j] ?? 0) : sum),
        0,
      ),
    })),
  };
}

function activeOf(models: ActiveModel[], id: string): ActiveModel {
  const active = models.find((m) => m.model.id === id);
  if (!active) throw new AppError('ASSESSMENT_MODEL_NOT_FOUND', { id });
  return active;
}

const achievementsOf = (model: AssessmentModel, rows: HouseholdAssessmentTable[]): Achievements => {
  const d = model.plan.indicators;
  const values = new Float64Array(rows.length * d);
  rows.forEach((row, i) => {
    (JSON.parse(row.values_json) as (number | null)[]).forEach((x, j) => {
      if (j < d) values[i * d + j] = x ?? Number.NaN;
    });
  });
  return { units: rows.length, values, populations: rows.map((r) => r.population) };
};

/** The level below an area: a county's townships, a township's villages. */
function childPrefix(code: string): (areaCode: string) => string {
  const next = areaLevels[areaLevels.indexOf(areaLevelOf(code)) + 1] ?? 'village';
  return (areaCode) => areaCodePrefix(areaCode, next).padEnd(AREA_CODE_LENGTH, '0');
}

/**
 * M0 and its parts for an area (default: the caller's whole scope) under a model's active
 * version, decomposed over the areas one level down — population-weighted, so the parts add up
 * to the whole — from the households the latest runs assessed with that version.
 */
export async function areaAssessment(
  context: Context,
  modelId: string,
  scope: DataScopeFilter,
  areaCode: string | null,
  tag: string | null = null,
) {
  const active = activeOf(await context.assessment.active(), modelId);
  const { model } = active;
  const all = await householdAssessmentRows(context.db, modelId, scope, areaCode);
  const rows = all.filter((r) => r.model_version === active.version);
  const achievements = achievementsOf(model, rows);
  const assessed = assessUnits(model.plan, achievements);
  // The base: the area asked for, else the widest area every row shares (a county's code).
  const base =
    areaCode ??
    (rows.length > 0
      ? commonArea(rows.map((r) => r.area_code))
      : scope.kind === 'all' || scope.kind === 'none'
        ? null
        : scope.areaCode);
  const keyOf = base
    ? childPrefix(base)
    : (code: string) => areaCodePrefix(code, 'county').padEnd(AREA_CODE_LENGTH, '0');
  const codes = [...new Set(rows.map((r) => keyOf(r.area_code)))].sort();
  const index = new Map(codes.map((c, g) => [c, g]));
  const groups = rows.map((r) => index.get(keyOf(r.area_code)) ?? 0);
  const { total, groups: parts } = decompose(model.plan, achievements, assessed, groups, codes.length);
  const names = new Map((await findAreas(context.db, codes)).map((a) => [a.code, a.name]));
  // A run is a period of the area in view only if it screened all of it (a township's run is not
  // the county's period).
  const view = areaCode ?? (scope.kind === 'within' || scope.kind === 'only' ? scope.areaCode : null);
  const covers = (runArea: string | null) =>
    runArea === null || (view !== null && view.startsWith(areaCodePrefix(runArea)));
  const history = historyOf(
    model,
    active.version,
    (await snapshotRows(context.db, modelId, scope, areaCode)).filter((r) => covers(r.run_area)),
  );
  const [before, after] = history.filter((h) => h.modelVersion === active.version).slice(-2);
  return {
    byTag: tag === null ? null : await tagDecomposition(context, model, rows, achievements, assessed, tag),
    history,
    // The latest full run against the one before it, under the same version.
    change:
      before && after
        ? { from: before.asOf, to: after.asOf, ...measureChange(model.plan, before, after) }
        : null,
    model: modelSummary(model, active.version),
    areaCode: base,
    assessedAt: rows.reduce<string | null>(
      (max, r) => (max === null || r.assessed_at > max ? r.assessed_at : max),
      null,
    ),
    // Households last assessed by an earlier version: counted in after the next screening run.
    pending: all.length - rows.length,
    total: { ...withDimensions(model, total), households: total.units },
    bands: bandCounts(model, assessed.bands, achievements.populations ?? []),
    areas: parts
      .map((p) => ({
        code: codes[p.group] ?? '',
        name: names.get(codes[p.group] ?? '') ?? '',
        households: p.units,
        ...p,
      }))
      .sort((a, b) => b.M0 - a.M0 || a.code.localeCompare(b.code)),
  };
}

/** The same households decomposed by a portrait tag: with it, without it, not known. */
async function tagDecomposition(
  context: Context,
  model: AssessmentModel,
  rows: HouseholdAssessmentTable[],
  achievements: Achievements,
  assessed: ReturnType<typeof assessUnits>,
  tag: string,
) {
  const definition = context.portrait.tags.find((t) => t.code === tag);
  if (!definition) throw new AppError('PORTRAIT_TAG_NOT_FOUND', { code: tag });
  const states = await householdTagStates(context.db, tag, definition.entity);
  const groupOf = { yes: 0, no: 1, unknown: 2 } as const;
  const groups = rows.map((r) => groupOf[states.get(r.household_id) ?? 'no']);
  const { groups: parts } = decompose(model.plan, achievements, assessed, groups, 3);
  return {
    tag,
    label: definition.label,
    entity: definition.entity,
    groups: parts.map((p) => ({
      ...p,
      state: (['yes', 'no', 'unknown'] as const)[p.group],
      households: p.units,
    })),
  };
}

/** Each full run's totals over the townships in view, oldest first, as measures. */
function historyOf(model: AssessmentModel, version: number, rows: AssessmentSnapshotTable[]) {
  const runs = new Map<string, AssessmentSnapshotTable[]>();
  for (const row of rows) runs.set(row.run_id, [...(runs.get(row.run_id) ?? []), row]);
  return [...runs].map(([runId, parts]) => {
    const sum = (f: (r: AssessmentSnapshotTable) => number) => parts.reduce((total, r) => total + f(r), 0);
    const column = (json: (r: AssessmentSnapshotTable) => string) => {
      const out: number[] = [];
      for (const r of parts)
        (JSON.parse(json(r)) as number[]).forEach((x, j) => {
          out[j] = (out[j] ?? 0) + x;
        });
      return out;
    };
    const first = parts[0];
    const N = sum((r) => r.population);
    const q = sum((r) => r.poor);
    const scoreSum = sum((r) => r.score_sum);
    const ratio = (x: number) => (N > 0 ? x / N : 0);
    const M0 = ratio(scoreSum);
    const censored = column((r) => r.censored_json).map(ratio);
    const measures: PovertyMeasures = {
      units: sum((r) => r.households),
      population: N,
      poorUnits: 0,
      poor: q,
      H: ratio(q),
      A: q > 0 ? scoreSum / q : 0,
      M0,
      M0Exact: null,
      uncensored: column((r) => r.uncensored_json).map(ratio),
      censored,
      // Weights are the active version's: another version's runs show no contributions.
      contributions:
        first?.model_version !== version
          ? []
          : censored.map((h, j) =>
              M0 > 0 ? (toNumber(model.indicators[j]?.weight ?? { num: 0n, den: 1n }) * h) / M0 : 0,
            ),
      missing: column((r) => r.missing_json).map(ratio),
      M1: null,
      M2: null,
    };
    return {
      runId,
      asOf: first?.as_of ?? '',
      takenAt: first?.taken_at ?? '',
      modelVersion: first?.model_version ?? 0,
      ...measures,
    };
  });
}

function commonArea(codes: string[]): string | null {
  const first = codes[0];
  if (first === undefined) return null;
  let prefix = first;
  for (const c of codes) while (!c.startsWith(prefix)) prefix = prefix.slice(0, -1);
  // Widen to a whole level: the first code whose level's prefix the rows share.
  for (const level of [...areaLevels].reverse()) {
    const candidate = areaCodePrefix(first, level);
    if (prefix.startsWith(candidate)) return candidate.padEnd(AREA_CODE_LENGTH, '0');
  }
  return null;
}

/** A household's assessment under one model, as shown on its portrait. */
export interface HouseholdAssessmentView extends HouseholdAssessment {
  model: { id: string; version: number; name: Label; active: boolean };
  asOf: string;
  assessedAt: string;
  bandLabel: Label | null;
  /** Each dimension's deprivation: the weight of its deprived indicators over its own weight. */
  dimensions: { id: string; name: Label; deprivedShare: number }[];
  indicatorNames: Record<string, Label>;
}

/** A household's latest assessments (scope-checked), each with its reasons in words. */
export async function householdAssessmentViews(
  context: Context,
  householdId: string,
  scope: DataScopeFilter,
): Promise<HouseholdAssessmentView[]> {
  await requireHukouHousehold(context.db, householdId, scope);
  const active = await context.assessment.active();
  const out: HouseholdAssessmentView[] = [];
  for (const row of await householdAssessments(context.db, householdId)) {
    const { model } = await context.assessment.version(row.model_id, row.model_version);
    const values = Float64Array.from(
      JSON.parse(row.values_json) as (number | null)[],
      (x) => x ?? Number.NaN,
    );
    const result = assessRow(model, values);
    out.push({
      ...result,
      model: {
        id: model.id,
        version: row.model_version,
        name: model.name,
        active: active.some((a) => a.model.id === model.id && a.version === row.model_version),
      },
      asOf: row.as_of,
      assessedAt: row.assessed_at,
      bandLabel: model.bands.find((b) => b.id === result.band)?.label ?? null,
      dimensions: model.dimensions.map((d) => {
        const deprived = model.indicators.reduce(
          (sum, indicator, j) =>
            indicator.dimension === d.id && result.indicators[j]?.state === 'deprived'
              ? sum + toNumber(indicator.weight)
              : sum,
          0,
        );
        return { id: d.id, name: d.name, deprivedShare: deprived / toNumber(d.weight) };
      }),
      indicatorNames: Object.fromEntries(model.indicators.map((i) => [i.id, i.name])),
    });
  }
  return out;
}

/** Households a preview looks at, at most: enough for H, A and M0 to two decimals, in seconds. */
export const PREVIEW_SAMPLE = 2000;

/**
 * A model checked and tried before it is saved or activated: its problems, or H, A, M0, the
 * bands and the indicators' contributions on the caller's households — on an even sample of
 * at most PREVIEW_SAMPLE of them, read from the registry as a run reads them.
 */
export async function previewModel(
  context: Context,
  definition: unknown,
  scope: DataScopeFilter,
  asOf: string,
) {
  const checked = context.assessment.check(definition);
  if (checked.model === null) return { problems: checked.problems, preview: null };
  const { model } = checked;
  const areaCode = scope.kind === 'within' || scope.kind === 'only' ? scope.areaCode : null;
  let households = await householdsToScreen(context.db, areaCode, null);
  if (scope.kind === 'only') households = households.filter((h) => h.area_code === scope.areaCode);
  if (scope.kind === 'none') households = [];
  const step = Math.max(1, households.length / PREVIEW_SAMPLE);
  const sample = Array.from(
    { length: Math.min(households.length, PREVIEW_SAMPLE) },
    (_, i) => households[Math.floor(i * step)],
  ).filter((h): h is { id: string; area_code: string } => h !== undefined);
  const d = model.plan.indicators;
  const values = new Float64Array(sample.length * d);
  const populations: number[] = [];
  for (let i = 0; i < sample.length; i += 250) {
    const chunk = sample.slice(i, i + 250);
    const screened = await screenedHouseholds(context, chunk, asOf);
    chunk.forEach((h, k) => {
      const v = screened.get(h.id)?.values();
      populations[i + k] = v?.members.length ?? 0;
      if (v) indicatorValues(model, v, values, (i + k) * d);
      else values.fill(Number.NaN, (i + k) * d, (i + k + 1) * d);
    });
  }
  const achievements = { units: sample.length, values, populations };
  const assessed = assessUnits(model.plan, achievements);
  return {
    problems: [],
    preview: {
      model: modelSummary(model, 0),
      asOf,
      households: households.length,
      sample: sample.length,
      total: withDimensions(model, povertyMeasures(model.plan, achievements, assessed)),
      bands: bandCounts(model, assessed.bands, populations),
    },
  };
}
