import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../http/appContext.ts';
import { authorityOf } from '../ingest/feeds/loadFeeds.ts';
import { refreshPortraits, type PortraitContext } from './refreshPortraits.ts';

/** The refresh context of an app: its database, portrait definitions, catalogue and precedence policy. */
export function portraitContextOf(context: AppContext): PortraitContext {
  return {
    db: context.db,
    definitions: context.portrait,
    catalogue: context.variables,
    authority: authorityOf(context.feeds),
    rebuildingFeeds: context.feeds
      .list()
      .filter((f) => f.builds !== undefined)
      .map((f) => f.id),
  };
}

export interface PortraitRefresher {
  /** Waits for a refresh in progress, then stops. */
  stop(): Promise<void>;
}

/**
 * Keeps stored portraits current while the server runs: every `intervalMs` it applies what
 * changed since the last pass (usually nothing, which costs three MAX queries). Passes never
 * overlap; a failed pass is logged and retried on the next tick.
 */
export function startPortraitRefresher(
  context: AppContext,
  intervalMs: number,
  log: FastifyBaseLogger,
): PortraitRefresher {
  if (intervalMs <= 0) return { stop: () => Promise.resolve() };
  const portraitContext = portraitContextOf(context);
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = refreshPortraits(portraitContext)
      .then((outcome) => {
        if (outcome.households + outcome.persons > 0)
          log.info({ portrait: outcome }, '画像已更新 portraits refreshed');
      })
      .catch((error: unknown) => {
        log.error({ err: error }, '画像更新失败 portrait refresh failed');
      })
      .finally(() => {
        running = undefined;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
