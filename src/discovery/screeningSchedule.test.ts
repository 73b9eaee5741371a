import { describe, expect, it } from 'vitest';
import { scheduledRunDue, scheduledSlot } from './screeningSchedule.ts';

describe('the daily screening schedule (Beijing time)', () => {
  it('finds the latest slot at or before now, and runs once per slot', () => {
    // 2026-11-29 03:30 Beijing = 19:30 UTC the day before; the 02:00 slot is 18:00 UTC.
    const now = new Date('2026-11-28T19:30:00Z');
    expect(scheduledSlot(now, 2)?.toISOString()).toBe('2026-11-28T18:00:00.000Z');
    // Before 02:00 Beijing, the latest slot is yesterday's.
    expect(scheduledSlot(new Date('2026-11-28T17:00:00Z'), 2)?.toISOString()).toBe(
      '2026-11-27T18:00:00.000Z',
    );
    expect(scheduledRunDue(now, 2, null)).toBe(true);
    expect(scheduledRunDue(now, 2, '2026-11-28T17:59:00Z')).toBe(true);
    expect(scheduledRunDue(now, 2, '2026-11-28T18:00:05Z')).toBe(false);
    // Off.
    expect(scheduledRunDue(now, -1, null)).toBe(false);
  });
});
