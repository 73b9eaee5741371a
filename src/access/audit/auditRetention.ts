import { AppError } from '../../core/appError.ts';
import { daysInMonth, isoDateProblem, type IsoDate } from '../../core/isoDate.ts';

/**
 * MLPS level 3 asks for audit records to be kept at least six months. Configuration may ask
 * for longer, never for less; the database enforces the same floor (migration 0007).
 */
export const MINIMUM_RETENTION_MONTHS = 6;

/** The same day `months` earlier, clamped to the month's end (08-31 minus 6 → 02-28/29). */
export function monthsBefore(date: IsoDate, months: number): IsoDate {
  const [y = 0, m = 1, d = 1] = date.split('-').map(Number);
  const index = y * 12 + (m - 1) - months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const day = Math.min(d, daysInMonth(year, month));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Refuses an archive cut-off that would remove records younger than the retention period:
 * records stamped before `before` go, so `before` may be at most today minus the period.
 */
export function checkArchiveCutoff(before: IsoDate, today: IsoDate, retentionMonths: number): void {
  if (!Number.isInteger(retentionMonths) || retentionMonths < MINIMUM_RETENTION_MONTHS) {
    throw new AppError('AUDIT_RETENTION_MINIMUM', {
      minimum: MINIMUM_RETENTION_MONTHS,
      months: retentionMonths,
    });
  }
  const problem = isoDateProblem(before);
  if (problem) throw new AppError('INVALID_DATE', { reason: problem });
  const latest = monthsBefore(today, retentionMonths);
  if (before > latest) throw new AppError('AUDIT_RETENTION', { months: retentionMonths, latest });
}

/** Midnight at the start of a civil date in China (UTC+8), as the ISO instant records carry. */
export function startOfDayInChina(date: IsoDate): string {
  return new Date(`${date}T00:00:00+08:00`).toISOString();
}
