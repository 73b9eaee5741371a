import type { FastifyBaseLogger } from 'fastify';
import { latestRun } from './discoveryRepository.ts';
import { runInProgress, screenChanges, startScreening, type ScreeningContext } from './screeningRun.ts';

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
 * `discovery.dailyScreeningHour`, default 02:00 Beijing time) while the server runs — a check a
 * minute; a missed slot (the server was down) runs at the next check — and, every
 * `incrementalMs`, the households touched since the last run (a changed fact reaches its
 * household's findings within about that long). Never two runs at once.
 */
export function startScreeningSchedule(
  context: ScreeningContext,
  log: FastifyBaseLogger,
  options: { dailyCheckMs?: number; incrementalMs: number },
): { stop: () => Promise<void> } {
  let working: Promise<void> | null = null;
  const exclusive = (job: () => Promise<void>) => {
    if (working || runInProgress()) return;
    working = job()
      .catch((error: unknown) => {
        log.error({ err: error }, '政策筛查失败 screening failed');
      })
      .finally(() => {
        working = null;
      });
  };
  const daily = async () => {
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
  };
  const incremental = async () => {
    const started = await screenChanges(context);
    if (!started) return;
    const finished = await started.done;
    if (finished.households_total > 0)
      log.info(
        { run: finished.id, households: finished.households_total, new: finished.findings_new },
        '增量政策筛查 incremental screening',
      );
  };
  const timers = [
    setInterval(() => {
      exclusive(daily);
    }, options.dailyCheckMs ?? 60_000),
  ];
  exclusive(daily);
  if (options.incrementalMs > 0)
    timers.push(
      setInterval(() => {
        exclusive(incremental);
      }, options.incrementalMs),
    );
  for (const timer of timers) timer.unref();
  return {
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      await working;
    },
  };
}
