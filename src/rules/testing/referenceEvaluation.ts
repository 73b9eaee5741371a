import { celList, celMap, isCelError, type CelMap } from '@bufbuild/cel';
import { ERR, type Value } from '../compile/compileCel.ts';
import { toValue } from '../compile/toValue.ts';
import type { CelInputValue } from '../../portrait/portraitBindings.ts';
import { personsFor, subjectSlots, type RulePool } from '../evaluate/explainPolicies.ts';
import type { RuleSubject } from '../evaluate/ruleSubject.ts';
import type { CompiledExpr, PolicyDefinition } from '../policies/policyDefinition.ts';

const celTrees = new WeakMap<object, CelMap>();

/** The parameter tree as @bufbuild/cel wants it: CEL maps, integer parameters as CEL ints; once per tree. */
function celParams(pool: RulePool, region: string, asOf: string): CelMap {
  const tree = pool.parameters.treeAt(region, asOf);
  const cached = celTrees.get(tree);
  if (cached) return cached;
  const convert = (node: Record<string, unknown>, prefix: string): CelMap =>
    celMap(
      new Map(
        Object.entries(node).map(([key, value]): [string, CelInputValue] => {
          const name = prefix ? `${prefix}.${key}` : key;
          if (typeof value === 'object' && value !== null)
            return [key, convert(value as Record<string, unknown>, name)];
          const type = pool.parameters.get(name)?.type;
          return [
            key,
            (type === 'integer' && typeof value === 'number' ? BigInt(value) : value) as CelInputValue,
          ];
        }),
      ),
    );
  const map = convert(tree, '');
  celTrees.set(tree, map);
  return map;
}

/** A household as @bufbuild/cel's bindings (add `p` per member for person policies). */
export function referenceBindings(
  pool: RulePool,
  subject: RuleSubject,
): { base: Record<string, unknown>; memberMaps: CelMap[]; deceasedMaps: CelMap[] } {
  const memberMaps = subject.members.map((m) => celMap(m.values));
  const deceasedMaps = (subject.deceased ?? []).map((m) => celMap(m.values));
  return {
    base: {
      h: celMap(subject.household),
      members: celList(memberMaps),
      param: celParams(pool, subject.region, subject.asOf),
      as_of: subject.asOf,
      region: subject.region,
    },
    memberMaps,
    deceasedMaps,
  };
}

/** A CEL result in the compiled engine's terms: errors as ERR, ints as numbers. */
function normalise(result: unknown): Value {
  if (isCelError(result) || result instanceof Error) return ERR;
  return toValue(result);
}

function same(a: Value, b: Value): boolean {
  if (typeof a === 'number' && typeof b === 'number')
    return (
      a === b || (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a))
    );
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => same(x, b[i] as Value));
  return a === b;
}

export interface Disagreement {
  policy: string;
  expression: string;
  subject: string;
  compiled: string;
  reference: string;
}

/**
 * Evaluates every expression of every policy (criteria, the two sides of each comparison,
 * exceptions, amount, enrolment) on one household with both engines — the compiled closures the
 * explain path runs, and @bufbuild/cel — and returns where they differ (none, in a sound pool).
 */
export function compareEngines(
  pool: RulePool,
  subject: RuleSubject,
): { evaluations: number; policyRuns: number; disagreements: Disagreement[] } {
  const { slots, memberValues, deceasedValues } = subjectSlots(pool, subject);
  const { base, memberMaps, deceasedMaps } = referenceBindings(pool, subject);
  const disagreements: Disagreement[] = [];
  let evaluations = 0;
  let policyRuns = 0;
  const check = (
    policy: PolicyDefinition,
    label: string,
    expr: CompiledExpr,
    bindings: Record<string, unknown>,
    who: string,
  ) => {
    evaluations++;
    const compiled = expr.run(slots);
    const reference = normalise(expr.evaluate(bindings));
    if (!same(compiled, reference))
      disagreements.push({
        policy: policy.id,
        expression: expr.source ? `${label}: ${expr.source}` : label,
        subject: who,
        compiled:
          compiled === ERR ? 'error' : JSON.stringify(compiled instanceof Map ? [...compiled] : compiled),
        reference:
          reference === ERR ? 'error' : JSON.stringify(reference instanceof Map ? [...reference] : reference),
      });
  };
  const runPolicy = (policy: PolicyDefinition, bindings: Record<string, unknown>, who: string) => {
    policyRuns++;
    for (const c of policy.criteria) {
      check(policy, c.name, c.test, bindings, who);
      if (c.comparison) {
        check(policy, `${c.name}.left`, c.comparison.left, bindings, who);
        check(policy, `${c.name}.right`, c.comparison.right, bindings, who);
      }
    }
    for (const e of policy.exceptions) check(policy, e.name, e.when, bindings, who);
    if (policy.amount) check(policy, 'amount', policy.amount.formula, bindings, who);
    if (policy.enrolment) check(policy, 'enrolment', policy.enrolment, bindings, who);
  };
  for (const policy of pool.policies) {
    if (policy.entity === 'household') {
      slots[1] = ERR;
      runPolicy(policy, base, 'household');
    } else {
      const deceased = policy.persons === 'deceased';
      personsFor(policy, subject).forEach((member, i) => {
        slots[1] = (deceased ? deceasedValues : memberValues)[i] ?? ERR;
        runPolicy(policy, { ...base, p: (deceased ? deceasedMaps : memberMaps)[i] }, member.id);
      });
    }
  }
  return { evaluations, policyRuns, disagreements };
}
