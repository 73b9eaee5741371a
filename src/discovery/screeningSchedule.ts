import type { FastifyBaseLogger } from 'fastify';
import { latestRun } from './discoveryRepository.ts';
import { runInProgress, startScreening, type ScreeningContext } from './screeningRun.ts';

/**
 * When today's scheduled screening is due: the latest `hour` o'clock Beijing time (UTC+8) at or
 * before `now`, as an instant. Null when the schedule is off (hour < 0).
 */
export function scheduledSlot(now: Date, hour: number): Date | null {
  if (hour < 0) return null;
  const beijing = new Date(now.getTime() + 8 * 3600_000);
  const slot =
    Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth(), beijing.getUTCDate(), hour) - 8 * 3600_000;
  return new Date(slot <= now.getTime() ? slot : slot - 24 * 3600_000);
}

/** Whether a scheduled run is due: none has started since the latest slot. */
export function scheduledRunDue(now: Date, hour: number, lastScheduledStart: string | null): boolean {
  const slot = scheduledSlot(now, hour);
  if (!slot) return false;
  return lastScheduledStart === null || Date.parse(lastScheduledStart) < slot.getTime();
}

/**
 * Screens every household once a day at the configured hour (system setting
 * `discovery.dailyScreeningHour`, default 02:00 Beijing time) while the server runs: a check a
 * minute, no run while another is in progress; a missed slot (the server was down) runs at the
 * next check.
 */
export function startScreeningSchedule(
  context: ScreeningContext,
  log: FastifyBaseLogger,
  intervalMs = 60_000,
): { stop: () => void } {
  let checking = false;
  const tick = async () => {
    if (checking || runInProgress()) return;
    checking = true;
    try {
      const hour = Number(await context.settings.value('discovery.dailyScreeningHour'));
      const last = await latestRun(context.db, 'scheduled');
      if (!scheduledRunDue(new Date(), hour, last?.started_at ?? null)) return;
      const { run, done } = await startScreening(context, { trigger: 'scheduled', startedBy: 'system' });
      log.info(
        { run: run.id, households: run.households_total },
        '每日政策筛查开始 scheduled screening started',
      );
      const finished = await done;
      log.info(
        { run: finished.id, status: finished.status, new: finished.findings_new },
        '每日政策筛查结束 scheduled screening finished',
      );
    } catch (error) {
      log.error({ err: error }, '每日政策筛查失败 scheduled screening failed');
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => {
    void tick();
  }, intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
    },
  };
}
