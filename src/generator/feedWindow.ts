import { daysFromCivil, fromDayNumber, toDayNumber } from './dayNumbers.ts';
import type { Random } from './random.ts';

/**
 * The twelve months of detail records ending at the reference date: days `first` … `last`
 * (both included), i.e. (reference − 1 year, reference]. A portrait summing events "over the
 * last 12 months" sees exactly these.
 */
export interface FeedWindow {
  first: number;
  last: number;
}

export function feedWindow(referenceDate: string): FeedWindow {
  const year = Number(referenceDate.slice(0, 4));
  const month = Number(referenceDate.slice(5, 7));
  const day = Number(referenceDate.slice(8, 10));
  // 29 February has no twin a year earlier: the window then starts on 1 March.
  const yearBefore = Math.min(daysFromCivil(year - 1, month, day), daysFromCivil(year - 1, month + 1, 1) - 1);
  return { first: yearBefore + 1, last: toDayNumber(referenceDate) };
}

/** The last day a person can have records on: the window's end, or the day of death. */
export function activeUntil(window: FeedWindow, deathDate: string | null): number {
  return deathDate === null ? window.last : Math.min(window.last, toDayNumber(deathDate));
}

/**
 * The calendar months that overlap the window, oldest first, as [year, month]: thirteen when
 * the window starts mid-month. A monthly record dated in the part of a month outside the
 * window is dropped by its writer, so each series has about twelve rows.
 */
export function windowMonths(window: FeedWindow): [number, number][] {
  const first = fromDayNumber(window.first);
  const last = fromDayNumber(window.last);
  let year = Number(first.slice(0, 4));
  let month = Number(first.slice(5, 7));
  const months: [number, number][] = [];
  const end = Number(last.slice(0, 4)) * 12 + Number(last.slice(5, 7));
  while (year * 12 + month <= end) {
    months.push([year, month]);
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
  return months;
}

/** A day of a month as a day number (day past the month's end rolls over). */
export const dayOf = (year: number, month: number, day: number): number => daysFromCivil(year, month, day);

/** A Poisson count (Knuth's method; the rates here are small). */
export function poisson(rng: Random, mean: number): number {
  if (mean <= 0) return 0;
  const limit = Math.exp(-mean);
  let count = 0;
  let product = rng.next();
  while (product > limit) {
    count++;
    product *= rng.next();
  }
  return count;
}
