import type { IsoDate } from '../../core/isoDate.ts';
import { isWellFormed18, parseResidentId, type ResidentIdResult } from '../../registry/residentId/index.ts';
import { parseFeedDate } from './parseFeedDate.ts';

/**
 * What one import has already worked out about a cell's text: a department sends many rows per
 * person (monthly detail) and repeats its dates, so each ID number is checked and each date read
 * once (3.5 s and 2.5 s of an import's main thread at 20,000 households). Owned by the import and
 * dropped with it: it holds ID numbers, which must not outlive the work that needed them.
 */
export interface RowMemo {
  residentId(text: string, today: IsoDate): ResidentIdResult;
  date(text: string, formats: readonly string[]): IsoDate | undefined;
}

/** No memo: every text worked out each time (a single row, a test). */
export const NO_MEMO: RowMemo = {
  residentId: (text, today) => parseResidentId(text, { today }),
  date: parseFeedDate,
};

/** Entries kept before starting afresh: ID numbers, and dates per list of formats. */
const IDS_HELD = 100_000;
const DATES_HELD = 50_000;

/**
 * A copy of a cell's text to keep: the text is often a slice of the reader's chunk of the file,
 * and a kept slice keeps the whole chunk alive (a memo of slices held 0.4 GB more at 20,000
 * households). UTF-16 in and out gives the same string, whatever it holds.
 */
const copyOf = (text: string) => (text.length < 13 ? text : Buffer.from(text, 'utf16le').toString('utf16le'));

export function createRowMemo(): RowMemo {
  const ids = new Map<string, ResidentIdResult>();
  let idsOn = '';
  const dates = new WeakMap<readonly string[], Map<string, IsoDate | false>>();
  return {
    residentId(text, today) {
      if (today !== idsOn || ids.size >= IDS_HELD) {
        ids.clear();
        idsOn = today;
      }
      const known = ids.get(text);
      if (known) return known;
      // Only well-formed numbers are remembered; others are checked each time.
      if (!isWellFormed18(text)) return parseResidentId(text, { today });
      // Parsed from the copy too, so the number it gives back holds no chunk either.
      const copy = copyOf(text);
      const result = parseResidentId(copy, { today });
      ids.set(copy, result);
      return result;
    },
    date(text, formats) {
      let known = dates.get(formats);
      if (!known || known.size >= DATES_HELD) {
        known = new Map();
        dates.set(formats, known);
      }
      const hit = known.get(text);
      if (hit !== undefined) return hit === false ? undefined : hit;
      const date = parseFeedDate(text, formats);
      known.set(copyOf(text), date ?? false);
      return date;
    },
  };
}
