import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../db/testing/eachDatabase.ts';
import { testContext } from '../http/testing/buildTestApp.ts';
import { importGeneratedCounty } from '../ingest/testing/importGeneratedCounty.ts';
import { authorityOf } from '../ingest/feeds/loadFeeds.ts';
import { eventVariablesOf } from '../registry/facts/resolveFacts.ts';
import { computePortrait, type HouseholdPortraitInput } from './computePortrait.ts';
import { loadHouseholdInputs } from './portraitRepository.ts';

/**
 * The portrait on the compiled closures against @bufbuild/cel, the reference: every derived
 * value and every tag of every household and member of two generated counties (one on the
 * reference date, with deaths, events and defects; one a year on), and of each member alone.
 */
describe('the compiled portrait', () => {
  let test: TestDatabase & { dispose(): Promise<void> };
  let dir: string;
  const inputs = new Map<string, { input: HouseholdPortraitInput; asOf: string }>();
  beforeAll(async () => {
    test = await openTestDatabase('sqlite');
    dir = await importGeneratedCounty(test, {
      households: 600,
      seed: 21,
      referenceDate: '2026-11-01',
      portraits: false,
    });
    const context = testContext(test);
    const ids = (await test.db.selectFrom('hukou_households').select('id').execute()).map((h) => h.id);
    for (const asOf of ['2026-11-01', '2027-11-01'])
      for (const [id, input] of await loadHouseholdInputs(test.db, ids, asOf, {
        authority: authorityOf(context.feeds),
        isEvent: eventVariablesOf(context.variables),
      }))
        inputs.set(`${id}|${asOf}`, { input, asOf });
  }, 180_000);
  afterAll(async () => {
    await test.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('compiles every definition of the shipped portrait', () => {
    expect(testContext(test).portrait.compiled).toBe(true);
  });

  it('gives every value and tag @bufbuild/cel gives, household by household and person by person', () => {
    const { portrait, variables } = testContext(test);
    let compared = 0;
    let known = 0;
    for (const { input, asOf } of inputs.values()) {
      const compiled = computePortrait(portrait, variables, input, null, asOf);
      const reference = computePortrait(portrait, variables, input, null, asOf, { engine: 'reference' });
      expect(compiled.household).toEqual(reference.household);
      expect([...compiled.persons]).toEqual([...reference.persons]);
      for (const member of input.members) {
        // The compiled engine also hands out the maps it derived in (for screening); the results compared are the rest.
        const alone = computePortrait(portrait, variables, null, member, asOf);
        expect(alone.compiled?.persons.has(member.id)).toBe(true);
        delete alone.compiled;
        expect(alone).toEqual(
          computePortrait(portrait, variables, null, member, asOf, { engine: 'reference' }),
        );
      }
      compared += 1 + input.members.length;
      known += Object.values(reference.household?.values ?? {}).filter((v) => v !== null).length;
    }
    expect(compared).toBeGreaterThan(2000);
    expect(known).toBeGreaterThan(inputs.size * 5);
  });
});
