import { DAYS_PER_YEAR } from './dayNumbers.ts';
import type { PopulationDraft } from './draft.ts';
import type { Random } from './random.ts';

/**
 * Annual mortality by age, a Gompertz curve close to China's life tables (about 1 % at 60,
 * 6 % at 80, 16 % at 90).
 */
function annualMortality(age: number): number {
  return Math.min(0.5, 0.00005 * Math.exp(0.09 * age));
}

/**
 * Deaths are registered with the police some weeks or months late, so on any day part of
 * the last year's and a half's deaths are still in the hukou register. This factor scales
 * annual mortality to that backlog; it yields about 0.5 % of persons deceased.
 */
const UNCANCELLED_FACTOR = 0.4;
const BACKLOG_DAYS = 540;

/**
 * Stage 5 — deaths not yet cancelled: a person died between a year and a half ago and
 * yesterday and still appears in the household, as in a real register.
 */
export function assignDeaths(draft: PopulationDraft, rng: Random): void {
  for (const person of draft.persons) {
    const age = (draft.referenceDay - person.birthDay) / DAYS_PER_YEAR;
    if (age < 1) continue;
    if (!rng.chance(UNCANCELLED_FACTOR * annualMortality(age))) continue;
    person.deathDay = Math.max(person.birthDay + 1, draft.referenceDay - rng.int(1, BACKLOG_DAYS));
  }
}
