import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../db/testing/eachDatabase.ts';
import { testContext } from '../http/testing/buildTestApp.ts';
import { importGeneratedCounty } from '../ingest/testing/importGeneratedCounty.ts';
import { registeredSubjects } from '../rules/householdSubject.ts';
import { explainSubject, type RulePool } from '../rules/evaluate/explainPolicies.ts';
import type { RuleSubject } from '../rules/evaluate/ruleSubject.ts';
import { conditionFindings, desiredFindings } from './findingRules.ts';
import { findingCandidates } from './findingCandidates.ts';

const asOf = '2026-11-01';
const watchMargin = 0.1;

/**
 * A screening run explains only the policies that may call for a finding. It must find exactly
 * what explaining the whole pool finds — same findings, same stored explanations — for every
 * household of a generated county, for the pool, the warnings and the models.
 */
describe('finding candidates', () => {
  let test: TestDatabase & { dispose(): Promise<void> };
  let dir: string;
  let subjects: RuleSubject[];
  beforeAll(async () => {
    test = await openTestDatabase('sqlite');
    dir = await importGeneratedCounty(test, { households: 700, seed: 9, referenceDate: asOf });
    const households = await test.db.selectFrom('hukou_households').select(['id', 'area_code']).execute();
    subjects = [...(await registeredSubjects(testContext(test), households, asOf)).values()];
  }, 180_000);
  afterAll(async () => {
    await test.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const compare = (pool: RulePool, findings: (e: ReturnType<typeof explainSubject>) => unknown[]) => {
    let explained = 0;
    let found = 0;
    for (const subject of subjects) {
      const all = findings(explainSubject(pool, subject));
      const { policyIds } = findingCandidates(pool, subject, watchMargin);
      explained += policyIds.size;
      found += all.length;
      expect(JSON.stringify(findings(explainSubject(pool, subject, policyIds)))).toBe(JSON.stringify(all));
    }
    return { explained: explained / subjects.length, found };
  };

  it('find in the pool exactly what the whole pool finds, explaining a fraction of it', () => {
    const { rules } = testContext(test);
    const pool = rules.pool;
    const { explained, found } = compare(pool, (e) => desiredFindings(pool, e, { watchMargin }));
    expect(found).toBeGreaterThan(subjects.length);
    // Gaps, reviews and watches are a handful of the pool's 150-odd policies a household.
    expect(explained).toBeLessThan(pool.policies.length / 4);
  });

  it('find the same warnings and model lists', () => {
    const { warnings, models } = testContext(test);
    const w = compare(warnings.pool, (e) => conditionFindings(e, 'warning'));
    const m = compare(models.pool, (e) => conditionFindings(e, 'model'));
    expect(w.found).toBeGreaterThan(0);
    expect(m.found).toBeGreaterThan(0);
  });
});
