import { beforeAll, expect, it } from 'vitest';
import { AppError } from '../../core/appError.ts';
import { testFieldCipher } from '../../core/fieldCipher.ts';
import { describeEachDatabase } from '../../db/testing/eachDatabase.ts';
import { systemScope } from '../../access/scope/dataScope.ts';
import { makeResidentId } from '../residentId/index.ts';
import { createPerson } from '../persons/personService.ts';
import { insertTestAreas, testAreas } from '../testing/insertTestAreas.ts';
import { listHukouHouseholdsWithin, listHukouMembers } from './householdRepository.ts';
import { createHukouHousehold } from './hukouHouseholdService.ts';

const cipher = testFieldCipher();
const { village, otherTownVillage, town, county } = testAreas;

async function refusal(attempt: Promise<unknown>) {
  try {
    await attempt;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return {
      status: error.status,
      code: error.code,
      problems: error.problems.map((p) => `${p.path}:${p.code}`),
      message: error.message,
      reasons: error.problems.map((p) => (typeof p.params?.reason === 'string' ? p.params.reason : '')),
    };
  }
  throw new Error('expected a refusal');
}

describeEachDatabase('hukou households', (getDb) => {
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    const { db } = getDb();
    await insertTestAreas(db);
    const people: [string, string, number][] = [
      ['head', '1960-01-01', 11],
      ['wife', '1962-02-02', 22],
      ['son', '1988-03-03', 31],
      ['grandson', '2015-04-04', 41],
      ['other', '1970-05-05', 51],
    ];
    for (const [key, birth, seq] of people) {
      const person = await createPerson(
        db,
        cipher,
        { idNumber: makeResidentId('371082', birth, seq), name: `户${key}`, residenceAreaCode: village },
        systemScope,
      );
      ids[key] = person.id;
    }
  });
  const id = (key: string) => ids[key] ?? '';

  it('registers a booklet with its members, head first, labels from GB/T 4761-2008', async () => {
    const { db } = getDb();
    const household = await createHukouHousehold(
      db,
      {
        hukouNumber: '371082101201001',
        areaCode: '371082101201',
        address: '东山社区3号',
        members: [
          { personId: id('son'), relationship: '22' },
          { personId: id('head'), relationship: '02' },
          { personId: id('wife'), relationship: '12', joinedOn: '1985-10-01' },
          { personId: id('grandson'), relationship: '41' },
        ],
      },
      systemScope,
    );
    expect(household).toMatchObject({ area_code: village, address: '东山社区3号' });
    const members = await listHukouMembers(db, household.id);
    expect(members.map((m) => [m.name, m.relationship])).toEqual([
      ['户head', '02'],
      ['户wife', '12'],
      ['户son', '22'],
      ['户grandson', '41'],
    ]);
    expect(members[1]).toMatchObject({ joined_on: '1985-10-01', sex: 'female', birth_date: '1962-02-02' });
  });

  it('refuses booklets without exactly one head, with bad codes, repeats or unknown persons (400)', async () => {
    const { db } = getDb();
    const noHead = await refusal(
      createHukouHousehold(
        db,
        {
          hukouNumber: '371082101201002',
          areaCode: village,
          members: [
            { personId: id('other'), relationship: '10' },
            { personId: id('other'), relationship: '98' },
            { personId: '00000000-0000-4000-8000-000000000000', relationship: '20' },
          ],
        },
        systemScope,
      ),
    );
    expect(noHead.status).toBe(400);
    expect(noHead.problems).toEqual([
      'body.members[1].relationship:INVALID_RELATIONSHIP',
      'body.members:HOUSEHOLD_CONFLICT',
      'body.members[1].personId:HOUSEHOLD_CONFLICT',
      'body.members[2].personId:PERSON_NOT_FOUND',
    ]);
    expect(noHead.reasons[1]).toBe('户主（关系代码02）应有且只有1人，实际为0人');
    const twoHeads = await refusal(
      createHukouHousehold(
        db,
        {
          hukouNumber: '371082101201002',
          areaCode: '371082999999',
          members: [
            { personId: id('other'), relationship: '02' },
            { personId: id('wife'), relationship: '02' },
          ],
        },
        systemScope,
      ),
    );
    const empty = await refusal(
      createHukouHousehold(
        db,
        { hukouNumber: '371082101201003', areaCode: village, members: [] },
        systemScope,
      ),
    );
    expect(empty.problems).toEqual(['body.members:HOUSEHOLD_CONFLICT']);
    expect(twoHeads.problems).toContain('body.areaCode:UNKNOWN_AREA');
    expect(twoHeads.reasons).toContain('户主（关系代码02）应有且只有1人，实际为2人');
  });

  it('answers 409 for a taken hukou number and for a person already in a current booklet', async () => {
    const { db } = getDb();
    const taken = await refusal(
      createHukouHousehold(
        db,
        {
          hukouNumber: '371082101201001',
          areaCode: village,
          members: [{ personId: id('other'), relationship: '02' }],
        },
        systemScope,
      ),
    );
    expect(taken).toMatchObject({ status: 409, code: 'HOUSEHOLD_CONFLICT' });
    expect(taken.message).toContain('371082101201001');

    const twice = await refusal(
      createHukouHousehold(
        db,
        {
          hukouNumber: '371082102201001',
          areaCode: otherTownVillage,
          members: [
            { personId: id('other'), relationship: '02' },
            { personId: id('son'), relationship: '70' },
          ],
        },
        systemScope,
      ),
    );
    expect(twice).toMatchObject({ status: 409, code: 'HOUSEHOLD_CONFLICT' });
    expect(twice.problems).toEqual(['body.members[1].personId:HOUSEHOLD_CONFLICT']);
    expect(twice.reasons[0]).toBe('户son已在户号371082101201001的户口中');
  });

  it('lists booklets within an area with member counts and paging', async () => {
    const { db } = getDb();
    await createHukouHousehold(
      db,
      {
        hukouNumber: '371082102201001',
        areaCode: otherTownVillage,
        members: [{ personId: id('other'), relationship: '02' }],
      },
      systemScope,
    );
    const all = await listHukouHouseholdsWithin(db, county, 50, 0, systemScope);
    expect(all.total).toBe(2);
    expect(all.rows.map((r) => [r.hukou_number, r.member_count])).toEqual([
      ['371082101201001', 4],
      ['371082102201001', 1],
    ]);
    const inTown = await listHukouHouseholdsWithin(db, town, 50, 0, systemScope);
    expect(inTown.rows.map((r) => r.hukou_number)).toEqual(['371082101201001']);
    const page = await listHukouHouseholdsWithin(db, county, 1, 1, systemScope);
    expect(page).toMatchObject({ total: 2, rows: [{ hukou_number: '371082102201001' }] });
    const scoped = await listHukouHouseholdsWithin(db, county, 50, 0, { kind: 'within', areaCode: town });
    expect(scoped.total).toBe(1);
  });
});
