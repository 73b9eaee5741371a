import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../http/appContext.ts';
import { authorityOf } from '../ingest/feeds/loadFeeds.ts';
import { refreshPortraits, type PortraitContext } from './refreshPortraits.ts';
import { missingDeferrableIndexes } from '../db/deferredIndexes.ts';

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
 * overlap; a failed pass is logged and retried on the next tick; no pass runs while a bulk load
 * holds back the facts index.
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
    running = missingDeferrableIndexes(context.db)
      .then((missing) =>
        // A bulk load is building the registry without its facts-by-person index (ADR 0030):
        // a pass now would scan every fact per household. The load's new facts are seen by
        // the first pass after it, by their ids.
        missing.length > 0 ? { households: 0, persons: 0 } : refreshPortraits(portraitContext),
      )
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
