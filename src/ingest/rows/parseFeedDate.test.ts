import { describe, expect, it } from 'vitest';
import { parseFeedDate } from './parseFeedDate.ts';

describe('parseFeedDate', () => {
  it.each([
    ['20240131', ['YYYYMMDD'], '2024-01-31'],
    ['2024/1/3', ['YYYY/M/D'], '2024-01-03'],
    ['2024年1月3日', ['YYYY年M月D日'], '2024-01-03'],
    [' 2024-01-03 ', ['YYYYMMDD', 'YYYY-MM-DD'], '2024-01-03'],
    ['2024-02-30', ['YYYY-MM-DD'], undefined],
    ['2024-1-3', ['YYYY-MM-DD'], undefined],
    ['240131', ['YYYYMMDD'], undefined],
  ])('%s in %o is %s', (value, formats, expected) => {
    expect(parseFeedDate(value, formats)).toBe(expected);
  });

  it('reads the first format that fits, and gives the same answer when asked again', () => {
    const formats = ['YYYYMMDD', 'YYYY/M/D'];
    for (let round = 0; round < 2; round++) {
      expect(parseFeedDate('20250301', formats)).toBe('2025-03-01');
      expect(parseFeedDate(' 2025/3/1 ', formats)).toBe('2025-03-01');
      // A date that does not exist, and text no format fits: no date, the second time too.
      expect(parseFeedDate('20250230', formats)).toBeUndefined();
      expect(parseFeedDate('1 March 2025', formats)).toBeUndefined();
    }
    // Another list of formats answers for itself (its own memo).
    expect(parseFeedDate('20250301', ['YYYY-MM-DD'])).toBeUndefined();
  });

  it('stays correct past the number of answers it keeps', () => {
    const formats = ['YYYYMMDD'];
    const day = (n: number) => `${String(1900 + Math.floor(n / 365))}0101`;
    for (let n = 0; n < 60_000; n++) parseFeedDate(`x${String(n)}`, formats);
    expect(parseFeedDate(day(0), formats)).toBe('1900-01-01');
    expect(parseFeedDate('x1', formats)).toBeUndefined();
  });
});
