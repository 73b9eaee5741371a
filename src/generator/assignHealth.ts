import type { AttributeContext, DisabilityGrade, DisabilityType } from './attributeDraft.ts';
import { yuan } from './attributeDraft.ts';
import { fromDayNumber, toDayNumber } from './dayNumbers.ts';
import type { Random } from './random.ts';
import { WeightedTable } from './weightedTable.ts';

/**
 * Prevalence of a certified disability by age: the 2006 national sample survey's curve,
 * scaled so that about 6 % of a county's population holds a certificate.
 */
function disabilityShare(age: number): number {
  if (age < 15) return 0.01;
  if (age < 45) return 0.025;
  if (age < 60) return 0.055;
  if (age < 75) return 0.1;
  return 0.17;
}

// Survey shares of the types; grades lean towards the milder 3 and 4.
const types = new WeightedTable<DisabilityType>([
  ['physical', 29],
  ['hearing', 24],
  ['multiple', 16],
  ['visual', 14],
  ['mental', 7],
  ['intellectual', 7],
  ['speech', 2],
]);
const grades = new WeightedTable<DisabilityGrade>([
  ['1', 9],
  ['2', 15],
  ['3', 30],
  ['4', 46],
]);

function chronicShare(age: number): number {
  if (age < 18) return 0.02;
  if (age < 45) return 0.08;
  if (age < 60) return 0.25;
  return 0.5;
}

function seriousShare(age: number): number {
  if (age < 45) return 0.003;
  if (age < 60) return 0.012;
  return 0.028;
}

/** A log-normal draw: medical bills have a long right tail. */
const logNormal = (rng: Random, median: number, sigma: number): number =>
  median * Math.exp(rng.normal(0, sigma));

/**
 * Stage A1 — health: certified disability (type, grade, certificate date), chronic and
 * serious illness, and out-of-pocket medical costs of the last 12 months. A serious illness
 * costs tens of thousands of yuan, so some households pass 50,000 (the Y4 warning).
 */
export function assignHealth(context: AttributeContext, rng: Random): void {
  const { ages, persons, population, referenceDay } = context;
  population.persons.forEach((person, i) => {
    const age = ages[i] ?? 0;
    const attributes = persons[i];
    if (!attributes) return;
    if (rng.chance(disabilityShare(age))) {
      const birthDay = toDayNumber(person.birthDate);
      // Certificates are renewed every 10 years, so the issue date is in the last ten.
      const issued = Math.max(birthDay + 30, referenceDay - rng.int(1, 3650));
      attributes.disability = {
        type: types.draw(rng),
        grade: grades.draw(rng),
        certifiedOn: fromDayNumber(Math.min(issued, referenceDay - 1)),
      };
    }
    attributes.chronicIllness = rng.chance(chronicShare(age));
    attributes.seriousIllness = rng.chance(seriousShare(age));
    let cost = rng.chance(0.35) ? 0 : logNormal(rng, 250, 1.1);
    if (attributes.chronicIllness) cost += logNormal(rng, 2200, 0.8);
    if (attributes.seriousIllness) cost += logNormal(rng, 32000, 0.75);
    const grade = attributes.disability?.grade;
    if (grade === '1' || grade === '2') cost += logNormal(rng, 3000, 0.9);
    attributes.medicalOutOfPocket12m = yuan(Math.min(cost, 600_000));
  });
}
