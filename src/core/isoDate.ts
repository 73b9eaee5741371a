/**
 * Calendar dates as `YYYY-MM-DD` strings. Dates in this system are civil dates (a birth,
 * a validity period), never instants, so they stay strings end to end and compare as text.
 */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days in a month of the proleptic Gregorian calendar (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Why a `YYYY-MM-DD` string is not a real date, in Chinese, or undefined when it is one. */
export function isoDateProblem(value: string): string | undefined {
  const match = ISO_DATE.exec(value);
  if (!match) return `“${value}”不是YYYY-MM-DD格式`;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12) return `月份${match[2]}不存在`;
  if (day < 1 || day > daysInMonth(year, month)) return `${year}年${month}月没有${day}日`;
  return undefined;
}

export function isIsoDate(value: string): boolean {
  return isoDateProblem(value) === undefined;
}

/** Today's date in China Standard Time (UTC+8), where every user of the system is. */
export function todayInChina(now: Date = new Date()): IsoDate {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/**
 * A period of Beijing civil days as instants: from 00:00 on `from` to 24:00 on `to` (exclusive),
 * for comparing with stored timestamps.
 */
export function chinaDaysAsInstants(from: IsoDate, to: IsoDate): { start: string; end: string } {
  return {
    start: new Date(Date.parse(`${from}T00:00:00+08:00`)).toISOString(),
    end: new Date(Date.parse(`${to}T00:00:00+08:00`) + 86_400_000).toISOString(),
  };
}

/** Whole years between a birth date and a date, as counted for age limits. */
export function ageOn(birthDate: IsoDate, on: IsoDate): number {
  const years = Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return on.slice(5) < birthDate.slice(5) ? years - 1 : years;
}
