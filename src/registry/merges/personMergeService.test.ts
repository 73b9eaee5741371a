import { beforeAll, expect, it } from 'vitest';
import { AppError } from '../../core/appError.ts';
import { testFieldCipher } from '../../core/fieldCipher.ts';
import { describeEachDatabase } from '../../db/testing/eachDatabase.ts';
import { systemScope, type DataScopeFilter } from '../../access/scope/dataScope.ts';
import { makeResidentId } from '../residentId/index.ts';
import { insertTestAreas, testAreas } from '../testing/insertTestAreas.ts';
import { createPerson, findPersonByIdNumber, resolvePerson } from '../persons/personService.ts';
import { listPersonsWithin } from '../persons/personRepository.ts';
import { createHukouHousehold } from '../households/hukouHouseholdService.ts';
import { createAssistanceHousehold } from '../households/assistanceHouseholdService.ts';
import { findPersonIdsByIdHash } from '../../ingest/imports/ingestRepository.ts';
import { recordHashKey } from '../../ingest/imports/recordHashKey.ts';
import type { PersonRow } from '../../db/schema.ts';
import { listMergeCandidates, listPersonMerges, mergePersons, splitMerge } from './personMergeService.ts';

const cipher = testFieldCipher();
const { village, neighbourVillage, otherTown, otherTownVillage, county } = testAreas;

async function refusal(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return error.code;
  }
  throw new Error('expected a refusal');
}

describeEachDatabase('person merges', (getDb) => {
  let seq = 0;
  const person = async (name: string, birthDate: string, residence: string = village, sequence?: number) => {
    seq++;
    return createPerson(
      getDb().db,
      cipher,
      {
        idNumber: makeResidentId('371082', birthDate, sequence ?? 100 + seq),
        name,
        residenceAreaCode: residence,
        hukouAreaCode: residence,
      },
      systemScope,
    );
  };
  const fact = async (subjectId: string, variable: string, value: unknown, validFrom = '2026-01-01') => {
    const row = await getDb()
      .db.insertInto('facts')
      .values({
        subject_type: 'person',
        subject_id: subjectId,
        variable,
        value_json: JSON.stringify(value),
        source: 'civil_affairs',
        observed_at: validFrom,
        valid_from: validFrom,
        valid_to: null,
        recorded_at: new Date().toISOString(),
        import_id: null,
        source_line: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  };
  const countFacts = async (subjectId: string) =>
    (await getDb().db.selectFrom('facts').select('id').where('subject_id', '=', subjectId).execute()).length;

  beforeAll(async () => {
    await insertTestAreas(getDb().db);
  });

  it('moves every row of the duplicate to the survivor and records exactly which, then a split puts them back', async () => {
    const { db } = getDb();
    const survivor = await person('王建国', '1958-04-12');
    const duplicate = await person('王建国', '1958-04-12');
    const spouse = await person('李秀英', '1960-02-01');
    // Both records sit in one hukou booklet (the duplicate registered twice), the duplicate
    // also heads a second booklet and applied for assistance.
    const shared = await createHukouHousehold(
      db,
      {
        hukouNumber: 'M0001',
        areaCode: village,
        members: [
          { personId: survivor.id, relationship: '02' },
          { personId: duplicate.id, relationship: '20' },
          { personId: spouse.id, relationship: '10' },
        ],
      },
      systemScope,
    );
    // …and once belonged to another booklet, long since left.
    const brother = await person('王建业', '1962-08-08');
    const own = await createHukouHousehold(
      db,
      { hukouNumber: 'M0002', areaCode: village, members: [{ personId: brother.id, relationship: '02' }] },
      systemScope,
    );
    await db
      .insertInto('hukou_members')
      .values({
        household_id: own.id,
        person_id: duplicate.id,
        relationship: '70',
        joined_on: null,
        left_on: '2020-01-01',
      })
      .execute();
    const { household } = await createAssistanceHousehold(
      db,
      {
        applicantPersonId: duplicate.id,
        establishedOn: '2026-03-01',
        candidates: [{ personId: spouse.id, relation: 'spouse' }],
      },
      systemScope,
    );
    const factIds = [
      await fact(duplicate.id, 'disability_grade', '2'),
      await fact(duplicate.id, 'in_prison', false),
    ];
    const survivorFacts = await countFacts(survivor.id);
    // A record key in each of the two tables it can be in (migration 0022).
    for (const [table, line] of [
      ['ingest_keys', 2],
      ['ingest_keys_recent', 3],
    ] as const) {
      const hash = `h-${duplicate.id}-${String(line)}`;
      await db
        .insertInto(table)
        .values({
          feed_id: 'f',
          record_hash: hash,
          import_id: 'i',
          line,
          person_id: duplicate.id,
          hash_key: recordHashKey(hash),
        })
        .execute();
    }

    /** Whom the duplicate's record key in `table` points to. */
    const keyPersons = (table: 'ingest_keys' | 'ingest_keys_recent') =>
      db.selectFrom(table).select('person_id').where('record_hash', 'like', `h-${duplicate.id}-%`).execute();

    const merge = await mergePersons(
      db,
      cipher,
      {
        survivorId: survivor.id,
        duplicateId: duplicate.id,
        reason: '公安核实为同一人',
        confirmDifferentIds: true,
      },
      'user-1',
      systemScope,
    );
    expect(merge.confirmed_different_ids).toBe(1);
    const moved = JSON.parse(merge.moved_json) as Record<string, unknown[]>;
    expect([...(moved.facts as number[])].sort()).toEqual([...factIds].sort());
    expect(moved.endedHukouMembers).toHaveLength(1);
    expect(moved.hukouMembers).toHaveLength(1);
    expect(moved.assistanceApplicants).toEqual([household.id]);
    expect(moved.assistanceMembers).toHaveLength(1);
    expect(moved.ingestKeys).toEqual(
      expect.arrayContaining([
        { feedId: 'f', recordHash: `h-${duplicate.id}-2` },
        { feedId: 'f', recordHash: `h-${duplicate.id}-3` },
      ]),
    );
    expect(moved.ingestKeys).toHaveLength(2);

    expect(await countFacts(duplicate.id)).toBe(0);
    expect(await countFacts(survivor.id)).toBe(survivorFacts + 2);
    const ownMembers = await db
      .selectFrom('hukou_members')
      .select('person_id')
      .where('household_id', '=', own.id)
      .where('left_on', 'is not', null)
      .execute();
    expect(ownMembers.map((m) => m.person_id)).toEqual([survivor.id]);
    const sharedCurrent = await db
      .selectFrom('hukou_members')
      .select('person_id')
      .where('household_id', '=', shared.id)
      .where('left_on', 'is', null)
      .execute();
    expect(sharedCurrent.map((m) => m.person_id).sort()).toEqual([survivor.id, spouse.id].sort());
    const applicant = await db
      .selectFrom('assistance_households')
      .select('applicant_person_id')
      .where('id', '=', household.id)
      .executeTakeFirstOrThrow();
    expect(applicant.applicant_person_id).toBe(survivor.id);
    for (const table of ['ingest_keys', 'ingest_keys_recent'] as const)
      expect(await keyPersons(table)).toEqual([{ person_id: survivor.id }]);

    // The duplicate is kept, not listed, and its id and number resolve to the survivor.
    const resolved = await resolvePerson(db, duplicate.id, systemScope);
    expect(resolved.person.id).toBe(survivor.id);
    expect(resolved.mergedFrom).toBe(duplicate.id);
    const listed = await listPersonsWithin(db, {
      scope: systemScope,
      areaCode: village,
      by: 'residence',
      name: '王建国',
      limit: 10,
      offset: 0,
    });
    expect(listed.rows.map((r) => r.id)).toEqual([survivor.id]);
    expect((await findPersonIdsByIdHash(db, [duplicate.id_number_hash])).get(duplicate.id_number_hash)).toBe(
      survivor.id,
    );
    expect(
      (await findPersonByIdNumber(db, cipher, cipher.decrypt(duplicate.id_number_enc), systemScope))?.id,
    ).toBe(survivor.id);

    // A fact recorded for the survivor after the merge stays with the survivor on split.
    const later = await fact(survivor.id, 'serious_illness', true, '2026-06-01');
    const split = await splitMerge(db, merge.id, '经核实为两个人', 'user-2', systemScope);
    expect(split.split_by).toBe('user-2');
    expect(await countFacts(duplicate.id)).toBe(2);
    expect(await countFacts(survivor.id)).toBe(survivorFacts + 1);
    const laterRow = await db
      .selectFrom('facts')
      .select('subject_id')
      .where('id', '=', later)
      .executeTakeFirstOrThrow();
    expect(laterRow.subject_id).toBe(survivor.id);
    const back = await db
      .selectFrom('hukou_members')
      .select(['household_id', 'left_on'])
      .where('person_id', '=', duplicate.id)
      .orderBy('household_id')
      .execute();
    expect(back.map((m) => `${m.household_id}:${m.left_on ?? '-'}`).sort()).toEqual(
      [`${shared.id}:-`, `${own.id}:2020-01-01`].sort(),
    );
    const applicantBack = await db
      .selectFrom('assistance_households')
      .select('applicant_person_id')
      .where('id', '=', household.id)
      .executeTakeFirstOrThrow();
    expect(applicantBack.applicant_person_id).toBe(duplicate.id);
    for (const table of ['ingest_keys', 'ingest_keys_recent'] as const)
      expect(await keyPersons(table)).toEqual([{ person_id: duplicate.id }]);
    expect((await resolvePerson(db, duplicate.id, systemScope)).mergedFrom).toBeNull();

    // History of both actions is kept, for both persons.
    const history = await listPersonMerges(db, duplicate.id, systemScope);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      survivor_id: survivor.id,
      duplicate_id: duplicate.id,
      reason: '公安核实为同一人',
      split_reason: '经核实为两个人',
      survivor_name: '王建国',
    });
    expect(await listPersonMerges(db, survivor.id, systemScope)).toHaveLength(1);
    expect(await refusal(splitMerge(db, merge.id, '再拆', 'user-2', systemScope))).toBe(
      'MERGE_ALREADY_SPLIT',
    );
  });

  it('refuses merging into itself, with merged persons, outside the scope, and different numbers unconfirmed', async () => {
    const { db } = getDb();
    const a = await person('赵敏', '1970-01-01');
    const b = await person('赵敏', '1970-01-01');
    const c = await person('赵敏', '1970-01-01');
    const far = await person('赵敏', '1970-01-01', otherTownVillage);
    const merge = (
      survivorId: string,
      duplicateId: string,
      confirm: boolean,
      scope: DataScopeFilter = systemScope,
    ) =>
      mergePersons(
        db,
        cipher,
        { survivorId, duplicateId, reason: '核实', confirmDifferentIds: confirm },
        'u',
        scope,
      );
    expect(await refusal(merge(a.id, a.id, true))).toBe('MERGE_SELF');
    expect(await refusal(merge(a.id, b.id, false))).toBe('MERGE_DIFFERENT_IDS');
    const townScope: DataScopeFilter = { kind: 'within', areaCode: testAreas.town };
    expect(await refusal(merge(a.id, far.id, true, townScope))).toBe('PERSON_NOT_FOUND');
    expect(await refusal(merge(far.id, a.id, true, townScope))).toBe('PERSON_NOT_FOUND');
    await merge(a.id, b.id, true);
    expect(await refusal(merge(b.id, c.id, true))).toBe('MERGE_ALREADY_MERGED');
    expect(await refusal(merge(c.id, b.id, true))).toBe('MERGE_ALREADY_MERGED');
    // Nothing moved by the refused attempts.
    expect((await resolvePerson(db, c.id, systemScope)).mergedFrom).toBeNull();
  });

  it('refuses to split a merge that a later merge depends on, until that one is split', async () => {
    const { db } = getDb();
    const a = await person('钱多', '1980-05-05');
    const b = await person('钱多', '1980-05-05');
    const c = await person('钱多', '1980-05-05');
    await fact(a.id, 'disability_grade', '1');
    const first = await mergePersons(
      db,
      cipher,
      { survivorId: b.id, duplicateId: a.id, reason: '同一人', confirmDifferentIds: true },
      'u',
      systemScope,
    );
    const second = await mergePersons(
      db,
      cipher,
      { survivorId: c.id, duplicateId: b.id, reason: '同一人', confirmDifferentIds: true },
      'u',
      systemScope,
    );
    // a → b → c: a's id and facts end with c.
    expect((await resolvePerson(db, a.id, systemScope)).person.id).toBe(c.id);
    expect(await countFacts(c.id)).toBe(1);
    expect(await refusal(splitMerge(db, first.id, '拆', 'u', systemScope))).toBe('MERGE_SPLIT_BLOCKED');
    await splitMerge(db, second.id, '拆', 'u', systemScope);
    await splitMerge(db, first.id, '拆', 'u', systemScope);
    expect(await countFacts(a.id)).toBe(1);
    expect(await countFacts(c.id)).toBe(0);
  });

  it('proposes likely duplicates within the scope: one number in two centuries, and same name and birth date', async () => {
    const { db } = getDb();
    const old = await person('孙悟空', '1925-07-08', neighbourVillage, 321);
    const young = await person('孙悟空', '2025-07-08', neighbourVillage, 321);
    const twin1 = await person('周杰', '1979-01-18', neighbourVillage, 501);
    const twin2 = await person('周杰', '1979-01-18', otherTownVillage, 503);
    // Same name, a century apart but another sequence: a different number, not proposed.
    await person('孙悟空', '2025-07-08', neighbourVillage, 322);
    const ids = (first: PersonRow, second: PersonRow) => [first.id, second.id].sort().join();
    const all = await listMergeCandidates(
      db,
      cipher,
      { scope: systemScope, areaCode: neighbourVillage },
      50,
      0,
    );
    const pairs = all.items.map((c) => `${c.kind}:${ids(c.first, c.second)}`);
    expect(pairs).toContain(`id_upgrade:${ids(old, young)}`);
    expect(pairs).toContain(`name_birth:${ids(twin1, twin2)}`);
    expect(all.items[0]).toMatchObject({ kind: 'id_upgrade', differentIdNumbers: false });
    expect(all.items.find((c) => c.kind === 'name_birth')?.differentIdNumbers).toBe(true);
    expect(all.total).toBe(all.items.length);
    // Paged across both kinds.
    const second = await listMergeCandidates(
      db,
      cipher,
      { scope: systemScope, areaCode: neighbourVillage },
      1,
      1,
    );
    expect(second.items.map((c) => `${c.kind}:${ids(c.first, c.second)}`)).toEqual([pairs[1]]);
    // Both persons must be in the caller's scope: the twin in the other town hides the pair.
    const town = await listMergeCandidates(
      db,
      cipher,
      { scope: { kind: 'within', areaCode: testAreas.town }, areaCode: county },
      50,
      0,
    );
    expect(town.items.map((c) => ids(c.first, c.second))).not.toContain(ids(twin1, twin2));
    expect(town.items.map((c) => ids(c.first, c.second))).toContain(ids(old, young));
    // A merge needs no confirmation for one number in two forms, and the pair is then gone.
    const merge = await mergePersons(
      db,
      cipher,
      { survivorId: old.id, duplicateId: young.id, reason: '15位号码升位时年份错误' },
      'u',
      systemScope,
    );
    expect(merge.confirmed_different_ids).toBe(0);
    const after = await listMergeCandidates(
      db,
      cipher,
      { scope: systemScope, areaCode: neighbourVillage },
      50,
      0,
    );
    expect(after.items.map((c) => ids(c.first, c.second))).not.toContain(ids(old, young));
    const outside = await listMergeCandidates(db, cipher, { scope: systemScope, areaCode: otherTown }, 50, 0);
    expect(outside.items.map((c) => ids(c.first, c.second))).toContain(ids(twin1, twin2));
  });
});
