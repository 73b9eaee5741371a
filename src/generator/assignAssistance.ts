import type { AttributeContext } from './attributeDraft.ts';
import { standardOf, yuan } from './attributeDraft.ts';
import { fromDayNumber } from './dayNumbers.ts';
import type { Random } from './random.ts';

/** Share of eligible households actually enrolled: not everyone applies. */
const DIBAO_TAKE_UP = 0.35;
const NEAR_DIBAO_TAKE_UP = 0.5;

/**
 * Stage A7 — dibao and near-dibao households: per-capita income of the living members (not in
 * prison) below the standard (1.5 × for near-dibao), property within limits (deposits under
 * a year and a half of the standard per person, at most one dwelling, no vehicle, no
 * business), and no tekun member (tekun are supported on their own).
 */
export function assignAssistance(context: AttributeContext, rng: Random): void {
  const { alive, members, households, persons, referenceDay } = context;
  households.forEach((household, h) => {
    const list = (members[h] ?? []).filter((m) => alive[m] === 1 && persons[m]?.inPrison === false);
    const income = list.reduce((sum, m) => sum + (persons[m]?.monthlyIncome ?? 0), 0);
    household.monthlyIncome = yuan(income);
    if (list.length === 0 || household.setting === 'migrant') return;
    if (list.some((m) => persons[m]?.tekun != null)) return;
    const standard = standardOf(household.setting);
    const perCapita = income / list.length;
    const deposits = list.reduce((sum, m) => sum + (persons[m]?.deposits ?? 0), 0);
    const withinLimits =
      deposits / list.length < 18 * standard &&
      household.housingUnits <= 1 &&
      list.every((m) => persons[m]?.vehicleCount === 0 && !persons[m].businessOwner);
    if (!withinLimits) return;
    if (perCapita < standard) {
      if (rng.chance(DIBAO_TAKE_UP)) {
        household.dibao = true;
        household.dibaoSince = fromDayNumber(referenceDay - rng.int(30, 2900));
      }
    } else if (perCapita < 1.5 * standard && rng.chance(NEAR_DIBAO_TAKE_UP)) household.nearDibao = true;
  });
}
