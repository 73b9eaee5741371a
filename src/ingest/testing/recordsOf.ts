import type { SourceRecord } from '../readers/readFeedFile.ts';

/**
 * Records as a reader would yield them from a file whose header is line 1, honouring the
 * resume point: for pipeline tests that need rows, not a file.
 */
export function recordsOf(rows: Record<string, string>[]) {
  return (skipThroughLine: number): AsyncIterable<SourceRecord> =>
    (async function* () {
      for (const [i, record] of rows.entries()) {
        // A reader awaits its file between records; so does this one.
        await Promise.resolve();
        if (i + 2 > skipThroughLine) yield { line: i + 2, record };
      }
    })();
}
