import { importGeneratedCounty } from '../ingest/testing/importGeneratedCounty.ts';
import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import { testContext } from '../http/testing/buildTestApp.ts';
import type { RuleSubject } from './evaluate/ruleSubject.ts';
import { registeredSubjects } from './householdSubject.ts';
import { compareEngines, type Disagreement } from './testing/referenceEvaluation.ts';
import { compareBatchWithExplain } from './testing/batchAgreement.ts';

// Generated households; some have no local hukou booklet (non-local residents), so more are
// generated than the 10,000 registered households the test needs.
const HOUSEHOLDS = 11_000;
const asOf = '2026-11-01';

/**
 * The differential test (issue 5): a generated county (over 10,000 registered households) goes through the
 * department feeds into the database, and every expression of every policy is evaluated on
 * every household by the compiled engine and by @bufbuild/cel, the reference; then every
 * policy result of the batch path (columns and kernels) is compared with the explain path's.
 * All three must agree everywhere, on the data as SQLite and as PostgreSQL return it.
 */
describeEachDatabase('explain path, batch path and @bufbuild/cel', (getDb) => {
  let dir: string;
  beforeAll(async () => {
    dir = await importGeneratedCounty(getDb(), {
      households: HOUSEHOLDS,
      seed: 21,
      referenceDate: asOf,
      detail: 'snapshot',
      portraits: false,
    });
  }, 900_000);
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('agrees on every expression and every policy result for every household', async () => {
    const context = testContext(getDb());
    const pool = context.rules.pool;
    const households = await getDb()
      .db.selectFrom('hukou_households')
      .select(['id', 'area_code'])
      .orderBy('id')
      .execute();
    expect(households.length).toBeGreaterThanOrEqual(10_000);
    let evaluations = 0;
    let policyRuns = 0;
    let householdPolicyPairs = 0;
    const disagreements: Disagreement[] = [];
    const all: RuleSubject[] = [];
    for (let i = 0; i < households.length; i += 500) {
      const subjects = await registeredSubjects(context, households.slice(i, i + 500), asOf);
      for (const subject of subjects.values()) {
        const compared = compareEngines(pool, subject);
        evaluations += compared.evaluations;
        policyRuns += compared.policyRuns;
        householdPolicyPairs += pool.policies.length;
        disagreements.push(...compared.disagreements.slice(0, 5));
        all.push(subject);
      }
    }
    const batch = compareBatchWithExplain(pool, all);
    const { outcomes } = batch;
    console.log(
      `differential (${getDb().dialect}): ${String(households.length)} households × ${String(pool.policies.length)} policies, ` +
        `${String(policyRuns)} policy runs (person policies once per member), ${String(evaluations)} expressions compared, ` +
        `${String(disagreements.length)} disagreements; batch path against explain path: ${String(batch.compared)} policy results, ` +
        `${String(batch.disagreements.length)} disagreements, ${String(batch.rowWise.length)} expressions row by row, ` +
        `${String(batch.deceasedRows)} recently deceased members; outcomes ${JSON.stringify(outcomes)}`,
    );
    expect(householdPolicyPairs).toBeGreaterThanOrEqual(10_000 * 153);
    expect(disagreements.slice(0, 10)).toEqual([]);
    expect(batch.disagreements).toEqual([]);
    expect(batch.compared).toBe(policyRuns);
    // Members who died recently are there, for the funeral policies, on both paths.
    expect(batch.deceasedRows).toBeGreaterThan(0);
    // A pool that decides nothing would agree trivially: every outcome must occur.
    expect(outcomes.eligible).toBeGreaterThan(0);
    expect(outcomes.ineligible).toBeGreaterThan(0);
    expect(outcomes.unknown).toBeGreaterThan(0);
  }, 900_000);
});
