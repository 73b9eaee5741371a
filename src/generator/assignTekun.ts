import type { AttributeContext, PersonAttributes } from './attributeDraft.ts';
import { standardOf } from './attributeDraft.ts';
import { fromDayNumber } from './dayNumbers.ts';
import type { Random } from './random.ts';

/** Rongcheng (seed R2): 4,372 tekun of about 710,000 residents, 3,212 of them at home. */
export const TEKUN_PER_RESIDENT = 4372 / 710_000;
export const TEKUN_DISPERSED_SHARE = 3212 / 4372;

/** No capacity to work under the Tekun Measures. */
function unableToWork(age: number, attributes: PersonAttributes): boolean {
  if (age >= 60 || age < 16) return true;
  const d = attributes.disability;
  if (!d) return false;
  if (d.type === 'intellectual' || d.type === 'mental') return d.grade !== '4';
  if (d.type === 'visual') return d.grade === '1';
  return d.grade === '1' || d.grade === '2';
}

/**
 * Stage A5 — tekun: persons unable to work, without means and without anyone in the booklet
 * who could support them (no spouse, no earning adult), picked up to the county's share of
 * Rongcheng's count; the most dependent live in institutions (concentrated). Their incomes
 * are what tekun have: at most the residents' pension, which does not count.
 */
export function assignTekun(context: AttributeContext, rng: Random): void {
  const { ages, alive, householdOf, households, members, persons, referenceDay } = context;
  const candidates: { index: number; score: number }[] = [];
  persons.forEach((attributes, i) => {
    const age = ages[i] ?? 0;
    const household = households[householdOf[i] ?? 0];
    if (alive[i] !== 1 || !household || household.setting === 'migrant' || attributes.inPrison) return;
    if (age < 16 || !unableToWork(age, attributes)) return;
    if (attributes.monthlyIncome >= standardOf(household.setting)) return;
    const others = (members[householdOf[i] ?? 0] ?? []).filter((m) => m !== i && alive[m] === 1);
    const supporter = others.some((m) => {
      const other = persons[m];
      if (!other) return false;
      return (
        (other.employment === 'employed' || other.employment === 'self_employed') && other.monthlyIncome > 0
      );
    });
    if (supporter) return;
    const grade = attributes.disability?.grade;
    let score = rng.next();
    if (others.length === 0) score += 1;
    if (age >= 75) score += 0.5;
    if (grade === '1' || grade === '2') score += 0.5;
    candidates.push({ index: i, score });
  });
  const target = Math.round(persons.length * TEKUN_PER_RESIDENT);
  candidates.sort((a, b) => b.score - a.score || a.index - b.index);
  const chosen = candidates.slice(0, target);
  // The most dependent (oldest, most severely disabled) go to institutions.
  const dependency = (i: number): number => {
    const grade = persons[i]?.disability?.grade;
    return (ages[i] ?? 0) / 100 + (grade === '1' ? 0.6 : grade === '2' ? 0.4 : 0) + rng.next() * 0.5;
  };
  const ranked = chosen.map(({ index }) => ({ index, dependency: dependency(index) }));
  ranked.sort((a, b) => b.dependency - a.dependency || a.index - b.index);
  const concentrated = Math.round(chosen.length * (1 - TEKUN_DISPERSED_SHARE));
  ranked.forEach(({ index }, rank) => {
    const attributes = persons[index];
    if (!attributes) return;
    attributes.tekun = rank < concentrated ? 'concentrated' : 'dispersed';
    attributes.tekunSince = fromDayNumber(referenceDay - rng.int(20, 3650));
    if (attributes.employment !== null) attributes.employment = 'not_in_labour_force';
    attributes.monthlyIncome = 0;
    // Only the residents' basic pension, which the Tekun Measures do not count.
    attributes.pensionMonthly = (ages[index] ?? 0) >= 60 ? Math.min(attributes.pensionMonthly, 320) : 0;
    attributes.socialInsurance = false;
    attributes.businessOwner = false;
    if (attributes.maritalStatus === '20') attributes.maritalStatus = '30';
  });
}
