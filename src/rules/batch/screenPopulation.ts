import { ERR, type Value } from '../compile/compileCel.ts';
import { Dictionary } from './dictionary.ts';
import { toValue } from '../compile/toValue.ts';
import { appliesIn, type RulePool } from '../evaluate/explainPolicies.ts';
import { ruleCompileScope } from '../policies/buildPolicy.ts';
import type { CompiledExpr, PolicyDefinition, PolicyOutcome } from '../policies/policyDefinition.ts';
import {
  Arena,
  compileColumnar,
  UnsupportedColumnar,
  type Chunk,
  type Col,
  type Frame,
  type Kernel,
  type KernelBinding,
} from './columnarKernels.ts';
import type { Column, PopulationSnapshot } from './populationSnapshot.ts';

/** A row's outcome: as the explain path's, plus 4 where the policy does not apply to the area. */
export const Outcome = { ineligible: 0, eligible: 1, unknown: 2, error: 3, notApplicable: 4 } as const;
/** Receiving (enrolment evidence): 0 no, 1 yes, 2 undecidable or not declared (the explain path's null). */
export const Receiving = { no: 0, yes: 1, unknown: 2 } as const;

/**
 * Rows a policy runs over: households ('H'), living members ('P'), or the recently deceased
 * ('D', for `persons: deceased` policies — few rows, run as closures row by row).
 */
export type RowFrame = Frame | 'D';

/** One expression: its kernel, or null when it runs as the compiled closure row by row. */
interface BatchExpr {
  expr: CompiledExpr;
  kernel: Kernel | null;
}

interface BatchPolicy {
  policy: PolicyDefinition;
  frame: RowFrame;
  criteria: BatchExpr[];
  /** Exceptions from the highest priority down, grouped by priority. */
  levels: { expr: BatchExpr; outcome: PolicyOutcome }[][];
  amount: BatchExpr | null;
  enrolment: BatchExpr | null;
  /** Per region index of the snapshot: 1 where the policy applies. */
  applies: Uint8Array;
}

/** The pool compiled against one snapshot: kernels bound to its columns, dictionary and areas. */
export interface ScreeningPlan {
  snapshot: PopulationSnapshot;
  binding: KernelBinding;
  policies: BatchPolicy[];
}

/**
 * A policy's results for the rows of one chunk (households, or persons for person policies).
 * The arrays are reused for the next policy: a sink copies what it keeps.
 */
export interface PolicyChunk {
  policy: number;
  frame: RowFrame;
  /** Index of the chunk's first row in the snapshot (household, person or deceased person). */
  first: number;
  outcome: Uint8Array;
  receiving: Uint8Array;
  amount: Float64Array;
}

export function planScreening(pool: RulePool, snapshot: PopulationSnapshot): ScreeningPlan {
  const binding: KernelBinding = {
    snapshot,
    dict: new Dictionary([...snapshot.strings]),
    scope: ruleCompileScope(pool.vocabulary, pool.parameters),
    paramTrees: snapshot.regions.map((region) => toValue(pool.parameters.treeAt(region, snapshot.asOf))),
  };
  const policies = pool.policies.map((policy): BatchPolicy => {
    const frame: RowFrame = policy.entity === 'household' ? 'H' : policy.persons === 'deceased' ? 'D' : 'P';
    const batch = (expr: CompiledExpr): BatchExpr => {
      if (frame === 'D') return { expr, kernel: null };
      try {
        return { expr, kernel: compileColumnar(expr.tree, frame, binding) };
      } catch (error) {
        if (error instanceof UnsupportedColumnar) return { expr, kernel: null };
        throw error;
      }
    };
    const priorities = [...new Set(policy.exceptions.map((e) => e.priority))].sort((a, b) => b - a);
    return {
      policy,
      frame,
      criteria: policy.criteria.map((c) => batch(c.test)),
      levels: priorities.map((p) =>
        policy.exceptions
          .filter((e) => e.priority === p)
          .map((e) => ({ expr: batch(e.when), outcome: e.outcome })),
      ),
      amount: policy.amount ? batch(policy.amount.formula) : null,
      enrolment: policy.enrolment ? batch(policy.enrolment) : null,
      applies: Uint8Array.from(snapshot.regions, (region) => (appliesIn(policy, region) ? 1 : 0)),
    };
  });
  return { snapshot, binding, policies };
}

/**
 * The expressions of living members' and households' policies that run row by row (no kernel
 * for a construct they use), for the record. Policies for the deceased always run row by row.
 */
export function rowWiseExpressions(plan: ScreeningPlan): string[] {
  return plan.policies
    .filter((p) => p.frame !== 'D')
    .flatMap((p) =>
      [...p.criteria, ...p.levels.flat().map((l) => l.expr), p.amount, p.enrolment]
        .filter((e): e is BatchExpr => e !== null && e.kernel === null)
        .map((e) => `${p.policy.id}: ${e.expr.source}`),
    );
}

// ---- the row-by-row way, for expressions without kernels ---------------------------------

function cell(column: Column | undefined, row: number, strings: string[]): Value {
  if (!column) return ERR;
  switch (column.kind) {
    case 'num':
      return column.present[row] ? (column.values[row] as number) : ERR;
    case 'bool':
      return column.values[row] === 2 ? ERR : column.values[row] === 1;
    case 'str': {
      const id = column.values[row] as number;
      return id < 0 ? ERR : (strings[id] as string);
    }
    case 'list': {
      if (!column.present[row]) return ERR;
      const out: Value[] = [];
      const { items, on } = column;
      for (let j = column.offsets[row] as number; j < (column.offsets[row + 1] as number); j++) {
        const item: Value =
          items.kind === 'num'
            ? (items.values[j] as number)
            : items.kind === 'bool'
              ? items.values[j] === 1
              : (strings[items.values[j] as number] as string);
        if (!on) out.push(item);
        else {
          const date = on[j] as number;
          const entry = new Map<string, Value>([['value', item]]);
          if (date >= 0) entry.set('on', strings[date] as string);
          out.push(entry);
        }
      }
      return out;
    }
  }
}

/** Only the fields the expression reads, as the compiled engine's Maps. */
function rowMap(columns: Record<string, Column>, fields: string[], row: number, strings: string[]) {
  const map = new Map<string, Value>();
  for (const field of fields) {
    const v = cell(columns[field], row, strings);
    if (v !== ERR) map.set(field, v);
  }
  return map;
}

const rowsIn = (frame: RowFrame, c: Chunk) =>
  frame === 'H' ? c.h1 - c.h0 : frame === 'P' ? c.p1 - c.p0 : c.d1 - c.d0;

const reads = new WeakMap<
  CompiledExpr,
  { hFields: string[]; pFields: string[]; mFields: string[]; usesMembers: boolean }
>();

/** The fields an expression reads, by whose they are, worked out once per expression (not per chunk). */
function readsOf(expr: CompiledExpr) {
  let found = reads.get(expr);
  if (!found) {
    const distinct = (on: string) => [...new Set(expr.fields.filter((f) => f.on === on).map((f) => f.field))];
    const mFields = distinct('member');
    found = {
      hFields: distinct('h'),
      pFields: distinct('p'),
      mFields,
      usesMembers: mFields.length > 0 || expr.fields.some((f) => f.on === 'name' && f.field === 'members'),
    };
    reads.set(expr, found);
  }
  return found;
}

function rowWise(plan: ScreeningPlan, expr: CompiledExpr, frame: RowFrame, c: Chunk): Value[] {
  const { snapshot, binding } = plan;
  const strings = binding.dict.strings;
  const { hFields, pFields, mFields, usesMembers } = readsOf(expr);
  const n = rowsIn(frame, c);
  const out: Value[] = new Array<Value>(n);
  for (let i = 0; i < n; i++) {
    const h =
      frame === 'H' ? c.h0 + i : c.h0 + ((frame === 'P' ? c.personLocal[i] : c.deceasedLocal[i]) as number);
    const region = snapshot.householdRegion[h] as number;
    const members: Value[] = [];
    if (usesMembers)
      for (let m = snapshot.memberStart[h] as number; m < (snapshot.memberStart[h + 1] as number); m++)
        members.push(rowMap(snapshot.person, mFields, m, strings));
    const slots: Value[] = [
      rowMap(snapshot.household, hFields, h, strings),
      frame === 'P'
        ? rowMap(snapshot.person, pFields, c.p0 + i, strings)
        : frame === 'D'
          ? rowMap(snapshot.deceased, pFields, c.d0 + i, strings)
          : ERR,
      members,
      binding.paramTrees[region] ?? ERR,
      snapshot.asOf,
      snapshot.regions[region] ?? ERR,
    ];
    out[i] = expr.run(slots);
  }
  return out;
}

/** Three-valued states (0 no, 1 yes, 2 unknown) of a boolean expression over the chunk's rows. */
function states(plan: ScreeningPlan, e: BatchExpr, frame: RowFrame, c: Chunk, n: number): Uint8Array {
  const col = run(plan, e, frame, c);
  if (!Array.isArray(col)) {
    if (col.k === 'bool') return col.v;
    const out = c.arena.u8(n);
    out.fill(col.k === 'const' ? (col.value === true ? 1 : col.value === false ? 0 : 2) : 2);
    return out;
  }
  const out = c.arena.u8(n);
  for (let i = 0; i < n; i++) out[i] = col[i] === true ? 1 : col[i] === false ? 0 : 2;
  return out;
}

/** An expression's column, or its values row by row; a kernel that meets an unsupported shape becomes row-wise. */
function run(plan: ScreeningPlan, e: BatchExpr, frame: RowFrame, c: Chunk): Col | Value[] {
  if (e.kernel && frame !== 'D')
    try {
      return e.kernel(c);
    } catch (error) {
      if (!(error instanceof UnsupportedColumnar)) throw error;
      e.kernel = null;
    }
  return rowWise(plan, e.expr, frame, c);
}

function decideRow(
  levels: { state: Uint8Array; outcome: number }[][],
  level: number,
  i: number,
  base: number,
): number {
  const exceptions = levels[level];
  if (!exceptions) return base;
  for (const e of exceptions) if (e.state[i] === 1) return e.outcome;
  const below = decideRow(levels, level + 1, i, base);
  for (const e of exceptions) if (e.state[i] === 2 && e.outcome !== below) return Outcome.unknown;
  return below;
}

function screenPolicy(plan: ScreeningPlan, index: number, c: Chunk): PolicyChunk {
  const bp = plan.policies[index] as BatchPolicy;
  const { frame } = bp;
  const n = rowsIn(frame, c);
  const regions = frame === 'H' ? c.regionH : frame === 'P' ? c.regionP : c.regionD;
  const outcome = c.arena.u8(n);
  // Base: any criterion no → ineligible; all yes → eligible; otherwise unknown.
  outcome.fill(Outcome.eligible);
  for (const criterion of bp.criteria) {
    const s = states(plan, criterion, frame, c, n);
    for (let i = 0; i < n; i++) {
      const state = s[i] as number;
      if (state === 0) outcome[i] = Outcome.ineligible;
      else if (state === 2 && outcome[i] === Outcome.eligible) outcome[i] = Outcome.unknown;
    }
  }
  if (bp.levels.length > 0) {
    const levels = bp.levels.map((level) =>
      level.map((e) => ({
        state: states(plan, e.expr, frame, c, n),
        outcome: e.outcome === 'eligible' ? Outcome.eligible : Outcome.ineligible,
      })),
    );
    for (let i = 0; i < n; i++) outcome[i] = decideRow(levels, 0, i, outcome[i] as number);
  }
  const amount = c.arena.f64(n);
  amount.fill(0);
  if (bp.amount) {
    const col = run(plan, bp.amount, frame, c);
    for (let i = 0; i < n; i++) {
      if (outcome[i] !== Outcome.eligible) continue;
      let value: Value = ERR;
      if (Array.isArray(col)) value = col[i] ?? ERR;
      else if (col.k === 'num') value = col.ok[i] ? (col.v[i] as number) : ERR;
      else if (col.k === 'const') value = col.value;
      if (typeof value === 'number' && Number.isFinite(value)) amount[i] = Math.round(value * 100) / 100;
      else outcome[i] = Outcome.error;
    }
  }
  const receiving = c.arena.u8(n);
  if (bp.enrolment) receiving.set(states(plan, bp.enrolment, frame, c, n));
  else receiving.fill(Receiving.unknown);
  for (let i = 0; i < n; i++) if (bp.applies[regions[i] as number] === 0) outcome[i] = Outcome.notApplicable;
  return {
    policy: index,
    frame,
    first: frame === 'H' ? c.h0 : frame === 'P' ? c.p0 : c.d0,
    outcome,
    receiving,
    amount,
  };
}

/** Households [h0, h1) of the snapshot and their members, as kernels read them. */
export function chunkOf(snapshot: PopulationSnapshot, h0: number, h1: number, arena: Arena): Chunk {
  // Rows of persons (living or deceased) of the chunk: their household within it and its area.
  const rowsOf = (start: Int32Array, household: Int32Array) => {
    const from = start[h0] as number;
    const to = start[h1] as number;
    const local = new Int32Array(to - from);
    const region = new Int32Array(to - from);
    for (let r = from; r < to; r++) {
      const h = household[r] as number;
      local[r - from] = h - h0;
      region[r - from] = snapshot.householdRegion[h] as number;
    }
    return { from, to, local, region };
  };
  const living = rowsOf(snapshot.memberStart, snapshot.personHousehold);
  const dead = rowsOf(snapshot.deceasedStart, snapshot.deceasedHousehold);
  return {
    h0,
    h1,
    p0: living.from,
    p1: living.to,
    personLocal: living.local,
    regionH: snapshot.householdRegion.subarray(h0, h1),
    regionP: living.region,
    d0: dead.from,
    d1: dead.to,
    deceasedLocal: dead.local,
    regionD: dead.region,
    arena,
  };
}

/**
 * The batch path: every policy of the pool for households [from, to) of the snapshot, chunk by
 * chunk — each criterion one bitmap per chunk — handing each policy's results to `sink`.
 */
export function screenRange(
  plan: ScreeningPlan,
  from: number,
  to: number,
  sink: (result: PolicyChunk) => void,
  chunkHouseholds = 1024,
): void {
  const { snapshot } = plan;
  const start = snapshot.memberStart;
  let widest = 0;
  for (let h0 = from; h0 < to; h0 += chunkHouseholds) {
    const h1 = Math.min(to, h0 + chunkHouseholds);
    widest = Math.max(
      widest,
      h1 - h0,
      (start[h1] as number) - (start[h0] as number),
      (snapshot.deceasedStart[h1] as number) - (snapshot.deceasedStart[h0] as number),
    );
  }
  const arena = new Arena(widest);
  for (let h0 = from; h0 < to; h0 += chunkHouseholds) {
    const h1 = Math.min(to, h0 + chunkHouseholds);
    const chunk = chunkOf(snapshot, h0, h1, arena);
    for (let index = 0; index < plan.policies.length; index++) {
      arena.reset();
      sink(screenPolicy(plan, index, chunk));
    }
  }
}

/**
 * Two plans of the same policies over the same snapshot, in lockstep (a what-if: today's
 * parameters and a scenario's): for households [from, to), each policy's results under both,
 * chunk by chunk. Each plan has its own arena, so both results are alive in `sink`.
 */
export function screenPaired(
  a: ScreeningPlan,
  b: ScreeningPlan,
  from: number,
  to: number,
  sink: (ra: PolicyChunk, rb: PolicyChunk) => void,
  chunkHouseholds = 1024,
): void {
  if (a.snapshot !== b.snapshot || a.policies.length !== b.policies.length)
    throw new Error('screenPaired: the plans must be of the same policies over one snapshot');
  const { snapshot } = a;
  let widest = 0;
  for (let h0 = from; h0 < to; h0 += chunkHouseholds) {
    const h1 = Math.min(to, h0 + chunkHouseholds);
    widest = Math.max(
      widest,
      h1 - h0,
      (snapshot.memberStart[h1] as number) - (snapshot.memberStart[h0] as number),
      (snapshot.deceasedStart[h1] as number) - (snapshot.deceasedStart[h0] as number),
    );
  }
  const arenaA = new Arena(widest);
  const arenaB = new Arena(widest);
  for (let h0 = from; h0 < to; h0 += chunkHouseholds) {
    const h1 = Math.min(to, h0 + chunkHouseholds);
    const chunkA = chunkOf(snapshot, h0, h1, arenaA);
    const chunkB = { ...chunkA, arena: arenaB };
    for (let index = 0; index < a.policies.length; index++) {
      arenaA.reset();
      arenaB.reset();
      sink(screenPolicy(a, index, chunkA), screenPolicy(b, index, chunkB));
    }
  }
}

/** What a screening found for one policy: outcomes, gaps (eligible, not receiving), reviews (receiving, not eligible). */
export interface PolicyTally {
  policyId: string;
  applicable: number;
  eligible: number;
  ineligible: number;
  unknown: number;
  error: number;
  gaps: number;
  reviews: number;
  /** The amounts of the gaps, per the policy's period. */
  gapAmount: number;
  /** Sum of a hash of (row, outcome, receiving): equal tallies from two runs mean equal results row by row. */
  digest: number;
}

export function emptyTallies(pool: RulePool): PolicyTally[] {
  return pool.policies.map((p) => ({
    policyId: p.id,
    applicable: 0,
    eligible: 0,
    ineligible: 0,
    unknown: 0,
    error: 0,
    gaps: 0,
    reviews: 0,
    gapAmount: 0,
    digest: 0,
  }));
}

/** Adds one chunk's results into the tallies. */
export function tally(into: PolicyTally[], r: PolicyChunk): void {
  const t = into[r.policy];
  if (!t) return;
  const { outcome, receiving, amount, first } = r;
  let digest = 0;
  for (let i = 0; i < outcome.length; i++) {
    const o = outcome[i] as number;
    const code = o * 4 + (receiving[i] as number) + 1;
    digest += (Math.imul(first + i + 1, 0x9e3779b1) ^ Math.imul(code, 0x85ebca6b)) >>> 0;
    if (o === Outcome.notApplicable) continue;
    t.applicable++;
    if (o === Outcome.eligible) {
      t.eligible++;
      if (receiving[i] === Receiving.no) {
        t.gaps++;
        t.gapAmount += amount[i] as number;
      }
    } else if (o === Outcome.ineligible) {
      t.ineligible++;
      if (receiving[i] === Receiving.yes) t.reviews++;
    } else if (o === Outcome.unknown) t.unknown++;
    else t.error++;
  }
  t.digest = (t.digest + digest) % 2 ** 48;
}

/** Sums tallies of disjoint ranges (worker threads). */
export function mergeTallies(parts: PolicyTally[][]): PolicyTally[] {
  const [first, ...rest] = parts;
  if (!first) return [];
  return first.map((t, i) => {
    const out = { ...t };
    for (const part of rest) {
      const o = part[i];
      if (!o) continue;
      out.applicable += o.applicable;
      out.eligible += o.eligible;
      out.ineligible += o.ineligible;
      out.unknown += o.unknown;
      out.error += o.error;
      out.gaps += o.gaps;
      out.reviews += o.reviews;
      out.gapAmount += o.gapAmount;
      out.digest = (out.digest + o.digest) % 2 ** 48;
    }
    return out;
  });
}
