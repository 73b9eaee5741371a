import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Database, PersonMergeTable, PersonRow } from '../../db/schema.ts';
import { areaCodesWithin } from '../../areas/areaRepository.ts';
import type { DataScopeFilter } from '../../access/scope/dataScope.ts';
import { dateWithoutCentury } from '../../db/dialects/dateWithoutCentury.ts';
import type { MovedRows } from './movedRows.ts';
import { inChunks } from '../../db/inChunks.ts';
import { personInScope } from '../persons/personRepository.ts';
import { recordHashKey } from '../../ingest/imports/recordHashKey.ts';

/** Person merges: moving a duplicate's rows to a survivor and back, the merge history, candidates. */

/**
 * Takes both persons for the merge (a row lock on PostgreSQL, so two merges of one record
 * cannot both pass): true when both are still active.
 */
export async function claimActivePersons(db: Kysely<Database>, ids: [string, string], now: string) {
  const result = await db
    .updateTable('persons')
    .set({ updated_at: now })
    .where('id', 'in', ids)
    .where('merged_into', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 2;
}

export async function setMergedInto(
  db: Kysely<Database>,
  id: string,
  survivorId: string | null,
  now: string,
): Promise<void> {
  await db
    .updateTable('persons')
    .set({ merged_into: survivorId, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/**
 * Moves every row that refers to the duplicate to the survivor, and returns their ids. A
 * current membership of the duplicate in a household the survivor already belongs to is ended
 * on `on` instead (one human is one member), and listed as ended.
 */
export async function moveDuplicateRows(
  db: Kysely<Database>,
  survivorId: string,
  duplicateId: string,
  on: string,
): Promise<MovedRows> {
  const facts = (
    await db
      .selectFrom('facts')
      .select('id')
      .where('subject_type', '=', 'person')
      .where('subject_id', '=', duplicateId)
      .execute()
  ).map((r) => r.id);
  for (const ids of inChunks(facts))
    await db.updateTable('facts').set({ subject_id: survivorId }).where('id', 'in', ids).execute();

  const survivorHukou = new Set(
    (
      await db
        .selectFrom('hukou_members')
        .select('household_id')
        .where('person_id', '=', survivorId)
        .where('left_on', 'is', null)
        .execute()
    ).map((r) => r.household_id),
  );
  const hukouRows = await db
    .selectFrom('hukou_members')
    .select(['id', 'household_id', 'left_on'])
    .where('person_id', '=', duplicateId)
    .execute();
  const endedHukouMembers = hukouRows
    .filter((r) => r.left_on === null && survivorHukou.has(r.household_id))
    .map((r) => r.id);
  const hukouMembers = hukouRows.filter((r) => !endedHukouMembers.includes(r.id)).map((r) => r.id);
  for (const ids of inChunks(hukouMembers))
    await db.updateTable('hukou_members').set({ person_id: survivorId }).where('id', 'in', ids).execute();
  for (const ids of inChunks(endedHukouMembers))
    await db.updateTable('hukou_members').set({ left_on: on }).where('id', 'in', ids).execute();

  const survivorAssistance = new Set(
    (
      await db
        .selectFrom('assistance_members')
        .select('household_id')
        .where('person_id', '=', survivorId)
        .where('valid_to', 'is', null)
        .execute()
    ).map((r) => r.household_id),
  );
  const assistanceRows = await db
    .selectFrom('assistance_members')
    .select(['id', 'household_id', 'valid_to'])
    .where('person_id', '=', duplicateId)
    .execute();
  const endedAssistanceMembers = assistanceRows
    .filter((r) => r.valid_to === null && survivorAssistance.has(r.household_id))
    .map((r) => r.id);
  const assistanceMembers = assistanceRows
    .filter((r) => !endedAssistanceMembers.includes(r.id))
    .map((r) => r.id);
  for (const ids of inChunks(assistanceMembers))
    await db
      .updateTable('assistance_members')
      .set({ person_id: survivorId })
      .where('id', 'in', ids)
      .execute();
  for (const ids of inChunks(endedAssistanceMembers))
    await db.updateTable('assistance_members').set({ valid_to: on }).where('id', 'in', ids).execute();

  const assistanceApplicants = (
    await db
      .selectFrom('assistance_households')
      .select('id')
      .where('applicant_person_id', '=', duplicateId)
      .execute()
  ).map((r) => r.id);
  for (const ids of inChunks(assistanceApplicants)) {
    await db
      .updateTable('assistance_households')
      .set({ applicant_person_id: survivorId })
      .where('id', 'in', ids)
      .execute();
  }

  // A record key is in one of two tables (migration 0022). The small one first: on PostgreSQL a
  // batch moving its keys into the large one meanwhile commits before the second statement reads.
  const ingestKeys = new Map<string, { feedId: string; recordHash: string }>();
  for (const table of ['ingest_keys_recent', 'ingest_keys'] as const) {
    const keys = await db
      .selectFrom(table)
      .select(['feed_id', 'record_hash'])
      .where('person_id', '=', duplicateId)
      .execute();
    for (const r of keys) ingestKeys.set(r.record_hash, { feedId: r.feed_id, recordHash: r.record_hash });
    await db.updateTable(table).set({ person_id: survivorId }).where('person_id', '=', duplicateId).execute();
  }

  const linkReviews = (
    await db.selectFrom('link_reviews').select('id').where('person_id', '=', duplicateId).execute()
  ).map((r) => r.id);
  for (const ids of inChunks(linkReviews))
    await db.updateTable('link_reviews').set({ person_id: survivorId }).where('id', 'in', ids).execute();

  return {
    facts,
    hukouMembers,
    endedHukouMembers,
    assistanceMembers,
    endedAssistanceMembers,
    assistanceApplicants,
    ingestKeys: [...ingestKeys.values()],
    linkReviews,
    endedOn: on,
  };
}

/**
 * Puts back exactly the rows a merge moved (those still with the survivor) and reopens the
 * memberships it ended. Rows the survivor gained after the merge are not in the list and stay.
 */
export async function returnMovedRows(
  db: Kysely<Database>,
  survivorId: string,
  duplicateId: string,
  moved: MovedRows,
): Promise<void> {
  for (const ids of inChunks(moved.facts)) {
    await db
      .updateTable('facts')
      .set({ subject_id: duplicateId })
      .where('id', 'in', ids)
      .where('subject_id', '=', survivorId)
      .execute();
  }
  for (const ids of inChunks(moved.hukouMembers)) {
    await db
      .updateTable('hukou_members')
      .set({ person_id: duplicateId })
      .where('id', 'in', ids)
      .where('person_id', '=', survivorId)
      .execute();
  }
  for (const ids of inChunks(moved.endedHukouMembers)) {
    await db
      .updateTable('hukou_members')
      .set({ left_on: null })
      .where('id', 'in', ids)
      .where('left_on', '=', moved.endedOn)
      .execute();
  }
  for (const ids of inChunks(moved.assistanceMembers)) {
    await db
      .updateTable('assistance_members')
      .set({ person_id: duplicateId })
      .where('id', 'in', ids)
      .where('person_id', '=', survivorId)
      .execute();
  }
  for (const ids of inChunks(moved.endedAssistanceMembers)) {
    await db
      .updateTable('assistance_members')
      .set({ valid_to: null })
      .where('id', 'in', ids)
      .where('valid_to', '=', moved.endedOn)
      .execute();
  }
  for (const ids of inChunks(moved.assistanceApplicants)) {
    await db
      .updateTable('assistance_households')
      .set({ applicant_person_id: duplicateId })
      .where('id', 'in', ids)
      .where('applicant_person_id', '=', survivorId)
      .execute();
  }
  const byFeed = new Map<string, string[]>();
  for (const key of moved.ingestKeys)
    byFeed.set(key.feedId, [...(byFeed.get(key.feedId) ?? []), key.recordHash]);
  for (const [feedId, hashes] of byFeed) {
    for (const part of inChunks(hashes)) {
      for (const table of ['ingest_keys_recent', 'ingest_keys'] as const) {
        await db
          .updateTable(table)
          .set({ person_id: duplicateId })
          .where('feed_id', '=', feedId)
          // On SQLite the large table is indexed by the hash's number, not the hash (migration 0025).
          .where('hash_key', 'in', part.map(recordHashKey))
          .where('record_hash', 'in', part)
          .where('person_id', '=', survivorId)
          .execute();
      }
    }
  }
  for (const ids of inChunks(moved.linkReviews)) {
    await db
      .updateTable('link_reviews')
      .set({ person_id: duplicateId })
      .where('id', 'in', ids)
      .where('person_id', '=', survivorId)
      .execute();
  }
}

export async function insertMerge(db: Kysely<Database>, row: PersonMergeTable): Promise<void> {
  await db.insertInto('person_merges').values(row).execute();
}

export async function findMerge(db: Kysely<Database>, id: string): Promise<PersonMergeTable | undefined> {
  return db.selectFrom('person_merges').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Records the split of a merge; false when it was split meanwhile. */
export async function markSplit(
  db: Kysely<Database>,
  id: string,
  change: { split_by: string; split_at: string; split_reason: string },
): Promise<boolean> {
  const result = await db
    .updateTable('person_merges')
    .set(change)
    .where('id', '=', id)
    .where('split_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** An unsplit merge that took the given person (a merge's survivor) in as a duplicate. */
export async function findActiveMergeOfDuplicate(db: Kysely<Database>, duplicateId: string) {
  return db
    .selectFrom('person_merges')
    .selectAll()
    .where('duplicate_id', '=', duplicateId)
    .where('split_at', 'is', null)
    .executeTakeFirst();
}

/** Every merge a person took part in, either side, newest first, with the names of who acted. */
export async function listMergesOfPerson(db: Kysely<Database>, personId: string) {
  return db
    .selectFrom('person_merges')
    .innerJoin('persons as s', 's.id', 'person_merges.survivor_id')
    .innerJoin('persons as d', 'd.id', 'person_merges.duplicate_id')
    .leftJoin('users as mu', 'mu.id', 'person_merges.merged_by')
    .leftJoin('users as su', 'su.id', 'person_merges.split_by')
    .selectAll('person_merges')
    .select([
      's.name as survivor_name',
      'd.name as duplicate_name',
      'mu.display_name as merged_by_name',
      'su.display_name as split_by_name',
    ])
    .where((eb) =>
      eb.or([
        eb('person_merges.survivor_id', '=', personId),
        eb('person_merges.duplicate_id', '=', personId),
      ]),
    )
    .orderBy('person_merges.merged_at', 'desc')
    .orderBy('person_merges.id')
    .execute();
}

export interface CandidateQuery {
  scope: DataScopeFilter;
  areaCode: string;
}

/**
 * Pairs of active persons, both in the caller's scope and at least one within the area, with
 * the same name and sex and birth dates equal once the century is dropped: the same birth date
 * (kind name_birth), or one a century apart — a 15-digit number read in two centuries, which
 * the caller confirms by comparing the numbers.
 */
function pairQuery(db: Kysely<Database>, query: CandidateQuery, sameBirthDate: boolean) {
  const within = areaCodesWithin(db, query.areaCode);
  return db
    .selectFrom('persons as a')
    .innerJoin('persons as b', (join) =>
      join
        .onRef('a.name', '=', 'b.name')
        .onRef('a.sex', '=', 'b.sex')
        .onRef('a.id', '<', 'b.id')
        .on(
          sql<SqlBool>`${dateWithoutCentury(db, 'a.birth_date')} = ${dateWithoutCentury(db, 'b.birth_date')}`,
        ),
    )
    .where('a.merged_into', 'is', null)
    .where('b.merged_into', 'is', null)
    .where(
      sameBirthDate ? sql<SqlBool>`a.birth_date = b.birth_date` : sql<SqlBool>`a.birth_date <> b.birth_date`,
    )
    .where(personInScope(db, query.scope, 'a'))
    .where(personInScope(db, query.scope, 'b'))
    .where((eb) =>
      eb.or([
        eb('a.residence_area_code', 'in', within),
        eb('a.hukou_area_code', 'in', within),
        eb('b.residence_area_code', 'in', within),
        eb('b.hukou_area_code', 'in', within),
      ]),
    );
}

export async function listSameBirthPairs(
  db: Kysely<Database>,
  query: CandidateQuery,
  limit: number,
  offset: number,
): Promise<{ rows: { a_id: string; b_id: string }[]; total: number }> {
  const rows =
    limit > 0
      ? await pairQuery(db, query, true)
          .select(['a.id as a_id', 'b.id as b_id'])
          .orderBy('a.name')
          .orderBy('a.id')
          .orderBy('b.id')
          .limit(limit)
          .offset(offset)
          .execute()
      : [];
  const count = await pairQuery(db, query, true)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(count.n) };
}

/** Pairs a century apart (few): all of them, for the caller to check the numbers. */
export async function listCenturyApartPairs(db: Kysely<Database>, query: CandidateQuery) {
  return pairQuery(db, query, false)
    .select(['a.id as a_id', 'b.id as b_id'])
    .orderBy('a.name')
    .orderBy('a.id')
    .orderBy('b.id')
    .execute();
}

export async function findPersonRowsByIds(db: Kysely<Database>, ids: string[]): Promise<PersonRow[]> {
  if (ids.length === 0) return [];
  const out: PersonRow[] = [];
  for (const part of inChunks([...new Set(ids)]))
    out.push(...(await db.selectFrom('persons').selectAll().where('id', 'in', part).execute()));
  return out;
}
