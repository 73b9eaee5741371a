import type { parse } from '@bufbuild/cel';
import { ageOn } from '../../core/isoDate.ts';
import { daysBetween } from '../../portrait/celEnvironment.ts';
import { monthsBetween } from '../ruleEnvironment.ts';
import { selectChain } from '../ruleReferences.ts';
import { compileCel, ERR, type CompileScope, type StaticType, type Value } from '../compile/compileCel.ts';
import type {
  BoolColumn,
  Column,
  ListColumn,
  NumColumn,
  PopulationSnapshot,
  StrColumn,
} from './populationSnapshot.ts';
import type { Dictionary } from './dictionary.ts';

type Expr = ReturnType<typeof parse>['expr'];

/**
 * A value per row of a chunk. Three-valued as the compiled engine: an error (missing input,
 * failed operation) is ok = 0 for numbers, 2 for booleans, −1 for string ids.
 */
export type Col =
  | { k: 'num'; v: Float64Array; ok: Uint8Array }
  | { k: 'bool'; v: Uint8Array }
  | { k: 'str'; v: Int32Array }
  | { k: 'list'; src: ListColumn; base: number; gather: Int32Array | null }
  | { k: 'const'; value: Value };

/** Rows of a chunk: 'H' its households, 'P' their members (persons), in order. */
export type Frame = 'H' | 'P';

/** Buffers reused from chunk to chunk (reset per policy), so screening does not churn the heap. */
export class Arena {
  private readonly f64s: Float64Array[] = [];
  private readonly u8s: Uint8Array[] = [];
  private readonly i32s: Int32Array[] = [];
  private f = 0;
  private u = 0;
  private i = 0;
  constructor(private readonly size: number) {}
  // A request longer than the chunk's widest rows (list items) gets a longer buffer in that place.
  f64(n: number): Float64Array {
    let a = this.f64s[this.f];
    if (!a || a.length < n) this.f64s[this.f] = a = new Float64Array(Math.max(n, this.size));
    this.f++;
    return a.subarray(0, n);
  }
  u8(n: number): Uint8Array {
    let a = this.u8s[this.u];
    if (!a || a.length < n) this.u8s[this.u] = a = new Uint8Array(Math.max(n, this.size));
    this.u++;
    return a.subarray(0, n);
  }
  i32(n: number): Int32Array {
    let a = this.i32s[this.i];
    if (!a || a.length < n) this.i32s[this.i] = a = new Int32Array(Math.max(n, this.size));
    this.i++;
    return a.subarray(0, n);
  }
  reset(): void {
    this.f = 0;
    this.u = 0;
    this.i = 0;
  }
}

/** One chunk of households [h0, h1) and their persons [p0, p1). */
export interface Chunk {
  h0: number;
  h1: number;
  p0: number;
  p1: number;
  /** Each person of the chunk's household, as an index within the chunk. */
  personLocal: Int32Array;
  regionH: Int32Array;
  regionP: Int32Array;
  /** The chunk's recently deceased [d0, d1), their households within the chunk and areas (row-wise policies only). */
  d0: number;
  d1: number;
  deceasedLocal: Int32Array;
  regionD: Int32Array;
  /** Inside a comprehension over a list column: the items [i0, i1) of the chunk's rows. */
  i0?: number;
  i1?: number;
  arena: Arena;
}

export type Kernel = (c: Chunk) => Col;

export class UnsupportedColumnar extends Error {}

/** Rows of a chunk as kernels see them; 'I' are the items of a list inside a comprehension's body. */
type KFrame = Frame | 'I';

const rowsOf = (c: Chunk, frame: KFrame) =>
  frame === 'H' ? c.h1 - c.h0 : frame === 'P' ? c.p1 - c.p0 : (c.i1 ?? 0) - (c.i0 ?? 0);

/** What kernels are bound to: the snapshot's columns, its dictionary, the parameters per area. */
export interface KernelBinding {
  snapshot: PopulationSnapshot;
  dict: Dictionary;
  scope: CompileScope;
  /** The parameter tree per region index (the compiled engine's nested Maps). */
  paramTrees: Value[];
}

interface Env {
  frame: KFrame;
  /** Inside a member comprehension's body: the variable's name (rows are the members). */
  member: string | null;
  /** Inside a comprehension over a list column: the variable's name and the list (rows are its items). */
  item?: { name: string; column: ListColumn };
}

interface Node {
  run: Kernel;
  type: StaticType;
  /** A value the same on every row, known when compiling. */
  constant?: Value;
}

const constNode = (value: Value, type: StaticType): Node => ({
  run: () => ({ k: 'const', value }),
  type,
  constant: value,
});

/** Whether a tree reads nothing but constants and as_of (folded once with the compiled engine). */
function isConstant(expr: Expr | undefined): boolean {
  if (!expr) return false;
  const k = expr.exprKind;
  switch (k.case) {
    case 'constExpr':
      return true;
    case 'identExpr':
      return k.value.name === 'as_of';
    case 'callExpr':
      return !k.value.target && k.value.args.every(isConstant);
    case 'listExpr':
      return k.value.elements.every(isConstant);
    default:
      return false;
  }
}

/** Whether a tree names the identifier anywhere (comprehension bodies must not read the accumulator). */
function mentions(expr: Expr | undefined, name: string): boolean {
  if (!expr) return false;
  const k = expr.exprKind;
  switch (k.case) {
    case 'identExpr':
      return k.value.name === name;
    case 'selectExpr':
      return mentions(k.value.operand, name);
    case 'callExpr':
      return mentions(k.value.target, name) || k.value.args.some((a) => mentions(a, name));
    case 'listExpr':
      return k.value.elements.some((e) => mentions(e, name));
    case 'comprehensionExpr':
      return [
        k.value.iterRange,
        k.value.accuInit,
        k.value.loopCondition,
        k.value.loopStep,
        k.value.result,
      ].some((e) => mentions(e, name));
    case 'structExpr':
      return true;
    default:
      return false;
  }
}

const isMap = (v: Value): v is ReadonlyMap<string, Value> => v instanceof Map;

// ---- conversions between representations ------------------------------------------------

function toBool(c: Col, n: number, arena: Arena): Uint8Array {
  if (c.k === 'bool') return c.v;
  const out = arena.u8(n);
  out.fill(c.k === 'const' ? (c.value === true ? 1 : c.value === false ? 0 : 2) : 2);
  return out;
}

function toNum(c: Col, n: number, arena: Arena): { v: Float64Array; ok: Uint8Array } {
  if (c.k === 'num') return c;
  const v = arena.f64(n);
  const ok = arena.u8(n);
  if (c.k === 'const' && typeof c.value === 'number') {
    v.fill(c.value);
    ok.fill(1);
  } else ok.fill(0);
  return { v, ok };
}

function toStr(c: Col, n: number, arena: Arena, dict: Dictionary): Int32Array {
  if (c.k === 'str') return c.v;
  const out = arena.i32(n);
  out.fill(c.k === 'const' && typeof c.value === 'string' ? dict.id(c.value) : -1);
  return out;
}

/** The representation a column's values take, for choosing a kernel; 'err' is all errors. */
function shape(c: Col): 'num' | 'bool' | 'str' | 'list' | 'err' | 'other' {
  if (c.k !== 'const') return c.k;
  const v = c.value;
  if (v === ERR) return 'err';
  return typeof v === 'number'
    ? 'num'
    : typeof v === 'boolean'
      ? 'bool'
      : typeof v === 'string'
        ? 'str'
        : 'other';
}

/**
 * `exists` or `all` per row over its range of values (a household's members, a list's items):
 * row i spans values[start[first+i] − origin … start[first+i+1] − origin). exists: any true
 * decides, otherwise an error stays an error, otherwise false; all: the mirror image. A row whose
 * list is missing (present 0) is an error.
 */
function existsOrAll(
  exists: boolean,
  values: Uint8Array,
  start: Int32Array,
  first: number,
  origin: number,
  n: number,
  present: Uint8Array | null,
  arena: Arena,
): Uint8Array {
  const decisive = exists ? 1 : 0;
  const out = arena.u8(n);
  for (let i = 0; i < n; i++) {
    const r = first + i;
    if (present && !present[r]) {
      out[i] = 2;
      continue;
    }
    let result = exists ? 0 : 1;
    for (let j = (start[r] as number) - origin, end = (start[r + 1] as number) - origin; j < end; j++) {
      const x = values[j] as number;
      if (x === decisive) {
        result = decisive;
        break;
      }
      if (x === 2) result = 2;
    }
    out[i] = result;
  }
  return out;
}

// ---- reading the snapshot ---------------------------------------------------------------

/** Row i is column row base + at[i]: household values for members, parameter values for areas. */
function gather(
  column: NumColumn | BoolColumn | StrColumn,
  at: Int32Array,
  base: number,
  n: number,
  arena: Arena,
): Col {
  if (column.kind === 'num') {
    const v = arena.f64(n);
    const ok = arena.u8(n);
    for (let i = 0; i < n; i++) {
      const r = base + (at[i] as number);
      v[i] = column.values[r] as number;
      ok[i] = column.present[r] as number;
    }
    return { k: 'num', v, ok };
  }
  if (column.kind === 'bool') {
    const v = arena.u8(n);
    for (let i = 0; i < n; i++) v[i] = column.values[base + (at[i] as number)] as number;
    return { k: 'bool', v };
  }
  const v = arena.i32(n);
  for (let i = 0; i < n; i++) v[i] = column.values[base + (at[i] as number)] as number;
  return { k: 'str', v };
}

function readColumn(column: Column | undefined, on: 'h' | 'person', frame: Frame, c: Chunk): Col {
  if (!column) return { k: 'const', value: ERR };
  const gathered = on === 'h' && frame === 'P';
  const base = on === 'h' ? c.h0 : c.p0;
  const n = rowsOf(c, frame);
  if (column.kind === 'list')
    return { k: 'list', src: column, base, gather: gathered ? c.personLocal : null };
  if (!gathered) {
    const end = base + n;
    if (column.kind === 'num')
      return { k: 'num', v: column.values.subarray(base, end), ok: column.present.subarray(base, end) };
    if (column.kind === 'bool') return { k: 'bool', v: column.values.subarray(base, end) };
    return { k: 'str', v: column.values.subarray(base, end) };
  }
  return gather(column, c.personLocal, base, n, c.arena);
}

function presence(column: Column | undefined, on: 'h' | 'person', frame: Frame, c: Chunk): Col {
  const n = rowsOf(c, frame);
  const out = c.arena.u8(n);
  if (!column) {
    out.fill(0);
    return { k: 'bool', v: out };
  }
  const gather = on === 'h' && frame === 'P';
  const base = on === 'h' ? c.h0 : c.p0;
  for (let i = 0; i < n; i++) {
    const r = gather ? base + (c.personLocal[i] as number) : base + i;
    out[i] =
      column.kind === 'num' || column.kind === 'list'
        ? (column.present[r] as number)
        : column.kind === 'bool'
          ? column.values[r] === 2
            ? 0
            : 1
          : column.values[r] === -1
            ? 0
            : 1;
  }
  return { k: 'bool', v: out };
}

const listRow = (l: Extract<Col, { k: 'list' }>, i: number) =>
  l.base + (l.gather ? (l.gather[i] as number) : i);

// ---- compiling -------------------------------------------------------------------------

const RELATIONS = new Set(['_<_', '_<=_', '_>_', '_>=_']);
const ARITHMETIC = new Set(['_+_', '_-_', '_*_', '_/_', '_%_']);
const DATES: Record<string, (a: string, b: string) => number> = {
  age_at: ageOn,
  years_between: ageOn,
  months_between: monthsBetween,
  days_between: daysBetween,
};

/**
 * The compiled closures' IR run as columnar kernels (issue 5, batch path): each node of a
 * policy expression becomes one loop over the typed arrays of a chunk — a bitmap per
 * criterion — with the same three-valued semantics as compileCel, which stays the definition
 * (constant subtrees are even folded by it). Constructs without a kernel throw
 * UnsupportedColumnar; the caller then runs that expression's closure row by row.
 */
export function compileColumnar(root: Expr, frame: Frame, binding: KernelBinding): Kernel {
  const { snapshot, dict, scope } = binding;

  const compile = (expr: Expr | undefined, env: Env): Node => {
    if (!expr) throw new UnsupportedColumnar('empty expression');
    if (isConstant(expr)) {
      const folded = compileCel(expr, scope);
      const slots: Value[] = [ERR, ERR, ERR, ERR, snapshot.asOf, ERR];
      return constNode(folded.run(slots), folded.type);
    }
    const kind = expr.exprKind;
    switch (kind.case) {
      case 'selectExpr':
        return select(kind.value, env);
      case 'callExpr':
        if (kind.value.target) return method(kind.value.function, kind.value.target, kind.value.args, env);
        return call(kind.value.function, kind.value.args, env);
      case 'comprehensionExpr':
        return comprehension(kind.value, env);
      case 'identExpr':
        // A list's item itself (a code in a code list); an event is a map, read by its fields.
        if (env.item && kind.value.name === env.item.name && !env.item.column.on)
          return itemRead(env.item.column, 'value');
        throw new UnsupportedColumnar(`name ${kind.value.name}`);
      default:
        throw new UnsupportedColumnar(String(kind.case));
    }
  };

  /** An item's value, or an event's date, over the items of the chunk's rows. */
  const itemRead = (column: ListColumn, field: 'value' | 'on'): Node => ({
    run: (c) => {
      const i0 = c.i0 ?? 0;
      const i1 = c.i1 ?? 0;
      if (field === 'on') return { k: 'str', v: (column.on ?? new Int32Array(0)).subarray(i0, i1) };
      const items = column.items;
      if (items.kind === 'str') return { k: 'str', v: items.values.subarray(i0, i1) };
      if (items.kind === 'bool') return { k: 'bool', v: items.values.subarray(i0, i1) };
      const ok = c.arena.u8(i1 - i0);
      ok.fill(1);
      return { k: 'num', v: items.values.subarray(i0, i1), ok };
    },
    type: field === 'on' ? 'string' : 'dyn',
  });

  const select = (value: Extract<Expr['exprKind'], { case: 'selectExpr' }>['value'], env: Env): Node => {
    const { field, testOnly, operand } = value;
    const [rootName, ...path] = (operand && selectChain(operand)) ?? [];
    const chain = [...path, field];
    if (operand?.exprKind.case !== 'identExpr' && !(rootName === 'param' && env.frame !== 'I'))
      throw new UnsupportedColumnar('select on an expression');
    const envFrame = env.frame;
    if (envFrame === 'I') {
      // Inside a comprehension over a list: only the item's own fields (an event's value and date).
      const item = env.item;
      const name = operand?.exprKind.case === 'identExpr' ? operand.exprKind.value.name : '';
      if (!item || name !== item.name || testOnly || !item.column.on)
        throw new UnsupportedColumnar('select in an item body');
      if (field === 'value' || field === 'on') return itemRead(item.column, field);
      return constNode(ERR, 'dyn');
    }
    if (rootName === 'param' && env.member !== 'param' && !testOnly)
      return parameter(chain.join('.'), envFrame);
    if (operand?.exprKind.case !== 'identExpr') throw new UnsupportedColumnar('select on an expression');
    const name = operand.exprKind.value.name;
    let on: 'h' | 'person';
    let type: StaticType;
    if (name === env.member) {
      on = 'person';
      type = scope.fieldType('person', field);
    } else if (name === 'h') {
      on = 'h';
      type = scope.fieldType('household', field);
    } else if (name === 'p' && env.member === null) {
      // A household policy has no `p` (the compiled engine's slot is an error).
      if (envFrame === 'H')
        return testOnly ? constNode(ERR, 'bool') : constNode(ERR, scope.fieldType('person', field));
      on = 'person';
      type = scope.fieldType('person', field);
    } else throw new UnsupportedColumnar(`select on ${name}`);
    const column = on === 'h' ? snapshot.household[field] : snapshot.person[field];
    if (testOnly) return { run: (c) => presence(column, on, envFrame, c), type: 'bool' };
    return { run: (c) => readColumn(column, on, envFrame, c), type };
  };

  /** `param.a.b`: one value per area of the snapshot, a constant when every area has the same. */
  const parameter = (name: string, envFrame: Frame): Node => {
    const path = name.split('.');
    const values = binding.paramTrees.map((tree) => {
      let v: Value = tree;
      for (const key of path) v = isMap(v) ? (v.get(key) ?? ERR) : ERR;
      return v;
    });
    const type = scope.parameterType(name);
    const first = values[0] ?? ERR;
    if (values.every((v) => v === first)) return constNode(first, type);
    // One value per area index, read for each row through its household's area.
    let table: NumColumn | BoolColumn | StrColumn;
    if (values.every((v) => typeof v === 'number' || v === ERR))
      table = {
        kind: 'num',
        values: Float64Array.from(values, (v) => (typeof v === 'number' ? v : 0)),
        present: Uint8Array.from(values, (v) => (v === ERR ? 0 : 1)),
      };
    else if (values.every((v) => typeof v === 'boolean' || v === ERR))
      table = {
        kind: 'bool',
        values: Uint8Array.from(values, (v) => (v === true ? 1 : v === false ? 0 : 2)),
      };
    else if (values.every((v) => typeof v === 'string' || v === ERR))
      table = {
        kind: 'str',
        values: Int32Array.from(values, (v) => (typeof v === 'string' ? dict.id(v) : -1)),
      };
    else throw new UnsupportedColumnar(`parameter ${name} of mixed kinds`);
    return {
      run: (c) => {
        const regions = envFrame === 'H' ? c.regionH : c.regionP;
        return gather(table, regions, 0, regions.length, c.arena);
      },
      type,
    };
  };

  const method = (fn: string, target: Expr, args: Expr[], env: Env): Node => {
    if (fn === 'size' && args.length === 0)
      return filterCount(target, env) ?? size(compile(target, env), env);
    throw new UnsupportedColumnar(`method ${fn}`);
  };

  const size = (x: Node, env: Env): Node => ({
    run: (c) => {
      const col = x.run(c);
      const n = rowsOf(c, env.frame);
      if (col.k !== 'list') {
        if (shape(col) === 'err') return { k: 'const', value: ERR };
        throw new UnsupportedColumnar('size of a non-list');
      }
      const v = c.arena.f64(n);
      const ok = c.arena.u8(n);
      const { offsets, present } = col.src;
      for (let i = 0; i < n; i++) {
        const r = listRow(col, i);
        v[i] = (offsets[r + 1] as number) - (offsets[r] as number);
        ok[i] = present[r] as number;
      }
      return { k: 'num', v, ok };
    },
    type: 'int',
  });

  const call = (fn: string, argExprs: Expr[], env: Env): Node => {
    const f = env.frame;
    if (fn === 'size' && argExprs.length === 1)
      return filterCount(argExprs[0], env) ?? size(compile(argExprs[0], env), env);
    if (fn === '@in') return membership(argExprs, env);
    const args = argExprs.map((a) => compile(a, env));
    const [a, b, z] = args;
    const types = args.map((x) => x.type);
    switch (fn) {
      case '_&&_':
      case '_||_': {
        const x = (a as Node).run;
        const y = (b as Node).run;
        const and = fn === '_&&_';
        return {
          run: (c) => {
            const n = rowsOf(c, f);
            const l = toBool(x(c), n, c.arena);
            const r = toBool(y(c), n, c.arena);
            const out = c.arena.u8(n);
            if (and)
              for (let i = 0; i < n; i++) {
                const p = l[i] as number;
                const q = r[i] as number;
                out[i] = p === 0 || q === 0 ? 0 : p === 1 && q === 1 ? 1 : 2;
              }
            else
              for (let i = 0; i < n; i++) {
                const p = l[i] as number;
                const q = r[i] as number;
                out[i] = p === 1 || q === 1 ? 1 : p === 0 && q === 0 ? 0 : 2;
              }
            return { k: 'bool', v: out };
          },
          type: 'bool',
        };
      }
      case '!_':
      case '@not_strictly_false': {
        const x = (a as Node).run;
        const not = fn === '!_';
        return {
          run: (c) => {
            const n = rowsOf(c, f);
            const l = toBool(x(c), n, c.arena);
            const out = c.arena.u8(n);
            if (not) for (let i = 0; i < n; i++) out[i] = l[i] === 2 ? 2 : 1 - (l[i] as number);
            else for (let i = 0; i < n; i++) out[i] = l[i] === 0 ? 0 : 1;
            return { k: 'bool', v: out };
          },
          type: 'bool',
        };
      }
      case '_?_:_':
        return conditional(a as Node, b as Node, z as Node, f);
      case '-_': {
        const x = (a as Node).run;
        return {
          run: (c) => {
            const n = rowsOf(c, f);
            const l = toNum(x(c), n, c.arena);
            const v = c.arena.f64(n);
            for (let i = 0; i < n; i++) v[i] = -(l.v[i] as number);
            return { k: 'num', v, ok: l.ok };
          },
          type: types[0] ?? 'dyn',
        };
      }
      case 'double':
      case 'int': {
        const x = (a as Node).run;
        const truncate = fn === 'int';
        return {
          run: (c) => {
            const n = rowsOf(c, f);
            const l = toNum(x(c), n, c.arena);
            if (!truncate) return { k: 'num', v: l.v, ok: l.ok };
            const v = c.arena.f64(n);
            for (let i = 0; i < n; i++) v[i] = Math.trunc(l.v[i] as number);
            return { k: 'num', v, ok: l.ok };
          },
          type: truncate ? 'int' : 'double',
        };
      }
      case '_==_':
      case '_!=_':
        return equality(a as Node, b as Node, fn === '_!=_', f);
      default:
        if (ARITHMETIC.has(fn)) return arithmetic(fn, a as Node, b as Node, f);
        if (RELATIONS.has(fn)) return relation(fn, a as Node, b as Node, f);
        if (fn in DATES) return dates(DATES[fn] as (x: string, y: string) => number, a as Node, b as Node, f);
        throw new UnsupportedColumnar(`function ${fn}`);
    }
  };

  const arithmetic = (fn: string, a: Node, b: Node, f: KFrame): Node => {
    if (
      fn === '_+_' &&
      (a.type === 'list' || b.type === 'list' || (a.type === 'string' && b.type === 'string'))
    )
      throw new UnsupportedColumnar('concatenation');
    const bothInt = a.type === 'int' && b.type === 'int';
    const x = a.run;
    const y = b.run;
    return {
      run: (c) => {
        const n = rowsOf(c, f);
        const l = toNum(x(c), n, c.arena);
        const r = toNum(y(c), n, c.arena);
        const v = c.arena.f64(n);
        const ok = c.arena.u8(n);
        const lv = l.v;
        const rv = r.v;
        for (let i = 0; i < n; i++) ok[i] = (l.ok[i] as number) & (r.ok[i] as number);
        switch (fn) {
          case '_+_':
            for (let i = 0; i < n; i++) v[i] = (lv[i] as number) + (rv[i] as number);
            break;
          case '_-_':
            for (let i = 0; i < n; i++) v[i] = (lv[i] as number) - (rv[i] as number);
            break;
          case '_*_':
            for (let i = 0; i < n; i++) v[i] = (lv[i] as number) * (rv[i] as number);
            break;
          case '_/_':
            if (bothInt)
              for (let i = 0; i < n; i++) {
                if (rv[i] === 0) ok[i] = 0;
                else v[i] = Math.trunc((lv[i] as number) / (rv[i] as number));
              }
            else for (let i = 0; i < n; i++) v[i] = (lv[i] as number) / (rv[i] as number);
            break;
          default:
            if (bothInt)
              for (let i = 0; i < n; i++) {
                if (rv[i] === 0) ok[i] = 0;
                else v[i] = (lv[i] as number) % (rv[i] as number);
              }
            else for (let i = 0; i < n; i++) v[i] = (lv[i] as number) % (rv[i] as number);
        }
        return { k: 'num', v, ok };
      },
      type: bothInt ? 'int' : 'double',
    };
  };

  const relation = (fn: string, a: Node, b: Node, f: KFrame): Node => {
    const x = a.run;
    const y = b.run;
    const test =
      fn === '_<_'
        ? (p: number | string, q: number | string) => p < q
        : fn === '_<=_'
          ? (p: number | string, q: number | string) => p <= q
          : fn === '_>_'
            ? (p: number | string, q: number | string) => p > q
            : (p: number | string, q: number | string) => p >= q;
    return {
      run: (c) => {
        const n = rowsOf(c, f);
        const lc = x(c);
        const rc = y(c);
        const ls = shape(lc);
        const rs = shape(rc);
        const out = c.arena.u8(n);
        if (ls === 'num' && rs === 'num') {
          const l = toNum(lc, n, c.arena);
          const r = toNum(rc, n, c.arena);
          const lv = l.v;
          const rv = r.v;
          switch (fn) {
            case '_<_':
              for (let i = 0; i < n; i++) out[i] = (lv[i] as number) < (rv[i] as number) ? 1 : 0;
              break;
            case '_<=_':
              for (let i = 0; i < n; i++) out[i] = (lv[i] as number) <= (rv[i] as number) ? 1 : 0;
              break;
            case '_>_':
              for (let i = 0; i < n; i++) out[i] = (lv[i] as number) > (rv[i] as number) ? 1 : 0;
              break;
            default:
              for (let i = 0; i < n; i++) out[i] = (lv[i] as number) >= (rv[i] as number) ? 1 : 0;
          }
          for (let i = 0; i < n; i++) if (l.ok[i] === 0 || r.ok[i] === 0) out[i] = 2;
        } else if (ls === 'bool' && rs === 'bool') {
          const l = toBool(lc, n, c.arena);
          const r = toBool(rc, n, c.arena);
          for (let i = 0; i < n; i++) {
            const p = l[i] as number;
            const q = r[i] as number;
            out[i] = p === 2 || q === 2 ? 2 : test(p, q) ? 1 : 0;
          }
        } else if (ls === 'str' && rs === 'str') {
          const l = toStr(lc, n, c.arena, dict);
          const r = toStr(rc, n, c.arena, dict);
          const text = dict.strings;
          for (let i = 0; i < n; i++) {
            const p = l[i] as number;
            const q = r[i] as number;
            out[i] = p < 0 || q < 0 ? 2 : test(text[p] as string, text[q] as string) ? 1 : 0;
          }
        } else out.fill(2);
        return { k: 'bool', v: out };
      },
      type: 'bool',
    };
  };

  const equality = (a: Node, b: Node, negate: boolean, f: KFrame): Node => {
    const x = a.run;
    const y = b.run;
    const yes = negate ? 0 : 1;
    const no = negate ? 1 : 0;
    return {
      run: (c) => {
        const n = rowsOf(c, f);
        const lc = x(c);
        const rc = y(c);
        const ls = shape(lc);
        const rs = shape(rc);
        const out = c.arena.u8(n);
        if (ls === 'err' || rs === 'err') out.fill(2);
        else if (ls === 'num' && rs === 'num') {
          const l = toNum(lc, n, c.arena);
          const r = toNum(rc, n, c.arena);
          for (let i = 0; i < n; i++)
            out[i] = l.ok[i] === 0 || r.ok[i] === 0 ? 2 : l.v[i] === r.v[i] ? yes : no;
        } else if (ls === 'bool' && rs === 'bool') {
          const l = toBool(lc, n, c.arena);
          const r = toBool(rc, n, c.arena);
          for (let i = 0; i < n; i++) out[i] = l[i] === 2 || r[i] === 2 ? 2 : l[i] === r[i] ? yes : no;
        } else if (ls === 'str' && rs === 'str') {
          const l = toStr(lc, n, c.arena, dict);
          const r = toStr(rc, n, c.arena, dict);
          for (let i = 0; i < n; i++) out[i] = l[i] === -1 || r[i] === -1 ? 2 : l[i] === r[i] ? yes : no;
        } else if (ls !== 'list' && rs !== 'list' && ls !== 'other' && rs !== 'other') {
          // Different kinds are never equal; an error on either side stays an error.
          const l = errors(lc, n, c.arena);
          const r = errors(rc, n, c.arena);
          for (let i = 0; i < n; i++) out[i] = l[i] === 1 || r[i] === 1 ? 2 : no;
        } else throw new UnsupportedColumnar('equality of lists');
        return { k: 'bool', v: out };
      },
      type: 'bool',
    };
  };

  /** 1 where the column holds an error. */
  const errors = (col: Col, n: number, arena: Arena): Uint8Array => {
    const out = arena.u8(n);
    if (col.k === 'const') out.fill(col.value === ERR ? 1 : 0);
    else if (col.k === 'num') for (let i = 0; i < n; i++) out[i] = 1 - (col.ok[i] as number);
    else if (col.k === 'bool') for (let i = 0; i < n; i++) out[i] = col.v[i] === 2 ? 1 : 0;
    else if (col.k === 'str') for (let i = 0; i < n; i++) out[i] = col.v[i] === -1 ? 1 : 0;
    else throw new UnsupportedColumnar('errors of a list');
    return out;
  };

  /** `x in [constants]` and `'code' in h.list`. */
  const membership = (argExprs: Expr[], env: Env): Node => {
    const f = env.frame;
    const [left, right] = argExprs;
    const needle = compile(left, env);
    if (right?.exprKind.case === 'listExpr' || isConstant(right)) {
      const list = compile(right, env).constant;
      if (!Array.isArray(list)) throw new UnsupportedColumnar('in over a constant that is not a list');
      const numbers = new Set(list.filter((e) => typeof e === 'number'));
      const bools = new Set<number>(list.filter((e) => typeof e === 'boolean').map((e) => (e ? 1 : 0)));
      const texts = list.filter((e): e is string => typeof e === 'string');
      if (numbers.size + bools.size + texts.length !== list.length)
        throw new UnsupportedColumnar('in over nested lists');
      const ids = new Set(texts.map((t) => dict.id(t)));
      const x = needle.run;
      return {
        run: (c) => {
          const n = rowsOf(c, f);
          const col = x(c);
          const out = c.arena.u8(n);
          const s = shape(col);
          if (s === 'err') out.fill(2);
          else if (s === 'str') {
            const v = toStr(col, n, c.arena, dict);
            for (let i = 0; i < n; i++) out[i] = v[i] === -1 ? 2 : ids.has(v[i] as number) ? 1 : 0;
          } else if (s === 'num') {
            const v = toNum(col, n, c.arena);
            for (let i = 0; i < n; i++) out[i] = v.ok[i] === 0 ? 2 : numbers.has(v.v[i] as number) ? 1 : 0;
          } else if (s === 'bool') {
            const v = toBool(col, n, c.arena);
            for (let i = 0; i < n; i++) out[i] = v[i] === 2 ? 2 : bools.has(v[i] as number) ? 1 : 0;
          } else throw new UnsupportedColumnar('in with a list needle');
          return { k: 'bool', v: out };
        },
        type: 'bool',
      };
    }
    const haystack = compile(right, env);
    if (needle.constant === undefined || typeof needle.constant !== 'string')
      throw new UnsupportedColumnar('in over a list column needs a constant text');
    const id = dict.id(needle.constant);
    const y = haystack.run;
    return {
      run: (c) => {
        const n = rowsOf(c, f);
        const col = y(c);
        const out = c.arena.u8(n);
        if (col.k !== 'list') {
          if (shape(col) === 'err') {
            out.fill(2);
            return { k: 'bool', v: out };
          }
          throw new UnsupportedColumnar('in over a non-list');
        }
        const { offsets, present, items } = col.src;
        if (items.kind !== 'str' || col.src.on) throw new UnsupportedColumnar('in over a list of non-texts');
        const values = items.values;
        for (let i = 0; i < n; i++) {
          const r = listRow(col, i);
          if (present[r] === 0) {
            out[i] = 2;
            continue;
          }
          let found = 0;
          for (let j = offsets[r] as number, end = offsets[r + 1] as number; j < end; j++)
            if (values[j] === id) {
              found = 1;
              break;
            }
          out[i] = found;
        }
        return { k: 'bool', v: out };
      },
      type: 'bool',
    };
  };

  const conditional = (a: Node, b: Node, z: Node, f: KFrame): Node => {
    const x = a.run;
    const y = b.run;
    const w = z.run;
    const type: StaticType = b.type === z.type ? b.type : 'dyn';
    return {
      run: (c) => {
        const n = rowsOf(c, f);
        const cond = toBool(x(c), n, c.arena);
        const tc = y(c);
        const fc = w(c);
        const ts = shape(tc);
        const fs = shape(fc);
        const kindOf = ts === 'err' ? fs : ts;
        if ((ts !== kindOf && ts !== 'err') || (fs !== kindOf && fs !== 'err'))
          throw new UnsupportedColumnar('conditional with branches of different kinds');
        if (kindOf === 'num' || kindOf === 'err') {
          const t = toNum(tc, n, c.arena);
          const e = toNum(fc, n, c.arena);
          const v = c.arena.f64(n);
          const ok = c.arena.u8(n);
          for (let i = 0; i < n; i++) {
            const k = cond[i];
            if (k === 1) {
              v[i] = t.v[i] as number;
              ok[i] = t.ok[i] as number;
            } else if (k === 0) {
              v[i] = e.v[i] as number;
              ok[i] = e.ok[i] as number;
            } else ok[i] = 0;
          }
          return { k: 'num', v, ok };
        }
        if (kindOf === 'bool') {
          const t = toBool(tc, n, c.arena);
          const e = toBool(fc, n, c.arena);
          const v = c.arena.u8(n);
          for (let i = 0; i < n; i++)
            v[i] = cond[i] === 1 ? (t[i] as number) : cond[i] === 0 ? (e[i] as number) : 2;
          return { k: 'bool', v };
        }
        if (kindOf === 'str') {
          const t = toStr(tc, n, c.arena, dict);
          const e = toStr(fc, n, c.arena, dict);
          const v = c.arena.i32(n);
          for (let i = 0; i < n; i++)
            v[i] = cond[i] === 1 ? (t[i] as number) : cond[i] === 0 ? (e[i] as number) : -1;
          return { k: 'str', v };
        }
        throw new UnsupportedColumnar('conditional over lists');
      },
      type,
    };
  };

  /** Date functions of two texts; each distinct pair computed once per process. */
  const dates = (fn: (x: string, y: string) => number, a: Node, b: Node, f: KFrame): Node => {
    const x = a.run;
    const y = b.run;
    const memo = new Map<number, number>();
    return {
      run: (c) => {
        const n = rowsOf(c, f);
        const lc = x(c);
        const rc = y(c);
        const v = c.arena.f64(n);
        const ok = c.arena.u8(n);
        if (shape(lc) !== 'str' || shape(rc) !== 'str') {
          ok.fill(0);
          return { k: 'num', v, ok };
        }
        const l = toStr(lc, n, c.arena, dict);
        const r = toStr(rc, n, c.arena, dict);
        const text = dict.strings;
        for (let i = 0; i < n; i++) {
          const p = l[i] as number;
          const q = r[i] as number;
          if (p < 0 || q < 0) {
            ok[i] = 0;
            continue;
          }
          const key = p * 0x200000 + q;
          let result = memo.get(key);
          if (result === undefined) {
            result = fn(text[p] as string, text[q] as string);
            memo.set(key, result);
          }
          v[i] = result;
          ok[i] = 1;
        }
        return { k: 'num', v, ok };
      },
      type: 'int',
    };
  };

  type Comprehension = Extract<Expr['exprKind'], { case: 'comprehensionExpr' }>['value'];

  /** Which macro a comprehension is (exists, all, filter) and its predicate; null for anything else. */
  const macroOf = (c: Comprehension): { mode: 'exists' | 'all' | 'filter'; pred: Expr } | null => {
    if (c.iterVar2) return null;
    const accu = c.accuVar;
    const isAccu = (e: Expr | undefined) =>
      e?.exprKind.case === 'identExpr' && e.exprKind.value.name === accu;
    if (!isAccu(c.result)) return null;
    const init = c.accuInit?.exprKind;
    const step = c.loopStep?.exprKind.case === 'callExpr' ? c.loopStep.exprKind.value : null;
    const pred = step?.args[step.function === '_?_:_' ? 0 : 1];
    if (!step || !pred || mentions(pred, accu)) return null;
    if (init?.case === 'constExpr' && init.value.constantKind.case === 'boolValue' && isAccu(step.args[0])) {
      if (!init.value.constantKind.value && step.function === '_||_') return { mode: 'exists', pred };
      if (init.value.constantKind.value && step.function === '_&&_') return { mode: 'all', pred };
      return null;
    }
    // filter: [] then `pred ? accu + [x] : accu`.
    const [, grow, keep] = step.args;
    const growCall = grow?.exprKind.case === 'callExpr' ? grow.exprKind.value : null;
    const added = growCall?.args[1]?.exprKind;
    if (
      init?.case === 'listExpr' &&
      init.value.elements.length === 0 &&
      step.function === '_?_:_' &&
      growCall?.function === '_+_' &&
      isAccu(growCall.args[0]) &&
      added?.case === 'listExpr' &&
      added.value.elements.length === 1 &&
      added.value.elements[0]?.exprKind.case === 'identExpr' &&
      added.value.elements[0].exprKind.value.name === c.iterVar &&
      isAccu(keep)
    )
      return { mode: 'filter', pred };
    return null;
  };

  /**
   * `L.exists(e, …)`, `L.all(e, …)` and `L.filter(e, …).size()` over a list column (code lists,
   * event occurrences): the body over the items of the chunk's rows, reduced per row — with the
   * closures' semantics: a missing list is an error; for filter, any item whose test is not true
   * or false makes the whole an error.
   */
  const overItems = (c: Comprehension, pred: Expr, env: Env, mode: 'exists' | 'all' | 'count'): Node => {
    const range = c.iterRange?.exprKind;
    if (env.frame === 'I' || env.member !== null || range?.case !== 'selectExpr' || range.value.testOnly)
      throw new UnsupportedColumnar('comprehension over this range');
    const operand = range.value.operand?.exprKind;
    const on = operand?.case === 'identExpr' ? operand.value.name : '';
    // A household list read for person rows would need its items gathered: not supported.
    if (on !== (env.frame === 'H' ? 'h' : 'p'))
      throw new UnsupportedColumnar('comprehension over a gathered list');
    const column = (on === 'h' ? snapshot.household : snapshot.person)[range.value.field];
    if (!column) return constNode(ERR, mode === 'count' ? 'int' : 'bool');
    if (column.kind !== 'list') throw new UnsupportedColumnar('comprehension over a non-list');
    const body = compile(pred, { frame: 'I', member: null, item: { name: c.iterVar, column } }).run;
    const outer = env.frame;
    const base = (chunk: Chunk) => (outer === 'H' ? chunk.h0 : chunk.p0);
    return {
      run: (chunk) => {
        const n = rowsOf(chunk, outer);
        const first = base(chunk);
        const { offsets, present } = column;
        const i0 = offsets[first] as number;
        const i1 = offsets[first + n] as number;
        const values = toBool(body({ ...chunk, i0, i1 }), i1 - i0, chunk.arena);
        if (mode === 'count') {
          const v = chunk.arena.f64(n);
          const ok = chunk.arena.u8(n);
          for (let i = 0; i < n; i++) {
            const r = first + i;
            let count = 0;
            let fine = present[r] as number;
            for (
              let j = (offsets[r] as number) - i0, end = (offsets[r + 1] as number) - i0;
              j < end && fine;
              j++
            ) {
              const x = values[j] as number;
              if (x === 2) fine = 0;
              else count += x;
            }
            v[i] = count;
            ok[i] = fine;
          }
          return { k: 'num', v, ok };
        }
        const out = existsOrAll(mode === 'exists', values, offsets, first, i0, n, present, chunk.arena);
        return { k: 'bool', v: out };
      },
      type: mode === 'count' ? 'int' : 'bool',
    };
  };

  /** `size(L.filter(e, …))` / `L.filter(e, …).size()`: a count per row, or null when it is not that. */
  const filterCount = (target: Expr | undefined, env: Env): Node | null => {
    if (target?.exprKind.case !== 'comprehensionExpr') return null;
    const macro = macroOf(target.exprKind.value);
    if (macro?.mode !== 'filter') return null;
    return overItems(target.exprKind.value, macro.pred, env, 'count');
  };

  /** `members.exists(m, …)` and `members.all(m, …)`: the body over the members, reduced per household. */
  const comprehension = (c: Comprehension, env: Env): Node => {
    const macro = macroOf(c);
    if (!macro || macro.mode === 'filter') throw new UnsupportedColumnar('comprehension macro');
    const overMembers =
      c.iterRange?.exprKind.case === 'identExpr' && c.iterRange.exprKind.value.name === 'members';
    if (!overMembers) return overItems(c, macro.pred, env, macro.mode);
    if (env.member !== null || env.frame === 'I') throw new UnsupportedColumnar('nested comprehension');
    const exists = macro.mode === 'exists';
    const body = compile(macro.pred, { frame: 'P', member: c.iterVar }).run;
    const outer = env.frame;
    return {
      run: (chunk) => {
        const np = chunk.p1 - chunk.p0;
        const nh = chunk.h1 - chunk.h0;
        const values = toBool(body(chunk), np, chunk.arena);
        const perHousehold = existsOrAll(
          exists,
          values,
          snapshot.memberStart,
          chunk.h0,
          chunk.p0,
          nh,
          null,
          chunk.arena,
        );
        if (outer === 'H') return { k: 'bool', v: perHousehold };
        const out = chunk.arena.u8(np);
        for (let p = 0; p < np; p++) out[p] = perHousehold[chunk.personLocal[p] as number] as number;
        return { k: 'bool', v: out };
      },
      type: 'bool',
    };
  };

  return compile(root, { frame, member: null }).run;
}
