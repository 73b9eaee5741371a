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
// `departed`: a household's members who died (the portrait's household expressions; no policy reads it).
export const TOP_LEVEL = ['h', 'p', 'members', 'param', 'as_of', 'region', 'departed'] as const;
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

/** The helpers generated code calls; passed in, so the code sees nothing else of this module. */
const HELPERS = {
  ERR,
  relate,
  equals,
  sizeOf,
  ageOn,
  monthsBetween,
  daysBetween,
  addMonths,
  inList(v: Value, list: Value): Value {
    if (Array.isArray(list)) {
      for (const e of list) if (equals(e, v)) return true;
      return false;
    }
    if (isMap(list) && typeof v === 'string') return list.has(v);
    return ERR;
  },
  index(v: Value, k: Value): Value {
    if (Array.isArray(v) && isNum(k)) return v[k] ?? ERR;
    if (isMap(v) && typeof k === 'string') return v.get(k) ?? ERR;
    return ERR;
  },
  sum(v: Value): Value {
    if (!Array.isArray(v)) return ERR;
    let total = 0;
    for (const e of v) {
      if (!isNum(e)) return ERR;
      total += e;
    }
    return total;
  },
};
const HELPER_NAMES = Object.keys(HELPERS).join(', ');

interface Local {
  /** The JS variable holding it in the generated code. */
  name: string;
  /** What the variable ranges over, for field types: a member of `members`, or anything. */
  kind: 'member' | 'other';
  type: StaticType;
}

/** A node as JS expression text; `constant` when the whole subtree is a literal. */
interface Node {
  code: string;
  type: StaticType;
  constant?: { value: Value };
}

/** A literal as JS text (strings through JSON, which is valid JS for every string). */
function literal(value: number | string | boolean): string {
  if (typeof value === 'number') return `(${String(value)})`;
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * Compiles a parsed CEL expression into a JS function over slots — the explain path's engine (the
 * batch path's kernels fold constants and fall back row-wise with it). It writes the expression
 * as JS text and has V8 compile it once: a tree of closures called through megamorphic sites
 * cost about a microsecond per expression, which made explaining a six-member household cost
 * more than the 1 ms the product promises. Only the CEL the pool uses is supported; anything else
 * throws UnsupportedCel at load, so the engines can never disagree on a construct one of them
 * does not know. Every operation keeps CEL's error propagation (ERR) and three-valued `&&`/`||`.
 */
export function compileCel(root: Expr, scope: CompileScope): { run: Compiled; type: StaticType } {
  let counter = 0;
  const temps: string[] = [];
  const functions: string[] = [];
  const constants: Value[] = [];
  const temp = (): string => {
    const name = `t${String(counter++)}`;
    temps.push(name);
    return name;
  };
  const constant = (value: Value): string => {
    constants.push(value);
    return `K[${String(constants.length - 1)}]`;
  };
  /** f(l, r) of two operands, an error on either side being the result (CEL's strict functions). */
  const strict2 = (x: Node, y: Node, f: (l: string, r: string) => string, type: StaticType): Node => {
    const l = temp();
    const r = temp();
    return {
      code: `(${l} = ${x.code}, ${l} === ERR ? ERR : (${r} = ${y.code}, ${r} === ERR ? ERR : ${f(l, r)}))`,
      type,
    };
  };
  const strict1 = (x: Node | undefined, f: (v: string) => string, type: StaticType): Node => {
    if (!x) throw new UnsupportedCel('missing operand');
    const v = temp();
    return { code: `(${v} = ${x.code}, ${v} === ERR ? ERR : ${f(v)})`, type };
  };

  const compile = (expr: Expr | undefined, locals: Map<string, Local>): Node => {
    if (!expr) throw new UnsupportedCel('empty expression');
    const kind = expr.exprKind;
    switch (kind.case) {
      case 'constExpr': {
        const c = kind.value.constantKind;
        switch (c.case) {
          case 'boolValue':
            return { code: literal(c.value), type: 'bool', constant: { value: c.value } };
          case 'int64Value':
          case 'uint64Value': {
            const n = Number(c.value);
            return { code: literal(n), type: 'int', constant: { value: n } };
          }
          case 'doubleValue':
            return { code: literal(c.value), type: 'double', constant: { value: c.value } };
          case 'stringValue':
            return { code: literal(c.value), type: 'string', constant: { value: c.value } };
          default:
            throw new UnsupportedCel(`constant ${String(c.case)}`);
        }
      }
      case 'identExpr': {
        const name = kind.value.name;
        const local = locals.get(name);
        if (local) return { code: local.name, type: local.type };
        const top = (TOP_LEVEL as readonly string[]).indexOf(name);
        if (top === -1) throw new UnsupportedCel(`unknown name ${name}`);
        const type: StaticType =
          name === 'members' || name === 'departed'
            ? 'list'
            : name === 'as_of' || name === 'region'
              ? 'string'
              : 'map';
        return { code: `(s[${String(top)}] ?? ERR)`, type };
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
        const v = temp();
        const key = literal(field);
        if (testOnly)
          return {
            code: `(${v} = ${target.code}, ${v} instanceof Map ? ${v}.has(${key}) : ERR)`,
            type: 'bool',
          };
        return {
          code: `(${v} = ${target.code}, ${v} instanceof Map ? (${v}.get(${key}) ?? ERR) : ERR)`,
          type,
        };
      }
      case 'listExpr': {
        const elements = kind.value.elements.map((e) => compile(e, locals));
        // A literal list is built once, not on every evaluation (`x in ['a', 'b']` is common).
        if (elements.every((e) => e.constant)) {
          const value = elements.map((e) => (e.constant as { value: Value }).value);
          return { code: constant(value), type: 'list', constant: { value } };
        }
        const names = elements.map(() => temp());
        let code = `[${names.join(', ')}]`;
        for (let i = elements.length - 1; i >= 0; i--) {
          const name = names[i] as string;
          code = `(${name} = ${(elements[i] as Node).code}, ${name} === ERR ? ERR : ${code})`;
        }
        return { code, type: 'list' };
      }
      case 'callExpr':
        return call(kind.value.function, kind.value.target, kind.value.args, locals);
      case 'comprehensionExpr': {
        const c = kind.value;
        if (c.iterVar2) throw new UnsupportedCel('two-variable comprehension');
        const range = compile(c.iterRange, locals);
        const overMembers =
          c.iterRange?.exprKind.case === 'identExpr' &&
          (c.iterRange.exprKind.value.name === 'members' || c.iterRange.exprKind.value.name === 'departed') &&
          !locals.has(c.iterRange.exprKind.value.name);
        const init = compile(c.accuInit, locals);
        const iter = temp();
        const accu = temp();
        const list = temp();
        const inner = new Map(locals);
        inner.set(c.iterVar, {
          name: iter,
          kind: overMembers ? 'member' : 'other',
          type: overMembers ? 'map' : 'dyn',
        });
        inner.set(c.accuVar, { name: accu, kind: 'other', type: init.type });
        const condition = compile(c.loopCondition, inner);
        const step = compile(c.loopStep, inner);
        const result = compile(c.result, inner);
        // A function of its own (loops are statements); its variables live in the outer scope,
        // so nested comprehensions and the temporaries of its parts see them.
        const fn = `c${String(counter++)}`;
        functions.push(
          `const ${fn} = () => { ${list} = ${range.code}; if (!Array.isArray(${list})) return ERR; ` +
            `${accu} = ${init.code}; for (const item of ${list}) { if (${condition.code} === false) break; ` +
            `${iter} = item; ${accu} = ${step.code}; } return ${result.code}; };`,
        );
        return { code: `${fn}()`, type: result.type };
      }
      default:
        throw new UnsupportedCel(String(kind.case));
    }
  };

  const call = (fn: string, target: Expr | undefined, argExprs: Expr[], locals: Map<string, Local>): Node => {
    const args = argExprs.map((a) => compile(a, locals));
    const [a, b, c] = args;
    const types = args.map((x) => x.type);
    const two = (): [Node, Node] => {
      if (!a || !b) throw new UnsupportedCel('missing operand');
      return [a, b];
    };
    const bothInt = types[0] === 'int' && types[1] === 'int';
    const numbers = (l: string, r: string) => `typeof ${l} === 'number' && typeof ${r} === 'number'`;
    const arithmetic = (operator: string, type: StaticType) =>
      strict2(...two(), (l, r) => `(${numbers(l, r)} ? ${l} ${operator} ${r} : ERR)`, type);
    const order = (operator: '<' | '<=' | '>' | '>=') =>
      strict2(
        ...two(),
        (l, r) => `(${numbers(l, r)} ? ${l} ${operator} ${r} : relate(${literal(operator)}, ${l}, ${r}))`,
        'bool',
      );
    const equality = (negate: boolean) =>
      strict2(
        ...two(),
        (l, r) => `(${negate ? '!' : ''}(typeof ${l} === 'object' ? equals(${l}, ${r}) : ${l} === ${r}))`,
        'bool',
      );
    const dates = (helper: string) =>
      strict2(
        ...two(),
        (l, r) => `(typeof ${l} === 'string' && typeof ${r} === 'string' ? ${helper}(${l}, ${r}) : ERR)`,
        'int',
      );
    if (target) {
      const self = compile(target, locals);
      if (fn === 'size' && args.length === 0) return strict1(self, (v) => `sizeOf(${v})`, 'int');
      if ((fn === 'startsWith' || fn === 'endsWith' || fn === 'contains') && a && args.length === 1) {
        const method = fn === 'contains' ? 'includes' : fn;
        return strict2(
          self,
          a,
          (v, w) => `(typeof ${v} === 'string' && typeof ${w} === 'string' ? ${v}.${method}(${w}) : ERR)`,
          'bool',
        );
      }
      throw new UnsupportedCel(`method ${fn}`);
    }
    switch (fn) {
      case '_&&_':
      case '_||_': {
        // Three-valued: the deciding value wins over an error on the other side.
        const [x, y] = two();
        const l = temp();
        const r = temp();
        const decides = fn === '_&&_' ? 'false' : 'true';
        const other = fn === '_&&_' ? 'true' : 'false';
        return {
          code:
            `(${l} = ${x.code}, ${l} === ${decides} ? ${decides} : (${r} = ${y.code}, ${r} === ${decides} ? ${decides} : ` +
            `(${l} === ${other} && ${r} === ${other} ? ${other} : ERR)))`,
          type: 'bool',
        };
      }
      case '!_':
        return strict1(a, (v) => `(typeof ${v} === 'boolean' ? !${v} : ERR)`, 'bool');
      case '@not_strictly_false':
        if (!a) throw new UnsupportedCel('missing operand');
        return { code: `(${a.code} !== false)`, type: 'bool' };
      case '_?_:_': {
        if (!a || !b || !c) throw new UnsupportedCel('missing operand');
        const v = temp();
        return {
          code: `(${v} = ${a.code}, ${v} === true ? ${b.code} : ${v} === false ? ${c.code} : ERR)`,
          type: types[1] === types[2] ? (types[1] ?? 'dyn') : 'dyn',
        };
      }
      case '_+_':
        if (types[0] === 'list' || types[1] === 'list')
          return strict2(
            ...two(),
            (l, r) => `(Array.isArray(${l}) && Array.isArray(${r}) ? [...${l}, ...${r}] : ERR)`,
            'list',
          );
        if (types[0] === 'string' && types[1] === 'string')
          return strict2(
            ...two(),
            (l, r) => `(typeof ${l} === 'string' && typeof ${r} === 'string' ? ${l} + ${r} : ERR)`,
            'string',
          );
        return arithmetic('+', bothInt ? 'int' : 'double');
      case '_-_':
        return arithmetic('-', bothInt ? 'int' : 'double');
      case '_*_':
        return arithmetic('*', bothInt ? 'int' : 'double');
      case '_/_':
        return bothInt
          ? strict2(
              ...two(),
              (l, r) => `(${numbers(l, r)} ? (${r} === 0 ? ERR : Math.trunc(${l} / ${r})) : ERR)`,
              'int',
            )
          : arithmetic('/', 'double');
      case '_%_':
        return bothInt
          ? strict2(...two(), (l, r) => `(${numbers(l, r)} ? (${r} === 0 ? ERR : ${l} % ${r}) : ERR)`, 'int')
          : arithmetic('%', 'double');
      case '-_':
        return strict1(a, (v) => `(typeof ${v} === 'number' ? -${v} : ERR)`, types[0] ?? 'dyn');
      case '_<_':
        return order('<');
      case '_<=_':
        return order('<=');
      case '_>_':
        return order('>');
      case '_>=_':
        return order('>=');
      case '_==_':
        return equality(false);
      case '_!=_':
        return equality(true);
      case '@in':
        return strict2(...two(), (v, list) => `inList(${v}, ${list})`, 'bool');
      case '_[_]':
        return strict2(...two(), (v, k) => `index(${v}, ${k})`, 'dyn');
      case 'size':
        return strict1(a, (v) => `sizeOf(${v})`, 'int');
      case 'double':
        return strict1(a, (v) => `(typeof ${v} === 'number' ? ${v} : ERR)`, 'double');
      case 'int':
        return strict1(a, (v) => `(typeof ${v} === 'number' ? Math.trunc(${v}) : ERR)`, 'int');
      case 'sum':
        return strict1(a, (v) => `sum(${v})`, 'double');
      case 'age_at':
      case 'years_between':
        return dates('ageOn');
      case 'months_between':
        return dates('monthsBetween');
      case 'days_between':
        return dates('daysBetween');
      case 'add_months':
        return strict2(
          ...two(),
          (d, n) => `(typeof ${d} === 'string' && typeof ${n} === 'number' ? addMonths(${d}, ${n}) : ERR)`,
          'string',
        );
      default:
        throw new UnsupportedCel(`function ${fn}`);
    }
  };

  const node = compile(root, new Map());
  const body =
    `'use strict'; const { ${HELPER_NAMES} } = H;\n` +
    `return (s) => {\n` +
    (temps.length > 0 ? `let ${temps.join(', ')};\n` : '') +
    functions.join('\n') +
    `\nreturn ${node.code};\n};`;
  // The text is ours (compiled from a parse tree; literals through JSON), never a user's string.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const make = new Function('H', 'K', body) as (helpers: typeof HELPERS, constants: Value[]) => Compiled;
  return { run: make(HELPERS, constants), type: node.type };
}
