import { composeHousehold, householdTypeWeights } from './composeHousehold.ts';
import { allocateHouseholds } from './allocateHouseholds.ts';
import { DAYS_PER_YEAR, fromDayNumber } from './dayNumbers.ts';
import type { DraftVillage, HouseholdType, PopulationDraft, Setting } from './draft.ts';
import { surnameProfileOf } from './names.ts';
import { originCounties, otherCountyTable } from './otherCounties.ts';
import type { Random } from './random.ts';
import { WeightedTable } from './weightedTable.ts';

/** Share of households whose hukou lies outside the county although they live in it. */
export const NON_LOCAL_HOUSEHOLD_SHARE = 0.04;
/** Migrants settle where the work is: odds of a non-local household in a town community vs a village. */
const URBAN_MIGRANT_ODDS = 3;

function settingOf(village: DraftVillage): Setting {
  // Similar units (farms, fishing companies) are organised like residents' committees.
  return village.kind === 'village_committee' ? 'rural' : 'urban';
}

/**
 * Stage 1 — households and their members: how many households each village has, which of
 * them are registered elsewhere, each household's type, and every member's sex, birth date,
 * relationship to the head and kinship links.
 */
export function planHouseholds(draft: PopulationDraft, rng: Random, totalHouseholds: number): void {
  const counts = allocateHouseholds(rng.fork('villages'), draft.villages, totalHouseholds);
  const compose = rng.fork('composition');
  const typeTables: Record<Setting, WeightedTable<HouseholdType>> = {
    rural: new WeightedTable(householdTypeWeights.rural),
    urban: new WeightedTable(householdTypeWeights.urban),
    migrant: new WeightedTable(householdTypeWeights.migrant),
  };
  const origins = otherCountyTable(originCounties, draft.countyCode);
  const localProfile = surnameProfileOf(draft.countyCode);

  // Chances per village kind such that about 4 % of all households are non-local, three
  // times as often in town communities as in villages.
  let urbanHouseholds = 0;
  let ruralHouseholds = 0;
  draft.villages.forEach((village, i) => {
    if (settingOf(village) === 'urban') urbanHouseholds += counts[i] ?? 0;
    else ruralHouseholds += counts[i] ?? 0;
  });
  const weightedHouseholds = URBAN_MIGRANT_ODDS * urbanHouseholds + ruralHouseholds;
  const ruralMigrantChance =
    weightedHouseholds > 0 ? (NON_LOCAL_HOUSEHOLD_SHARE * totalHouseholds) / weightedHouseholds : 0;
  const urbanMigrantChance = Math.min(0.3, URBAN_MIGRANT_ODDS * ruralMigrantChance);

  // 户号: nine digits, issued in ascending order with gaps (numbers of households that have
  // since been dissolved or merged), so they look like a police station's register.
  let hukouNumber = compose.int(100_000_000, 199_999_999);

  draft.villages.forEach((village, villageIndex) => {
    const count = counts[villageIndex] ?? 0;
    const villageSetting = settingOf(village);
    for (let h = 0; h < count; h++) {
      const migrant = compose.chance(villageSetting === 'urban' ? urbanMigrantChance : ruralMigrantChance);
      const setting: Setting = migrant ? 'migrant' : villageSetting;
      const type = typeTables[setting].draw(compose);
      const origin = migrant ? origins.draw(compose).code : null;
      hukouNumber += compose.int(1, 40);
      const householdIndex = draft.households.length;
      const offset = draft.persons.length;
      const plans = composeHousehold(compose, type, setting, draft.referenceYear);
      const shift = (index: number | null): number | null => (index === null ? null : index + offset);
      for (const plan of plans) {
        const birthDay = draft.referenceDay - Math.floor(plan.age * DAYS_PER_YEAR);
        draft.persons.push({
          householdIndex,
          sex: plan.sex,
          birthDay,
          birthDate: fromDayNumber(birthDay),
          relationship: plan.relationship,
          generation: plan.generation,
          fatherIndex: shift(plan.father),
          motherIndex: shift(plan.mother),
          spouseIndex: shift(plan.spouse),
          sameSurnameAs: shift(plan.sameSurnameAs),
          marriedIn: plan.marriedIn,
          nonRelative: plan.nonRelative,
          surname: '',
          givenName: '',
          idAddressCode: '',
          idNumber: '',
          residenceAreaCode: '',
          deathDay: null,
          phone: null,
        });
      }
      draft.households.push({
        village,
        setting,
        type,
        hukouAreaCode: origin === null ? village.code : `${origin}000000`,
        hukouNumber: String(hukouNumber),
        members: plans.map((_, i) => offset + i),
        surnameProfile: origin === null ? localProfile : surnameProfileOf(origin),
      });
    }
  });
}
