import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { AppError } from '../../core/appError.ts';
import { testFieldCipher } from '../../core/fieldCipher.ts';
import { describeEachDatabase } from '../../db/testing/eachDatabase.ts';
import { systemScope } from '../../access/scope/dataScope.ts';
import { makeResidentId } from '../residentId/index.ts';
import { isUniqueViolation } from '../isUniqueViolation.ts';
import { insertTestAreas, testAreas } from '../testing/insertTestAreas.ts';
import { toPersonDto } from './personDto.ts';
import { defaultMaskingRules, personMasker } from './personMasking.ts';
import { insertPersonRows, listPersonsWithin } from './personRepository.ts';
import { createPerson, findPersonByIdNumber, requirePerson, updatePerson } from './personService.ts';
import { preparePersonRow } from './preparePersonRow.ts';

const cipher = testFieldCipher();
const { village, neighbourVillage, town, otherTown, otherTownVillage, county } = testAreas;

/** The problems of a refused call, as `path:code`. */
async function refusal(attempt: Promise<unknown>): Promise<{ status: number; problems: string[] }> {
  try {
    await attempt;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { status: error.status, problems: error.problems.map((p) => `${p.path}:${p.code}`) };
  }
  throw new Error('expected a refusal');
}

describeEachDatabase('persons', (getDb) => {
  beforeAll(async () => {
    await insertTestAreas(getDb().db);
  });

  it('derives birth date and sex from the ID number and stores numbers only encrypted', async () => {
    const { db } = getDb();
    const idNumber = makeResidentId('371082', '1968-09-30', 17);
    const row = await createPerson(
      db,
      cipher,
      {
        idNumber,
        name: '孙立平',
        hukouAreaCode: '371082',
        residenceAreaCode: village,
        phone: '13863123456',
      },
      systemScope,
    );
    expect(row).toMatchObject({
      sex: 'male',
      birth_date: '1968-09-30',
      hukou_area_code: county,
      residence_area_code: village,
      id_number_hash: cipher.blindIndex(idNumber),
    });
    expect(cipher.decrypt(row.id_number_enc)).toBe(idNumber);
    const raw = await sql<Record<string, unknown>>`select * from persons where id = ${row.id}`.execute(db);
    expect(JSON.stringify(raw.rows)).not.toContain(idNumber);
    expect(JSON.stringify(raw.rows)).not.toContain('13863123456');
    const dto = toPersonDto(row, personMasker(cipher, defaultMaskingRules));
    expect(Object.keys(dto)).not.toContain('idNumber');
    expect(dto).toMatchObject({
      idNumberMasked: `371082********${idNumber.slice(-4)}`,
      phoneMasked: '138****3456',
    });
  });

  it('upgrades a 15-digit number and finds the person by either form', async () => {
    const { db } = getDb();
    const row = await createPerson(
      db,
      cipher,
      { idNumber: '371082650302041', name: '周桂兰', hukouAreaCode: '110105000000' },
      systemScope,
    );
    // Hukou outside every area we hold is accepted: many residents come from elsewhere.
    expect(row).toMatchObject({ birth_date: '1965-03-02', sex: 'male', hukou_area_code: '110105000000' });
    expect((await findPersonByIdNumber(db, cipher, '371082650302041', systemScope))?.id).toBe(row.id);
    expect((await findPersonByIdNumber(db, cipher, cipher.decrypt(row.id_number_enc), systemScope))?.id).toBe(
      row.id,
    );
    expect(
      await findPersonByIdNumber(db, cipher, makeResidentId('371082', '1965-03-02', 43), systemScope),
    ).toBeUndefined();
  });

  it('refuses a second registration of the same number with 409', async () => {
    const { db } = getDb();
    const idNumber = makeResidentId('371082', '1968-09-30', 17);
    await expect(
      createPerson(db, cipher, { idNumber, name: '另一人', residenceAreaCode: village }, systemScope),
    ).rejects.toMatchObject({ code: 'PERSON_EXISTS', status: 409 });
  });

  it('explains every disagreement and unknown area, field by field', async () => {
    const { db } = getDb();
    const idNumber = makeResidentId('371082', '1990-06-15', 22);
    const result = await refusal(
      createPerson(
        db,
        cipher,
        {
          idNumber,
          name: '吴敏',
          sex: 'male',
          birthDate: '1990-06-16',
          deathDate: '1990-06-14',
          residenceAreaCode: '371082101299',
          phone: '5551234',
        },
        systemScope,
      ),
    );
    expect(result.status).toBe(400);
    expect(result.problems.sort()).toEqual([
      'body.birthDate:INVALID_DATE',
      'body.deathDate:INVALID_PERIOD',
      'body.phone:FIELD_FORMAT',
      'body.residenceAreaCode:UNKNOWN_AREA',
      'body.sex:FIELD_NOT_ALLOWED',
    ]);
    const bad = await refusal(
      createPerson(db, cipher, { idNumber: '371082199006152', name: '吴敏' }, systemScope),
    );
    expect(bad.problems).toEqual(['body.idNumber:INVALID_ID_NUMBER']);
  });

  it('lists persons within an area by residence or by hukou, searching names, with paging', async () => {
    const { db } = getDb();
    const make = (name: string, seq: number, residence: string | null, hukou: string | null) =>
      createPerson(
        db,
        cipher,
        {
          idNumber: makeResidentId('371082', '1980-01-01', seq),
          name,
          residenceAreaCode: residence,
          hukouAreaCode: hukou,
        },
        systemScope,
      );
    await make('陈一', 101, village, village);
    await make('陈二', 103, neighbourVillage, otherTownVillage);
    await make('林三', 105, otherTownVillage, village);
    await make('陈%四', 107, village, '110105000000');
    const list = (areaCode: string, by: 'residence' | 'hukou', name?: string, limit = 50, offset = 0) =>
      listPersonsWithin(db, { scope: systemScope, areaCode, by, name, limit, offset });

    const byResidence = await list(town, 'residence');
    expect(byResidence.rows.map((r) => r.name).sort()).toEqual(['孙立平', '陈%四', '陈一', '陈二'].sort());
    expect(byResidence.total).toBe(4);
    const byHukou = await list(town, 'hukou');
    expect(byHukou.rows.map((r) => r.name).sort()).toEqual(['林三', '陈一'].sort());
    expect((await list(otherTown, 'hukou')).rows.map((r) => r.name)).toEqual(['陈二']);

    const named = await list(county, 'residence', '陈');
    expect(named.total).toBe(3);
    // Wildcards typed into the search box are taken literally, not as patterns.
    expect((await list(county, 'residence', '%')).rows.map((r) => r.name)).toEqual(['陈%四']);
    expect((await list(county, 'residence', '陈_')).total).toBe(0);

    const page1 = await list(county, 'residence', undefined, 2, 0);
    const page2 = await list(county, 'residence', undefined, 2, 2);
    const page3 = await list(county, 'residence', undefined, 2, 4);
    expect(page1.total).toBe(5);
    expect([...page1.rows, ...page2.rows, ...page3.rows].map((r) => r.id)).toHaveLength(5);
    expect(new Set([...page1.rows, ...page2.rows, ...page3.rows].map((r) => r.id)).size).toBe(5);

    // A village worker's scope narrows whatever area they ask for.
    const scoped = await listPersonsWithin(db, {
      scope: { kind: 'only', areaCode: neighbourVillage },
      areaCode: county,
      by: 'residence',
      limit: 50,
      offset: 0,
    });
    expect(scoped.rows.map((r) => r.name)).toEqual(['陈二']);
  });

  it('updates name, residence, phone and death date, checking each', async () => {
    const { db } = getDb();
    const person = await createPerson(
      db,
      cipher,
      { idNumber: makeResidentId('371082', '1940-12-01', 9), name: '郑老汉', residenceAreaCode: village },
      systemScope,
    );
    const updated = await updatePerson(
      db,
      cipher,
      person.id,
      { name: '郑福贵', residenceAreaCode: '371082102201', phone: '0631-7561234', deathDate: '2026-10-01' },
      systemScope,
      '2026-10-02T00:00:00.000Z',
    );
    expect(updated).toMatchObject({
      name: '郑福贵',
      residence_area_code: otherTownVillage,
      death_date: '2026-10-01',
      updated_at: '2026-10-02T00:00:00.000Z',
    });
    expect(cipher.decrypt(updated.phone_enc ?? '')).toBe('0631-7561234');
    const cleared = await updatePerson(db, cipher, person.id, { phone: null, deathDate: null }, systemScope);
    expect(cleared).toMatchObject({ phone_enc: null, death_date: null });
    expect(personMasker(cipher, defaultMaskingRules).phone(updated.phone_enc)).toBe('063*****1234');

    const result = await refusal(
      updatePerson(
        db,
        cipher,
        person.id,
        { deathDate: '1939-01-01', residenceAreaCode: '371082999999', phone: '12' },
        systemScope,
      ),
    );
    expect(result.problems.sort()).toEqual([
      'body.deathDate:INVALID_PERIOD',
      'body.phone:FIELD_FORMAT',
      'body.residenceAreaCode:UNKNOWN_AREA',
    ]);
    expect((await requirePerson(db, person.id, systemScope)).name).toBe('郑福贵');
    await expect(
      updatePerson(db, cipher, '00000000-0000-4000-8000-000000000000', { name: '无' }, systemScope),
    ).rejects.toMatchObject({ code: 'PERSON_NOT_FOUND', status: 404 });
  });

  it('bulk-loads prepared rows in chunks, all or nothing', async () => {
    const { db } = getDb();
    const now = '2026-01-01T00:00:00.000Z';
    const rows = Array.from({ length: 130 }, (_, i) =>
      preparePersonRow(
        {
          idNumber: makeResidentId('371082', '2000-01-01', 201 + i * 2),
          name: `批量${i}`,
          sex: 'male',
          birthDate: '2000-01-01',
          residenceAreaCode: otherTownVillage,
          phone: i % 2 === 0 ? '13900000000' : null,
        },
        cipher,
        now,
      ),
    );
    const countLoaded = async () =>
      (
        await listPersonsWithin(db, {
          scope: systemScope,
          areaCode: otherTownVillage,
          by: 'residence',
          name: '批量',
          limit: 1,
          offset: 0,
        })
      ).total;

    // The last row repeats the first number: the whole load is refused, nothing half-loaded.
    const first = rows[0];
    if (!first) throw new Error('no rows');
    const duplicate = preparePersonRow(
      { idNumber: cipher.decrypt(first.id_number_enc), name: '重复', sex: 'male', birthDate: '2000-01-01' },
      cipher,
      now,
    );
    const failure: unknown = await insertPersonRows(db, [...rows, duplicate]).catch((e: unknown) => e);
    expect(isUniqueViolation(failure)).toBe(true);
    expect(await countLoaded()).toBe(0);

    await insertPersonRows(db, rows);
    expect(await countLoaded()).toBe(130);
    expect(isUniqueViolation(new Error('other'))).toBe(false);
  });
});
