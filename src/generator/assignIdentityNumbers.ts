import { makeResidentId } from '../registry/residentId/index.ts';
import type { DraftPerson, PopulationDraft } from './draft.ts';
import { originCounties, otherCountyTable } from './otherCounties.ts';
import type { Random } from './random.ts';

/**
 * Chances that a local resident's ID number was first issued outside the county. The
 * address code of an ID never changes after issue, so people who married in or moved in
 * keep their birthplace's code for life; children born here get the county's. Together with
 * the migrant households this makes about 8 % of all ID numbers non-local.
 */
const MARRIED_IN_ELSEWHERE = 0.12;
const ADULT_ARRIVED_ELSEWHERE = 0.03; // heads and others without their parents in the household
const CHILD_BORN_ELSEWHERE = 0.005;
/** Migrant families mostly come from one county; a few members (spouses) from another. */
const MIGRANT_MEMBER_OTHER_ORIGIN = 0.1;
const MALE_SEQUENCES = 500;
const FEMALE_SEQUENCES = 499;
/** Prime, so coprime with both counts: the walk visits every sequence before repeating. */
const SEQUENCE_STRIDE = 211;

/**
 * Stage 3 — ID numbers. The address code (the county where the number was first issued) is
 * the county's own or another county's; birth date and sex come from the person; the
 * sequence is odd for men and even for women (GB 11643) and never repeats for the same
 * address code and birth date, so no two persons share a number.
 */
export function assignIdentityNumbers(draft: PopulationDraft, rng: Random): void {
  const origins = otherCountyTable(originCounties, draft.countyCode);
  // Sequences are handed out per (address code, birth date, sex) by walking the free slots
  // from a random start with a prime stride: unique by construction, scattered like real
  // numbers, and without a set of 700,000 issued numbers to search.
  let firstDay = draft.referenceDay;
  for (const person of draft.persons) firstDay = Math.min(firstDay, person.birthDay);
  const days = draft.referenceDay - firstDay + 1;
  const slots = new Map<string, { issued: Uint16Array; start: Uint16Array }>();

  const issue = (person: DraftPerson): void => {
    let bySlot = slots.get(person.idAddressCode);
    if (bySlot === undefined) {
      bySlot = { issued: new Uint16Array(2 * days), start: new Uint16Array(2 * days) };
      slots.set(person.idAddressCode, bySlot);
    }
    const male = person.sex === 'male';
    const slot = 2 * (person.birthDay - firstDay) + (male ? 0 : 1);
    const capacity = male ? MALE_SEQUENCES : FEMALE_SEQUENCES;
    const issued = bySlot.issued[slot] ?? 0;
    if (issued >= capacity) {
      throw new Error(
        `no free ID sequence left for ${person.sex} born ${person.birthDate} in ${person.idAddressCode}`,
      );
    }
    if (issued === 0) bySlot.start[slot] = rng.int(0, capacity - 1);
    const position = ((bySlot.start[slot] ?? 0) + issued * SEQUENCE_STRIDE) % capacity;
    bySlot.issued[slot] = issued + 1;
    // Odd sequences (1–999) for men, even ones (2–998) for women.
    const sequence = male ? 2 * position + 1 : 2 * position + 2;
    person.idNumber = makeResidentId(person.idAddressCode, person.birthDate, sequence);
  };

  for (const household of draft.households) {
    const migrantOrigin = household.setting === 'migrant' ? household.hukouAreaCode.slice(0, 6) : null;
    for (const index of household.members) {
      const person = draft.persons[index];
      if (!person) continue;
      let elsewhere: boolean;
      if (migrantOrigin !== null) {
        person.idAddressCode = rng.chance(MIGRANT_MEMBER_OTHER_ORIGIN)
          ? origins.draw(rng).code
          : migrantOrigin;
      } else {
        if (person.marriedIn || person.nonRelative) elsewhere = rng.chance(MARRIED_IN_ELSEWHERE);
        else if (person.fatherIndex !== null || person.motherIndex !== null)
          elsewhere = rng.chance(CHILD_BORN_ELSEWHERE);
        else elsewhere = rng.chance(ADULT_ARRIVED_ELSEWHERE);
        person.idAddressCode = elsewhere ? origins.draw(rng).code : draft.countyCode;
      }
      issue(person);
    }
  }
}
