/**
 * Working-day calendar for work-order clocks: Chinese deadlines count working days, skipping
 * statutory holidays and counting make-up workdays (调休), with regional overrides on top.
 * Pure: the statutory data ships with the `chinese-days` package, overrides arrive as data.
 */
// The package's own data file rather than its functions (isWorkday, getDayDetail…): those parse
// 'YYYY-MM-DD' as UTC midnight but read it back with local-time getters, so in a time zone west of
// UTC they answer for the previous day. The JSON is the same tables keyed by civil date.
import statutoryData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { areaCodePrefix, areaCodeProblem, AREA_CODE_LENGTH } from '../areas/areaCode.ts';

export type DayKind = 'workday' | 'holiday';

/** An administrator's regional exception: `day` is 'YYYY-MM-DD', `regionCode` a 12-digit area code. */
export interface CalendarOverride {
  regionCode: string;
  day: string;
  kind: DayKind;
  name: string;
}

/**
 * What the calendar says about one day in one area. `name` is the override's name, or the Chinese
 * name of the statutory holiday (for a make-up workday, the holiday it makes up for); null on an
 * ordinary day. `covered` is whether the statutory data includes the day's year: when it does not,
 * the day falls back to weekends off, weekdays working.
 */
export interface DayInfo {
  day: string;
  working: boolean;
  name: string | null;
  source: 'override' | 'statutory' | 'weekend' | 'weekday';
  covered: boolean;
}

// Entries read "English,中文,days", e.g. "Spring Festival,春节,4".
const statutory: { holidays: Readonly<Record<string, string>>; workdays: Readonly<Record<string, string>> } =
  statutoryData;

// Years the data knows, read from the data itself so that a package update extends coverage.
const coveredYears = new Set(
  [...Object.keys(statutory.holidays), ...Object.keys(statutory.workdays)].map((day) => day.slice(0, 4)),
);

const MS_PER_DAY = 86_400_000;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
// toISOString switches to a six-digit year after 9999, which would no longer be a 'YYYY-MM-DD' day.
const LAST_EPOCH_DAY = Date.UTC(9999, 11, 31) / MS_PER_DAY;

/** Days since 1970-01-01 of a civil date; throws on a malformed or impossible one ('2026-02-30'). */
function toEpochDay(day: string): number {
  const ms = DATE_PATTERN.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
  // The round trip catches dates an engine would roll over into the next month.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) {
    throw new Error(`invalid date "${day}": expected an existing date as YYYY-MM-DD`);
  }
  return ms / MS_PER_DAY;
}

function fromEpochDay(epochDay: number): string {
  if (epochDay > LAST_EPOCH_DAY) throw new RangeError('working-day count runs past 9999-12-31');
  return new Date(epochDay * MS_PER_DAY).toISOString().slice(0, 10);
}

function checkAreaCode(code: string, what: string): void {
  // Only full codes: a short form would match by accident of padding, so callers normalize first.
  const problem = code.length === AREA_CODE_LENGTH ? areaCodeProblem(code) : 'expected 12 digits';
  if (problem !== undefined) throw new Error(`invalid ${what} "${code}": ${problem}`);
}

function checkCount(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new Error(`invalid working-day count ${n}: expected an integer >= 0`);
}

/** The Chinese part of a package entry, or the whole entry should the format change. */
function chineseName(entry: string): string {
  return entry.split(',')[1] ?? entry;
}

interface IndexedOverride {
  override: CalendarOverride;
  /** Significant prefix of the region: an area lies within it when its code starts with it. */
  prefix: string;
}

export class WorkingCalendar {
  private readonly overridesByDay = new Map<string, IndexedOverride[]>();
  // Statutory answers depend on the day only; overrides are resolved per area on top.
  private readonly statutoryCache = new Map<string, DayInfo>();

  constructor(overrides: readonly CalendarOverride[] = []) {
    for (const override of overrides) {
      toEpochDay(override.day);
      checkAreaCode(override.regionCode, 'override region code');
      const sameDay = this.overridesByDay.get(override.day) ?? [];
      // Two rows for one region and day would leave the answer to row order: refuse rather than guess.
      if (sameDay.some((o) => o.override.regionCode === override.regionCode)) {
        throw new Error(`duplicate calendar override for region ${override.regionCode} on ${override.day}`);
      }
      sameDay.push({ override, prefix: areaCodePrefix(override.regionCode) });
      this.overridesByDay.set(override.day, sameDay);
    }
  }

  dayInfo(day: string, areaCode: string): DayInfo {
    const epochDay = toEpochDay(day);
    checkAreaCode(areaCode, 'area code');
    return this.resolve(day, epochDay, areaCode);
  }

  isWorkingDay(day: string, areaCode: string): boolean {
    return this.dayInfo(day, areaCode).working;
  }

  /** The n-th working day after `from` (from itself not counted); n = 0 gives `from` if it is a working day, else the next working day. */
  addWorkingDays(from: string, n: number, areaCode: string): string {
    let epochDay = toEpochDay(from);
    checkCount(n);
    checkAreaCode(areaCode, 'area code');
    let day = from;
    if (n === 0) {
      while (!this.resolve(day, epochDay, areaCode).working) day = fromEpochDay(++epochDay);
      return day;
    }
    for (let remaining = n; remaining > 0;) {
      day = fromEpochDay(++epochDay);
      if (this.resolve(day, epochDay, areaCode).working) remaining--;
    }
    return day;
  }

  /** Working days in (from, to]; 0 when to <= from. */
  workingDaysBetween(from: string, to: string, areaCode: string): number {
    const first = toEpochDay(from) + 1;
    const last = toEpochDay(to);
    checkAreaCode(areaCode, 'area code');
    let count = 0;
    for (let epochDay = first; epochDay <= last; epochDay++) {
      if (this.resolve(fromEpochDay(epochDay), epochDay, areaCode).working) count++;
    }
    return count;
  }

  /** `day` and `epochDay` name the same, already validated, date. */
  private resolve(day: string, epochDay: number, areaCode: string): DayInfo {
    const base = this.statutory(day, epochDay);
    // The most specific region wins: the longest significant prefix the area lies within.
    let best: IndexedOverride | undefined;
    for (const candidate of this.overridesByDay.get(day) ?? []) {
      if (areaCode.startsWith(candidate.prefix) && candidate.prefix.length > (best?.prefix.length ?? -1)) {
        best = candidate;
      }
    }
    if (best === undefined) return { ...base };
    const { kind, name } = best.override;
    return { day, working: kind === 'workday', name, source: 'override', covered: base.covered };
  }

  private statutory(day: string, epochDay: number): DayInfo {
    const cached = this.statutoryCache.get(day);
    if (cached !== undefined) return cached;
    const covered = coveredYears.has(day.slice(0, 4));
    // Make-up workdays first, as the package does; a day is never in both tables.
    const workdayEntry = statutory.workdays[day];
    const holidayEntry = statutory.holidays[day];
    let info: DayInfo;
    if (workdayEntry !== undefined) {
      info = { day, working: true, name: chineseName(workdayEntry), source: 'statutory', covered };
    } else if (holidayEntry !== undefined) {
      info = { day, working: false, name: chineseName(holidayEntry), source: 'statutory', covered };
    } else {
      const weekday = new Date(epochDay * MS_PER_DAY).getUTCDay();
      const weekend = weekday === 0 || weekday === 6;
      info = { day, working: !weekend, name: null, source: weekend ? 'weekend' : 'weekday', covered };
    }
    this.statutoryCache.set(day, info);
    return info;
  }
}
