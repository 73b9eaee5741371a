import type { AttributeContext, EmploymentStatus, Setting } from './attributeDraft.ts';
import { yuan } from './attributeDraft.ts';
import { fromDayNumber } from './dayNumbers.ts';
import type { Random } from './random.ts';

/** Working-age activity by setting: towns are wage work, villages farming and odd jobs. */
const activity: Record<Setting, readonly (readonly [EmploymentStatus, number])[]> = {
  urban: [
    ['employed', 62],
    ['self_employed', 14],
    ['registered_unemployed', 4],
    ['not_in_labour_force', 20],
  ],
  rural: [
    ['employed', 35],
    ['self_employed', 42],
    ['registered_unemployed', 3],
    ['not_in_labour_force', 20],
  ],
  migrant: [
    ['employed', 75],
    ['self_employed', 18],
    ['registered_unemployed', 1],
    ['not_in_labour_force', 6],
  ],
};
const wageMedian: Record<Setting, number> = { urban: 4800, rural: 3500, migrant: 4300 };
const insuredShare: Record<Setting, number> = { urban: 0.88, rural: 0.6, migrant: 0.7 };

/** The residents' basic pension from 60 (not counted as income in means tests). */
const RESIDENTS_PENSION = { min: 180, max: 320 } as const;

/**
 * Stage A4 — work and money: employment status (registered unemployment with its start date),
 * earnings, pensions (employee and residents'), employee social insurance and business
 * ownership. A pupil is never retired; a prisoner earns nothing; severe disability keeps most
 * people out of work.
 */
export function assignWork(context: AttributeContext, rng: Random): void {
  const { ages, alive, householdOf, households, persons, population, referenceDay } = context;
  persons.forEach((attributes, i) => {
    const age = ages[i] ?? 0;
    const setting = households[householdOf[i] ?? 0]?.setting ?? 'urban';
    const male = population.persons[i]?.sex === 'male';
    if (age < 16) return;
    const grade = attributes.disability?.grade;
    const severe = grade === '1' || grade === '2';
    const retirementAge = male ? 60 : setting === 'rural' ? 60 : 55;
    let status: EmploymentStatus;
    if (attributes.studentStage !== null || attributes.inPrison) status = 'not_in_labour_force';
    else if (severe && rng.chance(0.8))
      status = age >= retirementAge && rng.chance(0.3) ? 'retired' : 'not_in_labour_force';
    else if (age >= retirementAge) {
      if (setting === 'rural')
        status = rng.weighted<EmploymentStatus>([
          ['retired', 12],
          ['self_employed', age < 75 ? 35 : 5],
          ['not_in_labour_force', 53],
        ]);
      else status = rng.chance(0.82) ? 'retired' : 'not_in_labour_force';
    } else if (attributes.graduationYear !== null && rng.chance(0.12)) status = 'registered_unemployed';
    else status = rng.weighted(activity[setting]);
    attributes.employment = status;

    let earnings = 0;
    if (status === 'employed') earnings = wageMedian[setting] * Math.exp(rng.normal(0, 0.45));
    else if (status === 'self_employed') earnings = 3000 * Math.exp(rng.normal(0, 0.8));
    if (status === 'registered_unemployed' && alive[i] === 1) {
      attributes.unemployedSince = fromDayNumber(referenceDay - rng.int(15, 540));
    }
    if (status === 'retired') attributes.pensionMonthly = yuan(3100 * Math.exp(rng.normal(0, 0.3)));
    else if (age >= 60) attributes.pensionMonthly = rng.int(RESIDENTS_PENSION.min, RESIDENTS_PENSION.max);
    // Older people without a wage mostly live on farm plots and their children's support
    // (赡养费), which means tests count as income.
    const support =
      age >= 60 && status !== 'retired' && rng.chance(0.85) ? 900 * Math.exp(rng.normal(0, 0.5)) : 0;
    // Means tests count the employee pension, not the residents' basic pension.
    attributes.monthlyIncome = yuan(
      earnings + support + (status === 'retired' ? attributes.pensionMonthly : 0),
    );
    attributes.socialInsurance =
      (status === 'employed' && rng.chance(insuredShare[setting])) ||
      (status === 'self_employed' && rng.chance(0.3));
    attributes.businessOwner =
      (status === 'self_employed' && rng.chance(0.45)) || (status === 'employed' && rng.chance(0.02));
  });
}
