import type { DraftPerson, PopulationDraft } from './draft.ts';
import { drawGivenName, drawSurname, generationCharOf } from './names.ts';
import type { Random } from './random.ts';

/** Children taking the father's surname when he is known; the rest take the mother's. */
const FATHERS_SURNAME_SHARE = 0.93;
/** Siblings of older cohorts often share a generation character (字辈) in their given names. */
const GENERATION_CHAR_SHARE = 0.4;
const GENERATION_CHAR_UNTIL = 1995;

function personAt(draft: PopulationDraft, index: number | null): DraftPerson | null {
  return index === null ? null : (draft.persons[index] ?? null);
}

/**
 * Stage 2 — names. Surnames follow kinship: children usually take the father's, spouses
 * keep their own (Chinese women do not change surname), siblings of the head share the
 * head's. Given names follow the fashion of the birth cohort.
 */
export function assignNames(draft: PopulationDraft, rng: Random): void {
  // Reused across households: 280,000 small sets and maps would only feed the garbage collector.
  const fullNames = new Set<string>();
  const generationChars = new Map<string, string>();
  const byGeneration = (a: number, b: number): number =>
    (draft.persons[a]?.generation ?? 0) - (draft.persons[b]?.generation ?? 0) || a - b;
  for (const household of draft.households) {
    // Parents before children, so an inherited surname is always already there.
    const order =
      household.members.length === 1 ? household.members : [...household.members].sort(byGeneration);
    fullNames.clear();
    generationChars.clear();
    for (const index of order) {
      const person = draft.persons[index];
      if (!person) continue;
      const father = personAt(draft, person.fatherIndex);
      const mother = personAt(draft, person.motherIndex);
      const sibling = personAt(draft, person.sameSurnameAs);
      if (person.nonRelative) person.surname = drawSurname(rng, household.surnameProfile);
      else if (father)
        person.surname = mother && !rng.chance(FATHERS_SURNAME_SHARE) ? mother.surname : father.surname;
      else if (mother)
        person.surname = rng.chance(0.25) ? mother.surname : drawSurname(rng, household.surnameProfile);
      else if (sibling?.surname) person.surname = sibling.surname;
      else person.surname = drawSurname(rng, household.surnameProfile);

      const birthYear = Number(person.birthDate.slice(0, 4));
      const siblingGroup =
        person.fatherIndex !== null
          ? `f${person.fatherIndex}${person.sex}`
          : person.motherIndex !== null
            ? `m${person.motherIndex}${person.sex}`
            : null;
      const shared = siblingGroup === null ? undefined : generationChars.get(siblingGroup);
      const useShared =
        shared !== undefined && birthYear <= GENERATION_CHAR_UNTIL && rng.chance(GENERATION_CHAR_SHARE);
      const options = useShared ? { generationChar: shared } : {};
      let givenName = drawGivenName(rng, person.sex, birthYear, options);
      // No two members with the same full name, and no 王王-style doubling of the surname.
      for (let attempt = 0; attempt < 6; attempt++) {
        if (!fullNames.has(person.surname + givenName) && !givenName.startsWith(person.surname)) break;
        givenName = drawGivenName(rng, person.sex, birthYear);
      }
      person.givenName = givenName;
      fullNames.add(person.surname + givenName);
      const generationChar = generationCharOf(givenName);
      if (siblingGroup !== null && shared === undefined && generationChar !== undefined) {
        generationChars.set(siblingGroup, generationChar);
      }
    }
  }
}
