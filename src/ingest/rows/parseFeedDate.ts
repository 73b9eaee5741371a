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
  // A feed repeats its dates (months, registration days) on row after row: each text is
  // matched once per list of formats, and the answer kept while few enough are held.
  let known = parsed.get(formats);
  if (!known || known.size >= PARSED_HELD) {
    known = new Map();
    parsed.set(formats, known);
  }
  const hit = known.get(value);
  if (hit !== undefined) return hit === false ? undefined : hit;
  const date = parseUncached(value, formats);
  // Kept as a copy: a longer text may be a slice of the reader's chunk of the file, and a
  // kept slice keeps the chunk alive (UTF-16 in and out: the same string, whatever it holds).
  known.set(value.length < 13 ? value : Buffer.from(value, 'utf16le').toString('utf16le'), date ?? false);
  return date;
}

/** Answers kept per list of formats (a feed column's, or the feed's) before starting afresh. */
const PARSED_HELD = 50_000;
const parsed = new WeakMap<readonly string[], Map<string, IsoDate | false>>();

function parseUncached(value: string, formats: readonly string[]): IsoDate | undefined {
  const text = value.trim();
  for (const format of formats) {
    const groups = patternOf(format).exec(text)?.groups;
    if (!groups?.y || !groups.m || !groups.d) continue;
    const iso = `${groups.y}-${groups.m.padStart(2, '0')}-${groups.d.padStart(2, '0')}`;
    if (isoDateProblem(iso) === undefined) return iso;
  }
  return undefined;
}
