import type { AttributeContext, Setting } from './attributeDraft.ts';
import { yuan } from './attributeDraft.ts';
import type { Random } from './random.ts';

const housingUnits: Record<Setting, readonly (readonly [number, number])[]> = {
  rural: [
    [0, 2],
    [1, 88],
    [2, 9],
    [3, 1],
  ],
  urban: [
    [0, 14],
    [1, 64],
    [2, 18],
    [3, 4],
  ],
  migrant: [
    [0, 74],
    [1, 24],
    [2, 2],
  ],
};

/**
 * Stage A6 — property: dwellings and floor area per household, vehicles and bank deposits
 * per person, all growing with income; tekun own next to nothing.
 */
export function assignProperty(context: AttributeContext, rng: Random): void {
  const { ages, alive, members, households, persons } = context;
  households.forEach((household, h) => {
    const list = members[h] ?? [];
    const income = list.reduce((sum, m) => sum + (persons[m]?.monthlyIncome ?? 0), 0);
    let units = rng.weighted(housingUnits[household.setting]);
    if (income > 15000 && rng.chance(0.3)) units += 1;
    if (list.every((m) => persons[m]?.tekun != null)) units = Math.min(units, 1);
    household.housingUnits = units;
    const perPerson = household.setting === 'rural' ? rng.uniform(30, 65) : rng.uniform(18, 48);
    household.housingAreaPerPerson = units === 0 ? 0 : Math.round(perPerson * Math.sqrt(units) * 10) / 10;
  });
  persons.forEach((attributes, i) => {
    const age = ages[i] ?? 0;
    if (alive[i] !== 1 || age < 16) return;
    const income = attributes.monthlyIncome + attributes.pensionMonthly;
    if (attributes.tekun !== null) {
      attributes.deposits = rng.chance(0.5) ? 0 : yuan(rng.uniform(100, 8000));
      return;
    }
    attributes.deposits = rng.chance(0.12) ? 0 : yuan(Math.max(200, income) * 8 * Math.exp(rng.normal(0, 1)));
    if (age >= 18 && age <= 75 && !attributes.inPrison) {
      const p = Math.min(0.7, 0.05 + income / 20000);
      if (rng.chance(p)) attributes.vehicleCount = rng.chance(0.1) ? 2 : 1;
    }
  });
}
