import type { WorkOrderStatus } from '../db/schema.ts';
import { clockRuns } from './workOrderLifecycle.ts';
import type { WorkingCalendar } from './workingCalendar.ts';

/**
 * The order's clock in working days (issue 8). It starts at the first dispatch and is never
 * restarted by a transfer, a return or an escalation: the household has been waiting since then.
 * Days paused (waiting for the applicant) are added to the allowance when the order resumes,
 * counted on the order's own area's calendar (statutory, make-up workdays, regional overrides).
 */
export interface ClockFields {
  sla_working_days: number;
  clock_started_on: string | null;
  due_on: string | null;
  paused_since: string | null;
  paused_working_days: number;
}

export type ClockState = 'not_started' | 'on_time' | 'near_due' | 'overdue' | 'paused' | 'stopped';

/** The clock at the first dispatch; later dispatches keep it. */
export function startClock(
  fields: ClockFields,
  today: string,
  areaCode: string,
  calendar: WorkingCalendar,
): Pick<ClockFields, 'clock_started_on' | 'due_on'> {
  if (fields.clock_started_on) return { clock_started_on: fields.clock_started_on, due_on: fields.due_on };
  return {
    clock_started_on: today,
    due_on: calendar.addWorkingDays(today, fields.sla_working_days, areaCode),
  };
}

/** The due date after resuming: the allowance grows by the working days the order was paused. */
export function resumeClock(
  fields: ClockFields,
  today: string,
  areaCode: string,
  calendar: WorkingCalendar,
): Pick<ClockFields, 'due_on' | 'paused_since' | 'paused_working_days'> {
  if (!fields.paused_since || !fields.clock_started_on)
    return { due_on: fields.due_on, paused_since: null, paused_working_days: fields.paused_working_days };
  const paused =
    fields.paused_working_days + calendar.workingDaysBetween(fields.paused_since, today, areaCode);
  return {
    due_on: calendar.addWorkingDays(fields.clock_started_on, fields.sla_working_days + paused, areaCode),
    paused_since: null,
    paused_working_days: paused,
  };
}

/**
 * Where the clock stands today: overdue after the due date, near due with at most `nearDueDays`
 * working days left, paused while waiting for the applicant, stopped once the handler is done.
 */
export function clockState(
  status: WorkOrderStatus,
  fields: ClockFields,
  today: string,
  areaCode: string,
  calendar: WorkingCalendar,
  nearDueDays: number,
): ClockState {
  if (status === 'paused') return 'paused';
  if (!fields.due_on) return 'not_started';
  if (!clockRuns(status)) return 'stopped';
  if (today > fields.due_on) return 'overdue';
  return calendar.workingDaysBetween(today, fields.due_on, areaCode) <= nearDueDays ? 'near_due' : 'on_time';
}

/** Working days left until the due date (negative when overdue), or null without a clock. */
export function workingDaysLeft(
  fields: ClockFields,
  today: string,
  areaCode: string,
  calendar: WorkingCalendar,
): number | null {
  if (!fields.due_on) return null;
  return today <= fields.due_on
    ? calendar.workingDaysBetween(today, fields.due_on, areaCode)
    : -calendar.workingDaysBetween(fields.due_on, today, areaCode);
}
