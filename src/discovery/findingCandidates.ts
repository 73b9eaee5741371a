import { ERR, type Value } from '../rules/compile/compileCel.ts';
import { appliesIn, personsFor, subjectSlots, type RulePool } from '../rules/evaluate/explainPolicies.ts';
import type { RuleSubject } from '../rules/evaluate/ruleSubject.ts';
import type { PolicyDefinition } from '../rules/policies/policyDefinition.ts';
import { policyById } from '../rules/policies/policyById.ts';

const asNumber = (v: Value): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;

/**
 * Could this policy call for a finding for the subject whose slots these are? Decided with the
 * compiled closures alone, no explanation: all criteria hold and it is not received (a gap);
 * one fails and it is received (a review); every failed criterion a comparison within the margin
 * of its line (a watch). When in doubt — exceptions, values that are not numbers — it says yes:
 * the explain path decides, so a candidate too many costs an explanation, never a finding.
 */
function mayCallForFinding(policy: PolicyDefinition, slots: Value[], watchMargin: number): boolean {
  if (policy.exceptions.length > 0) return true;
  let failed = false;
  let unknown = false;
  let nearEveryLine = true;
  for (const criterion of policy.criteria) {
    const result = criterion.test.run(slots);
    if (result === true) continue;
    // An unknown criterion: the policy is unknown (not a finding) or ineligible (another failed).
    if (result !== false) {
      unknown = true;
      nearEveryLine = false;
      continue;
    }
    failed = true;
    if (!nearEveryLine) continue;
    const comparison = criterion.comparison;
    if (!comparison) {
      nearEveryLine = false;
      continue;
    }
    const left = asNumber(comparison.left.run(slots));
    const right = asNumber(comparison.right.run(slots));
    if (left === undefined || right === undefined) continue; // undecided here: keep it
    if (right === 0 || Math.abs(Math.round((left - right) * 100) / 100) > watchMargin * Math.abs(right))
      nearEveryLine = false;
  }
  const received = policy.enrolment ? policy.enrolment.run(slots) === true : false;
  // Eligible: a gap unless received. Unknown (nothing failed, something undecided): no finding.
  if (!failed) return !unknown && !received;
  return received || nearEveryLine;
}

/**
 * The policies of a pool worth explaining for a household in a screening run: those that may
 * call for a finding (see `mayCallForFinding`) for the household or any member, and the
 * phase-out policy of each (a review needs it). The rest — most of the pool for most
 * households — are ineligible by a clear margin, unknown, or received as they should be; the
 * explain path for a few policies costs a fraction of the whole pool's.
 */
export function findingCandidates(
  pool: RulePool,
  subject: RuleSubject,
  watchMargin: number,
): { policyIds: Set<string>; evaluated: number } {
  const { slots, memberValues, deceasedValues } = subjectSlots(pool, subject);
  const out = new Set<string>();
  let evaluated = 0;
  for (const policy of pool.policies) {
    if (!appliesIn(policy, subject.region)) continue;
    if (policy.entity === 'household') {
      slots[1] = ERR;
      evaluated++;
      if (mayCallForFinding(policy, slots, watchMargin)) out.add(policy.id);
      continue;
    }
    const values = policy.persons === 'deceased' ? deceasedValues : memberValues;
    const persons = personsFor(policy, subject);
    for (let i = 0; i < persons.length; i++) {
      slots[1] = values[i] ?? ERR;
      evaluated++;
      if (mayCallForFinding(policy, slots, watchMargin)) {
        out.add(policy.id);
        break;
      }
    }
  }
  slots[1] = ERR;
  for (const id of [...out]) {
    const phaseOut = policyById(pool, id)?.phaseOut;
    if (phaseOut) out.add(phaseOut);
  }
  return { policyIds: out, evaluated };
}
