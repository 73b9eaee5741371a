import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from './workingCalendar.ts';
import { clockState, resumeClock, startClock, workingDaysLeft, type ClockFields } from './workOrderClock.ts';

const calendar = new WorkingCalendar([
  { regionCode: '450000000000', day: '2026-04-20', kind: 'holiday', name: '三月三' },
]);
const rongcheng = '371082101201';
const nanning = '450103001001';
const fresh: ClockFields = {
  sla_working_days: 3,
  clock_started_on: null,
  due_on: null,
  paused_since: null,
  paused_working_days: 0,
};

describe('work-order clock', () => {
  it('starts at the first dispatch and counts working days, Spring Festival and make-up days included', () => {
    // Thursday 02-12 + 3 working days: Fri 13, Sat 14 (make-up), then the holiday to 02-23, Tue 24.
    expect(startClock(fresh, '2026-02-12', rongcheng, calendar)).toEqual({
      clock_started_on: '2026-02-12',
      due_on: '2026-02-24',
    });
    // A later dispatch (a transfer, a return and dispatch again) keeps the first clock.
    const started = { ...fresh, clock_started_on: '2026-02-12', due_on: '2026-02-24' };
    expect(startClock(started, '2026-03-02', rongcheng, calendar)).toEqual({
      clock_started_on: '2026-02-12',
      due_on: '2026-02-24',
    });
  });

  it('uses the order’s own area: Guangxi’s 三月三 moves a Nanning due date only', () => {
    expect(startClock(fresh, '2026-04-16', rongcheng, calendar).due_on).toBe('2026-04-21');
    expect(startClock(fresh, '2026-04-16', nanning, calendar).due_on).toBe('2026-04-22');
  });

  it('adds the working days paused to the allowance on resuming', () => {
    const running = { ...fresh, clock_started_on: '2026-11-02', due_on: '2026-11-05' };
    // Paused Tuesday 11-03 to Monday 11-09: Wed, Thu, Fri, Mon = 4 working days.
    const resumed = resumeClock(
      { ...running, paused_since: '2026-11-03' },
      '2026-11-09',
      rongcheng,
      calendar,
    );
    expect(resumed).toEqual({ due_on: '2026-11-11', paused_since: null, paused_working_days: 4 });
    // A second pause adds to the first.
    const again = resumeClock(
      { ...running, ...resumed, paused_since: '2026-11-10' },
      '2026-11-11',
      rongcheng,
      calendar,
    );
    expect(again.paused_working_days).toBe(5);
    expect(again.due_on).toBe('2026-11-12');
  });

  it('says where the clock stands: on time, near due, overdue, paused, stopped', () => {
    const running = { ...fresh, clock_started_on: '2026-11-02', due_on: '2026-11-05' };
    expect(clockState('accepted', running, '2026-11-02', rongcheng, calendar, 1)).toBe('on_time');
    expect(clockState('accepted', running, '2026-11-04', rongcheng, calendar, 1)).toBe('near_due');
    expect(clockState('accepted', running, '2026-11-05', rongcheng, calendar, 1)).toBe('near_due');
    expect(clockState('accepted', running, '2026-11-06', rongcheng, calendar, 1)).toBe('overdue');
    expect(clockState('paused', running, '2026-11-20', rongcheng, calendar, 1)).toBe('paused');
    expect(clockState('resolved', running, '2026-11-20', rongcheng, calendar, 1)).toBe('stopped');
    expect(clockState('created', fresh, '2026-11-20', rongcheng, calendar, 1)).toBe('not_started');
    expect(workingDaysLeft(running, '2026-11-02', rongcheng, calendar)).toBe(3);
    expect(workingDaysLeft(running, '2026-11-09', rongcheng, calendar)).toBe(-2);
  });
});
