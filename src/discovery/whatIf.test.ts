import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../db/testing/eachDatabase.ts';
import { testContext } from '../http/testing/buildTestApp.ts';
import { importGeneratedCounty } from '../ingest/testing/importGeneratedCounty.ts';
import { registeredSubjects } from '../rules/householdSubject.ts';
import { explainSubject } from '../rules/evaluate/explainPolicies.ts';
import type { RuleSubject } from '../rules/evaluate/ruleSubject.ts';
import { buildSnapshot, poolFields } from '../rules/batch/populationSnapshot.ts';
import { overlayParameters, type ParameterChange } from '../rules/parameters/overlayParameters.ts';
import { addHousehold } from './simulation.ts';
import { emptyTotals, type ScenarioTotals } from '../rules/batch/scenarioTotals.ts';
import { policiesReading, simulateSnapshot, townshipsOf } from '../rules/batch/simulateSnapshot.ts';
import { ScreeningWorkers } from '../rules/batch/screeningWorkers.ts';

const asOf = '2026-11-01';

/** Totals in a comparable form: money to the cent (sums run in another order on each path). */
function comparable(t: ScenarioTotals) {
  const cents = (n: number) => Math.round(n * 100);
  const map = (m: Map<string, { gainers: number; losers: number; annualChange: number }>) =>
    Object.fromEntries(
      [...m]
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(([k, v]) => [k, { ...v, annualChange: cents(v.annualChange) }]),
    );
  return {
    gainers: t.gainers,
    losers: t.losers,
    householdsGaining: t.householdsGaining,
    householdsLosing: t.householdsLosing,
    monthlyChange: cents(t.monthlyChange),
    annualChange: cents(t.annualChange),
    byTownship: map(t.byTownship),
    byPolicy: map(t.byPolicy),
  };
}

/**
 * The batch what-if against the explain path's, household by household (`addHousehold`), on
 * a generated county and scenarios that move money, eligibility both ways, a yes/no rule and a
 * national amount — the counts must be equal and the money equal to the cent.
 */
describe('what-if on the batch path', () => {
  let test: TestDatabase & { dispose(): Promise<void> };
  let dir: string;
  let subjects: RuleSubject[];
  let townships: string[];
  beforeAll(async () => {
    test = await openTestDatabase('sqlite');
    dir = await importGeneratedCounty(test, {
      households: 800,
      seed: 5,
      referenceDate: asOf,
      detail: 'snapshot',
    });
    const households = await test.db.selectFrom('hukou_households').select(['id', 'area_code']).execute();
    const loaded = await registeredSubjects(testContext(test), households, asOf);
    subjects = households.flatMap((h) => {
      const s = loaded.get(h.id);
      return s ? [s] : [];
    });
    townships = households.filter((h) => loaded.has(h.id)).map((h) => `${h.area_code.slice(0, 9)}000`);
  }, 180_000);
  afterAll(async () => {
    await test.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const scenarios: Record<string, ParameterChange[]> = {
    'dibao standard +30 %': [{ name: 'dibao.standard', region: '371082', from: '2026-10-01', value: 1339 }],
    'dibao standard −30 %': [{ name: 'dibao.standard', region: '371082', from: '2026-10-01', value: 721 }],
    'living subsidy extended to near-dibao': [
      {
        name: 'disability_subsidy.living_includes_near_dibao',
        region: '371082',
        from: '2026-01-01',
        value: true,
      },
    ],
    'two changes at once, one national': [
      { name: 'dibao.standard', region: '371082', from: '2026-10-01', value: 1100 },
      { name: 'disability_subsidy.care_grade1', region: 'CN', from: '2026-01-01', value: 300 },
    ],
  };

  it.each(Object.entries(scenarios))('agrees with the explain path: %s', (_, changes) => {
    const pool = testContext(test).rules.pool;
    const parameters = overlayParameters(pool.parameters, changes);
    const scenarioPool = { ...pool, parameters };
    const reference = emptyTotals();
    subjects.forEach((subject, i) => {
      addHousehold(
        reference,
        townships[i] ?? '',
        explainSubject(pool, subject).results,
        explainSubject(scenarioPool, subject).results,
      );
    });
    const names = changes.map((c) => c.name);
    const snapshot = buildSnapshot(subjects, poolFields(policiesReading(pool, names)));
    const batch = emptyTotals();
    simulateSnapshot(pool, parameters, names, snapshot, townshipsOf(townships), batch);
    expect(reference.gainers + reference.losers + Math.abs(reference.annualChange)).toBeGreaterThan(0);
    expect(comparable(batch)).toEqual(comparable(reference));
  });

  it('gives the same totals split between worker threads as on one thread', async () => {
    const pool = testContext(test).rules.pool;
    const changes = scenarios['two changes at once, one national'] ?? [];
    const names = changes.map((c) => c.name);
    const snapshot = buildSnapshot(subjects, poolFields(policiesReading(pool, names)));
    const one = emptyTotals();
    simulateSnapshot(
      pool,
      overlayParameters(pool.parameters, changes),
      names,
      snapshot,
      townshipsOf(townships),
      one,
    );
    const workers = await ScreeningWorkers.start(pool, { threads: 2 });
    try {
      const split = await workers.simulate(snapshot, changes, townshipsOf(townships));
      expect(one.gainers + one.losers).toBeGreaterThan(0);
      expect(comparable(split)).toEqual(comparable(one));
    } finally {
      await workers.close();
    }
  }, 60_000);

  it('runs only the policies that read a changed parameter', () => {
    const pool = testContext(test).rules.pool;
    const affected = policiesReading(pool, ['dibao.standard']).policies.map((p) => p.id);
    expect(affected).toContain('dibao');
    expect(affected.length).toBeLessThan(pool.policies.length / 2);
    expect(policiesReading(pool, []).policies).toEqual([]);
  });
});
