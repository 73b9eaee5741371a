import { DAYS_PER_YEAR } from './dayNumbers.ts';
import type { DraftVillage, PopulationDraft } from './draft.ts';
import { destinationCounties, otherCountyTable } from './otherCounties.ts';
import type { Random } from './random.ts';

/**
 * Chances that a family unit registered in the county lives elsewhere, by the age of its
 * youngest adult: [another village or community of the county, outside the county]. Young
 * adults leave for town jobs, schools and flats; the elderly stay. Calibrated so that about
 * 10 % of local persons live elsewhere in the county and about 3 % outside it.
 */
const AWAY_BY_AGE: readonly (readonly [maxAge: number, inCounty: number, outside: number])[] = [
  [17, 0.01, 0.003], // minors without parents in the household (left-behind children) stay
  [24, 0.17, 0.115],
  [44, 0.16, 0.052],
  [59, 0.085, 0.018],
  [Number.POSITIVE_INFINITY, 0.03, 0.005],
];
/** Villagers move to town far more than town residents move between communities. */
const IN_COUNTY_FACTOR = { rural: 1.05, urban: 0.6, migrant: 0 } as const;
/** Rural people moving within the county mostly move to a town residents' committee. */
const TO_TOWN_SHARE = 0.8;
const SAME_TOWNSHIP_SHARE = 0.5;

/**
 * Stage 4 — usual residence. Families move together: a unit is an adult, their spouse and
 * their minor children in the household (so a stem family's young couple can live in town
 * while the grandparents stay in the village). Migrant households live where they were
 * placed: their hukou is elsewhere.
 */
export function assignResidence(draft: PopulationDraft, rng: Random): void {
  const communities = draft.villages.filter((v) => v.kind === 'residents_committee');
  const communitiesByTownship = new Map<string, DraftVillage[]>();
  for (const community of communities) {
    const list = communitiesByTownship.get(community.townshipCode) ?? [];
    list.push(community);
    communitiesByTownship.set(community.townshipCode, list);
  }
  const destinations = otherCountyTable(destinationCounties, draft.countyCode);
  const adultBirthDay = draft.referenceDay - Math.ceil(18 * DAYS_PER_YEAR);

  const otherVillage = (home: DraftVillage): DraftVillage | null => {
    if (draft.villages.length < 2) return null;
    const towns = rng.chance(SAME_TOWNSHIP_SHARE) ? communitiesByTownship.get(home.townshipCode) : undefined;
    for (const pool of rng.chance(TO_TOWN_SHARE) ? [towns, communities] : []) {
      if (pool && pool.some((v) => v !== home)) {
        for (;;) {
          const village = rng.pick(pool);
          if (village !== home) return village;
        }
      }
    }
    for (;;) {
      const village = rng.pick(draft.villages);
      if (village !== home) return village;
    }
  };

  for (const household of draft.households) {
    const home = household.village;
    const members = household.members;
    for (const index of members) {
      const person = draft.persons[index];
      if (person) person.residenceAreaCode = home.code;
    }
    if (household.setting === 'migrant') continue;

    const assigned = new Set<number>();
    const units: number[][] = [];
    for (const index of members) {
      const person = draft.persons[index];
      if (!person || assigned.has(index) || person.birthDay > adultBirthDay) continue;
      const unit = [index];
      if (person.spouseIndex !== null && !assigned.has(person.spouseIndex)) unit.push(person.spouseIndex);
      for (const other of members) {
        const child = draft.persons[other];
        if (!child || assigned.has(other) || child.birthDay <= adultBirthDay) continue;
        if (unit.includes(child.fatherIndex ?? -1) || unit.includes(child.motherIndex ?? -1))
          unit.push(other);
      }
      for (const member of unit) assigned.add(member);
      units.push(unit);
    }
    for (const index of members) if (!assigned.has(index)) units.push([index]);

    for (const unit of units) {
      let youngestAdultAge = Number.POSITIVE_INFINITY;
      let minorAge = 0;
      for (const index of unit) {
        const age = (draft.referenceDay - (draft.persons[index]?.birthDay ?? 0)) / DAYS_PER_YEAR;
        if (age >= 18) youngestAdultAge = Math.min(youngestAdultAge, age);
        else minorAge = age;
      }
      const age = youngestAdultAge === Number.POSITIVE_INFINITY ? minorAge : youngestAdultAge;
      const [, inCounty, outside] = AWAY_BY_AGE.find(([maxAge]) => age < maxAge + 1) ?? [0, 0, 0];
      const draw = rng.next();
      let residence: string | null = null;
      if (draw < outside) residence = `${destinations.draw(rng).code}000000`;
      else if (draw < outside + inCounty * IN_COUNTY_FACTOR[household.setting]) {
        residence = otherVillage(home)?.code ?? null;
      }
      if (residence === null) continue;
      for (const index of unit) {
        const person = draft.persons[index];
        if (person) person.residenceAreaCode = residence;
      }
    }
  }
}
