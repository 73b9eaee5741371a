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
});
