import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../db/testing/eachDatabase.ts';
import { testContext } from '../http/testing/buildTestApp.ts';
import { importGeneratedCounty } from '../ingest/testing/importGeneratedCounty.ts';
import { discoveryModel } from '../assessment/assessmentModels.ts';
import { screenedHouseholds, type ScreenedHousehold } from '../rules/householdSubject.ts';
import { explainSubject, subjectValues, type RulePool } from '../rules/evaluate/explainPolicies.ts';
import { conditionFindings, desiredFindings, type DesiredFinding } from './findingRules.ts';
import { decideFindings, type RuleSetKind } from './decideFindings.ts';

const asOf = '2026-11-01';
const watchMargin = 0.1;

/**
 * A screening run decides findings with the compiled closures and explains only those it
 * writes. The decisions must be exactly what explaining the whole set finds — the same policy,
 * subject, kind and amount, in the same order — for every household of a generated county, for
 * the pool, the warnings and the models; and the explanation of a subset of the pool must be
 * the one the whole pool gives.
 */
describe('decided findings', () => {
  let test: TestDatabase & { dispose(): Promise<void> };
  let dir: string;
  let households: ScreenedHousehold[];
  beforeAll(async () => {
    test = await openTestDatabase('sqlite');
    dir = await importGeneratedCounty(test, { households: 700, seed: 9, referenceDate: asOf });
    const rows = await test.db.selectFrom('hukou_households').select(['id', 'area_code']).execute();
    // With the discovery assessment model, as a run reads them: the hardship fields set in both.
    const context = testContext(test);
    const hardship = discoveryModel(await context.assessment.active());
    households = [...(await screenedHouseholds(context, rows, asOf, { hardship })).values()];
  }, 180_000);
  afterAll(async () => {
    await test.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const key = (f: Omit<DesiredFinding, 'explanation'>) =>
    [f.policyId, f.subject, f.kind, String(f.amount), String(f.amountPeriod)].join('|');

  const compare = (
    pool: RulePool,
    set: RuleSetKind,
    all: (e: ReturnType<typeof explainSubject>) => DesiredFinding[],
  ) => {
    const kinds = new Map<string, number>();
    for (const household of households) {
      const subject = household.subject();
      const whole = all(explainSubject(pool, subject));
      // Decided on the values a run reads (taken from the compiled portrait), explained on the subject.
      const { findings } = decideFindings(pool, household.values(), set, watchMargin);
      expect(findings.map(key).sort()).toEqual(whole.map(key).sort());
      // A finding written is explained with its policy (and phase-out) alone, as a run does
      // (screenChunk.ts explainChanges): the same explanation as the whole set gives.
      for (const f of whole) {
        const phaseOut = pool.policies.find((p) => p.id === f.policyId)?.phaseOut;
        const alone = all(
          explainSubject(pool, subject, new Set(phaseOut ? [f.policyId, phaseOut] : [f.policyId])),
        );
        expect(JSON.stringify(alone.find((a) => key(a) === key(f))?.explanation)).toBe(
          JSON.stringify(f.explanation),
        );
      }
      for (const f of whole) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
    }
    return { kinds };
  };

  it('read the values a run decides on exactly as the subject holds them', () => {
    let members = 0;
    for (const household of households) {
      // The subject first, its maps converted on their own: a subject built after the values
      // is handed them for explaining (useValues), and would be compared with itself.
      const expected = subjectValues(household.subject());
      const values = household.values();
      expect(values).toEqual(expected);
      members += values.members.length;
    }
    expect(members).toBeGreaterThan(households.length);
  });

  it('decide in the pool exactly the gaps, reviews and watches its explanation calls for', () => {
    const { rules } = testContext(test);
    const pool = rules.pool;
    const { kinds } = compare(pool, 'pool', (e) => desiredFindings(pool, e, { watchMargin }));
    expect(kinds.get('gap')).toBeGreaterThan(households.length);
    expect(kinds.get('watch')).toBeGreaterThan(0);
    expect(kinds.get('review')).toBeGreaterThan(0);
  });

  it('decide the same warnings and model lists', () => {
    const { warnings, models } = testContext(test);
    expect(
      compare(warnings.pool, 'warning', (e) => conditionFindings(e, 'warning')).kinds.get('warning'),
    ).toBeGreaterThan(0);
    expect(
      compare(models.pool, 'model', (e) => conditionFindings(e, 'model')).kinds.get('model'),
    ).toBeGreaterThan(0);
  });
});
