import { fromDayNumber, toDayNumber } from './dayNumbers.ts';
import type { FeedContext } from './feedRecords.ts';
import { activeUntil, feedWindow, poisson } from './feedWindow.ts';
import type { Random } from './random.ts';
import type { DepartmentRows, RowSpec } from './rowSpec.ts';

type ClaimType = 'outpatient' | 'chronic_outpatient' | 'inpatient' | 'pharmacy';

/**
 * Ordinary outpatient settlements a year by age. The 2023 health statistics bulletin
 * (《2023年我国卫生健康事业发展统计公报》) counts about 6.8 visits per resident a year, not all
 * settled through insurance; the national medical security bulletin for 2023 counts about
 * 3.7 insured settlements per insured person (about 49 亿人次 for 13.3 亿 insured). These rates
 * sit between the two, with the U shape of age (young children and the old go most).
 */
function outpatientRate(age: number): number {
  if (age < 7) return 4;
  if (age < 18) return 1.5;
  if (age < 45) return 2;
  if (age < 60) return 3;
  if (age < 75) return 4.5;
  return 5.5;
}

/**
 * Hospital stays a year by age: the 2023 bulletin's 3.0 亿 admissions for 14.1 亿 people
 * (about 0.21 a person) spread over age, rising steeply after 60.
 */
function inpatientRate(age: number): number {
  if (age < 18) return 0.06;
  if (age < 45) return 0.08;
  if (age < 60) return 0.14;
  if (age < 75) return 0.28;
  return 0.45;
}

/**
 * Assumed, not from a source: an employee-insured person buys at a designated pharmacy with
 * the personal account about nine times a year; residents' insurance has no personal account.
 */
const PHARMACY_RATE = { employee: 9, residents: 0.5 } as const;
/** Assumed: share of chronic patients registered for 门诊慢特病 (monthly refills settled as such). */
const CHRONIC_REGISTERED = 0.6;
/** A settlement costs the patient at least this much (fen), so a small yearly cost has few of them. */
const MIN_SETTLEMENT_FEN = 1500;

/** Relative size of a settlement's out-of-pocket part, by type, and its spread. */
const WEIGHT: Record<ClaimType, { median: number; sigma: number }> = {
  outpatient: { median: 1, sigma: 0.9 },
  chronic_outpatient: { median: 2.5, sigma: 0.4 },
  pharmacy: { median: 0.6, sigma: 0.7 },
  inpatient: { median: 30, sigma: 0.7 },
};
/**
 * Out of pocket as a share of the settlement's total, by type: insurance pays more of a stay
 * than of a visit; at the pharmacy the personal account (the insured's own money) pays all.
 */
const SHARE: Record<ClaimType, [number, number]> = {
  outpatient: [0.4, 0.85],
  chronic_outpatient: [0.2, 0.45],
  inpatient: [0.2, 0.5],
  pharmacy: [1, 1],
};
/** Keeping the most telling settlements when a small cost cannot cover all visits. */
const PRIORITY: Record<ClaimType, number> = {
  inpatient: 0,
  chronic_outpatient: 1,
  outpatient: 2,
  pharmacy: 3,
};

interface Draft {
  type: ClaimType;
  day: number;
  weight: number;
}

/**
 * Medical security: one row per settlement in the 12 months ending at the reference date —
 * ordinary outpatient visits, monthly 门诊慢特病 refills, hospital stays and pharmacy
 * purchases, a realistic number by age and illness. The person's out-of-pocket cost of the 12
 * months (the ground truth, with its long tail: a serious illness costs tens of thousands) is
 * split over the settlements to the fen, so the sums are exactly the truth and the households
 * above 50,000 yuan (seed feature Y4) are still above it.
 */
export function medicalSettlements(context: FeedContext): DepartmentRows {
  const { population } = context;
  const window = feedWindow(fromDayNumber(context.referenceDay));
  return {
    rows: (a, i, rng) => {
      const person = population.persons[i];
      const fen = Math.round(a.medicalOutOfPocket12m * 100);
      if (!person || fen <= 0) return [];
      const until = activeUntil(window, person.deathDate);
      if (until < window.first) return [];
      const age = Math.floor((until - toDayNumber(person.birthDate)) / 365.2425);
      const anyDay = (): number => rng.int(window.first, until);
      const drafts: Draft[] = [];
      const add = (type: ClaimType, day: number): void => {
        const { median, sigma } = WEIGHT[type];
        drafts.push({ type, day, weight: median * Math.exp(rng.normal(0, sigma)) });
      };
      const registered = a.seriousIllness || (a.chronicIllness && rng.chance(CHRONIC_REGISTERED));
      const visits = poisson(rng, outpatientRate(age) + (a.chronicIllness && !registered ? 4 : 0));
      for (let v = 0; v < visits; v++) add('outpatient', anyDay());
      if (registered) {
        // A refill about every month, some months missed.
        for (let day = until - rng.int(0, 29); day >= window.first; day -= rng.int(26, 34))
          if (rng.chance(0.85)) add('chronic_outpatient', day);
      }
      const stays = poisson(rng, inpatientRate(age) + (a.seriousIllness ? 2.5 : 0));
      for (let s = 0; s < stays; s++) add('inpatient', anyDay());
      const employee = a.socialInsurance || a.employment === 'retired';
      const purchases = poisson(rng, employee ? PHARMACY_RATE.employee : PHARMACY_RATE.residents);
      for (let p = 0; p < purchases; p++) add('pharmacy', anyDay());
      if (drafts.length === 0) add(a.seriousIllness ? 'inpatient' : 'outpatient', anyDay());
      const most = Math.max(1, Math.floor(fen / MIN_SETTLEMENT_FEN));
      const kept =
        drafts.length <= most
          ? drafts
          : [...drafts]
              .sort((x, y) => PRIORITY[x.type] - PRIORITY[y.type] || y.weight - x.weight)
              .slice(0, most);
      kept.sort((x, y) => x.day - y.day || PRIORITY[x.type] - PRIORITY[y.type]);
      return splitCost(kept, fen, rng);
    },
    snapshot: summarise,
  };
}

/**
 * Shares `fen` out over the settlements: each first gets a floor (a visit or a purchase costs
 * the patient something, up to 10 yuan, never more than half an equal share), the rest goes
 * by weight; the rounding remainder goes to the largest.
 */
function splitCost(drafts: Draft[], fen: number, rng: Random): RowSpec[] {
  const total = drafts.reduce((sum, d) => sum + d.weight, 0);
  const floor = Math.min(1000, Math.floor(fen / drafts.length / 2));
  const rest = fen - floor * drafts.length;
  const parts = drafts.map((d) => floor + Math.floor((rest * d.weight) / total));
  let largest = 0;
  parts.forEach((part, k) => {
    if (part > (parts[largest] ?? 0)) largest = k;
  });
  parts[largest] = (parts[largest] ?? 0) + fen - parts.reduce((sum, part) => sum + part, 0);
  return drafts.map((d, k) => {
    const own = parts[k] ?? 0;
    const [low, high] = SHARE[d.type];
    const share = low === high ? low : rng.uniform(low, high);
    return {
      observedAt: fromDayNumber(d.day),
      values: {
        medical_claim_type: d.type,
        medical_claim_total: Math.round(own / share) / 100,
        medical_claim_out_of_pocket: own / 100,
      },
    };
  });
}

/**
 * The snapshot detail level: one row per person dated at the last settlement, carrying the
 * 12 months' sums (its type the most serious seen), so sums over the window stay exact while
 * counts of settlements do not.
 */
function summarise(rows: RowSpec[]): RowSpec[] {
  const last = rows.at(-1);
  if (!last) return [];
  let total = 0;
  let own = 0;
  let type: ClaimType = 'pharmacy';
  for (const row of rows) {
    total += Math.round(Number(row.values?.medical_claim_total ?? 0) * 100);
    own += Math.round(Number(row.values?.medical_claim_out_of_pocket ?? 0) * 100);
    const t = row.values?.medical_claim_type as ClaimType;
    if (PRIORITY[t] < PRIORITY[type]) type = t;
  }
  return [
    {
      observedAt: last.observedAt,
      values: {
        medical_claim_type: type,
        medical_claim_total: total / 100,
        medical_claim_out_of_pocket: own / 100,
      },
    },
  ];
}
