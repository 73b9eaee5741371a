import { isCelList, isCelMap } from '@bufbuild/cel';
import { ERR, relate, type Value } from '../compile/compileCel.ts';
import { toValue } from '../compile/toValue.ts';
import type { FactValue } from '../../registry/variables/variableCatalogue.ts';
import { fromCel } from '../../portrait/portraitBindings.ts';
import type { ParameterSet } from '../parameters/parameterSet.ts';
import type { RuleVocabulary } from '../ruleVocabulary.ts';
import type {
  AmountPeriod,
  CompiledExpr,
  Label,
  MessageTemplate,
  PolicyDefinition,
  PolicyException,
  PolicyOutcome,
} from '../policies/policyDefinition.ts';
import type { InputSource, RuleMember, RuleSubject } from './ruleSubject.ts';

export type CriterionState = 'yes' | 'no' | 'unknown';
export type PolicyResultOutcome = PolicyOutcome | 'unknown' | 'error';

export interface InputUsed {
  /** `h.x`, `p.x` or `members.x` (one value per member). */
  ref: string;
  label: Label;
  unit: string | null;
  /** Null when missing; for members.x the members' values in order. */
  value: FactValue | (FactValue | null)[] | null;
  source: InputSource | null;
}

export interface ParameterUsed {
  name: string;
  label: Label;
  unit: string;
  value: FactValue | null;
  region: string | null;
  from: string | null;
  ref: string | null;
  confirmed: boolean | null;
}

export interface CriterionResult {
  name: string;
  label: Label;
  state: CriterionState;
  /** Why not, in Chinese and English, when the state is 'no'. */
  message: Label | null;
  inputs: InputUsed[];
  parameters: ParameterUsed[];
  /** Numeric tests: the two sides and how far apart (left − right). */
  distance: { left: number; right: number; difference: number; operator: string } | null;
  /** Inputs absent that would decide an unknown. */
  missing: string[];
}

export interface MissingInput {
  ref: string;
  label: Label;
  /** The criteria it would decide (the ranking: most first). */
  criteria: string[];
}

export interface PolicyResult {
  policyId: string;
  /** 'household', or the member's id for person policies. */
  subject: string;
  outcome: PolicyResultOutcome;
  error: string | null;
  /** Already receiving it (its enrolment evidence); null when undecidable or not declared. */
  receiving: boolean | null;
  criteria: CriterionResult[];
  exception: { name: string; label: Label; outcome: PolicyOutcome } | null;
  amount: { value: number; period: AmountPeriod; explain: Label } | null;
  missing: MissingInput[];
}

/** Everything the explain path needs besides the subject. */
export interface RulePool {
  policies: PolicyDefinition[];
  parameters: ParameterSet;
  vocabulary: RuleVocabulary;
  /** Changes whenever a policy or parameter file changes (results record it). */
  version: string;
}

const paramValues = new WeakMap<object, Value>();

/** The parameter tree as the compiled engine's nested Maps, once per tree (area and date). */
function paramMap(parameters: ParameterSet, region: string, asOf: string): Value {
  const tree = parameters.treeAt(region, asOf);
  let map = paramValues.get(tree);
  if (!map) {
    map = toValue(tree);
    paramValues.set(tree, map);
  }
  return map;
}

function stateOf(result: unknown): CriterionState {
  return result === true ? 'yes' : result === false ? 'no' : 'unknown';
}

/** Money to the fen, without ICU (toLocaleString took most of an explanation's time). */
function display(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'string') return value;
  return '（缺失）';
}

type Piece = string | CompiledExpr;
const piecesOf = new WeakMap<object, Piece[]>();

/** A message part split once into text and `{n}` expressions (a regex per render took a sixth of an explanation). */
function pieces(part: { text: string; parts: CompiledExpr[] }): Piece[] {
  let found = piecesOf.get(part);
  if (!found) {
    found = part.text
      .split(/\{(\d+)\}/)
      .map((piece, i) => (i % 2 === 0 ? piece : (part.parts[Number(piece)] ?? `{${piece}}`)));
    piecesOf.set(part, found);
  }
  return found;
}

function renderPart(part: { text: string; parts: CompiledExpr[] }, slots: Value[]): string {
  let out = '';
  for (const piece of pieces(part)) {
    if (typeof piece === 'string') out += piece;
    else {
      const result = piece.run(slots);
      out += result === ERR ? '（缺失）' : display(result);
    }
  }
  return out;
}

function render(template: MessageTemplate, slots: Value[]): Label {
  const zh = renderPart(template.zh, slots);
  return { zh, en: template.en ? renderPart(template.en, slots) : zh };
}

function numeric(value: unknown): number | undefined {
  if (typeof value === 'bigint') return Number(value);
  return typeof value === 'number' ? value : undefined;
}

interface Context {
  pool: RulePool;
  subject: RuleSubject;
  /** The compiled engine's slots: h, p, members, param, as_of, region, then comprehension variables. */
  slots: Value[];
  person: RuleMember | null;
  /** Inputs already described for this household, by field ('h.x', 'members.x'). */
  inputs: Map<string, InputUsed>;
  /** The person's inputs already described ('p.x'); a new map per member. */
  personInputs: Map<string, InputUsed>;
  /** Parameter values already looked up for this household's area and date. */
  parameters: Map<string, ParameterUsed>;
  /** Per expression, the lists above put together once: most inputs recur across policies and members. */
  exprInputs: Map<CompiledExpr, InputUsed[]>;
  personExprInputs: Map<CompiledExpr, InputUsed[]>;
  exprParameters: Map<CompiledExpr, ParameterUsed[]>;
}

interface FieldRef {
  ref: string;
  on: 'h' | 'p' | 'member';
  field: string;
}
const refsOf = new WeakMap<CompiledExpr, { refs: FieldRef[]; personal: boolean }>();

/** The distinct fields an expression reads, and whether it reads `p`, worked out once per expression. */
function fieldRefs(expr: CompiledExpr): { refs: FieldRef[]; personal: boolean } {
  let found = refsOf.get(expr);
  if (!found) {
    const seen = new Map<string, FieldRef>();
    for (const f of expr.fields) {
      if (f.on === 'name') continue;
      const ref = `${f.on === 'member' ? 'members' : f.on}.${f.field}`;
      if (!seen.has(ref)) seen.set(ref, { ref, on: f.on, field: f.field });
    }
    const refs = [...seen.values()];
    found = { refs, personal: refs.some((r) => r.on === 'p') };
    refsOf.set(expr, found);
  }
  return found;
}

function inputsOf(expr: CompiledExpr, context: Context): InputUsed[] {
  const { refs, personal } = fieldRefs(expr);
  const cache = personal ? context.personExprInputs : context.exprInputs;
  let inputs = cache.get(expr);
  if (!inputs) {
    inputs = refs.map((r) => {
      const described = r.on === 'p' ? context.personInputs : context.inputs;
      let input = described.get(r.ref);
      if (!input) {
        input = inputUsed(r, context);
        described.set(r.ref, input);
      }
      return input;
    });
    cache.set(expr, inputs);
  }
  return inputs;
}

/** The inputs (and parameters) that are missing: what would decide an unknown. */
function missingOf(inputs: InputUsed[], parameters: ParameterUsed[]): string[] {
  const missing: string[] = [];
  for (const input of inputs)
    if (input.value === null || (Array.isArray(input.value) && input.value.some((v) => v === null)))
      missing.push(input.ref);
  for (const parameter of parameters) if (parameter.value === null) missing.push(`param.${parameter.name}`);
  return missing;
}

/**
 * A value for the explanation: scalars as stored; lists (open assistance cases, event
 * occurrences such as each settlement) as the list of their values, not as "missing".
 */
function shown(value: unknown): FactValue | (FactValue | null)[] | null {
  if (value === undefined) return null;
  if (typeof value !== 'object') return fromCel(value) ?? null;
  if (isCelList(value))
    return [...value].map((item) =>
      isCelMap(item) ? (fromCel(item.get('value')) ?? null) : (fromCel(item) ?? null),
    );
  return fromCel(value) ?? null;
}

function inputUsed(r: FieldRef, context: Context): InputUsed {
  const { vocabulary } = context.pool;
  const info = (r.on === 'h' ? vocabulary.household : vocabulary.person).get(r.field);
  const label = info?.label ?? { zh: r.field, en: r.field };
  const unit = info?.unit ?? null;
  if (r.on === 'h')
    return {
      ref: r.ref,
      label,
      unit,
      value: shown(context.subject.household.get(r.field)),
      source: context.subject.householdSources?.get(r.field) ?? null,
    };
  if (r.on === 'p')
    return {
      ref: r.ref,
      label,
      unit,
      value: shown(context.person?.values.get(r.field)),
      source: context.person?.sources?.get(r.field) ?? null,
    };
  const values: (FactValue | null)[] = [];
  for (const m of context.subject.members) {
    const value = shown(m.values.get(r.field));
    values.push(Array.isArray(value) ? value.length : value);
  }
  return { ref: r.ref, label, unit, value: values, source: null };
}

function parametersOf(expr: CompiledExpr, context: Context): ParameterUsed[] {
  let used = context.exprParameters.get(expr);
  if (!used) {
    used = expr.parameters.map((name) => {
      let parameter = context.parameters.get(name);
      if (!parameter) {
        parameter = parameterUsed(name, context);
        context.parameters.set(name, parameter);
      }
      return parameter;
    });
    context.exprParameters.set(expr, used);
  }
  return used;
}

function parameterUsed(name: string, context: Context): ParameterUsed {
  const { parameters } = context.pool;
  const definition = parameters.get(name);
  const value = parameters.valueAt(name, context.subject.region, context.subject.asOf);
  return {
    name,
    label: definition?.label ?? { zh: name, en: name },
    unit: definition?.unit ?? '',
    value: value?.value ?? null,
    region: value?.region ?? null,
    from: value?.from ?? null,
    ref: value?.ref ?? null,
    confirmed: value?.confirmed ?? null,
  };
}

/** Exceptions from the highest priority down; an unknown one keeps the result open unless every way agrees. */
function decide(
  levels: PolicyException[][],
  at: number,
  states: Map<PolicyException, CriterionState>,
  base: PolicyResultOutcome,
): { outcome: PolicyResultOutcome; exception: PolicyException | null } {
  const level = levels[at];
  if (!level) return { outcome: base, exception: null };
  for (const e of level) if (states.get(e) === 'yes') return { outcome: e.outcome, exception: e };
  const below = decide(levels, at + 1, states, base);
  for (const e of level)
    if (states.get(e) === 'unknown' && e.outcome !== below.outcome)
      return { outcome: 'unknown', exception: null };
  return below;
}

const levelsOf = new WeakMap<PolicyDefinition, PolicyException[][]>();

/** A policy's exceptions grouped by priority, highest first, worked out once per policy. */
function exceptionLevels(policy: PolicyDefinition): PolicyException[][] {
  let levels = levelsOf.get(policy);
  if (!levels) {
    const priorities = [...new Set(policy.exceptions.map((e) => e.priority))].sort((a, b) => b - a);
    levels = priorities.map((p) => policy.exceptions.filter((e) => e.priority === p));
    levelsOf.set(policy, levels);
  }
  return levels;
}

/** Missing inputs ranked by how many open criteria (and exceptions) each would help decide. */
function rankMissing(pool: RulePool, open: { name: string; missing: string[] }[]): MissingInput[] {
  const byRef = new Map<string, string[]>();
  for (const item of open)
    for (const ref of item.missing) {
      const by = byRef.get(ref);
      if (by) {
        if (!by.includes(item.name)) by.push(item.name);
      } else byRef.set(ref, [item.name]);
    }
  const { vocabulary } = pool;
  return [...byRef]
    .map(([ref, criteria]) => {
      const [on, ...rest] = ref.split('.');
      const field = rest.join('.');
      const label =
        on === 'param'
          ? (pool.parameters.get(field)?.label ?? { zh: field, en: field })
          : ((on === 'h' ? vocabulary.household : vocabulary.person).get(field)?.label ?? {
              zh: field,
              en: field,
            });
      return { ref, label, criteria };
    })
    .sort((a, b) => b.criteria.length - a.criteria.length || a.ref.localeCompare(b.ref));
}

function explainOne(policy: PolicyDefinition, context: Context): PolicyResult {
  const { slots } = context;
  const criteria: CriterionResult[] = policy.criteria.map((criterion) => {
    // A comparison's two sides give the distance to the line, and the result itself.
    let result: Value;
    let distance: CriterionResult['distance'] = null;
    const comparison = criterion.comparison;
    if (comparison) {
      const l = comparison.left.run(slots);
      const r = comparison.right.run(slots);
      result = relate(comparison.operator, l, r);
      const left = numeric(l);
      const right = numeric(r);
      if (left !== undefined && right !== undefined)
        distance = {
          left,
          right,
          difference: Math.round((left - right) * 100) / 100,
          operator: comparison.operator,
        };
    } else result = criterion.test.run(slots);
    const state = stateOf(result);
    const inputs = inputsOf(criterion.test, context);
    const parameters = parametersOf(criterion.test, context);
    return {
      name: criterion.name,
      label: criterion.label,
      state,
      message: state === 'no' ? render(criterion.fail, slots) : null,
      inputs,
      parameters,
      distance,
      missing: state === 'unknown' ? missingOf(inputs, parameters) : [],
    };
  });
  const base: PolicyResultOutcome = criteria.some((c) => c.state === 'no')
    ? 'ineligible'
    : criteria.every((c) => c.state === 'yes')
      ? 'eligible'
      : 'unknown';
  let outcome: PolicyResultOutcome = base;
  let exception: PolicyException | null = null;
  const exceptionMissing: { name: string; missing: string[] }[] = [];
  if (policy.exceptions.length > 0) {
    const states = new Map<PolicyException, CriterionState>();
    for (const e of policy.exceptions) {
      const state = stateOf(e.when.run(slots));
      states.set(e, state);
      if (state === 'unknown')
        exceptionMissing.push({ name: e.name, missing: missingOf(inputsOf(e.when, context), []) });
    }
    ({ outcome, exception } = decide(exceptionLevels(policy), 0, states, base));
  }

  let amount: PolicyResult['amount'] = null;
  let error: string | null = null;
  if (outcome === 'eligible' && policy.amount) {
    const value = numeric(policy.amount.formula.run(slots));
    if (value !== undefined && Number.isFinite(value))
      amount = {
        value: Math.round(value * 100) / 100,
        period: policy.amount.period,
        explain: policy.amount.explain,
      };
    else error = '金额公式缺少输入，无法计算';
  }
  const receivingResult = policy.enrolment?.run(slots);
  const receiving = policy.enrolment ? (typeof receivingResult === 'boolean' ? receivingResult : null) : null;

  const missing = outcome === 'unknown' ? rankMissing(context.pool, [...criteria, ...exceptionMissing]) : [];

  return {
    policyId: policy.id,
    subject: context.person?.id ?? 'household',
    outcome: error ? 'error' : outcome,
    error,
    receiving,
    criteria,
    exception: exception
      ? { name: exception.name, label: exception.label, outcome: exception.outcome }
      : null,
    amount,
    missing,
  };
}

/**
 * A household as the compiled engine's slots, in the order of TOP_LEVEL (compileCel.ts): h, p
 * (set per member by the caller), members, param (cached per area and date), as_of, region.
 * The recently deceased are converted too, for `persons: deceased` policies; they are never in
 * `members`.
 */
export function subjectSlots(
  pool: RulePool,
  subject: RuleSubject,
): { slots: Value[]; memberValues: Value[]; deceasedValues: Value[] } {
  const memberValues = subject.members.map((m) => toValue(m.values));
  const deceasedValues = (subject.deceased ?? []).map((m) => toValue(m.values));
  const slots: Value[] = [
    toValue(subject.household),
    ERR,
    memberValues,
    paramMap(pool.parameters, subject.region, subject.asOf),
    subject.asOf,
    subject.region,
  ];
  return { slots, memberValues, deceasedValues };
}

/** The persons a person policy is run for: living members, or the recently deceased. */
export function personsFor(policy: PolicyDefinition, subject: RuleSubject): RuleMember[] {
  return policy.persons === 'deceased' ? (subject.deceased ?? []) : subject.members;
}

const parameterCaches = new WeakMap<ParameterSet, Map<string, Map<string, ParameterUsed>>>();

/**
 * The parameter values explanations show, shared by every household of an area on a date: a
 * parameter's value, region and effective date depend on nothing else. Bounded, as areas × dates.
 */
function parameterCache(pool: RulePool, region: string, asOf: string): Map<string, ParameterUsed> {
  let byArea = parameterCaches.get(pool.parameters);
  if (!byArea) {
    byArea = new Map();
    parameterCaches.set(pool.parameters, byArea);
  }
  const key = `${region}|${asOf}`;
  let cache = byArea.get(key);
  if (!cache) {
    if (byArea.size >= 10_000) byArea.clear();
    cache = new Map();
    byArea.set(key, cache);
  }
  return cache;
}

/** A person's input caches (module level: a closure made per call costs tsx's __name each time). */
function personCaches() {
  return {
    personInputs: new Map<string, InputUsed>(),
    personExprInputs: new Map<CompiledExpr, InputUsed[]>(),
  };
}

/** Whether a policy applies where the household lives (its `regions`, 'CN' everywhere). */
export function appliesIn(policy: PolicyDefinition, region: string): boolean {
  return policy.regions.some((r) => r === 'CN' || region.startsWith(r));
}

/**
 * The explain path: every policy of the pool for one household — household policies once,
 * person policies once per member — with each criterion's three-valued state, the inputs and
 * parameter values it used, the distance to the line and the inputs that would decide an
 * unknown. The batch path must give the same outcomes (the differential test checks it).
 */
export function explainSubject(
  pool: RulePool,
  subject: RuleSubject,
  policyIds?: ReadonlySet<string>,
): PolicyResult[] {
  const { slots, memberValues, deceasedValues } = subjectSlots(pool, subject);
  const results: PolicyResult[] = [];
  const context: Context = {
    pool,
    subject,
    slots,
    person: null,
    inputs: new Map(),
    personInputs: new Map(),
    parameters: parameterCache(pool, subject.region, subject.asOf),
    exprInputs: new Map(),
    personExprInputs: new Map(),
    exprParameters: new Map(),
  };
  // Each person's own caches, made once and kept across the policies.
  const groups = {
    living: { persons: subject.members, values: memberValues, caches: subject.members.map(personCaches) },
    deceased: {
      persons: subject.deceased ?? [],
      values: deceasedValues,
      caches: (subject.deceased ?? []).map(personCaches),
    },
  };
  for (const policy of pool.policies) {
    if (policyIds && !policyIds.has(policy.id)) continue;
    if (!appliesIn(policy, subject.region)) continue;
    if (policy.entity === 'household') {
      slots[1] = ERR;
      context.person = null;
      results.push(explainOne(policy, context));
    } else {
      const group = groups[policy.persons];
      for (let i = 0; i < group.persons.length; i++) {
        slots[1] = group.values[i] ?? ERR;
        context.person = group.persons[i] ?? null;
        const cache = group.caches[i];
        if (cache) {
          context.personInputs = cache.personInputs;
          context.personExprInputs = cache.personExprInputs;
        }
        results.push(explainOne(policy, context));
      }
    }
  }
  return results;
}
