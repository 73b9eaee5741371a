import { explainSubject, type PolicyResult, type RulePool } from '../evaluate/explainPolicies.ts';
import { subjectFromPlain, type RuleSubject } from '../evaluate/ruleSubject.ts';
import type { PolicyCase, PolicyDefinition } from './policyDefinition.ts';

export interface CaseOutcome {
  pass: boolean;
  result: PolicyResult | undefined;
  /** What differed, in Chinese, for the test report. */
  problem: string | null;
}

/**
 * A case's household: `p` first among the members — or, for a `persons: deceased` policy, as the
 * one deceased member, the others living.
 */
export function caseSubject(pool: RulePool, policy: PolicyDefinition, c: PolicyCase): RuleSubject {
  const p = c.p ? [{ id: 'p', ...c.p }] : [];
  return subjectFromPlain(pool.vocabulary, {
    region: c.region,
    asOf: c.date,
    h: c.h,
    ...(policy.persons === 'deceased'
      ? { members: c.members, deceased: p }
      : { members: [...p, ...c.members] }),
  });
}

/**
 * Runs one YAML case through the explain path. For a person policy the person tested is `p`
 * (put first among the members) or else the first member.
 */
export function runPolicyCase(pool: RulePool, policy: PolicyDefinition, c: PolicyCase): CaseOutcome {
  const subject = caseSubject(pool, policy, c);
  const { results } = explainSubject(pool, subject, new Set([policy.id]));
  const result = policy.entity === 'person' ? results[0] : results.find((r) => r.subject === 'household');
  if (!result) return { pass: false, result, problem: `政策在地区 ${c.region} 不适用（见 regions）` };
  const problems: string[] = [];
  if (result.outcome !== c.expect) {
    const why = result.criteria
      .filter((x) => x.state !== 'yes')
      .map((x) => `${x.name}=${x.state}${x.message ? `（${x.message.zh}）` : ''}`)
      .join('；');
    problems.push(
      `结论应为 ${c.expect}，实际为 ${result.outcome}${result.error ? `：${result.error}` : ''}${why ? `；${why}` : ''}`,
    );
  }
  if (c.amount !== null) {
    const actual = result.amount?.value;
    if (actual === undefined || Math.abs(actual - c.amount) > 0.005)
      problems.push(`金额应为 ${String(c.amount)}，实际为 ${actual === undefined ? '无' : String(actual)}`);
  }
  return { pass: problems.length === 0, result, problem: problems.length > 0 ? problems.join('；') : null };
}
