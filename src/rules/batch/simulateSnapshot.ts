import type { RulePool } from '../evaluate/explainPolicies.ts';
import type { ParameterSet } from '../parameters/parameterSet.ts';
import { policyExpressions } from '../policies/policyDefinition.ts';
import type { PopulationSnapshot } from './populationSnapshot.ts';
import { Outcome, planScreening, screenPaired } from './screenPopulation.ts';
import type { ScenarioTotals } from './scenarioTotals.ts';

/**
 * The policies a scenario can change: those with an expression (criterion, exception, amount,
 * enrolment) that reads one of the changed parameters. Every other policy gives the same result
 * under both parameter sets, so a what-if need not run it.
 */
export function policiesReading(pool: RulePool, parameterNames: readonly string[]): RulePool {
  const names = new Set(parameterNames);
  return {
    ...pool,
    policies: pool.policies.filter((p) =>
      policyExpressions(p).some((e) => e.parameters.some((n) => names.has(n))),
    ),
  };
}

/** Each household's township: an index into `names`, in shared memory for worker threads. */
export interface Townships {
  index: Int32Array;
  names: string[];
}

/** Households' townships from their codes, in snapshot order. */
export function townshipsOf(codes: readonly string[]): Townships {
  const names: string[] = [];
  const ids = new Map<string, number>();
  const index = new Int32Array(new SharedArrayBuffer(Math.max(1, codes.length) * 4)).subarray(
    0,
    codes.length,
  );
  codes.forEach((code, h) => {
    let id = ids.get(code);
    if (id === undefined) ids.set(code, (id = names.push(code) - 1));
    index[h] = id;
  });
  return { index, names };
}

/**
 * A what-if on the batch path (issue 6): the policies reading the changed parameters, over
 * households [from, to) of a columnar population, under today's parameters and the scenario's
 * in lockstep — the same counting as `addHousehold` on the explain path (gainers and losers by
 * area and policy, the monthly and annual change of the money the eligible are entitled to),
 * row by row. Ranges are disjoint, so worker threads' totals add up (`mergeTotals`).
 */
export function simulateSnapshot(
  pool: RulePool,
  scenario: ParameterSet,
  changed: readonly string[],
  snapshot: PopulationSnapshot,
  townships: Townships,
  totals: ScenarioTotals,
  range: { from: number; to: number } = { from: 0, to: snapshot.households },
): void {
  const affected = policiesReading(pool, changed);
  if (affected.policies.length === 0 || range.to <= range.from) return;
  const base = planScreening(affected, snapshot);
  const what = planScreening({ ...affected, parameters: scenario }, snapshot);
  const periods = affected.policies.map((p) => p.amount?.period ?? null);
  // Per household of the range (a worker's share, not the whole snapshot).
  const gained = new Uint8Array(range.to - range.from);
  const lost = new Uint8Array(range.to - range.from);
  const areaChanges = new Map<string, { gainers: number; losers: number; annualChange: number }>();
  screenPaired(base, what, range.from, range.to, (before, after) => {
    const policy = affected.policies[before.policy];
    if (!policy) return;
    const period = periods[before.policy] ?? null;
    const rowHousehold =
      before.frame === 'H'
        ? null
        : before.frame === 'P'
          ? snapshot.personHousehold
          : snapshot.deceasedHousehold;
    let tally = totals.byPolicy.get(policy.id);
    for (let i = 0; i < before.outcome.length; i++) {
      const o0 = before.outcome[i] as number;
      const o1 = after.outcome[i] as number;
      if (o0 === Outcome.notApplicable && o1 === Outcome.notApplicable) continue;
      const was = o0 === Outcome.eligible;
      const now = o1 === Outcome.eligible;
      // A year's worth (monthly × 12, yearly or one-off once), and the monthly part, when eligible.
      const v0 = was && period !== null ? (before.amount[i] as number) : 0;
      const v1 = now && period !== null ? (after.amount[i] as number) : 0;
      const change = period === 'monthly' ? (v1 - v0) * 12 : v1 - v0;
      if (!was && !now) continue;
      if (was === now && change === 0) continue;
      const row = before.first + i;
      const h = rowHousehold ? (rowHousehold[row] as number) : row;
      const township = townships.names[townships.index[h] as number] ?? '';
      let area = areaChanges.get(township);
      if (!area) areaChanges.set(township, (area = { gainers: 0, losers: 0, annualChange: 0 }));
      if (!tally) totals.byPolicy.set(policy.id, (tally = { gainers: 0, losers: 0, annualChange: 0 }));
      if (now && !was) {
        totals.gainers++;
        tally.gainers++;
        area.gainers++;
        gained[h - range.from] = 1;
      } else if (was && !now) {
        totals.losers++;
        tally.losers++;
        area.losers++;
        lost[h - range.from] = 1;
      }
      totals.monthlyChange += period === 'monthly' ? v1 - v0 : 0;
      totals.annualChange += change;
      tally.annualChange += change;
      area.annualChange += change;
    }
  });
  for (let i = 0; i < gained.length; i++) {
    totals.householdsGaining += gained[i] as number;
    totals.householdsLosing += lost[i] as number;
  }
  for (const [township, area] of areaChanges) {
    const into = totals.byTownship.get(township) ?? { gainers: 0, losers: 0, annualChange: 0 };
    into.gainers += area.gainers;
    into.losers += area.losers;
    into.annualChange += area.annualChange;
    if (into.gainers + into.losers > 0 || into.annualChange !== 0) totals.byTownship.set(township, into);
  }
}
