import type { parse } from '@bufbuild/cel';
import { ageOn } from '../../core/isoDate.ts';
import { addMonths, daysBetween } from '../../portrait/celEnvironment.ts';
import { monthsBetween } from '../ruleEnvironment.ts';
import { selectChain } from '../ruleReferences.ts';

type Expr = ReturnType<typeof parse>['expr'];

/**
 * The error value of the compiled engine: a missing input, a failed operation. It travels
 * through expressions as CEL errors do, and `&&`, `||`, `all`, `exists` absorb it where the
 * other side decides — three-valued logic, as in @bufbuild/cel, which stays the reference.
 */
export const ERR: unique symbol = Symbol('cel-error');
export type Value = number | string | boolean | Value[] | ReadonlyMap<string, Value> | typeof ERR;

/** The slots every compiled expression reads; comprehension variables get further slots. */
export const TOP_LEVEL = ['h', 'p', 'members', 'param', 'as_of', 'region'] as const;
export type Slots = Value[];
export type Compiled = (slots: Slots) => Value;

/** Static types, enough to choose int or double division and to type a comprehension's accumulator. */
export type StaticType = 'int' | 'double' | 'bool' | 'string' | 'list' | 'map' | 'dyn';

export interface CompileScope {
  /** The static type of a field of a person (`p.x`, `m.x`) or household (`h.x`); 'dyn' when unknown. */
  fieldType(on: 'person' | 'household', field: string): StaticType;
  /** The static type of a parameter by dotted name. */
  parameterType(name: string): StaticType;
}

export class UnsupportedCel extends Error {}

const isMap = (v: Value): v is ReadonlyMap<string, Value> => v instanceof Map;
const isNum = (v: Value): v is number => typeof v === 'number';

function equals(a: Value, b: Value): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => equals(x, b[i] as Value));
  return a === b;
}

const ORDER = {
  '<': (x: number | string, y: number | string) => x < y,
  '<=': (x: number | string, y: number | string) => x <= y,
  '>': (x: number | string, y: number | string) => x > y,
  '>=': (x: number | string, y: number | string) => x >= y,
};
export type Relation = keyof typeof ORDER | '==' | '!=';

/**
 * A relation of two values as CEL has it: an error on either side is the result; numbers with
 * numbers, texts with texts, booleans with booleans, anything else an error; equality by value.
 * The compiled closures use it, and the explain path applies it to a criterion's two sides, which
 * it evaluates anyway for the distance to the line.
 */
export function relate(operator: Relation, l: Value, r: Value): Value {
  if (l === ERR || r === ERR) return ERR;
  if (operator === '==') return equals(l, r);
  if (operator === '!=') return !equals(l, r);
  const f = ORDER[operator];
  if ((isNum(l) && isNum(r)) || (typeof l === 'string' && typeof r === 'string')) return f(l, r);
  if (typeof l === 'boolean' && typeof r === 'boolean') return f(Number(l), Number(r));
  return ERR;
}

/** f of the operand's value; an error operand stays an error without calling f. */
function unary(x: Compiled | undefined, f: (v: Value) => Value, type: StaticType): Node {
  if (!x) throw new UnsupportedCel('missing operand');
  return {
    run: (s) => {
      const v = x(s);
      return v === ERR ? ERR : f(v);
    },
    type,
  };
}

/** f of both operands' values; an error on either side is the result (CEL's strict functions). */
function binary(
  x: Compiled | undefined,
  y: Compiled | undefined,
  f: (l: Value, r: Value) => Value,
  type: StaticType,
): Node {
  if (!x || !y) throw new UnsupportedCel('missing operand');
  return {
    run: (s) => {
      const l = x(s);
      if (l === ERR) return ERR;
      const r = y(s);
      return r === ERR ? ERR : f(l, r);
    },
    type,
  };
}

/** CEL's size(): list length, a string's code points, a map's entries. */
function sizeOf(v: Value): Value {
  if (Array.isArray(v)) return v.length;
  if (typeof v === 'string') return codePoints(v);
  return isMap(v) ? v.size : ERR;
}

/** CEL's size of a string: its code points, not UTF-16 units. */
function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xdc00 || unit > 0xdfff) n++; // a low surrogate belongs to the previous code point
  }
  return n;
}

interface Local {
  slot: number;
  /** What the variable ranges over, for field types: a member of `members`, or anything. */
  kind: 'member' | 'other';
  type: StaticType;
}

interface Node {
  run: Compiled;
  type: StaticType;
}

/**
 * Compiles a parsed CEL expression into a JS closure over slots — the explain path's engine
 * (the batch path runs the same closures over the population). Only the CEL the pool uses is
 * supported; anything else throws UnsupportedCel at load, so the engines can never disagree
 * on a construct one of them does not know.
 */
export function compileCel(
  root: Expr,
  scope: CompileScope,
): { run: Compiled; type: StaticType; slots: number } {
  let nextSlot = TOP_LEVEL.length;
  const compile = (expr: Expr | undefined, locals: Map<string, Local>): Node => {
    if (!expr) throw new UnsupportedCel('empty expression');
    const kind = expr.exprKind;
    switch (kind.case) {
      case 'constExpr': {
        const c = kind.value.constantKind;
        switch (c.case) {
          case 'boolValue':
            return { run: () => c.value, type: 'bool' };
          case 'int64Value': {
            const n = Number(c.value);
            return { run: () => n, type: 'int' };
          }
          case 'uint64Value': {
            const n = Number(c.value);
            return { run: () => n, type: 'int' };
          }
          case 'doubleValue':
            return { run: () => c.value, type: 'double' };
          case 'stringValue':
            return { run: () => c.value, type: 'string' };
          default:
            throw new UnsupportedCel(`constant ${String(c.case)}`);
        }
      }
      case 'identExpr': {
        const name = kind.value.name;
        const local = locals.get(name);
        if (local) {
          const slot = local.slot;
          return { run: (s) => s[slot] ?? ERR, type: local.type };
        }
        const top = (TOP_LEVEL as readonly string[]).indexOf(name);
        if (top === -1) throw new UnsupportedCel(`unknown name ${name}`);
        const type: StaticType =
          name === 'members' ? 'list' : name === 'as_of' || name === 'region' ? 'string' : 'map';
        return { run: (s) => s[top] ?? ERR, type };
      }
      case 'selectExpr': {
        const { field, testOnly, operand } = kind.value;
        // param.a.b: one parameter, typed by its definition.
        const [rootName, ...path] = (operand && selectChain(operand)) ?? [];
        const chain = [...path, field];
        const target = compile(operand, locals);
        let type: StaticType = 'dyn';
        if (rootName === 'param' && !locals.has('param')) type = scope.parameterType(chain.join('.'));
        else if (operand?.exprKind.case === 'identExpr') {
          const name = operand.exprKind.value.name;
          const local = locals.get(name);
          if (local?.kind === 'member' || (!local && name === 'p')) type = scope.fieldType('person', field);
          else if (!local && name === 'h') type = scope.fieldType('household', field);
        }
        const inner = target.run;
        if (testOnly)
          return {
            run: (s) => {
              const v = inner(s);
              return isMap(v) ? v.has(field) : ERR;
            },
            type: 'bool',
          };
        return {
          run: (s) => {
            const v = inner(s);
            return isMap(v) ? (v.get(field) ?? ERR) : ERR;
          },
          type,
        };
      }
      case 'listExpr': {
        const elements = kind.value.elements.map((e) => compile(e, locals).run);
        return {
          run: (s) => {
            const out: Value[] = [];
            for (const e of elements) {
              const v = e(s);
              if (v === ERR) return ERR;
              out.push(v);
            }
            return out;
          },
          type: 'list',
        };
      }
      case 'callExpr':
        return call(kind.value.function, kind.value.target, kind.value.args, locals);
      case 'comprehensionExpr': {
        const c = kind.value;
        if (c.iterVar2) throw new UnsupportedCel('two-variable comprehension');
        const range = compile(c.iterRange, locals).run;
        const overMembers =
          c.iterRange?.exprKind.case === 'identExpr' &&
          c.iterRange.exprKind.value.name === 'members' &&
          !locals.has('members');
        const init = compile(c.accuInit, locals);
        const iterSlot = nextSlot++;
        const accuSlot = nextSlot++;
        const inner = new Map(locals);
        inner.set(c.iterVar, {
          slot: iterSlot,
          kind: overMembers ? 'member' : 'other',
          type: overMembers ? 'map' : 'dyn',
        });
        inner.set(c.accuVar, { slot: accuSlot, kind: 'other', type: init.type });
        const condition = compile(c.loopCondition, inner).run;
        const step = compile(c.loopStep, inner).run;
        const result = compile(c.result, inner);
        const initRun = init.run;
        const resultRun = result.run;
        return {
          run: (s) => {
            const list = range(s);
            if (!Array.isArray(list)) return ERR;
            s[accuSlot] = initRun(s);
            for (const item of list) {
              if (condition(s) === false) break;
              s[iterSlot] = item;
              s[accuSlot] = step(s);
            }
            return resultRun(s);
          },
          type: result.type,
        };
      }
      default:
        throw new UnsupportedCel(String(kind.case));
    }
  };

  const call = (fn: string, target: Expr | undefined, argExprs: Expr[], locals: Map<string, Local>): Node => {
    const args = argExprs.map((a) => compile(a, locals));
    const [a, b, c] = args.map((x) => x.run);
    const types = args.map((x) => x.type);
    const bothInt = types[0] === 'int' && types[1] === 'int';
    const arithmetic = (f: (x: number, y: number) => Value, type: StaticType) =>
      binary(a, b, (l, r) => (isNum(l) && isNum(r) ? f(l, r) : ERR), type);
    const compare = (operator: Relation) => binary(a, b, (l, r) => relate(operator, l, r), 'bool');
    const dates = (f: (x: string, y: string) => number) =>
      binary(a, b, (l, r) => (typeof l === 'string' && typeof r === 'string' ? f(l, r) : ERR), 'int');
    if (target) {
      const self = compile(target, locals).run;
      if (fn === 'size' && args.length === 0) return unary(self, sizeOf, 'int');
      if ((fn === 'startsWith' || fn === 'endsWith' || fn === 'contains') && args.length === 1)
        return binary(
          self,
          a,
          (v, w) => {
            if (typeof v !== 'string' || typeof w !== 'string') return ERR;
            return fn === 'startsWith' ? v.startsWith(w) : fn === 'endsWith' ? v.endsWith(w) : v.includes(w);
          },
          'bool',
        );
      throw new UnsupportedCel(`method ${fn}`);
    }
    switch (fn) {
      case '_&&_': {
        const x = a as Compiled;
        const y = b as Compiled;
        return {
          run: (s) => {
            const l = x(s);
            if (l === false) return false;
            const r = y(s);
            if (r === false) return false;
            return l === true && r === true ? true : ERR;
          },
          type: 'bool',
        };
      }
      case '_||_': {
        const x = a as Compiled;
        const y = b as Compiled;
        return {
          run: (s) => {
            const l = x(s);
            if (l === true) return true;
            const r = y(s);
            if (r === true) return true;
            return l === false && r === false ? false : ERR;
          },
          type: 'bool',
        };
      }
      case '!_':
        return unary(a, (v) => (typeof v === 'boolean' ? !v : ERR), 'bool');
      case '@not_strictly_false': {
        const x = a as Compiled;
        return { run: (s) => x(s) !== false, type: 'bool' };
      }
      case '_?_:_': {
        const x = a as Compiled;
        const y = b as Compiled;
        const z = c as Compiled;
        return {
          run: (s) => {
            const v = x(s);
            return v === true ? y(s) : v === false ? z(s) : ERR;
          },
          type: types[1] === types[2] ? (types[1] ?? 'dyn') : 'dyn',
        };
      }
      case '_+_':
        if (types[0] === 'list' || types[1] === 'list')
          return binary(a, b, (l, r) => (Array.isArray(l) && Array.isArray(r) ? [...l, ...r] : ERR), 'list');
        if (types[0] === 'string' && types[1] === 'string')
          return binary(
            a,
            b,
            (l, r) => (typeof l === 'string' && typeof r === 'string' ? l + r : ERR),
            'string',
          );
        return arithmetic((x, y) => x + y, bothInt ? 'int' : 'double');
      case '_-_':
        return arithmetic((x, y) => x - y, bothInt ? 'int' : 'double');
      case '_*_':
        return arithmetic((x, y) => x * y, bothInt ? 'int' : 'double');
      case '_/_':
        return bothInt
          ? arithmetic((x, y) => (y === 0 ? ERR : Math.trunc(x / y)), 'int')
          : arithmetic((x, y) => x / y, 'double');
      case '_%_':
        return bothInt
          ? arithmetic((x, y) => (y === 0 ? ERR : x % y), 'int')
          : arithmetic((x, y) => x % y, 'double');
      case '-_':
        return unary(a, (v) => (isNum(v) ? -v : ERR), types[0] ?? 'dyn');
      case '_<_':
        return compare('<');
      case '_<=_':
        return compare('<=');
      case '_>_':
        return compare('>');
      case '_>=_':
        return compare('>=');
      case '_==_':
        return compare('==');
      case '_!=_':
        return compare('!=');
      case '@in':
        return binary(
          a,
          b,
          (v, list) => {
            if (Array.isArray(list)) return list.some((e) => equals(e, v));
            if (isMap(list) && typeof v === 'string') return list.has(v);
            return ERR;
          },
          'bool',
        );
      case '_[_]':
        return binary(
          a,
          b,
          (v, k) => {
            if (Array.isArray(v) && isNum(k)) return v[k] ?? ERR;
            if (isMap(v) && typeof k === 'string') return v.get(k) ?? ERR;
            return ERR;
          },
          'dyn',
        );
      case 'size':
        return unary(a, sizeOf, 'int');
      case 'double':
        return unary(a, (v) => (isNum(v) ? v : ERR), 'double');
      case 'int':
        return unary(a, (v) => (isNum(v) ? Math.trunc(v) : ERR), 'int');
      case 'sum':
        return unary(
          a,
          (v) => {
            if (!Array.isArray(v)) return ERR;
            let total = 0;
            for (const e of v) {
              if (!isNum(e)) return ERR;
              total += e;
            }
            return total;
          },
          'double',
        );
      case 'age_at':
      case 'years_between':
        return dates(ageOn);
      case 'months_between':
        return dates(monthsBetween);
      case 'days_between':
        return dates(daysBetween);
      case 'add_months':
        return binary(a, b, (d, n) => (typeof d === 'string' && isNum(n) ? addMonths(d, n) : ERR), 'string');
      default:
        throw new UnsupportedCel(`function ${fn}`);
    }
  };

  const node = compile(root, new Map());
  return { run: node.run, type: node.type, slots: nextSlot };
}
