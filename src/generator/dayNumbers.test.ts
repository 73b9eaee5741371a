import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysFromCivil, fromDayNumber, toDayNumber } from './dayNumbers.ts';

describe('day numbers', () => {
  it('counts from 1970-01-01 like Date does', () => {
    expect(toDayNumber('1970-01-01')).toBe(0);
    expect(toDayNumber('2000-03-01')).toBe(Date.UTC(2000, 2, 1) / 86_400_000);
    expect(fromDayNumber(-1)).toBe('1969-12-31');
    expect(fromDayNumber(toDayNumber('2024-02-29'))).toBe('2024-02-29');
    expect(fromDayNumber(toDayNumber('1900-02-28') + 1)).toBe('1900-03-01');
  });

  it('rolls an overflowing day into the next month', () => {
    expect(fromDayNumber(daysFromCivil(2023, 2, 29))).toBe('2023-03-01');
  });

  it('round-trips and agrees with Date for every day from 1800 to 2200 (property)', () => {
    const min = toDayNumber('1800-01-01');
    const max = toDayNumber('2200-12-31');
    fc.assert(
      fc.property(fc.integer({ min, max }), (day) => {
        const iso = fromDayNumber(day);
        return toDayNumber(iso) === day && new Date(day * 86_400_000).toISOString().slice(0, 10) === iso;
      }),
      { numRuns: 2000 },
    );
  });
});
