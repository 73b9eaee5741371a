import { isoDateProblem, type IsoDate } from '../../core/isoDate.ts';

const cache = new Map<string, RegExp>();

/**
 * A feed's date format as a pattern: YYYY four digits, MM/DD two, M/D one or two, anything
 * else literal. Compiled once per format.
 */
function patternOf(format: string): RegExp {
  let pattern = cache.get(format);
  if (!pattern) {
    const source = format
      .replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
      .replace(/YYYY/g, '(?<y>\\d{4})')
      .replace(/MM/g, '(?<m>\\d{2})')
      .replace(/DD/g, '(?<d>\\d{2})')
      .replace(/(?<![?<])M(?!>)/g, '(?<m>\\d{1,2})')
      .replace(/(?<![?<])D(?!>)/g, '(?<d>\\d{1,2})');
    pattern = new RegExp(`^${source}$`);
    cache.set(format, pattern);
  }
  return pattern;
}

/**
 * Reads a department's date in the first of its formats that fits, as an ISO date; undefined
 * when none fits or the date does not exist (2月30日). Surrounding spaces are ignored.
 */
export function parseFeedDate(value: string, formats: readonly string[]): IsoDate | undefined {
  const text = value.trim();
  for (const format of formats) {
    const groups = patternOf(format).exec(text)?.groups;
    if (!groups?.y || !groups.m || !groups.d) continue;
    const iso = `${groups.y}-${groups.m.padStart(2, '0')}-${groups.d.padStart(2, '0')}`;
    if (isoDateProblem(iso) === undefined) return iso;
  }
  return undefined;
}
