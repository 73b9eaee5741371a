import { ERR, relate, type Value } from '../rules/compile/compileCel.ts';
import {
  appliesIn,
  outcomeWithExceptions,
  policiesIn,
  slotsOf,
  type PolicyResultOutcome,
  type RulePool,
} from '../rules/evaluate/explainPolicies.ts';
import type { SubjectValues } from '../rules/evaluate/ruleSubject.ts';
import type { PolicyDefinition } from '../rules/policies/policyDefinition.ts';
import { policyById } from '../rules/policies/policyById.ts';
import type { FindingKind } from '../db/schema.ts';
import { poolFindingKind, type DesiredFinding } from './findingRules.ts';

/** What a rule set is for a run: the pool's gaps, reviews and watches, or a warning or model list. */
export type RuleSetKind = 'pool' | 'warning' | 'model';

/** A finding as decided, before (and usually without) its explanation. */
export type DecidedFinding = Omit<DesiredFinding, 'explanation'>;

const numeric = (v: Value): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;

/** One (policy, subject) pair as the explain path would conclude it, with the compiled closures alone. */
interface Decision {
  outcome: PolicyResultOutcome;
  receiving: boolean | null;
  amount: number | null;
  /** Ineligible only because of numeric tests each within the margin of its line. */
  nearTheLine: boolean;
}

/**
 * The explain path's conclusion (explainPolicies.ts `explainOne`, findingRules.ts `nearTheLine`)
 * for a policy: each criterion's three-valued state (a comparison through
 * its two sides, as there), the outcome, the amount of an eligible result to the fen (an
 * amount that cannot be computed makes it an error), the enrolment evidence, and whether every
 * failed criterion is a comparison within the margin of its line.
 */
function decide(policy: PolicyDefinition, slots: Value[], watchMargin: number): Decision {
  let no = false;
  let open = false;
  let failed = 0;
  let near = true;
  for (const criterion of policy.criteria) {
    // Failed, and not only near a line: ineligible and no watch whatever the rest says.
    if (no && !near) break;
    const comparison = criterion.comparison;
    let result: Value;
    let l: Value = ERR;
    let r: Value = ERR;
    if (comparison) {
      l = comparison.left.run(slots);
      r = comparison.right.run(slots);
      result = relate(comparison.operator, l, r);
    } else result = criterion.test.run(slots);
    if (result === true) continue;
    if (result !== false) {
      open = true;
      near = false;
      continue;
    }
    no = true;
    failed++;
    if (!near) continue;
    const left = comparison ? numeric(l) : undefined;
    const right = comparison ? numeric(r) : undefined;
    if (left === undefined || right === undefined || right === 0) near = false;
    else if (Math.abs(Math.round((left - right) * 100) / 100) > watchMargin * Math.abs(right)) near = false;
  }
  const enrolment = policy.enrolment?.run(slots);
  const receiving = policy.enrolment ? (typeof enrolment === 'boolean' ? enrolment : null) : null;
  // A criterion failed and the rest were not looked at: ineligible whatever they say, as when
  // all are evaluated; exceptions then weigh as in the explanation.
  let outcome: PolicyResultOutcome = outcomeWithExceptions(
    policy,
    slots,
    no ? 'ineligible' : open ? 'unknown' : 'eligible',
  );
  let amount: number | null = null;
  if (outcome === 'eligible' && policy.amount) {
    const value = numeric(policy.amount.formula.run(slots));
    if (value !== undefined && Number.isFinite(value)) amount = Math.round(value * 100) / 100;
    else outcome = 'error';
  }
  return { outcome, receiving, amount, nearTheLine: near && failed > 0 };
}

/**
 * The finding a decision calls for: `poolFindingKind` for the pool (as `desiredFindings` for an
 * explanation), eligible for warnings and models (as `conditionFindings`), or null.
 */
function kindOf(
  pool: RulePool,
  policy: PolicyDefinition,
  set: RuleSetKind,
  region: string,
  slots: Value[],
  d: Decision,
  watchMargin: number,
): FindingKind | null {
  if (set !== 'pool') return d.outcome === 'eligible' ? set : null;
  return poolFindingKind(
    d.outcome,
    d.receiving,
    () => d.nearTheLine,
    () => {
      const phaseOut = policy.phaseOut ? policyById(pool, policy.phaseOut) : undefined;
      return (
        phaseOut !== undefined &&
        appliesIn(phaseOut, region) &&
        decide(phaseOut, slots, watchMargin).outcome === 'eligible'
      );
    },
  );
}

function finding(
  policy: PolicyDefinition,
  subject: string,
  kind: FindingKind,
  set: RuleSetKind,
  amount: number | null,
): DecidedFinding {
  const value = set === 'pool' ? amount : null;
  return {
    policyId: policy.id,
    subject,
    kind,
    amount: value,
    amountPeriod: value !== null ? (policy.amount?.period ?? null) : null,
  };
}

/**
 * The findings one household calls for in a rule set, decided with the compiled closures and
 * without explaining anything: the same (policy, subject, kind, amount) as explaining the set
 * and reading the explanation (findingRules.ts `desiredFindings` for the pool, `conditionFindings`
 * for warnings and models — decideFindings.test.ts holds them equal). A run explains only the
 * findings it writes (new, changed, reappeared); most of a daily run's findings are none of
 * those.
 */
export function decideFindings(
  pool: RulePool,
  subject: SubjectValues,
  set: RuleSetKind,
  watchMargin: number,
): { findings: DecidedFinding[]; evaluated: number } {
  const { region } = subject;
  const { policies, paramTree } = policiesIn(pool, region, subject.asOf);
  const slots = slotsOf(subject, paramTree);
  const findings: DecidedFinding[] = [];
  let evaluated = 0;
  for (const policy of policies) {
    if (policy.entity === 'household') {
      slots[1] = ERR;
      evaluated++;
      const d = decide(policy, slots, watchMargin);
      const kind = kindOf(pool, policy, set, region, slots, d, watchMargin);
      if (kind) findings.push(finding(policy, 'household', kind, set, d.amount));
      continue;
    }
    const deceased = policy.persons === 'deceased';
    const values = deceased ? subject.deceased : subject.members;
    const ids = deceased ? subject.deceasedIds : subject.memberIds;
    for (let i = 0; i < values.length; i++) {
      slots[1] = values[i] ?? ERR;
      evaluated++;
      const d = decide(policy, slots, watchMargin);
      const kind = kindOf(pool, policy, set, region, slots, d, watchMargin);
      if (kind) findings.push(finding(policy, ids[i] ?? '', kind, set, d.amount));
    }
  }
  return { findings, evaluated };
}
