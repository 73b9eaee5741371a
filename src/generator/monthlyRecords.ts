import type { PersonAttributes } from './attributeDraft.ts';
import { yuan } from './attributeDraft.ts';
import { fromDayNumber } from './dayNumbers.ts';
import type { FeedContext } from './feedRecords.ts';
import { activeUntil, dayOf, feedWindow, windowMonths, type FeedWindow } from './feedWindow.ts';
import type { Random } from './random.ts';
import type { DepartmentRows, RowSpec } from './rowSpec.ts';

/**
 * A monthly series: for each month of the window, a row on a day between `from` and `to` of
 * that month (or of the month after, `lag` 1, as a declaration is filed after its period),
 * kept when the day falls in the window and the person was alive.
 */
function months(
  window: FeedWindow,
  until: number,
  rng: Random,
  days: { from: number; to: number; lag?: 0 | 1 },
): { day: number; year: number; month: number }[] {
  const out: { day: number; year: number; month: number }[] = [];
  const periods = windowMonths(window);
  // A declaration filed early in the window is for the month before it.
  const [firstYear, firstMonth] = periods[0] ?? [0, 1];
  if (days.lag) periods.unshift(firstMonth === 1 ? [firstYear - 1, 12] : [firstYear, firstMonth - 1]);
  for (const [year, month] of periods) {
    const day = dayOf(year, month + (days.lag ?? 0), rng.int(days.from, days.to));
    if (day >= window.first && day <= until) out.push({ day, year, month });
  }
  return out;
}

const firstOfMonth = (year: number, month: number): string => fromDayNumber(dayOf(year, month, 1));

/** Employee schemes a worker contributes to each month (险种 110 养老, 210 失业, 410 工伤). */
const EMPLOYEE_SCHEMES = ['employee_pension', 'unemployment', 'work_injury'] as const;
/** Flexible (self-employed) workers insure themselves for the pension only. */
const FLEXIBLE_SCHEMES = ['employee_pension'] as const;
/**
 * Assumed: share of residents of working age outside employee insurance who pay into the
 * residents' pension (城乡居民基本养老保险) in a year.
 */
const RESIDENTS_PENSION_TAKE_UP = 0.7;

function knownToHumanResources(a: PersonAttributes): boolean {
  return (
    a.employment !== null &&
    (a.socialInsurance ||
      a.pensionMonthly > 0 ||
      a.employment === 'registered_unemployed' ||
      a.employment === 'employed' ||
      // Graduates of the last years are registered by name for employment services.
      a.graduationYear !== null)
  );
}

/**
 * Human resources and social security: per person it knows, one row of its employment
 * register (employed, registered unemployed with the registration date, retired); then the
 * monthly contributions per scheme of every insured worker (paid in on the 10th–25th), the
 * monthly pension payments (5th–10th) and the residents' pension contribution of the year.
 * Each row states only what that record says: a contribution says nothing of employment.
 */
export function humanResourcesRecords(context: FeedContext): DepartmentRows {
  const { population, referenceDay } = context;
  const window = feedWindow(fromDayNumber(referenceDay));
  const none = {
    employment_status: null,
    social_insurance_contributing: null,
    pension_monthly: null,
    graduation_date: null,
  };
  return {
    rows: (a, i, rng) => {
      const person = population.persons[i];
      if (!person) return [];
      const until = activeUntil(window, person.deathDate);
      if (until < window.first) return [];
      const rows: RowSpec[] = [];
      const alive = person.deathDate === null;
      if (alive && knownToHumanResources(a)) {
        rows.push({
          observedAt: fromDayNumber(referenceDay - rng.int(0, 31)),
          validFrom: a.employment === 'registered_unemployed' ? a.unemployedSince : null,
          values: {
            social_insurance_scheme: null,
            pension_monthly: a.pensionMonthly > 0 ? a.pensionMonthly : null,
          },
          series: 'register',
        });
      }
      if (a.socialInsurance) {
        const schemes = a.employment === 'employed' ? EMPLOYEE_SCHEMES : FLEXIBLE_SCHEMES;
        for (const { day } of months(window, until, rng, { from: 10, to: 25 })) {
          for (const scheme of schemes) {
            rows.push({
              observedAt: fromDayNumber(day),
              values: { ...none, social_insurance_scheme: scheme, social_insurance_contributing: true },
              series: scheme,
            });
          }
        }
      }
      if (a.pensionMonthly > 0) {
        const scheme = a.employment === 'retired' ? 'employee_pension' : 'residents_pension';
        for (const { day } of months(window, until, rng, { from: 5, to: 10 })) {
          rows.push({
            observedAt: fromDayNumber(day),
            values: { ...none, social_insurance_scheme: scheme, pension_monthly: a.pensionMonthly },
            series: 'pension',
          });
        }
      } else if (
        a.employment !== null &&
        a.employment !== 'retired' &&
        !a.socialInsurance &&
        a.studentStage === null &&
        rng.chance(RESIDENTS_PENSION_TAKE_UP)
      ) {
        rows.push({
          observedAt: fromDayNumber(rng.int(window.first, until)),
          values: {
            ...none,
            social_insurance_scheme: 'residents_pension',
            social_insurance_contributing: false,
          },
          series: 'residents_pension',
        });
      }
      return rows.sort((x, y) => (x.observedAt < y.observedAt ? -1 : x.observedAt > y.observedAt ? 1 : 0));
    },
  };
}

/**
 * Tax: every employer files a withholding declaration for every employee each month (全员全额
 * 扣缴申报, by the 15th of the month after; 《个人所得税法》第十一条), the self-employed an
 * advance declaration of business income each quarter (《个人所得税法实施条例》第二十八条 allows
 * monthly or quarterly; quarterly is usual). The amount is the period's average monthly
 * income: the last period states the true income, earlier ones vary around it (overtime,
 * bonuses), so "the latest declaration wins" gives the truth.
 */
export function taxDeclarations(context: FeedContext): DepartmentRows {
  const { population, referenceDay } = context;
  const window = feedWindow(fromDayNumber(referenceDay));
  return {
    rows: (a, i, rng) => {
      const person = population.persons[i];
      if (!person || a.monthlyIncome <= 0) return [];
      if (a.employment !== 'employed' && a.employment !== 'self_employed') return [];
      const until = activeUntil(window, person.deathDate);
      if (until < window.first) return [];
      const periods = months(window, until, rng, { from: 1, to: 15, lag: 1 }).filter(
        ({ month }) => a.employment === 'employed' || month % 3 === 0,
      );
      return periods.map(({ day, year, month }, k) => ({
        observedAt: fromDayNumber(day),
        validFrom: firstOfMonth(year, a.employment === 'employed' ? month : month - 2),
        values: {
          monthly_income:
            k === periods.length - 1 ? a.monthlyIncome : yuan(a.monthlyIncome * rng.uniform(0.85, 1.15)),
        },
        series: 'declaration',
      }));
    },
  };
}

/**
 * Housing provident fund: a monthly deposit (汇缴, 5th–20th) per member, unit and worker each
 * paying 5–12 % of the base (《住房公积金管理条例》第十八条; 建金〔2005〕5号 caps the rate at 12 %).
 * Members: employed and insured, about 70 % of them.
 */
export function housingFundDeposits(context: FeedContext): DepartmentRows {
  const { population, referenceDay } = context;
  const window = feedWindow(fromDayNumber(referenceDay));
  return {
    rows: (a, i, rng) => {
      const person = population.persons[i];
      if (!person || !(a.employment === 'employed' && a.socialInsurance && rng.chance(0.7))) return [];
      const until = activeUntil(window, person.deathDate);
      if (until < window.first) return [];
      const opened = fromDayNumber(
        Math.max(referenceDay - rng.int(60, 7000), dayOf(Number(person.birthDate.slice(0, 4)) + 18, 1, 1)),
      );
      const rate = rng.int(5, 12) / 100;
      const deposit = Math.round(a.monthlyIncome * rate * 2);
      return months(window, until, rng, { from: 5, to: 20 })
        .filter(({ day }) => fromDayNumber(day) >= opened)
        .map(({ day }) => ({
          observedAt: fromDayNumber(day),
          validFrom: opened,
          values: { monthly_income: a.monthlyIncome, housing_fund_deposit: deposit },
          series: 'deposit',
        }));
    },
  };
}

/**
 * Health: family doctors follow up a registered chronic patient face to face at least four
 * times a year (国家基本公共卫生服务规范（第三版）, 2017: hypertension and type 2 diabetes), a
 * seriously ill one about monthly; some visits are missed. One row per visit.
 */
export function followUpVisits(context: FeedContext): DepartmentRows {
  const { population, referenceDay } = context;
  const window = feedWindow(fromDayNumber(referenceDay));
  return {
    rows: (a, i, rng) => {
      const person = population.persons[i];
      if (!person || !(a.chronicIllness || a.seriousIllness)) return [];
      const until = activeUntil(window, person.deathDate);
      if (until < window.first) return [];
      const interval = a.seriousIllness ? 30 : 91;
      const days: number[] = [];
      for (let end = until; end >= window.first; end -= interval) {
        const day = end - rng.int(0, interval - 1);
        if (day >= window.first && (days.length === 0 || rng.chance(0.9))) days.push(day);
      }
      return days.reverse().map((day) => ({ observedAt: fromDayNumber(day), series: 'visit' }));
    },
  };
}
