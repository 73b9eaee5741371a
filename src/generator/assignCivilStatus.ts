import type { AttributeContext, MaritalStatus } from './attributeDraft.ts';
import type { Random } from './random.ts';

const isSpouse = (relationship: string): boolean => relationship >= '10' && relationship <= '12';
const isSon = (relationship: string): boolean => relationship >= '20' && relationship <= '27';
const isDaughter = (relationship: string): boolean => relationship >= '30' && relationship <= '37';

/** Marital status of someone whose spouse is not in the hukou booklet, by age. */
function statusWithoutSpouse(age: number, rng: Random): MaritalStatus {
  if (age < 20) return '10';
  if (age < 25)
    return rng.weighted<MaritalStatus>([
      ['10', 88],
      ['20', 11],
      ['40', 1],
    ]);
  if (age < 30)
    return rng.weighted<MaritalStatus>([
      ['10', 55],
      ['20', 38],
      ['40', 6],
      ['90', 1],
    ]);
  if (age < 60)
    return rng.weighted<MaritalStatus>([
      ['10', 22],
      ['20', 40],
      ['40', 27],
      ['30', 10],
      ['90', 1],
    ]);
  return rng.weighted<MaritalStatus>([
    ['30', 66],
    ['20', 14],
    ['40', 10],
    ['10', 10],
  ]);
}

/**
 * Stage A3 — civil status: marital status (GB/T 2261.2) read from the booklet where a spouse
 * or an in-law is registered, by age otherwise; veterans; persons serving a sentence.
 */
export function assignCivilStatus(context: AttributeContext, rng: Random): void {
  const { ages, alive, members, persons, relationships, population } = context;
  const married = new Uint8Array(persons.length);
  for (const list of members) {
    const rels = list.map((m) => relationships[m] ?? '');
    const head = list[0];
    if (head !== undefined && rels.some(isSpouse)) {
      married[head] = 1;
      list.forEach((m, k) => {
        if (isSpouse(rels[k] ?? '')) married[m] = 1;
      });
    }
    // A son-in-law or daughter-in-law is married to the eldest daughter or son present.
    const inLawOf = (inLaw: string, child: (r: string) => boolean): void => {
      const k = rels.indexOf(inLaw);
      if (k < 0) return;
      married[list[k] ?? 0] = 1;
      const partner = list.find((m, j) => child(rels[j] ?? '') && (ages[m] ?? 0) >= 20);
      if (partner !== undefined) married[partner] = 1;
    };
    inLawOf('38', isSon);
    inLawOf('28', isDaughter);
    const parents = list.filter((_, k) => (rels[k] ?? '').startsWith('5'));
    if (parents.length === 2) parents.forEach((m) => (married[m] = 1));
  }
  persons.forEach((attributes, i) => {
    const age = ages[i] ?? 0;
    const male = population.persons[i]?.sex === 'male';
    attributes.maritalStatus = married[i] === 1 && age >= 18 ? '20' : statusWithoutSpouse(age, rng);
    attributes.veteran = age >= 22 && age <= 90 && rng.chance(male ? 0.045 : 0.003);
    attributes.inPrison = alive[i] === 1 && age >= 18 && age <= 65 && rng.chance(male ? 0.0025 : 0.0003);
  });
}
