import type { Insertable, Kysely } from 'kysely';
import { insertChunked } from '../insertChunked.ts';
import { areaCodesWithin } from '../../areas/areaRepository.ts';
import { inScope, type DataScopeFilter } from '../../access/scope/dataScope.ts';
import type {
  AssistanceHouseholdTable,
  AssistanceMemberTable,
  Database,
  HukouHouseholdTable,
  HukouMemberTable,
} from '../../db/schema.ts';

/** Hukou and assistance household tables. */

export async function insertHukouHouseholds(
  db: Kysely<Database>,
  rows: HukouHouseholdTable[],
): Promise<void> {
  await insertChunked(db, 'hukou_households', rows, 150);
}

export async function insertHukouMembers(
  db: Kysely<Database>,
  rows: Insertable<HukouMemberTable>[],
): Promise<void> {
  await insertChunked(db, 'hukou_members', rows, 150);
}

export async function findHukouHousehold(db: Kysely<Database>, id: string, scope: DataScopeFilter) {
  return db
    .selectFrom('hukou_households')
    .selectAll()
    .where('id', '=', id)
    .where(inScope(db, 'hukou_households.area_code', scope))
    .executeTakeFirst();
}

export async function findHukouHouseholdByNumber(db: Kysely<Database>, hukouNumber: string) {
  return db
    .selectFrom('hukou_households')
    .selectAll()
    .where('hukou_number', '=', hukouNumber)
    .executeTakeFirst();
}

/** Current members (not left) with their person rows, head first. */
export async function listHukouMembers(db: Kysely<Database>, householdId: string) {
  return db
    .selectFrom('hukou_members')
    .innerJoin('persons', 'persons.id', 'hukou_members.person_id')
    .select([
      'hukou_members.person_id',
      'hukou_members.relationship',
      'hukou_members.joined_on',
      'persons.name',
      'persons.sex',
      'persons.birth_date',
      'persons.death_date',
      'persons.id_number_enc',
      'persons.residence_area_code',
      'persons.residence_elsewhere',
    ])
    .where('hukou_members.household_id', '=', householdId)
    .where('hukou_members.left_on', 'is', null)
    .orderBy('hukou_members.relationship')
    .orderBy('persons.birth_date')
    .execute();
}

/** Which of these persons already belong to a current hukou household, and to which. */
export async function findCurrentHukouMemberships(db: Kysely<Database>, personIds: string[]) {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('hukou_members')
    .innerJoin('hukou_households', 'hukou_households.id', 'hukou_members.household_id')
    .select(['hukou_members.person_id', 'hukou_households.hukou_number', 'hukou_households.id'])
    .where('hukou_members.person_id', 'in', personIds)
    .where('hukou_members.left_on', 'is', null)
    .execute();
}

export async function listHukouHouseholdsWithin(
  db: Kysely<Database>,
  areaCode: string,
  limit: number,
  offset: number,
  scope: DataScopeFilter,
): Promise<{ rows: (HukouHouseholdTable & { member_count: number })[]; total: number }> {
  const base = db
    .selectFrom('hukou_households')
    .where('area_code', 'in', areaCodesWithin(db, areaCode))
    .where(inScope(db, 'hukou_households.area_code', scope));
  const rows = await base
    .selectAll('hukou_households')
    .select((eb) =>
      eb
        .selectFrom('hukou_members')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('hukou_members.household_id', '=', 'hukou_households.id')
        .where('hukou_members.left_on', 'is', null)
        .as('member_count'),
    )
    .orderBy('hukou_number')
    .limit(limit)
    .offset(offset)
    .execute();
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { rows: rows.map((r) => ({ ...r, member_count: r.member_count ?? 0 })), total: total.n };
}

export async function insertAssistanceHousehold(
  db: Kysely<Database>,
  household: AssistanceHouseholdTable,
  members: Insertable<AssistanceMemberTable>[],
): Promise<void> {
  await db.insertInto('assistance_households').values(household).execute();
  await insertChunked(db, 'assistance_members', members, 150);
}

export async function findAssistanceHousehold(db: Kysely<Database>, id: string, scope: DataScopeFilter) {
  return db
    .selectFrom('assistance_households')
    .selectAll()
    .where('id', '=', id)
    .where(inScope(db, 'assistance_households.area_code', scope))
    .executeTakeFirst();
}

export async function listAssistanceMembers(db: Kysely<Database>, householdId: string) {
  return db
    .selectFrom('assistance_members')
    .innerJoin('persons', 'persons.id', 'assistance_members.person_id')
    .select([
      'assistance_members.person_id',
      'assistance_members.relation',
      'assistance_members.included',
      'assistance_members.basis',
      'assistance_members.valid_from',
      'assistance_members.valid_to',
      'persons.name',
      'persons.sex',
      'persons.birth_date',
      'persons.id_number_enc',
    ])
    .where('assistance_members.household_id', '=', householdId)
    .orderBy('assistance_members.included', 'desc')
    .orderBy('persons.birth_date')
    .execute();
}
