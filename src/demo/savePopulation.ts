import { randomUUID } from 'node:crypto';
import type { AppContext } from '../http/appContext.ts';
import type { GenPopulation } from '../generator/index.ts';
import type { Insertable } from 'kysely';
import type { HukouHouseholdTable, HukouMemberTable, PersonTable } from '../db/schema.ts';
import { preparePersonRow } from '../registry/persons/preparePersonRow.ts';
import { insertPersonRows } from '../registry/persons/personRepository.ts';
import { insertHukouHouseholds, insertHukouMembers } from '../registry/households/householdRepository.ts';

/**
 * Saves a generated population in one transaction. Hukou booklets of non-local households
 * are kept by their home county, so only their persons are stored here; residences outside
 * the areas we hold are left empty rather than invented.
 */
export async function savePopulation(
  context: AppContext,
  population: GenPopulation,
  heldAreaCodes: Set<string>,
): Promise<void> {
  const now = new Date().toISOString();
  const personIds = new Map<string, string>();
  const persons: PersonTable[] = population.persons.map((p) => {
    const id = randomUUID();
    personIds.set(p.key, id);
    return preparePersonRow(
      {
        id,
        idNumber: p.idNumber,
        name: p.name,
        sex: p.sex,
        birthDate: p.birthDate,
        deathDate: p.deathDate,
        hukouAreaCode: p.hukouAreaCode,
        residenceAreaCode: heldAreaCodes.has(p.residenceAreaCode) ? p.residenceAreaCode : null,
        phone: p.phone,
      },
      context.cipher,
      now,
    );
  });
  const households: HukouHouseholdTable[] = [];
  const members: Insertable<HukouMemberTable>[] = [];
  for (const h of population.hukouHouseholds) {
    if (!heldAreaCodes.has(h.areaCode)) continue;
    const id = randomUUID();
    households.push({
      id,
      hukou_number: h.hukouNumber,
      area_code: h.areaCode,
      address: null,
      created_at: now,
    });
    for (const m of h.members) {
      const personId = personIds.get(m.personKey);
      if (personId === undefined) throw new Error(`generated member ${m.personKey} has no person`);
      members.push({
        household_id: id,
        person_id: personId,
        relationship: m.relationship,
        joined_on: null,
        left_on: null,
      });
    }
  }
  await context.db.transaction().execute(async (trx) => {
    await insertPersonRows(trx, persons);
    await insertHukouHouseholds(trx, households);
    await insertHukouMembers(trx, members);
  });
}
