import type { Kysely } from 'kysely';
import { inChunks } from '../db/inChunks.ts';
import type { Database, FactRow, PersonRow } from '../db/schema.ts';
import { areaCodesWithin } from '../areas/areaRepository.ts';
import { inScope, type DataScopeFilter } from '../access/scope/dataScope.ts';
import { personInScope, personWithinArea } from '../registry/persons/personRepository.ts';

/** Where each fact came from: the import (feed, file) and the line in it; manual entries have none. */
export async function factProvenance(
  db: Kysely<Database>,
  factIds: number[],
): Promise<Map<number, { importId: string; feedId: string; fileName: string; line: number | null }>> {
  const out = new Map<number, { importId: string; feedId: string; fileName: string; line: number | null }>();
  for (const part of inChunks(factIds)) {
    const rows = await db
      .selectFrom('facts')
      .innerJoin('imports', 'imports.id', 'facts.import_id')
      .select([
        'facts.id',
        'facts.source_line',
        'imports.id as import_id',
        'imports.feed_id',
        'imports.file_name',
      ])
      .where('facts.id', 'in', part)
      .execute();
    for (const r of rows) {
      out.set(r.id, { importId: r.import_id, feedId: r.feed_id, fileName: r.file_name, line: r.source_line });
    }
  }
  return out;
}

/** Every fact ever recorded about these persons, newest observation first (for the timeline). */
export async function factsOfPersons(
  db: Kysely<Database>,
  personIds: string[],
  limit: number,
): Promise<FactRow[]> {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('facts')
    .selectAll()
    .where('subject_type', '=', 'person')
    .where('subject_id', 'in', personIds)
    .orderBy('observed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** The current hukou household of a person (its id, number, area, address) and their relationship. */
export async function householdOfPerson(db: Kysely<Database>, personId: string) {
  return db
    .selectFrom('hukou_members')
    .innerJoin('hukou_households', 'hukou_households.id', 'hukou_members.household_id')
    .select([
      'hukou_households.id',
      'hukou_households.hukou_number',
      'hukou_households.area_code',
      'hukou_households.address',
      'hukou_members.relationship',
      'hukou_members.joined_on',
    ])
    .where('hukou_members.person_id', '=', personId)
    .where('hukou_members.left_on', 'is', null)
    .executeTakeFirst();
}

/** Current members of a hukou household with their person rows and membership. */
export async function membersOfHousehold(db: Kysely<Database>, householdId: string) {
  return db
    .selectFrom('hukou_members')
    .innerJoin('persons', 'persons.id', 'hukou_members.person_id')
    .selectAll('persons')
    .select(['hukou_members.relationship', 'hukou_members.joined_on'])
    .where('hukou_members.household_id', '=', householdId)
    .where('hukou_members.left_on', 'is', null)
    .orderBy('hukou_members.relationship')
    .orderBy('persons.birth_date')
    .execute();
}

export interface TagCount {
  tag: string;
  state: 'yes' | 'unknown';
  n: number;
}

/**
 * How many households and persons carry each tag within an area and the caller's scope.
 * A household counts where its hukou is registered; a person where they live or have hukou.
 */
export async function countTags(
  db: Kysely<Database>,
  areaCode: string,
  scope: DataScopeFilter,
): Promise<TagCount[]> {
  const households = await db
    .selectFrom('portrait_tags')
    .innerJoin('hukou_households', 'hukou_households.id', 'portrait_tags.subject_id')
    .select(['portrait_tags.tag', 'portrait_tags.state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('portrait_tags.subject_type', '=', 'hukou_household')
    .where('hukou_households.area_code', 'in', areaCodesWithin(db, areaCode))
    .where(inScope(db, 'hukou_households.area_code', scope))
    .groupBy(['portrait_tags.tag', 'portrait_tags.state'])
    .execute();
  const persons = await db
    .selectFrom('portrait_tags')
    .innerJoin('persons', 'persons.id', 'portrait_tags.subject_id')
    .select(['portrait_tags.tag', 'portrait_tags.state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('portrait_tags.subject_type', '=', 'person')
    .where('persons.merged_into', 'is', null)
    .where(personWithinArea(db, areaCode))
    .where(personInScope(db, scope))
    .groupBy(['portrait_tags.tag', 'portrait_tags.state'])
    .execute();
  return [...households, ...persons].map((r) => ({ tag: r.tag, state: r.state, n: r.n }));
}

export interface TagQuery {
  tag: string;
  state: 'yes' | 'unknown';
  areaCode: string;
  scope: DataScopeFilter;
  limit: number;
  offset: number;
}

/** Hukou households carrying a tag within an area and scope, with their head's person row. */
export async function householdsWithTag(db: Kysely<Database>, query: TagQuery) {
  const base = db
    .selectFrom('portrait_tags')
    .innerJoin('hukou_households', 'hukou_households.id', 'portrait_tags.subject_id')
    .where('portrait_tags.subject_type', '=', 'hukou_household')
    .where('portrait_tags.tag', '=', query.tag)
    .where('portrait_tags.state', '=', query.state)
    .where('hukou_households.area_code', 'in', areaCodesWithin(db, query.areaCode))
    .where(inScope(db, 'hukou_households.area_code', query.scope));
  const rows = await base
    .select([
      'hukou_households.id',
      'hukou_households.hukou_number',
      'hukou_households.area_code',
      'hukou_households.address',
    ])
    .orderBy('hukou_households.hukou_number')
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { rows, total: total.n };
}

/** Persons carrying a tag within an area (where they live or have hukou) and scope. */
export async function personsWithTag(
  db: Kysely<Database>,
  query: TagQuery,
): Promise<{ rows: PersonRow[]; total: number }> {
  const base = db
    .selectFrom('portrait_tags')
    .innerJoin('persons', 'persons.id', 'portrait_tags.subject_id')
    .where('portrait_tags.subject_type', '=', 'person')
    .where('portrait_tags.tag', '=', query.tag)
    .where('portrait_tags.state', '=', query.state)
    .where('persons.merged_into', 'is', null)
    .where(personWithinArea(db, query.areaCode))
    .where(personInScope(db, query.scope));
  const rows = await base
    .selectAll('persons')
    .orderBy('persons.name')
    .orderBy('persons.id')
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { rows, total: total.n };
}

/** Hukou households within an area and scope that have a stored portrait (the denominator of tag shares). */
export async function countPortraitHouseholds(
  db: Kysely<Database>,
  areaCode: string,
  scope: DataScopeFilter,
): Promise<number> {
  const row = await db
    .selectFrom('hukou_households')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('hukou_households.area_code', 'in', areaCodesWithin(db, areaCode))
    .where(inScope(db, 'hukou_households.area_code', scope))
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('portraits')
          .select('portraits.subject_id')
          .where('portraits.subject_type', '=', 'hukou_household')
          .whereRef('portraits.subject_id', '=', 'hukou_households.id'),
      ),
    )
    .executeTakeFirstOrThrow();
  return row.n;
}
