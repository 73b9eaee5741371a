import { parse as parseCel, plan as planCel } from '@bufbuild/cel';
import type { FieldProblem } from '../core/appError.ts';
import { isLabel, type Label } from '../core/label.ts';
import { probeBindings } from '../portrait/portraitBindings.ts';
import { compileCel, UnsupportedCel, type Compiled } from '../rules/compile/compileCel.ts';
import { staticType } from '../rules/policies/buildPolicy.ts';
import { ruleEnv } from '../rules/ruleEnvironment.ts';
import { boundNames, referencedFields } from '../rules/ruleReferences.ts';
import { HARDSHIP_FIELDS, typesOf, type RuleVocabulary } from '../rules/ruleVocabulary.ts';
import { suggest } from '../rules/suggestName.ts';
import type { VariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import type {
  AssessmentBand,
  AssessmentCase,
  AssessmentDimension,
  AssessmentIndicator,
  AssessmentModel,
} from './assessmentModel.ts';
import { countingPlan, type Direction } from './countingPlan.ts';
import { caseProblems } from './modelCases.ts';
import { add, compare, formatRational, ONE, parseRational, ZERO, type Rational } from './rational.ts';

export type At = (string | number)[];
/** A problem with where it is, as a path for the API and as keys for a file's line. */
export type ModelProblem = FieldProblem & { at: At };

const ID = /^[a-z][a-z0-9_]*$/;
const MODEL_KEYS = [
  'id',
  'name',
  'summary',
  'reference',
  'unit',
  'discovery',
  'k',
  'bands',
  'dimensions',
  'cases',
];
const INDICATOR_KEYS = ['id', 'name', 'value', 'deprived', 'cutoff', 'unit', 'weight', 'reason'];
const DIRECTIONS: Direction[] = ['below', 'above', 'flag'];
const FREE_NAMES = new Set(['h', 'members', 'as_of']);

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const pathOf = (at: At): string =>
  at.reduce<string>(
    (path, key) => (typeof key === 'number' ? `${path}[${String(key)}]` : path ? `${path}.${key}` : key),
    '',
  );

/**
 * Checks a model as written (a file in `assessment/`, or a body the console sends) and compiles
 * it: structure, labels, unique ids, CEL that parses and names only the portrait's variables,
 * values of the kind the direction needs, weights that sum to exactly 1, k in (0, 1], band lines
 * in [0, 1] — then runs the model's own cases. Every problem is returned with where it is (never
 * only the first); a model with any is not built, so it can never be activated.
 */
export function checkAssessmentModel(
  definition: unknown,
  context: { vocabulary: RuleVocabulary; catalogue: VariableCatalogue },
): { model: AssessmentModel; problems: [] } | { model: null; problems: ModelProblem[] } {
  const problems: ModelProblem[] = [];
  const problem = (at: At, code: ModelProblem['code'], params: ModelProblem['params'] = {}) => {
    problems.push({ at, path: pathOf(at), code, params });
  };
  if (!isRecord(definition)) {
    problem([], 'FIELD_TYPE', { type: '映射（id、name、k、dimensions……）' });
    return { model: null, problems };
  }
  for (const key of Object.keys(definition)) if (!MODEL_KEYS.includes(key)) problem([key], 'FIELD_UNKNOWN');

  const text = (at: At, value: unknown): string => {
    if (typeof value === 'string' && value.trim() !== '') return value;
    problem(at, 'FIELD_REQUIRED');
    return '';
  };
  const label = (at: At, value: unknown): Label => {
    if (isLabel(value)) return value;
    problem(at, 'ASSESSMENT_LABEL');
    return { zh: '', en: '' };
  };
  const identifier = (at: At, value: unknown, seen: Set<string>): string => {
    const id = text(at, value);
    if (id && !ID.test(id)) problem(at, 'FIELD_PATTERN');
    if (id && seen.has(id)) problem(at, 'ASSESSMENT_DUPLICATE_ID', { id });
    seen.add(id);
    return id;
  };
  const fraction = (at: At, value: unknown): Rational | null => {
    if (value === undefined || value === null || value === '') {
      problem(at, 'FIELD_REQUIRED');
      return null;
    }
    const r = parseRational(value);
    if (!r)
      problem(at, 'ASSESSMENT_NUMBER', { value: typeof value === 'string' ? value : JSON.stringify(value) });
    return r;
  };

  const id = identifier(['id'], definition.id, new Set());
  const name = label(['name'], definition.name);
  const summary = definition.summary === undefined ? null : label(['summary'], definition.summary);
  const reference = text(['reference'], definition.reference);
  if (definition.unit !== undefined && definition.unit !== 'household')
    problem(['unit'], 'FIELD_NOT_ALLOWED', { allowed: 'household' });
  if (definition.discovery !== undefined && typeof definition.discovery !== 'boolean')
    problem(['discovery'], 'FIELD_TYPE', { type: 'true / false' });

  const k = fraction(['k'], definition.k);
  if (k && (compare(k, ZERO) <= 0 || compare(k, ONE) > 0))
    problem(['k'], 'ASSESSMENT_K_RANGE', { k: formatRational(k) });

  const bands: AssessmentBand[] = [];
  if (!Array.isArray(definition.bands) || definition.bands.length === 0)
    problem(['bands'], 'FIELD_TOO_FEW', { limit: 1 });
  else {
    const seen = new Set<string>();
    definition.bands.forEach((raw: unknown, b) => {
      const at = ['bands', b];
      if (!isRecord(raw)) {
        problem(at, 'FIELD_TYPE', { type: '映射（id、min、label）' });
        return;
      }
      const bandId = identifier([...at, 'id'], raw.id, seen);
      const min = fraction([...at, 'min'], raw.min);
      if (min && (compare(min, ZERO) < 0 || compare(min, ONE) > 0))
        problem([...at, 'min'], 'ASSESSMENT_BAND_RANGE', { min: formatRational(min) });
      const bandLabel = label([...at, 'label'], raw.label);
      if (min) bands.push({ id: bandId, min, label: bandLabel });
    });
  }

  const vocabulary = context.vocabulary;
  const probe = {
    ...probeBindings(context.catalogue, typesOf(vocabulary.person), typesOf(vocabulary.household)),
  };
  const scope = {
    fieldType: (on: 'person' | 'household', field: string) => {
      const info = (on === 'person' ? vocabulary.person : vocabulary.household).get(field);
      return staticType(info?.type, info?.event === true || info?.list === true);
    },
    parameterType: () => 'dyn' as const,
  };
  /** Parses, checks names and compiles one indicator's value; checks its kind on a probe household. */
  const compileValue = (at: At, source: string, kind: 'number' | 'boolean'): Compiled | null => {
    let parsed: ReturnType<typeof parseCel>;
    try {
      parsed = parseCel(source);
    } catch (error) {
      problem(at, 'ASSESSMENT_EXPRESSION', { reason: (error as Error).message.split('\n')[0] ?? '' });
      return null;
    }
    let known = true;
    for (const bound of boundNames(parsed.expr))
      if (FREE_NAMES.has(bound) || bound === 'p') {
        problem(at, 'ASSESSMENT_EXPRESSION', { reason: `循环变量不能叫“${bound}”，请改用 m、x 等` });
        known = false;
      }
    for (const ref of referencedFields(parsed.expr)) {
      if (ref.on === 'name') {
        if (!FREE_NAMES.has(ref.field)) {
          problem(at, 'ASSESSMENT_UNKNOWN_VARIABLE', {
            name: ref.field,
            hint: suggest(ref.field, FREE_NAMES),
          });
          known = false;
        }
        continue;
      }
      const fields = ref.on === 'h' ? vocabulary.household : vocabulary.person;
      // A model's own judgement (h.hardship_*) cannot be one of its inputs.
      if (ref.on === 'p' || !fields.has(ref.field) || HARDSHIP_FIELDS.has(ref.field)) {
        problem(at, 'ASSESSMENT_UNKNOWN_VARIABLE', {
          name: `${ref.on === 'member' ? 'm' : ref.on}.${ref.field}`,
          hint:
            ref.on === 'p'
              ? '（评估按户进行，成员请写 members.exists(m, m.…)）'
              : suggest(ref.field, fields.keys()),
        });
        known = false;
      }
    }
    if (!known) return null;
    const evaluate = planCel(ruleEnv, parsed.expr) as (bindings: Record<string, unknown>) => unknown;
    const result = evaluate(probe);
    if (result instanceof Error) {
      problem(at, 'ASSESSMENT_EXPRESSION', { reason: result.message.split('\n')[0] ?? '' });
      return null;
    }
    const actual = typeof result === 'bigint' ? 'number' : typeof result;
    if (actual !== kind) {
      problem(at, 'ASSESSMENT_VALUE_TYPE', { expected: kind, actual });
      return null;
    }
    try {
      return compileCel(parsed.expr, scope).run;
    } catch (error) {
      if (!(error instanceof UnsupportedCel)) throw error;
      problem(at, 'ASSESSMENT_EXPRESSION', { reason: `规则引擎尚不支持的 CEL（${error.message}）` });
      return null;
    }
  };

  const dimensions: AssessmentDimension[] = [];
  const indicators: AssessmentIndicator[] = [];
  // Every weight read, compiled or not: the sum is checked only when none is missing or unreadable.
  let weightSum = ZERO;
  let unreadWeights = 0;
  if (!Array.isArray(definition.dimensions) || definition.dimensions.length === 0)
    problem(['dimensions'], 'FIELD_TOO_FEW', { limit: 1 });
  else {
    const dimensionIds = new Set<string>();
    const indicatorIds = new Set<string>();
    definition.dimensions.forEach((raw: unknown, d) => {
      const at = ['dimensions', d];
      if (!isRecord(raw)) {
        problem(at, 'FIELD_TYPE', { type: '映射（id、name、indicators）' });
        return;
      }
      const dimensionId = identifier([...at, 'id'], raw.id, dimensionIds);
      const dimension: AssessmentDimension = {
        id: dimensionId,
        name: label([...at, 'name'], raw.name),
        weight: ZERO,
        indicators: [],
      };
      dimensions.push(dimension);
      if (!Array.isArray(raw.indicators) || raw.indicators.length === 0) {
        problem([...at, 'indicators'], 'FIELD_TOO_FEW', { limit: 1 });
        return;
      }
      raw.indicators.forEach((item: unknown, i) => {
        const here = [...at, 'indicators', i];
        if (!isRecord(item)) {
          problem(here, 'FIELD_TYPE', { type: '映射（id、value、deprived、weight……）' });
          return;
        }
        for (const key of Object.keys(item))
          if (!INDICATOR_KEYS.includes(key)) problem([...here, key], 'FIELD_UNKNOWN');
        const indicatorId = identifier([...here, 'id'], item.id, indicatorIds);
        const direction = item.deprived as Direction;
        if (!DIRECTIONS.includes(direction))
          problem([...here, 'deprived'], 'FIELD_NOT_ALLOWED', { allowed: DIRECTIONS.join('、') });
        let cutoff: number | null = null;
        if (direction === 'flag') {
          if (item.cutoff !== undefined) problem([...here, 'cutoff'], 'ASSESSMENT_CUTOFF', { direction });
        } else if (typeof item.cutoff !== 'number' || !Number.isFinite(item.cutoff))
          problem([...here, 'cutoff'], 'ASSESSMENT_CUTOFF', { direction: String(item.deprived) });
        else cutoff = item.cutoff;
        const weight = fraction([...here, 'weight'], item.weight);
        if (weight) weightSum = add(weightSum, weight);
        else unreadWeights++;
        if (weight && compare(weight, ZERO) <= 0)
          problem([...here, 'weight'], 'ASSESSMENT_WEIGHT_RANGE', { weight: formatRational(weight) });
        const source = text([...here, 'value'], item.value);
        const run = source
          ? compileValue([...here, 'value'], source, direction === 'flag' ? 'boolean' : 'number')
          : null;
        const indicator = {
          id: indicatorId,
          dimension: dimensionId,
          name: label([...here, 'name'], item.name),
          value: source,
          direction,
          cutoff,
          unit: item.unit === undefined ? null : label([...here, 'unit'], item.unit),
          reason: label([...here, 'reason'], item.reason),
        };
        if (!run || !weight) return;
        indicators.push({ ...indicator, run, weight });
        dimension.indicators.push(indicatorId);
        dimension.weight = add(dimension.weight, weight);
      });
    });
  }
  if (unreadWeights === 0 && dimensions.length > 0 && compare(weightSum, ONE) !== 0)
    problem(['dimensions'], 'ASSESSMENT_WEIGHTS_SUM', { sum: formatRational(weightSum) });

  const cases = readCases(definition.cases, problem);
  if (problems.length > 0 || !k) return { model: null, problems };
  let plan;
  try {
    plan = countingPlan({ indicators, k, bands });
  } catch (error) {
    problem(['dimensions'], 'ASSESSMENT_EXPRESSION', { reason: (error as Error).message });
    return { model: null, problems };
  }
  const model: AssessmentModel = {
    id,
    name,
    summary,
    reference,
    discovery: definition.discovery === true,
    k,
    bands,
    dimensions,
    indicators,
    cases,
    plan,
    definition,
  };
  for (const p of caseProblems(model, vocabulary)) problems.push({ ...p, path: pathOf(p.at) });
  return problems.length > 0 ? { model: null, problems } : { model, problems: [] };
}

function readCases(
  raw: unknown,
  problem: (at: At, code: ModelProblem['code'], params?: ModelProblem['params']) => void,
): AssessmentCase[] {
  if (!Array.isArray(raw) || raw.length < 3) {
    problem(['cases'], 'FIELD_TOO_FEW', { limit: 3 });
    return [];
  }
  const cases: AssessmentCase[] = [];
  raw.forEach((c: unknown, i) => {
    const at = ['cases', i];
    if (
      !isRecord(c) ||
      typeof c.name !== 'string' ||
      !isRecord(c.h) ||
      !Array.isArray(c.members) ||
      !c.members.every(isRecord) ||
      !isRecord(c.expect) ||
      !Array.isArray(c.expect.deprived)
    ) {
      problem(at, 'FIELD_TYPE', { type: '用例（name、h、members、expect: { deprived, band }）' });
      return;
    }
    const band = c.expect.band;
    cases.push({
      name: c.name,
      h: c.h,
      members: c.members,
      expect: {
        deprived: c.expect.deprived.map(String),
        band: typeof band === 'string' && band !== 'none' ? band : null,
      },
    });
  });
  return cases;
}
