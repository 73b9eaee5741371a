import { beforeAll, expect, it } from 'vitest';
import { testFieldCipher } from '../core/fieldCipher.ts';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import { systemScope } from '../access/scope/dataScope.ts';
import { makeResidentId } from '../registry/residentId/index.ts';
import { createPerson } from '../registry/persons/personService.ts';
import { createHukouHousehold } from '../registry/households/hukouHouseholdService.ts';
import { recordFacts } from '../registry/facts/factService.ts';
import { insertTestAreas, testAreas } from '../registry/testing/insertTestAreas.ts';
import { loadVariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import { loadPortraitDefinitions } from './portraitDefinitions.ts';
import { refreshPortraits, type PortraitContext } from './refreshPortraits.ts';
import { storedTags, storedValues } from './portraitRepository.ts';
import { mergePersons } from '../registry/merges/personMergeService.ts';

const cipher = testFieldCipher();
const catalogue = loadVariableCatalogue();
const definitions = loadPortraitDefinitions(catalogue);
const asOf = '2026-11-01';

describeEachDatabase('portrait refresh', (getDb) => {
  const ids: Record<string, string> = {};
  const households: Record<string, string> = {};
  const context = (): PortraitContext => ({
    db: getDb().db,
    definitions,
    catalogue,
    authority: () => undefined,
  });
  const fact = (personId: string, variable: string, value: unknown, observedAt = '2026-10-01') =>
    recordFacts(getDb().db, catalogue, systemScope, [
      {
        subjectType: 'person',
        subjectId: personId,
        variable,
        value,
        source: 'human_resources',
        observedAt,
        validFrom: observedAt,
      },
    ]);

  beforeAll(async () => {
    const { db } = getDb();
    await insertTestAreas(db);
    const people: [string, string, number][] = [
      ['widow', '1940-03-01', 12],
      ['father', '1985-01-01', 21],
      ['mother', '1987-06-01', 32],
      ['son', '2016-09-01', 41],
      ['drifter', '1990-02-02', 51],
    ];
    for (const [key, birth, seq] of people) {
      const person = await createPerson(
        db,
        cipher,
        {
          idNumber: makeResidentId('371082', birth, seq),
          name: `画${key}`,
          residenceAreaCode: testAreas.village,
        },
        systemScope,
      );
      ids[key] = person.id;
    }
    const id = (k: string) => ids[k] ?? '';
    households.alone = (
      await createHukouHousehold(
        db,
        {
          hukouNumber: '371082101201901',
          areaCode: testAreas.village,
          members: [{ personId: id('widow'), relationship: '02' }],
        },
        systemScope,
      )
    ).id;
    households.family = (
      await createHukouHousehold(
        db,
        {
          hukouNumber: '371082101201902',
          areaCode: testAreas.village,
          members: [
            { personId: id('father'), relationship: '02' },
            { personId: id('mother'), relationship: '10' },
            { personId: id('son'), relationship: '20' },
          ],
        },
        systemScope,
      )
    ).id;
    await fact(id('father'), 'employment_status', 'registered_unemployed');
    await fact(id('father'), 'monthly_income', 0);
    await fact(id('mother'), 'monthly_income', 1800);
    await fact(id('son'), 'student_stage', 'primary');
  });

  const tagsOf = async (type: 'person' | 'hukou_household', id: string | undefined) =>
    Object.fromEntries((await storedTags(getDb().db, type, id ?? '')).map((t) => [t.tag, t.state]));

  it('computes every household and person on the first (full) pass', async () => {
    const outcome = await refreshPortraits(context(), { asOf });
    expect(outcome).toMatchObject({ mode: 'full', households: 2, persons: 5 });
    expect(await tagsOf('hukou_household', households.alone)).toMatchObject({ elderly_living_alone: 'yes' });
    const family = await tagsOf('hukou_household', households.family);
    expect(family).toMatchObject({ zero_employment_household: 'yes' });
    expect(family.elderly_living_alone).toBeUndefined();
    expect(await tagsOf('person', ids.father)).toMatchObject({
      able_bodied_unemployed: 'yes',
      registered_unemployed: 'yes',
    });
    expect(await tagsOf('person', ids.son)).toMatchObject({ pupil: 'yes', minor: 'yes' });
    // The drifter belongs to no household: a person portrait only, income unknown (not zero).
    const drifter = await storedValues(getDb().db, 'person', ids.drifter ?? '');
    expect(drifter).toMatchObject({ age: 36, working_age: true, income_monthly: null });
    expect(await storedValues(getDb().db, 'hukou_household', households.family ?? '')).toMatchObject({
      member_count: 3,
      monthly_income_total: 1800,
      monthly_income_per_capita: 600,
      pupils: 1,
    });
  });

  it('recomputes nothing when nothing changed', async () => {
    expect(await refreshPortraits(context(), { asOf })).toMatchObject({
      mode: 'incremental',
      households: 0,
      persons: 0,
    });
  });

  it('a changed fact re-evaluates only the households of the persons it concerns', async () => {
    await fact(ids.father ?? '', 'employment_status', 'employed', '2026-10-20');
    const outcome = await refreshPortraits(context(), { asOf });
    expect(outcome).toMatchObject({ mode: 'incremental', households: 1, persons: 3 });
    const family = await tagsOf('hukou_household', households.family);
    expect(family.zero_employment_household).toBeUndefined();
    expect(await tagsOf('person', ids.father)).not.toHaveProperty('registered_unemployed');
    expect(await tagsOf('hukou_household', households.alone)).toMatchObject({ elderly_living_alone: 'yes' });
  });

  it('a merge recomputes the survivor’s household and drops the merged record’s own portrait', async () => {
    const { db } = getDb();
    await mergePersons(
      db,
      cipher,
      {
        survivorId: ids.father ?? '',
        duplicateId: ids.drifter ?? '',
        reason: '同一人',
        confirmDifferentIds: true,
      },
      'tester',
      systemScope,
    );
    const outcome = await refreshPortraits(context(), { asOf });
    expect(outcome).toMatchObject({ mode: 'incremental', households: 1 });
    expect(await storedValues(db, 'person', ids.drifter ?? '')).toEqual({});
    expect(await storedValues(db, 'person', ids.father ?? '')).toMatchObject({ age: 41 });
  });

  it('a completed roster import (which rebuilds assistance households) makes the next pass a full one', async () => {
    const { db } = getDb();
    const rosterContext = { ...context(), rebuildingFeeds: ['civil_affairs_assistance_roster'] };
    expect(await refreshPortraits(rosterContext, { asOf })).toMatchObject({ mode: 'incremental' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const at = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await db
      .insertInto('imports')
      .values({
        id: '00000000-0000-4000-8000-000000000001',
        feed_id: 'civil_affairs_assistance_roster',
        file_name: 'roster.csv',
        file_sha256: 'x',
        file_bytes: 1,
        status: 'completed',
        received: 0,
        accepted: 0,
        rejected: 0,
        duplicate: 0,
        held_for_review: 0,
        persons_created: 0,
        facts_recorded: 0,
        checkpoint_line: 0,
        worker: 'test',
        error_code: null,
        error_message: null,
        started_by: 'test',
        started_at: at,
        updated_at: at,
        finished_at: at,
      })
      .execute();
    expect(await refreshPortraits(rosterContext, { asOf })).toMatchObject({ mode: 'full' });
    expect(await refreshPortraits(rosterContext, { asOf })).toMatchObject({ mode: 'incremental' });
  });

  it('recomputes everything when the date moves on (ages and windows move with it)', async () => {
    const outcome = await refreshPortraits(context(), { asOf: '2026-11-02' });
    // The merged record is no person of its own any more.
    expect(outcome).toMatchObject({ mode: 'full', households: 2, persons: 4 });
  });
});
