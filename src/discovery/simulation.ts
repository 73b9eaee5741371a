import type { PolicyResult } from '../rules/evaluate/explainPolicies.ts';
import type { ScenarioTotals } from '../rules/batch/scenarioTotals.ts';

/** A year's worth of a result's amount (monthly × 12, yearly once, one-off once); 0 when not eligible. */
function annual(r: PolicyResult | undefined): number {
  if (r?.outcome !== 'eligible' || !r.amount) return 0;
  return r.amount.period === 'monthly' ? r.amount.value * 12 : r.amount.value;
}

function monthly(r: PolicyResult | undefined): number {
  return r?.outcome === 'eligible' && r.amount?.period === 'monthly' ? r.amount.value : 0;
}

/**
 * Adds one household's comparison to a scenario's totals: every (policy, subject) whose
 * eligibility differs between today's parameters and the scenario's, and the money it moves.
 */
export function addHousehold(
  totals: ScenarioTotals,
  township: string,
  base: PolicyResult[],
  scenario: PolicyResult[],
): void {
  const key = (r: PolicyResult) => `${r.policyId}|${r.subject}`;
  const before = new Map(base.map((r) => [key(r), r]));
  let gained = false;
  let lost = false;
  const area = totals.byTownship.get(township) ?? { gainers: 0, losers: 0, annualChange: 0 };
  for (const after of scenario) {
    const was = before.get(key(after));
    const eligibleBefore = was?.outcome === 'eligible';
    const eligibleAfter = after.outcome === 'eligible';
    const change = annual(after) - annual(was);
    const policy = totals.byPolicy.get(after.policyId) ?? { gainers: 0, losers: 0, annualChange: 0 };
    if (eligibleAfter && !eligibleBefore) {
      totals.gainers++;
      policy.gainers++;
      area.gainers++;
      gained = true;
    } else if (eligibleBefore && !eligibleAfter) {
      totals.losers++;
      policy.losers++;
      area.losers++;
      lost = true;
    }
    if (change !== 0 || eligibleAfter !== eligibleBefore) {
      totals.monthlyChange += monthly(after) - monthly(was);
      totals.annualChange += change;
      policy.annualChange += change;
      area.annualChange += change;
      totals.byPolicy.set(after.policyId, policy);
    }
  }
  if (gained) totals.householdsGaining++;
  if (lost) totals.householdsLosing++;
  if (area.gainers + area.losers > 0 || area.annualChange !== 0) totals.byTownship.set(township, area);
}
