import type { Insertable, Kysely } from 'kysely';
import type { AssistanceHouseholdTable, AssistanceMemberTable, Database } from '../../db/schema.ts';
import { insertChunked } from '../insertChunked.ts';
import type { HeldCase } from './assistanceRoster.ts';

/** Assistance households by the roster case they were built from. */
export async function findHeldCases(
  db: Kysely<Database>,
  caseNumbers: string[],
): Promise<Map<string, HeldCase>> {
  const held = new Map<string, HeldCase>();
  for (let i = 0; i < caseNumbers.length; i += 900) {
    const households = await db
      .selectFrom('assistance_households')
      .selectAll()
      .where('case_number', 'in', caseNumbers.slice(i, i + 900))
      .execute();
    if (households.length === 0) continue;
    const members = await db
      .selectFrom('assistance_members')
      .selectAll()
      .where(
        'household_id',
        'in',
        households.map((h) => h.id),
      )
      .execute();
    for (const h of households) {
      held.set(h.case_number ?? '', {
        id: h.id,
        assistanceType: h.assistance_type ?? null,
        areaCode: h.area_code,
        applicantPersonId: h.applicant_person_id,
        establishedOn: h.established_on,
        closedOn: h.closed_on ?? null,
        members: members
          .filter((m) => m.household_id === h.id)
          .map((m) => ({
            id: m.id,
            personId: m.person_id,
            relation: m.relation,
            included: m.included === 1,
            validFrom: m.valid_from,
            validTo: m.valid_to,
          })),
      });
    }
  }
  return held;
}

/** Which of these area codes we hold (a household's area must be one). */
export async function findHeldAreaCodes(db: Kysely<Database>, codes: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < codes.length; i += 900) {
    const rows = await db
      .selectFrom('areas')
      .select('code')
      .where('code', 'in', codes.slice(i, i + 900))
      .execute();
    for (const r of rows) found.add(r.code);
  }
  return found;
}

export async function insertRosterHouseholds(
  db: Kysely<Database>,
  rows: AssistanceHouseholdTable[],
): Promise<void> {
  await insertChunked(db, 'assistance_households', rows, 100);
}

export async function insertRosterMembers(
  db: Kysely<Database>,
  rows: Insertable<AssistanceMemberTable>[],
): Promise<void> {
  await insertChunked(db, 'assistance_members', rows, 150);
}

export async function updateRosterHousehold(
  db: Kysely<Database>,
  id: string,
  change: Partial<
    Pick<AssistanceHouseholdTable, 'assistance_type' | 'area_code' | 'applicant_person_id' | 'closed_on'>
  >,
): Promise<void> {
  await db.updateTable('assistance_households').set(change).where('id', '=', id).execute();
}

export async function setMembershipEnd(
  db: Kysely<Database>,
  id: number,
  validTo: string | null,
): Promise<void> {
  await db.updateTable('assistance_members').set({ valid_to: validTo }).where('id', '=', id).execute();
}
