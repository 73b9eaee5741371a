import type { FindingKind } from '../db/schema.ts';
import { policyById } from '../rules/policies/policyById.ts';
import type {
  Explanation,
  InputUsed,
  ParameterUsed,
  PolicyResult,
  RulePool,
} from '../rules/evaluate/explainPolicies.ts';

/**
 * The warnings that fire for one household (or the discovery models that list it): every rule
 * whose criteria all hold (its "eligible"), for the household or a member, with the explanation
 * of why.
 */
export function conditionFindings(explanation: Explanation, kind: 'warning' | 'model'): DesiredFinding[] {
  return explanation.results
    .filter((r) => r.outcome === 'eligible')
    .map((result) => ({
      policyId: result.policyId,
      subject: result.subject,
      kind,
      amount: null,
      amountPeriod: null,
      explanation: explanationOf(explanation, result),
    }));
}

/** What a finding keeps of the explanation: the result and exactly the inputs and parameters it cites. */
export interface FindingExplanation {
  result: PolicyResult;
  inputs: Record<string, InputUsed>;
  parameters: Record<string, ParameterUsed>;
}

/** A finding a screening wants to exist now, for one household. */
export interface DesiredFinding {
  policyId: string;
  /** 'household' or the member's person id. */
  subject: string;
  kind: FindingKind;
  amount: number | null;
  amountPeriod: string | null;
  explanation: FindingExplanation;
}

export interface FindingOptions {
  /** A watch finding: every failed numeric test within this share of its line (0.1 = 10 %). */
  watchMargin: number;
}

/** The part of an explanation one result needs, so a stored finding explains itself. */
export function explanationOf(explanation: Explanation, result: PolicyResult): FindingExplanation {
  const own = explanation.inputs.persons[result.subject] ?? {};
  const inputs: Record<string, InputUsed> = {};
  const parameters: Record<string, ParameterUsed> = {};
  for (const criterion of result.criteria) {
    for (const ref of criterion.inputs) {
      const input = own[ref] ?? explanation.inputs.household[ref];
      if (input) inputs[ref] = input;
    }
    for (const name of criterion.parameters) {
      const parameter = explanation.parameters[name];
      if (parameter) parameters[name] = parameter;
    }
  }
  return { result, inputs, parameters };
}

/** Not eligible only because of numeric tests each within the margin of its line. */
function nearTheLine(result: PolicyResult, margin: number): boolean {
  let failed = 0;
  for (const c of result.criteria) {
    if (c.state === 'unknown') return false;
    if (c.state !== 'no') continue;
    failed++;
    const d = c.distance;
    if (!d || d.right === 0) return false;
    if (Math.abs(d.difference) > margin * Math.abs(d.right)) return false;
  }
  return failed > 0;
}

/**
 * The finding one pool result calls for, or null — the rule `desiredFindings` applies to an
 * explanation and a screening run to its decisions (decideFindings.ts). `nearTheLine` and
 * `phaseOutHolds` are asked only when the answer hangs on them.
 */
export function poolFindingKind(
  outcome: PolicyResult['outcome'],
  receiving: boolean | null,
  nearTheLine: () => boolean,
  phaseOutHolds: () => boolean,
): FindingKind | null {
  if (outcome === 'eligible') return receiving === true ? null : 'gap';
  if (outcome !== 'ineligible') return null;
  if (receiving === true) return phaseOutHolds() ? null : 'review';
  return nearTheLine() ? 'watch' : null;
}

/**
 * The findings one household's explanation calls for ("policy finds people"):
 * - **gap**: eligible and not receiving it (no enrolment evidence says so);
 * - **review**: receiving it and no longer eligible — unless the policy's phase-out policy
 *   (e.g. dibao → dibao_phase_out) holds for the same subject: the benefit continues by law;
 * - **watch**: neither receiving nor eligible, failing only numeric tests each within the margin
 *   of its line (a household just above the dibao standard).
 * Unknown results are not findings: what is missing is shown on the match page instead.
 */
export function desiredFindings(
  pool: RulePool,
  explanation: Explanation,
  options: FindingOptions,
): DesiredFinding[] {
  const eligible = new Set(
    explanation.results.filter((r) => r.outcome === 'eligible').map((r) => `${r.policyId}|${r.subject}`),
  );
  const out: DesiredFinding[] = [];
  for (const result of explanation.results) {
    const kind = poolFindingKind(
      result.outcome,
      result.receiving,
      () => nearTheLine(result, options.watchMargin),
      () => {
        const phaseOut = policyById(pool, result.policyId)?.phaseOut;
        return phaseOut !== undefined && eligible.has(`${phaseOut}|${result.subject}`);
      },
    );
    if (!kind) continue;
    out.push({
      policyId: result.policyId,
      subject: result.subject,
      kind,
      amount: result.amount?.value ?? null,
      amountPeriod: result.amount?.period ?? null,
      explanation: explanationOf(explanation, result),
    });
  }
  return out;
}
