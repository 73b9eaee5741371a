import type { parse } from '@bufbuild/cel';
import { compileCel, ERR, type Compiled, type Value } from '../../src/rules/compile/compileCel.ts';
import type { RulePool } from '../../src/rules/evaluate/explainPolicies.ts';
import { subjectSlots } from '../../src/rules/evaluate/explainPolicies.ts';
import type { RuleSubject } from '../../src/rules/evaluate/ruleSubject.ts';
import { selectChain } from '../../src/rules/ruleReferences.ts';
import { ruleCompileScope } from '../../src/rules/policies/buildPolicy.ts';
import type { PolicyDefinition } from '../../src/rules/policies/policyDefinition.ts';

type Expr = ReturnType<typeof parse>['expr'];

/** json-rules-engine's condition shape (the same tree is printed as a ZEN expression). */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { fact: string; operator: string; value: unknown };

export interface FlatPolicy {
  id: string;
  entity: 'household' | 'person';
  /** All the policy's criteria. */
  conditions: { all: Condition[] };
  /** The same, in ZEN's expression language, each leaf guarded against missing facts. */
  zen: string;
  /** Facts the conditions read: a row is "decided" for the policy when all are present. */
  facts: Set<string>;
}

/** A subexpression the peers cannot express (functions, comprehensions, has, arithmetic): computed beforehand. */
interface Derived {
  name: string;
  run: Compiled;
}

const OPERATORS: Record<string, { jre: string; zen: string; flipped: string }> = {
  '_<_': { jre: 'lessThan', zen: '<', flipped: '_>_' },
  '_<=_': { jre: 'lessThanInclusive', zen: '<=', flipped: '_>=_' },
  '_>_': { jre: 'greaterThan', zen: '>', flipped: '_<_' },
  '_>=_': { jre: 'greaterThanInclusive', zen: '>=', flipped: '_<=_' },
  '_==_': { jre: 'equal', zen: '==', flipped: '_==_' },
  '_!=_': { jre: 'notEqual', zen: '!=', flipped: '_!=_' },
};

/**
 * The pool's criteria for the peers (bench only). Each criterion's boolean structure (&&, ||, !)
 * and its comparisons of fields, parameters and constants become json-rules-engine conditions
 * and ZEN expressions; every other subexpression (has(), comprehensions over members, date
 * functions, arithmetic, conditionals) becomes a fact our compiled engine computes beforehand —
 * the peers get pre-flattened facts, which favours them. Exceptions, amounts and enrolment are
 * not given to the peers (our timed paths do them too).
 */
export function flattenPool(pool: RulePool): {
  policies: FlatPolicy[];
  facts: (subject: RuleSubject) => { household: Record<string, unknown>; persons: Record<string, unknown>[] };
} {
  const scope = ruleCompileScope(pool.vocabulary, pool.parameters);
  const derived: Derived[] = [];
  const fields = new Set<string>();
  const params = new Set<string>();

  const operand = (expr: Expr | undefined): { fact: string } | { value: Value } => {
    const k = expr?.exprKind;
    if (k?.case === 'constExpr') {
      const c = k.value.constantKind;
      if (c.case === 'int64Value' || c.case === 'uint64Value') return { value: Number(c.value) };
      if (c.case === 'doubleValue' || c.case === 'stringValue' || c.case === 'boolValue')
        return { value: c.value };
    }
    if (k?.case === 'selectExpr' && !k.value.testOnly && expr) {
      const [root, ...chain] = selectChain(expr) ?? [];
      if (root === 'param') {
        const name = `param_${chain.join('_')}`;
        params.add(chain.join('.'));
        return { fact: name };
      }
      if ((root === 'h' || root === 'p') && chain.length === 1) {
        fields.add(`${root}.${k.value.field}`);
        return { fact: `${root}_${k.value.field}` };
      }
    }
    if (!expr) throw new Error('empty expression');
    const name = `d${String(derived.length)}`;
    derived.push({ name, run: compileCel(expr, scope).run });
    return { fact: name };
  };

  const translate = (expr: Expr | undefined): Condition => {
    const k = expr?.exprKind;
    if (k?.case === 'callExpr' && !k.value.target) {
      const [a, b] = k.value.args;
      const fn = k.value.function;
      if (fn === '_&&_') return { all: [translate(a), translate(b)] };
      if (fn === '_||_') return { any: [translate(a), translate(b)] };
      if (fn === '!_') return { not: translate(a) };
      const relation = OPERATORS[fn];
      // The peers order numbers only: an ordering of dates or codes (text) is a fact our engine
      // computes for them, like any subexpression they cannot express.
      const ordersText =
        relation !== undefined &&
        fn !== '_==_' &&
        fn !== '_!=_' &&
        [a, b].some((e) => e !== undefined && compileCel(e, scope).type === 'string');
      if (relation && !ordersText) {
        const left = operand(a);
        const right = operand(b);
        if ('fact' in left)
          return {
            fact: left.fact,
            operator: relation.jre,
            value: 'fact' in right ? { fact: right.fact } : right.value,
          };
        if ('fact' in right)
          return { fact: right.fact, operator: OPERATORS[relation.flipped]?.jre ?? '', value: left.value };
      }
      if (fn === '@in') {
        const list = b?.exprKind.case === 'listExpr' ? b.exprKind.value.elements.map(operand) : null;
        const needle = operand(a);
        if (list?.every((e) => 'value' in e) && 'fact' in needle)
          return {
            fact: needle.fact,
            operator: 'in',
            value: list.map((e) => ('value' in e ? e.value : null)),
          };
        if ('value' in needle) {
          const haystack = operand(b);
          if ('fact' in haystack) return { fact: haystack.fact, operator: 'contains', value: needle.value };
        }
      }
    }
    const single = operand(expr);
    if ('fact' in single) return { fact: single.fact, operator: 'equal', value: true };
    throw new Error('a constant criterion (the pool refuses those at load)');
  };

  const zenOf = (c: Condition): string => {
    if ('all' in c) return `(${c.all.map(zenOf).join(' and ')})`;
    if ('any' in c) return `(${c.any.map(zenOf).join(' or ')})`;
    if ('not' in c) return `not(${zenOf(c.not)})`;
    const guard = [c.fact];
    const value = c.value;
    let right: string;
    if (typeof value === 'object' && value !== null && 'fact' in value) {
      right = String(value.fact);
      guard.push(right);
    } else right = JSON.stringify(value);
    const present = guard.map((f) => `${f} != null`).join(' and ');
    const op =
      c.operator === 'in'
        ? `${c.fact} in ${right}`
        : c.operator === 'contains'
          ? `contains(${c.fact}, ${right})`
          : `${c.fact} ${Object.values(OPERATORS).find((o) => o.jre === c.operator)?.zen ?? '=='} ${right}`;
    return `(${present} and ${op})`;
  };

  const factsOf = (c: Condition, into: Set<string>) => {
    if ('all' in c) for (const x of c.all) factsOf(x, into);
    else if ('any' in c) for (const x of c.any) factsOf(x, into);
    else if ('not' in c) factsOf(c.not, into);
    else {
      into.add(c.fact);
      if (typeof c.value === 'object' && c.value !== null && 'fact' in c.value)
        into.add(String(c.value.fact));
    }
  };

  const policies = pool.policies.map((policy: PolicyDefinition): FlatPolicy => {
    const conditions = { all: policy.criteria.map((c) => translate(c.test.tree)) };
    const facts = new Set<string>();
    factsOf(conditions, facts);
    return { id: policy.id, entity: policy.entity, conditions, zen: zenOf(conditions), facts };
  });
  const personal = new Set(
    derived
      .filter((d) => policies.some((p) => p.entity === 'person' && p.facts.has(d.name)))
      .map((d) => d.name),
  );

  // Missing, maps and non-finite numbers (ZEN cannot take NaN) are left out: the row is then undecided for both peers.
  const plain = (v: Value): unknown =>
    v === ERR || v instanceof Map || (typeof v === 'number' && !Number.isFinite(v)) ? undefined : v;
  const facts = (subject: RuleSubject) => {
    const { slots, memberValues } = subjectSlots(pool, subject);
    const household: Record<string, unknown> = {};
    const h = slots[0] as ReadonlyMap<string, Value>;
    for (const f of fields)
      if (f.startsWith('h.')) household[`h_${f.slice(2)}`] = plain(h.get(f.slice(2)) ?? ERR);
    for (const name of params) {
      let v: Value = slots[3] ?? ERR;
      for (const key of name.split('.'))
        v = v instanceof Map ? ((v as ReadonlyMap<string, Value>).get(key) ?? ERR) : ERR;
      household[`param_${name.replaceAll('.', '_')}`] = plain(v);
    }
    slots[1] = ERR;
    // Household policies see `p` as missing; person policies recompute what reads it, per member.
    for (const d of derived) household[d.name] = plain(d.run(slots));
    const persons = memberValues.map((m) => {
      slots[1] = m;
      const person: Record<string, unknown> = { ...household };
      const values = m as ReadonlyMap<string, Value>;
      for (const f of fields)
        if (f.startsWith('p.')) person[`p_${f.slice(2)}`] = plain(values.get(f.slice(2)) ?? ERR);
      for (const d of derived) if (personal.has(d.name)) person[d.name] = plain(d.run(slots));
      return person;
    });
    return { household, persons };
  };
  return { policies, facts };
}
