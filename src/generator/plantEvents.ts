import type { AttributeContext, GenEvent } from './attributeDraft.ts';
import { fromDayNumber, toDayNumber } from './dayNumbers.ts';
import type { Random } from './random.ts';

export const MEDICAL_WARNING_YUAN = 50_000;

/**
 * Stage A8 — the hardship events the platform should find (Y4 and X3): a household's medical
 * costs over 50,000 yuan in 12 months, the death of its main earner aged 18–60, a new grade
 * 1–2 disability certificate in the last year, registered unemployment in a dibao household.
 * They follow from the attributes; the stream only dates the medical warnings.
 */
export function plantEvents(context: AttributeContext, rng: Random): void {
  const { ages, alive, members, households, persons, population, referenceDay } = context;
  const events: GenEvent[] = context.events;
  households.forEach((household, h) => {
    const list = members[h] ?? [];
    const householdKey = population.hukouHouseholds[h]?.key ?? '';
    const keyOf = (m: number): string => population.persons[m]?.key ?? '';
    let total = 0;
    let top = -1;
    for (const m of list) {
      const cost = persons[m]?.medicalOutOfPocket12m ?? 0;
      total += cost;
      if (top < 0 || cost > (persons[top]?.medicalOutOfPocket12m ?? 0)) top = m;
    }
    if (total > MEDICAL_WARNING_YUAN && top >= 0) {
      events.push({
        kind: 'medical_cost_over_50000',
        personKey: keyOf(top),
        householdKey,
        date: fromDayNumber(referenceDay - rng.int(0, 90)),
      });
    }
    let earner = -1;
    for (const m of list) {
      if ((persons[m]?.monthlyIncome ?? 0) > (earner < 0 ? 0 : (persons[earner]?.monthlyIncome ?? 0)))
        earner = m;
    }
    const deathDate = earner >= 0 ? population.persons[earner]?.deathDate : null;
    const age = ages[earner] ?? 0;
    if (deathDate && age >= 18 && age <= 60 && list.some((m) => alive[m] === 1)) {
      events.push({ kind: 'main_earner_death', personKey: keyOf(earner), householdKey, date: deathDate });
    }
    for (const m of list) {
      const attributes = persons[m];
      if (!attributes || alive[m] !== 1) continue;
      const d = attributes.disability;
      if (d && (d.grade === '1' || d.grade === '2') && toDayNumber(d.certifiedOn) > referenceDay - 365) {
        events.push({
          kind: 'new_severe_disability',
          personKey: keyOf(m),
          householdKey,
          date: d.certifiedOn,
        });
      }
      if (
        household.dibao &&
        attributes.employment === 'registered_unemployed' &&
        attributes.unemployedSince
      ) {
        events.push({
          kind: 'unemployment_in_dibao_household',
          personKey: keyOf(m),
          householdKey,
          date: attributes.unemployedSince,
        });
      }
    }
  });
}
