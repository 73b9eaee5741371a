import { explainSubject, type PolicyResult, type RulePool } from '../evaluate/explainPolicies.ts';
import type { RuleSubject } from '../evaluate/ruleSubject.ts';
import { buildSnapshot, poolFields } from '../batch/populationSnapshot.ts';
import {
  Outcome,
  Receiving,
  planScreening,
  rowWiseExpressions,
  screenRange,
} from '../batch/screenPopulation.ts';

const outcomeCode: Record<PolicyResult['outcome'], number> = {
  ineligible: Outcome.ineligible,
  eligible: Outcome.eligible,
  unknown: Outcome.unknown,
  error: Outcome.error,
};

export interface BatchAgreement {
  /** Policy results compared (household policies per household, person policies per member). */
  compared: number;
  /** The first differences found, described. */
  disagreements: string[];
  /** Expressions the batch path ran row by row (no kernel). */
  rowWise: string[];
  /** Recently deceased members among the subjects (their policies were compared too). */
  deceasedRows: number;
  /** The explain path's outcomes, counted (a pool that decides nothing agrees trivially). */
  outcomes: Record<PolicyResult['outcome'], number>;
}

/**
 * Runs the batch path (columns, kernels, bitmaps) over the subjects and the explain path on
 * each of them, and compares every policy result: outcome, whether already receiving, amount.
 * The two must be identical (issue 5).
 */
export function compareBatchWithExplain(
  pool: RulePool,
  subjects: readonly RuleSubject[],
  chunkHouseholds = 97,
): BatchAgreement {
  const snapshot = buildSnapshot(subjects, poolFields(pool));
  const plan = planScreening(pool, snapshot);
  const rowsOf = (p: (typeof pool.policies)[number]) =>
    p.entity === 'household' ? 'household' : p.persons === 'deceased' ? 'deceased' : 'person';
  const start = { person: snapshot.memberStart, deceased: snapshot.deceasedStart };
  const results = pool.policies.map((p) => {
    const kind = rowsOf(p);
    const rows =
      kind === 'household'
        ? snapshot.households
        : kind === 'person'
          ? snapshot.persons
          : snapshot.deceasedCount;
    return { outcome: new Uint8Array(rows), receiving: new Uint8Array(rows), amount: new Float64Array(rows) };
  });
  // An odd chunk size, so chunks cut households' members at every offset.
  screenRange(
    plan,
    0,
    snapshot.households,
    (r) => {
      const into = results[r.policy];
      if (!into) return;
      into.outcome.set(r.outcome, r.first);
      into.receiving.set(r.receiving, r.first);
      into.amount.set(r.amount, r.first);
    },
    chunkHouseholds,
  );
  const index = new Map(pool.policies.map((p, i) => [p.id, i]));
  const disagreements: string[] = [];
  const outcomes = { eligible: 0, ineligible: 0, unknown: 0, error: 0 };
  let compared = 0;
  subjects.forEach((subject, h) => {
    const seen = new Map<number, number>();
    for (const expected of explainSubject(pool, subject).results) {
      const i = index.get(expected.policyId) ?? -1;
      const policy = pool.policies[i];
      const batch = results[i];
      if (!policy || !batch) continue;
      const nth = seen.get(i) ?? 0;
      seen.set(i, nth + 1);
      const kind = rowsOf(policy);
      const row = kind === 'household' ? h : (start[kind][h] as number) + nth;
      compared++;
      outcomes[expected.outcome]++;
      const receiving =
        expected.receiving === null ? Receiving.unknown : expected.receiving ? Receiving.yes : Receiving.no;
      const amount = expected.amount?.value ?? 0;
      const got = {
        outcome: batch.outcome[row],
        receiving: batch.receiving[row],
        amount: batch.amount[row],
      };
      if (
        got.outcome !== outcomeCode[expected.outcome] ||
        got.receiving !== receiving ||
        Math.abs((got.amount ?? 0) - amount) > 0.005
      )
        disagreements.push(
          `${policy.id} household ${String(h)} subject ${expected.subject}: explain ${expected.outcome}/${String(expected.receiving)}/${String(amount)}, batch ${String(got.outcome)}/${String(got.receiving)}/${String(got.amount)}`,
        );
    }
    // Policies the explain path skipped (not for the area) must be "not applicable" in the batch.
    pool.policies.forEach((policy, i) => {
      if (seen.has(i)) return;
      const batch = results[i];
      const kind = rowsOf(policy);
      const from = kind === 'household' ? h : (start[kind][h] as number);
      const to = kind === 'household' ? h + 1 : (start[kind][h + 1] as number);
      const rows = Array.from({ length: to - from }, (_, k) => from + k);
      for (const row of rows) {
        compared++;
        if (batch?.outcome[row] !== Outcome.notApplicable)
          disagreements.push(
            `${policy.id} household ${String(h)}: explain skipped it, batch ${String(batch?.outcome[row])}`,
          );
      }
    });
  });
  return {
    compared,
    disagreements: disagreements.slice(0, 20),
    rowWise: rowWiseExpressions(plan),
    outcomes,
    deceasedRows: snapshot.deceasedCount,
  };
}
