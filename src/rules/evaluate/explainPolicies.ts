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
  Criterion,
  PolicyDefinition,
  PolicyException,
  PolicyOutcome,
} from '../policies/policyDefinition.ts';
import type { InputSource, RuleMember, RuleSubject, SubjectValues } from './ruleSubject.ts';

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
  /**
   * The inputs it read, as refs into the explanation's `inputs` (`h.x` and `members.x` in
   * `household`, `p.x` in the result's person's entry): an input recurs across many criteria
   * and members, and is described once.
   */
  inputs: readonly string[];
  /** The parameters it read, as names into the explanation's `parameters`. */
  parameters: readonly string[];
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

/** One household explained: every result, and the inputs and parameters they refer to, once each. */
export interface Explanation {
  results: PolicyResult[];
  inputs: {
    /** `h.x` and `members.x`. */
    household: Record<string, InputUsed>;
    /** `p.x` per person (a result's `subject`), living and recently deceased. */
    persons: Record<string, Record<string, InputUsed>>;
  };
  /** Every parameter a criterion of these results read, with its value for the area and date. */
  parameters: Record<string, ParameterUsed>;
}

/**
 * What explaining a household needs that depends only on the pool, the area and the date, worked
 * out once and shared by every household there: the policies that apply, the parameter tree as
 * the compiled engine's values, the parameters described, and the fields each kind of subject's
 * inputs come from.
 */
interface AreaPlan {
  policies: PolicyDefinition[];
  paramTree: Value;
  parameters: Record<string, ParameterUsed>;
  householdRefs: FieldRef[];
  livingRefs: FieldRef[];
  deceasedRefs: FieldRef[];
}

interface FieldRef {
  ref: string;
  on: 'h' | 'p' | 'member';
  field: string;
  label: Label;
  unit: string | null;
}

/** An expression's fields, as refs for the results and as FieldRefs for the dictionary. */
interface ExprFields {
  names: readonly string[];
  refs: FieldRef[];
}

const fieldsOf = new WeakMap<CompiledExpr, ExprFields>();

function exprFields(expr: CompiledExpr, vocabulary: RuleVocabulary): ExprFields {
  let found = fieldsOf.get(expr);
  if (!found) {
    const seen = new Map<string, FieldRef>();
    for (const f of expr.fields) {
      if (f.on === 'name') continue;
      const ref = `${f.on === 'member' ? 'members' : f.on}.${f.field}`;
      if (seen.has(ref)) continue;
      const info = (f.on === 'h' ? vocabulary.household : vocabulary.person).get(f.field);
      seen.set(ref, {
        ref,
        on: f.on,
        field: f.field,
        label: info?.label ?? { zh: f.field, en: f.field },
        unit: info?.unit ?? null,
      });
    }
    const refs = [...seen.values()];
    // Shared by every result that cites it: frozen, so no reader can change another's.
    found = { names: Object.freeze(refs.map((r) => r.ref)), refs };
    fieldsOf.set(expr, found);
  }
  return found;
}

const frozenParameters = new WeakMap<CompiledExpr, readonly string[]>();

function parameterNames(expr: CompiledExpr): readonly string[] {
  let names = frozenParameters.get(expr);
  if (!names) {
    names = Object.freeze([...expr.parameters]);
    frozenParameters.set(expr, names);
  }
  return names;
}

/** The expressions whose inputs an explanation shows: criteria and exceptions. */
function explainedExpressions(policy: PolicyDefinition): CompiledExpr[] {
  return [...policy.criteria.map((c) => c.test), ...policy.exceptions.map((e) => e.when)];
}

/** Whether a policy applies where the household lives (its `regions`, 'CN' everywhere). */
export function appliesIn(policy: PolicyDefinition, region: string): boolean {
  return policy.regions.some((r) => r === 'CN' || region.startsWith(r));
}

function parameterUsed(pool: RulePool, name: string, region: string, asOf: string): ParameterUsed {
  const { parameters } = pool;
  const definition = parameters.get(name);
  const value = parameters.valueAt(name, region, asOf);
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

function buildAreaPlan(
  pool: RulePool,
  region: string,
  asOf: string,
  policyIds: ReadonlySet<string> | undefined,
): AreaPlan {
  // A plan for some policies (a run explaining what it writes) takes the area's parameters from
  // the whole pool's plan: looked up, and the tree converted, once per area and date.
  const whole = policyIds ? areaPlan(pool, region, asOf) : undefined;
  const policies = pool.policies.filter(
    (policy) => (!policyIds || policyIds.has(policy.id)) && appliesIn(policy, region),
  );
  const household = new Map<string, FieldRef>();
  const living = new Map<string, FieldRef>();
  const deceased = new Map<string, FieldRef>();
  const parameters: Record<string, ParameterUsed> = {};
  for (const policy of policies)
    for (const expr of explainedExpressions(policy)) {
      for (const r of exprFields(expr, pool.vocabulary).refs) {
        const into = r.on !== 'p' ? household : policy.persons === 'deceased' ? deceased : living;
        into.set(r.ref, r);
      }
      for (const name of expr.parameters)
        parameters[name] ??= whole?.parameters[name] ?? parameterUsed(pool, name, region, asOf);
    }
  const tree = whole ? whole.paramTree : toValue(pool.parameters.treeAt(region, asOf));
  return {
    policies,
    paramTree: tree,
    parameters: Object.freeze(parameters),
    householdRefs: [...household.values()],
    livingRefs: [...living.values()],
    deceasedRefs: [...deceased.values()],
  };
}

const areaPlans = new WeakMap<RulePool, Map<string, AreaPlan>>();

/**
 * The area plan for the pool, or for some of its policies (a screening run explains the few that
 * may call for a finding), cached per area, date and policy set: households alike ask for the
 * same sets. Bounded: the cache starts again past 10,000 entries.
 */
function areaPlan(pool: RulePool, region: string, asOf: string, policyIds?: ReadonlySet<string>): AreaPlan {
  let byArea = areaPlans.get(pool);
  if (!byArea) {
    byArea = new Map();
    areaPlans.set(pool, byArea);
  }
  const key = policyIds ? `${region}|${asOf}|${[...policyIds].sort().join(',')}` : `${region}|${asOf}`;
  let plan = byArea.get(key);
  if (!plan) {
    if (byArea.size >= 10_000) byArea.clear();
    plan = buildAreaPlan(pool, region, asOf, policyIds);
    byArea.set(key, plan);
  }
  return plan;
}

// Shared empty lists: most criteria decide, and most results are not unknown; an empty array
// per criterion was a tenth of an explanation's garbage.
const NONE = Object.freeze([]) as unknown as string[];
const NO_MISSING = Object.freeze([]) as unknown as MissingInput[];

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

type Renderer = (slots: Value[]) => Label;
const renderers = new WeakMap<MessageTemplate, Renderer>();

/**
 * A failure message's renderer, made once per template: the text split into literal pieces and
 * the indexes of its `{…}` expressions (a regex per render took a sixth of an explanation), each
 * distinct expression evaluated once for both languages. A message without expressions is one
 * frozen label for every render.
 */
function renderer(template: MessageTemplate): Renderer {
  let render = renderers.get(template);
  if (render) return render;
  const expressions: CompiledExpr[] = [];
  const indexOf = new Map<string, number>();
  const split = (part: { text: string; parts: CompiledExpr[] }): (string | number)[] =>
    part.text
      .split(/\{(\d+)\}/)
      .map((piece, i) => {
        if (i % 2 === 0) return piece;
        const expr = part.parts[Number(piece)];
        if (!expr) return `{${piece}}`;
        let at = indexOf.get(expr.source);
        if (at === undefined) {
          at = expressions.push(expr) - 1;
          indexOf.set(expr.source, at);
        }
        return at;
      })
      .filter((piece) => piece !== '');
  const zh = split(template.zh);
  const en = template.en ? split(template.en) : null;
  if (expressions.length === 0) {
    const text = zh.join('');
    const label: Label = Object.freeze({ zh: text, en: en ? en.join('') : text });
    render = () => label;
  } else {
    // Reused across renders (a render never re-enters another): no array per message.
    const shown: string[] = expressions.map(() => '');
    const join = (pieces: (string | number)[]) => {
      let out = '';
      for (const piece of pieces) out += typeof piece === 'string' ? piece : (shown[piece] ?? '');
      return out;
    };
    render = (slots) => {
      for (let i = 0; i < expressions.length; i++) {
        const result = (expressions[i] as CompiledExpr).run(slots);
        shown[i] = result === ERR ? '（缺失）' : display(result);
      }
      const text = join(zh);
      return { zh: text, en: en ? join(en) : text };
    };
  }
  renderers.set(template, render);
  return render;
}

function numeric(value: unknown): number | undefined {
  if (typeof value === 'bigint') return Number(value);
  return typeof value === 'number' ? value : undefined;
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

function householdInputs(refs: FieldRef[], subject: RuleSubject): Record<string, InputUsed> {
  const out: Record<string, InputUsed> = {};
  for (const r of refs) {
    if (r.on === 'h') {
      out[r.ref] = {
        ref: r.ref,
        label: r.label,
        unit: r.unit,
        value: shown(subject.household.get(r.field)),
        source: subject.householdSources?.get(r.field) ?? null,
      };
      continue;
    }
    const values: (FactValue | null)[] = [];
    for (const m of subject.members) {
      const value = shown(m.values.get(r.field));
      values.push(Array.isArray(value) ? value.length : value);
    }
    out[r.ref] = { ref: r.ref, label: r.label, unit: r.unit, value: values, source: null };
  }
  return out;
}

function personInputs(refs: FieldRef[], person: RuleMember): Record<string, InputUsed> {
  const out: Record<string, InputUsed> = {};
  for (const r of refs)
    out[r.ref] = {
      ref: r.ref,
      label: r.label,
      unit: r.unit,
      value: shown(person.values.get(r.field)),
      source: person.sources?.get(r.field) ?? null,
    };
  return out;
}

function isMissing(input: InputUsed | undefined): boolean {
  return (
    input === undefined ||
    input.value === null ||
    (Array.isArray(input.value) && input.value.some((v) => v === null))
  );
}

interface Context {
  pool: RulePool;
  plan: AreaPlan;
  /** The compiled engine's slots: h, p, members, param, as_of, region. */
  slots: Value[];
  person: RuleMember | null;
  householdInputs: Record<string, InputUsed>;
  /** Criteria of person policies that do not read the person, explained once per household. */
  shared: (CriterionResult | undefined)[];
  /** The current person's inputs (`p.x`); an empty record for household policies. */
  personInputs: Record<string, InputUsed>;
}

/** The inputs (and parameters) that are missing: what would decide an unknown. */
function missingOf(expr: CompiledExpr, context: Context, withParameters: boolean): string[] {
  const missing: string[] = [];
  for (const r of exprFields(expr, context.pool.vocabulary).refs) {
    const input = r.on === 'p' ? context.personInputs[r.ref] : context.householdInputs[r.ref];
    if (isMissing(input)) missing.push(r.ref);
  }
  if (withParameters)
    for (const name of expr.parameters)
      if ((context.plan.parameters[name]?.value ?? null) === null) missing.push(parameterRef(name));
  return missing;
}

const parameterRefs = new Map<string, string>();

/** `param.x`, one string per parameter rather than one per unknown criterion. */
function parameterRef(name: string): string {
  let ref = parameterRefs.get(name);
  if (ref === undefined) {
    ref = `param.${name}`;
    parameterRefs.set(name, ref);
  }
  return ref;
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

/**
 * A result's outcome once the policy's exceptions are weighed, from the criteria's outcome
 * (`base`) — what `explainOne` concludes, without explaining: a screening run decides findings
 * with it (src/discovery/decideFindings.ts).
 */
export function outcomeWithExceptions(
  policy: PolicyDefinition,
  slots: Value[],
  base: PolicyResultOutcome,
): PolicyResultOutcome {
  if (policy.exceptions.length === 0) return base;
  const states = new Map<PolicyException, CriterionState>();
  for (const e of policy.exceptions) states.set(e, stateOf(e.when.run(slots)));
  return decide(exceptionLevels(policy), 0, states, base).outcome;
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

/** What explaining one criterion needs that depends only on the pool, worked out once. */
interface CriterionPlan {
  criterion: Criterion;
  inputs: readonly string[];
  parameters: readonly string[];
  render: Renderer;
  /**
   * Reads the person (`p`) in its test or message. A criterion of a person policy that does not
   * is the same for every member: it is evaluated once per household and its result shared.
   */
  personal: boolean;
  /** Its index among the pool's shared criteria (for the per-household cache), or -1. */
  shared: number;
}

const criterionPlans = new WeakMap<PolicyDefinition, CriterionPlan[]>();
let sharedCriteria = 0;

function planCriteria(policy: PolicyDefinition, vocabulary: RuleVocabulary): CriterionPlan[] {
  let plans = criterionPlans.get(policy);
  if (!plans) {
    const readsPerson = (e: CompiledExpr) => e.fields.some((f) => f.on === 'p');
    plans = policy.criteria.map((criterion) => {
      const personal =
        readsPerson(criterion.test) ||
        [...criterion.fail.zh.parts, ...(criterion.fail.en?.parts ?? [])].some(readsPerson);
      return {
        criterion,
        inputs: exprFields(criterion.test, vocabulary).names,
        parameters: parameterNames(criterion.test),
        render: renderer(criterion.fail),
        personal,
        shared: policy.entity === 'person' && !personal ? sharedCriteria++ : -1,
      };
    });
    criterionPlans.set(policy, plans);
  }
  return plans;
}

function explainCriterion(plan: CriterionPlan, context: Context): CriterionResult {
  const { slots } = context;
  const { criterion } = plan;
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
  return {
    name: criterion.name,
    label: criterion.label,
    state,
    message: state === 'no' ? plan.render(slots) : null,
    inputs: plan.inputs,
    parameters: plan.parameters,
    distance,
    missing: state === 'unknown' ? missingOf(criterion.test, context, true) : NONE,
  };
}

function explainOne(policy: PolicyDefinition, context: Context): PolicyResult {
  const { slots, pool, shared } = context;
  const plans = planCriteria(policy, pool.vocabulary);
  // Sized once: pushing grew each list's store (a sixth of an explanation's garbage).
  const criteria = new Array<CriterionResult>(plans.length);
  let no = false;
  let open = false;
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i] as CriterionPlan;
    let explained: CriterionResult | undefined;
    if (plan.shared >= 0) {
      // The same for every member; shared objects are read-only like the rest of the result.
      explained = shared[plan.shared];
      if (!explained) {
        explained = explainCriterion(plan, context);
        shared[plan.shared] = explained;
      }
    } else explained = explainCriterion(plan, context);
    if (explained.state === 'no') no = true;
    else if (explained.state === 'unknown') open = true;
    criteria[i] = explained;
  }
  const base: PolicyResultOutcome = no ? 'ineligible' : open ? 'unknown' : 'eligible';
  let outcome: PolicyResultOutcome = base;
  let exception: PolicyException | null = null;
  let exceptionMissing: { name: string; missing: string[] }[] | null = null;
  if (policy.exceptions.length > 0) {
    const states = new Map<PolicyException, CriterionState>();
    for (const e of policy.exceptions) {
      const state = stateOf(e.when.run(slots));
      states.set(e, state);
      if (state === 'unknown')
        (exceptionMissing ??= []).push({ name: e.name, missing: missingOf(e.when, context, false) });
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

  const missing =
    outcome === 'unknown'
      ? rankMissing(pool, exceptionMissing ? [...criteria, ...exceptionMissing] : criteria)
      : NO_MISSING;

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
 * (set per member by the caller), members, param (per area and date), as_of, region. The
 * recently deceased are converted too, for `persons: deceased` policies; they are never in
 * `members`.
 */
export function subjectSlots(
  pool: RulePool,
  subject: RuleSubject,
): { slots: Value[]; memberValues: Value[]; deceasedValues: Value[] } {
  return slotsFor(subject, areaPlan(pool, subject.region, subject.asOf).paramTree);
}

/**
 * A subject's values as the compiled engine holds them, converted once per map: a screening run
 * evaluates each household against three rule sets, twice each (candidates, then explanations).
 * Values are only read, and a subject's maps are not changed once it is built.
 */
const converted = new WeakMap<object, Value>();
function valuesOf(values: ReadonlyMap<string, unknown>): Value {
  let out = converted.get(values);
  if (out === undefined) {
    out = toValue(values);
    converted.set(values, out);
  }
  return out;
}

function slotsFor(
  subject: RuleSubject,
  paramTree: Value,
): { slots: Value[]; memberValues: Value[]; deceasedValues: Value[] } {
  const values = subjectValues(subject);
  return { slots: slotsOf(values, paramTree), memberValues: values.members, deceasedValues: values.deceased };
}

/**
 * A household's values as the compiled engine's slots, in the order of TOP_LEVEL (compileCel.ts):
 * h, p (ERR here: set per member by the caller), members, param, as_of, region.
 */
export function slotsOf(values: SubjectValues, paramTree: Value): Value[] {
  return [values.household, ERR, values.members, paramTree, values.asOf, values.region];
}

/**
 * Lets explaining a subject use values already made for it — a screening run's, taken from the
 * compiled portrait (householdSubject.ts; decideFindings.test.ts holds them equal to converting
 * the subject's maps) — instead of converting its maps again.
 */
export function useValues(subject: RuleSubject, values: SubjectValues): void {
  converted.set(subject.household, values.household);
  subject.members.forEach((m, i) => {
    const v = values.members[i];
    if (v !== undefined) converted.set(m.values, v);
  });
  (subject.deceased ?? []).forEach((m, i) => {
    const v = values.deceased[i];
    if (v !== undefined) converted.set(m.values, v);
  });
}

/** A subject's values as the compiled closures read them (converted once per map). */
export function subjectValues(subject: RuleSubject): SubjectValues {
  return {
    region: subject.region,
    asOf: subject.asOf,
    household: valuesOf(subject.household),
    members: subject.members.map((m) => valuesOf(m.values)),
    memberIds: subject.members.map((m) => m.id),
    deceased: (subject.deceased ?? []).map((m) => valuesOf(m.values)),
    deceasedIds: (subject.deceased ?? []).map((m) => m.id),
  };
}

/**
 * The policies of the pool that apply in an area, and the parameters in force there on a date,
 * as the compiled closures read them (cached per area and date, see areaPlan).
 */
export function policiesIn(
  pool: RulePool,
  region: string,
  asOf: string,
): { policies: readonly PolicyDefinition[]; paramTree: Value } {
  return areaPlan(pool, region, asOf);
}

/** The persons a person policy is run for: living members, or the recently deceased. */
export function personsFor(policy: PolicyDefinition, subject: RuleSubject): RuleMember[] {
  return policy.persons === 'deceased' ? (subject.deceased ?? []) : subject.members;
}

const NO_INPUTS: Record<string, InputUsed> = Object.freeze({});

/**
 * The explain path: every policy of the pool for one household — household policies once,
 * person policies once per member — with each criterion's three-valued state, the inputs and
 * parameter values it used, the distance to the line and the inputs that would decide an
 * unknown. Inputs and parameters are described once per explanation and cited by ref. The batch
 * path must give the same outcomes (the differential test checks it).
 */
export function explainSubject(
  pool: RulePool,
  subject: RuleSubject,
  policyIds?: ReadonlySet<string>,
): Explanation {
  const plan = areaPlan(pool, subject.region, subject.asOf, policyIds);
  const { slots, memberValues, deceasedValues } = slotsFor(subject, plan.paramTree);
  const household = householdInputs(plan.householdRefs, subject);
  const persons: Record<string, Record<string, InputUsed>> = {};
  const living = subject.members.map((m) => personInputs(plan.livingRefs, m));
  const deceased = (subject.deceased ?? []).map((m) => personInputs(plan.deceasedRefs, m));
  subject.members.forEach((m, i) => (persons[m.id] = living[i] ?? NO_INPUTS));
  (subject.deceased ?? []).forEach((m, i) => (persons[m.id] = deceased[i] ?? NO_INPUTS));
  const context: Context = {
    pool,
    plan,
    slots,
    person: null,
    householdInputs: household,
    shared: [],
    personInputs: NO_INPUTS,
  };
  const groups = {
    living: { persons: subject.members, values: memberValues, inputs: living },
    deceased: { persons: subject.deceased ?? [], values: deceasedValues, inputs: deceased },
  };
  const results: PolicyResult[] = [];
  for (const policy of plan.policies) {
    if (policy.entity === 'household') {
      slots[1] = ERR;
      context.person = null;
      context.personInputs = NO_INPUTS;
      results.push(explainOne(policy, context));
    } else {
      const group = groups[policy.persons];
      for (let i = 0; i < group.persons.length; i++) {
        slots[1] = group.values[i] ?? ERR;
        context.person = group.persons[i] ?? null;
        context.personInputs = group.inputs[i] ?? NO_INPUTS;
        results.push(explainOne(policy, context));
      }
    }
  }
  return { results, inputs: { household, persons }, parameters: plan.parameters };
}
