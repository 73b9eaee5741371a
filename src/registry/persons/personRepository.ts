import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Database, PersonRow, PersonTable } from '../../db/schema.ts';
import { areaCodesWithin } from '../../areas/areaRepository.ts';
import { inScope, type DataScopeFilter } from '../../access/scope/dataScope.ts';
import { insertChunked } from '../insertChunked.ts';

/** Persons table access. Plain ID and phone numbers never reach this layer: only ciphertext. */

/** Stores prepared person rows (see preparePersonRow), in bulk, all or nothing. */
export async function insertPersonRows(db: Kysely<Database>, rows: PersonTable[]): Promise<void> {
  // 14 columns × 60 rows stays under SQLite's bound-parameter limit on every build.
  await insertChunked(db, 'persons', rows, 60);
}

/** A person is within a scope when they live or have their hukou there. */
/** A person is in scope where they live or where their hukou is (`table`: the alias of persons). */
export function personInScope(db: Kysely<Database>, scope: DataScopeFilter, table = 'persons') {
  return sql<SqlBool>`(${inScope(db, `${table}.residence_area_code`, scope)} or ${inScope(db, `${table}.hukou_area_code`, scope)})`;
}

/** A person is within an area where they live or where their hukou is (`table`: the alias of persons). */
export function personWithinArea(db: Kysely<Database>, areaCode: string, table = 'persons') {
  return sql<SqlBool>`(${sql.ref(`${table}.residence_area_code`)} in (${areaCodesWithin(db, areaCode)}) or ${sql.ref(`${table}.hukou_area_code`)} in (${areaCodesWithin(db, areaCode)}))`;
}

/**
 * An active person (not merged into another) in the scope. A merged record is not found here,
 * so nothing new (a fact, a membership, a link) can be attached to it; `findPersonRecordById`
 * sees merged records too, for resolving their ids to the survivor.
 */
export async function findPersonById(
  db: Kysely<Database>,
  id: string,
  scope: DataScopeFilter,
): Promise<PersonRow | undefined> {
  return db
    .selectFrom('persons')
    .selectAll()
    .where('id', '=', id)
    .where('merged_into', 'is', null)
    .where(personInScope(db, scope))
    .executeTakeFirst();
}

/** A person record in the scope, merged or not. */
export async function findPersonRecordById(
  db: Kysely<Database>,
  id: string,
  scope: DataScopeFilter,
): Promise<PersonRow | undefined> {
  return db
    .selectFrom('persons')
    .selectAll()
    .where('id', '=', id)
    .where(personInScope(db, scope))
    .executeTakeFirst();
}

/** Active persons (not merged) among these ids, in the scope. */
export async function findPersonsByIds(
  db: Kysely<Database>,
  ids: string[],
  scope: DataScopeFilter,
): Promise<PersonRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('persons')
    .selectAll()
    .where('id', 'in', ids)
    .where('merged_into', 'is', null)
    .where(personInScope(db, scope))
    .execute();
}

export async function findPersonByIdHash(
  db: Kysely<Database>,
  hash: string,
  scope: DataScopeFilter,
): Promise<PersonRow | undefined> {
  return db
    .selectFrom('persons')
    .selectAll()
    .where('id_number_hash', '=', hash)
    .where(personInScope(db, scope))
    .executeTakeFirst();
}

export interface PersonListQuery {
  scope: DataScopeFilter;
  areaCode: string;
  by: 'residence' | 'hukou';
  name?: string | undefined;
  limit: number;
  offset: number;
}

function withinQuery(
  db: Kysely<Database>,
  query: Pick<PersonListQuery, 'areaCode' | 'by' | 'name' | 'scope'>,
) {
  const column = query.by === 'hukou' ? 'hukou_area_code' : 'residence_area_code';
  // The requested area intersected with the caller's scope.
  // Merged records are kept for their history but never listed: their survivor is.
  let q = db
    .selectFrom('persons')
    .where('merged_into', 'is', null)
    .where(column, 'in', areaCodesWithin(db, query.areaCode))
    .where(inScope(db, `persons.${column}`, query.scope));
  if (query.name) {
    // What was typed is searched for literally: % and _ are escaped, not treated as patterns.
    const pattern = `%${query.name.replace(/[!%_]/g, '!$&')}%`;
    q = q.where(sql<SqlBool>`persons.name like ${pattern} escape '!'`);
  }
  return q;
}

export async function listPersonsWithin(
  db: Kysely<Database>,
  query: PersonListQuery,
): Promise<{ rows: PersonRow[]; total: number }> {
  const rows = await withinQuery(db, query)
    .selectAll()
    .orderBy('name')
    .orderBy('id')
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  const count = await withinQuery(db, query)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { rows, total: count.n };
}

/** Persons who live or have their hukou within an area. */
export async function countPersonsWithin(db: Kysely<Database>, areaCode: string): Promise<number> {
  const row = await db
    .selectFrom('persons')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('merged_into', 'is', null)
    .where((eb) =>
      eb.or([
        eb('residence_area_code', 'in', areaCodesWithin(db, areaCode)),
        eb('hukou_area_code', 'in', areaCodesWithin(db, areaCode)),
      ]),
    )
    .executeTakeFirstOrThrow();
  return row.n;
}

export async function updatePersonRow(
  db: Kysely<Database>,
  id: string,
  changes: Partial<Pick<PersonTable, 'name' | 'death_date' | 'residence_area_code' | 'phone_enc'>>,
  now: string,
): Promise<void> {
  await db
    .updateTable('persons')
    .set({ ...changes, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Persons with an ID or phone ciphertext made with another key than `keyId`. */
export async function listPersonsNotUnderKey(db: Kysely<Database>, keyId: string, limit: number) {
  const prefix = `${keyId}:%`;
  return db
    .selectFrom('persons')
    .select(['id', 'id_number_enc', 'phone_enc'])
    .where((eb) =>
      eb.or([
        eb('id_number_enc', 'not like', prefix),
        eb.and([eb('phone_enc', 'is not', null), eb('phone_enc', 'not like', prefix)]),
      ]),
    )
    .orderBy('id')
    .limit(limit)
    .execute();
}

/**
 * Replaces a person's ciphertexts if they are still the ones read (compare-and-set), so a
 * re-encryption running beside the live system never overwrites a concurrent change.
 */
export async function replacePersonCiphertexts(
  db: Kysely<Database>,
  id: string,
  before: { id_number_enc: string; phone_enc: string | null },
  after: { id_number_enc: string; phone_enc: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable('persons')
    .set(after)
    .where('id', '=', id)
    .where('id_number_enc', '=', before.id_number_enc)
    .where((eb) =>
      before.phone_enc === null ? eb('phone_enc', 'is', null) : eb('phone_enc', '=', before.phone_enc),
    )
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** How many ID-number ciphertexts each key has made. */
export async function countPersonsByKey(
  db: Kysely<Database>,
  keyIds: string[],
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const keyId of keyIds) {
    const row = await db
      .selectFrom('persons')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) =>
        eb.or([eb('id_number_enc', 'like', `${keyId}:%`), eb('phone_enc', 'like', `${keyId}:%`)]),
      )
      .executeTakeFirstOrThrow();
    counts[keyId] = row.n;
  }
  return counts;
}
