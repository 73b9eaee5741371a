import { celEnv, celFunc, CelScalar, listType, type CelEnv } from '@bufbuild/cel';
import { ageOn, daysInMonth } from '../core/isoDate.ts';

/** Whole days from one ISO date to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The same day `months` later (or earlier), clamped to the month's end: 2026-03-31 − 1 → 2026-02-28. */
export function addMonths(date: string, months: number): string {
  const total = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const day = Math.min(Number(date.slice(8, 10)), daysInMonth(year, month));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The functions portrait expressions may call, beyond standard CEL. Dates are ISO strings
 * ('YYYY-MM-DD'), which CEL compares correctly as text; ages and counts are CEL ints.
 */
export const portraitFunctions = [
  celFunc('years_between', [CelScalar.STRING, CelScalar.STRING], CelScalar.INT, (from, to) =>
    BigInt(ageOn(from, to)),
  ),
  celFunc('days_between', [CelScalar.STRING, CelScalar.STRING], CelScalar.INT, (from, to) =>
    BigInt(daysBetween(from, to)),
  ),
  celFunc('add_months', [CelScalar.STRING, CelScalar.INT], CelScalar.STRING, (date, months) =>
    addMonths(date, Number(months)),
  ),
  celFunc('sum', [listType(CelScalar.DYN)], CelScalar.DOUBLE, (list) => {
    let total = 0;
    for (const value of list) total += Number(value);
    return total;
  }),
];

/** One environment for every portrait expression (planning against it is what makes them callable). */
export const portraitEnv: CelEnv = celEnv({ funcs: portraitFunctions });
