import { residenceOf } from '../registry/persons/personDto.ts';
import { sql, type Kysely } from 'kysely';
import type { Database, FactRow, PortraitRefreshTable } from '../db/schema.ts';
import { findFactsValidOn } from '../registry/facts/factRepository.ts';
import {
  resolveFactsOn,
  type Authority,
  type IsEventVariable,
  type ResolvedFact,
  type ResolvableFact,
} from '../registry/facts/resolveFacts.ts';
import type { EventFact, PersonInput } from './portraitBindings.ts';
import type { HouseholdPortraitInput } from './computePortrait.ts';
import { insertChunked } from '../registry/insertChunked.ts';
import { inChunks } from '../db/inChunks.ts';

/** How facts become portrait inputs: the precedence policy, and which variables are events. */
export interface FactPolicy {
  authority: Authority;
  isEvent: IsEventVariable;
}

interface SubjectFacts {
  resolved: ResolvedFact[];
  events: EventFact[];
}

function group(
  facts: (ResolvableFact & Pick<FactRow, 'subject_id'>)[],
  asOf: string,
  policy: FactPolicy,
): Map<string, SubjectFacts> {
  const bySubject = new Map<string, ResolvableFact[]>();
  for (const fact of facts) {
    const list = bySubject.get(fact.subject_id) ?? [];
    list.push(fact);
    bySubject.set(fact.subject_id, list);
  }
  const out = new Map<string, SubjectFacts>();
  for (const [subject, list] of bySubject) {
    out.set(subject, {
      resolved: resolveFactsOn(list, asOf, policy.authority, policy.isEvent),
      // Events are occurrences up to the date (a settlement on its day), summed over windows.
      events: list
        .filter((f) => policy.isEvent(f.variable) && f.observed_at <= asOf)
        .map((f) => ({
          variable: f.variable,
          on: f.observed_at,
          value: JSON.parse(f.value_json) as EventFact['value'],
          source: f.source,
          factId: f.id,
        })),
    });
  }
  return out;
}

async function factsOf(
  db: Kysely<Database>,
  subjectType: 'person' | 'household',
  ids: string[],
  asOf: string,
  policy: FactPolicy,
): Promise<Map<string, SubjectFacts>> {
  const rows: (ResolvableFact & Pick<FactRow, 'subject_id'>)[] = [];
  for (const part of inChunks(ids)) rows.push(...(await findFactsValidOn(db, subjectType, part, asOf)));
  return group(rows, asOf, policy);
}

/**
 * Everything the portrait of these hukou households needs on a date: current members with
 * their resolved facts, and the facts of the assistance households those members belong to.
 * A handful of queries per chunk of households, whatever the chunk's size.
 */
export async function loadHouseholdInputs(
  db: Kysely<Database>,
  householdIds: string[],
  asOf: string,
  policy: FactPolicy,
): Promise<Map<string, HouseholdPortraitInput>> {
  const inputs = new Map<string, HouseholdPortraitInput>();
  for (const part of inChunks(householdIds)) {
    const rows = await db
      .selectFrom('hukou_members')
      .innerJoin('persons', 'persons.id', 'hukou_members.person_id')
      .select([
        'hukou_members.household_id',
        'hukou_members.relationship',
        'persons.id',
        'persons.sex',
        'persons.birth_date',
        'persons.death_date',
        'persons.hukou_area_code',
        'persons.residence_area_code',
        'persons.residence_elsewhere',
      ])
      .where('hukou_members.household_id', 'in', part)
      .where('hukou_members.left_on', 'is', null)
      .orderBy('hukou_members.household_id')
      .orderBy('hukou_members.relationship')
      .orderBy('persons.birth_date')
      .execute();
    for (const id of part) inputs.set(id, { facts: [], members: [], assistanceTypes: [] });
    const personIds = rows.map((r) => r.id);
    const personFacts = await factsOf(db, 'person', personIds, asOf, policy);
    for (const row of rows) {
      inputs.get(row.household_id)?.members.push({
        id: row.id,
        sex: row.sex,
        birthDate: row.birth_date,
        deathDate: row.death_date,
        hukouAreaCode: row.hukou_area_code,
        // Living in another county counts as living away from the hukou too.
        residenceAreaCode: residenceOf(row),
        relationship: row.relationship,
        facts: personFacts.get(row.id)?.resolved ?? [],
        events: personFacts.get(row.id)?.events ?? [],
      });
    }
    const householdOfPerson = new Map(rows.map((r) => [r.id, r.household_id]));
    const assistance: {
      household_id: string;
      person_id: string;
      assistance_type?: string | null;
      closed_on?: string | null;
    }[] = [];
    for (const ids of inChunks(personIds)) {
      assistance.push(
        ...(await db
          .selectFrom('assistance_members')
          .innerJoin('assistance_households', 'assistance_households.id', 'assistance_members.household_id')
          .select([
            'assistance_members.household_id',
            'assistance_members.person_id',
            'assistance_households.assistance_type',
            'assistance_households.closed_on',
          ])
          .where('assistance_members.person_id', 'in', ids)
          .where('assistance_members.valid_from', '<=', asOf)
          .where((eb) =>
            eb.or([
              eb('assistance_members.valid_to', 'is', null),
              eb('assistance_members.valid_to', '>', asOf),
            ]),
          )
          .execute()),
      );
    }
    const assistanceIds = [...new Set(assistance.map((a) => a.household_id))];
    const householdFacts = await factsOf(db, 'household', assistanceIds, asOf, policy);
    const seen = new Set<string>();
    for (const a of assistance) {
      const hukouId = householdOfPerson.get(a.person_id);
      if (!hukouId || seen.has(`${hukouId}/${a.household_id}`)) continue;
      seen.add(`${hukouId}/${a.household_id}`);
      const input = inputs.get(hukouId);
      if (!input) continue;
      input.facts.push(...(householdFacts.get(a.household_id)?.resolved ?? []));
      // The civil-affairs case a member is counted in (the roster's dibao, near-dibao, tekun), while open.
      const open = !a.closed_on || a.closed_on > asOf;
      if (a.assistance_type && open && !input.assistanceTypes.includes(a.assistance_type)) {
        input.assistanceTypes.push(a.assistance_type);
      }
    }
  }
  return inputs;
}

/** Persons as portrait inputs, without a household (for those who belong to none). */
export async function loadPersonInputs(
  db: Kysely<Database>,
  personIds: string[],
  asOf: string,
  policy: FactPolicy,
): Promise<PersonInput[]> {
  const out: PersonInput[] = [];
  for (const part of inChunks(personIds)) {
    // A record merged into another is not a person of its own any more (its survivor is).
    const rows = await db
      .selectFrom('persons')
      .selectAll()
      .where('id', 'in', part)
      .where('merged_into', 'is', null)
      .execute();
    const facts = await factsOf(db, 'person', part, asOf, policy);
    for (const row of rows) {
      out.push({
        id: row.id,
        sex: row.sex,
        birthDate: row.birth_date,
        deathDate: row.death_date,
        hukouAreaCode: row.hukou_area_code,
        residenceAreaCode: residenceOf(row),
        relationship: null,
        facts: facts.get(row.id)?.resolved ?? [],
        events: facts.get(row.id)?.events ?? [],
      });
    }
  }
  return out;
}

/** The current hukou household of each person who has one. */
export async function currentHouseholdsOf(
  db: Kysely<Database>,
  personIds: string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of inChunks(personIds)) {
    const rows = await db
      .selectFrom('hukou_members')
      .select(['person_id', 'household_id'])
      .where('person_id', 'in', part)
      .where('left_on', 'is', null)
      .execute();
    for (const row of rows) out.set(row.person_id, row.household_id);
  }
  return out;
}

export interface RegistryMarks {
  factMark: number;
  membershipMark: number;
  personMark: string;
}

/** How far the registry has moved: the newest fact, membership and person edit. */
export async function currentMarks(db: Kysely<Database>): Promise<RegistryMarks> {
  const facts = await db
    .selectFrom('facts')
    .select((eb) => eb.fn.max('id').as('max'))
    .executeTakeFirst();
  const members = await db
    .selectFrom('hukou_members')
    .select((eb) => eb.fn.max('id').as('max'))
    .executeTakeFirst();
  const persons = await db
    .selectFrom('persons')
    .select((eb) => eb.fn.max('updated_at').as('max'))
    .executeTakeFirst();
  return {
    factMark: facts?.max ?? 0,
    membershipMark: members?.max ?? 0,
    personMark: persons?.max ?? '1970-01-01T00:00:00.000Z',
  };
}

/**
 * Persons touched since the marks: a new or corrected fact about them or their assistance
 * household, a new hukou membership, or an edit of their own record. Facts are append-only
 * (a correction is a new fact), so ids above the mark are exactly what changed.
 */
export async function personsChangedSince(
  db: Kysely<Database>,
  since: RegistryMarks,
  until: RegistryMarks,
): Promise<string[]> {
  const ids = new Set<string>();
  const personFacts = await db
    .selectFrom('facts')
    .select('subject_id')
    .distinct()
    .where('subject_type', '=', 'person')
    .where('id', '>', since.factMark)
    .where('id', '<=', until.factMark)
    .execute();
  for (const row of personFacts) ids.add(row.subject_id);
  const householdFacts = await db
    .selectFrom('facts')
    .innerJoin('assistance_members', 'assistance_members.household_id', 'facts.subject_id')
    .select('assistance_members.person_id')
    .distinct()
    .where('facts.subject_type', '=', 'household')
    .where('facts.id', '>', since.factMark)
    .where('facts.id', '<=', until.factMark)
    .execute();
  for (const row of householdFacts) ids.add(row.person_id);
  const memberships = await db
    .selectFrom('hukou_members')
    .select('person_id')
    .where('id', '>', since.membershipMark)
    .where('id', '<=', until.membershipMark)
    .execute();
  for (const row of memberships) ids.add(row.person_id);
  const edited = await db
    .selectFrom('persons')
    .select('id')
    .where('updated_at', '>', since.personMark)
    .where('updated_at', '<=', until.personMark)
    .execute();
  for (const row of edited) ids.add(row.id);
  return [...ids];
}

/** Every hukou household id, in pages (for a full refresh). */
export async function hukouHouseholdPage(
  db: Kysely<Database>,
  after: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('hukou_households')
    .select('id')
    .where('id', '>', after)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Persons who belong to no current hukou household (non-local residents, for instance). */
export async function personsWithoutHousehold(
  db: Kysely<Database>,
  after: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('persons')
    .select('id')
    .where('id', '>', after)
    .where('merged_into', 'is', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('hukou_members')
            .select(sql`1`.as('one'))
            .whereRef('hukou_members.person_id', '=', 'persons.id')
            .where('hukou_members.left_on', 'is', null),
        ),
      ),
    )
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

export interface StoredPortrait {
  subjectType: 'person' | 'hukou_household';
  subjectId: string;
  values: Record<string, unknown>;
  tags: Record<string, 'yes' | 'no' | 'unknown'>;
}

/** Deletes every stored row (values and tags) of these subjects. */
async function deletePortraits(
  db: Kysely<Database>,
  type: 'person' | 'hukou_household',
  ids: string[],
): Promise<void> {
  for (const part of inChunks(ids)) {
    await db
      .deleteFrom('portraits')
      .where('subject_type', '=', type)
      .where('subject_id', 'in', part)
      .execute();
    await db
      .deleteFrom('portrait_tags')
      .where('subject_type', '=', type)
      .where('subject_id', 'in', part)
      .execute();
  }
}

/** Replaces the stored portraits of these subjects (all of their rows) in one transaction. */
export async function replacePortraits(db: Kysely<Database>, portraits: StoredPortrait[]): Promise<void> {
  if (portraits.length === 0) return;
  await db.transaction().execute(async (trx) => {
    for (const type of ['person', 'hukou_household'] as const) {
      const ids = portraits.filter((p) => p.subjectType === type).map((p) => p.subjectId);
      await deletePortraits(trx, type, ids);
    }
    const rows = portraits.map((p) => ({
      subject_type: p.subjectType,
      subject_id: p.subjectId,
      values_json: JSON.stringify(p.values),
    }));
    const tags = portraits.flatMap((p) =>
      Object.entries(p.tags)
        .filter(([, state]) => state !== 'no')
        .map(([tag, state]) => ({
          subject_type: p.subjectType,
          subject_id: p.subjectId,
          tag,
          state: state as 'yes' | 'unknown',
        })),
    );
    await insertChunked(trx, 'portraits', rows, 300);
    await insertChunked(trx, 'portrait_tags', tags, 200);
  });
}

export async function readRefreshState(db: Kysely<Database>): Promise<PortraitRefreshTable | undefined> {
  return db.selectFrom('portrait_refresh').selectAll().where('id', '=', 1).executeTakeFirst();
}

export async function writeRefreshState(
  db: Kysely<Database>,
  state: Omit<PortraitRefreshTable, 'id'>,
): Promise<void> {
  const existing = await readRefreshState(db);
  if (existing) await db.updateTable('portrait_refresh').set(state).where('id', '=', 1).execute();
  else
    await db
      .insertInto('portrait_refresh')
      .values({ id: 1, ...state })
      .execute();
}

/** Stored tags of a subject, for the page and tests. */
export async function storedTags(
  db: Kysely<Database>,
  subjectType: 'person' | 'hukou_household',
  subjectId: string,
) {
  return db
    .selectFrom('portrait_tags')
    .select(['tag', 'state'])
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .orderBy('tag')
    .execute();
}

/** Stored derived values of a subject (null: unknown). */
export async function storedValues(
  db: Kysely<Database>,
  subjectType: 'person' | 'hukou_household',
  subjectId: string,
): Promise<Record<string, unknown>> {
  const row = await db
    .selectFrom('portraits')
    .select('values_json')
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .executeTakeFirst();
  return row ? (JSON.parse(row.values_json) as Record<string, unknown>) : {};
}

/** Removes the stored portraits of persons merged into another record (their survivor carries on). */
export async function removeMergedPortraits(db: Kysely<Database>, personIds: string[]): Promise<number> {
  let removed = 0;
  for (const part of inChunks(personIds)) {
    const merged = await db
      .selectFrom('persons')
      .select('id')
      .where('id', 'in', part)
      .where('merged_into', 'is not', null)
      .execute();
    const ids = merged.map((m) => m.id);
    await deletePortraits(db, 'person', ids);
    removed += ids.length;
  }
  return removed;
}

/** Whether an import of one of these feeds completed after an instant. */
export async function rebuildImportedSince(
  db: Kysely<Database>,
  feedIds: string[],
  since: string,
): Promise<boolean> {
  if (feedIds.length === 0) return false;
  const row = await db
    .selectFrom('imports')
    .select('id')
    .where('feed_id', 'in', feedIds)
    .where('status', '=', 'completed')
    .where('finished_at', '>', since)
    .executeTakeFirst();
  return row !== undefined;
}
