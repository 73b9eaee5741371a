import { describe, expect, it } from 'vitest';
import { ageOn, isoDateProblem, todayInChina } from './isoDate.ts';

describe('isoDate', () => {
  it('accepts real dates including 29 February of leap years', () => {
    expect(isoDateProblem('2024-02-29')).toBeUndefined();
    expect(isoDateProblem('2000-02-29')).toBeUndefined();
  });
  it('rejects impossible dates with a reason', () => {
    expect(isoDateProblem('1999-02-30')).toBe('1999年2月没有30日');
    expect(isoDateProblem('1900-02-29')).toBe('1900年2月没有29日');
    expect(isoDateProblem('2026-13-01')).toBe('月份13不存在');
    expect(isoDateProblem('2026/01/01')).toContain('不是YYYY-MM-DD格式');
  });
  it('counts age in whole years, the birthday itself included', () => {
    expect(ageOn('2008-11-28', '2026-11-27')).toBe(17);
    expect(ageOn('2008-11-28', '2026-11-28')).toBe(18);
  });
  it('gives the date in China, eight hours ahead of UTC', () => {
    expect(todayInChina(new Date('2026-11-28T17:00:00Z'))).toBe('2026-11-29');
  });
});
