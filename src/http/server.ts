import type { FastifyInstance } from 'fastify';
import type { AppContext } from './appContext.ts';
import { buildApp } from './app.ts';
import { startPortraitRefresher } from '../portrait/portraitRefresher.ts';
import { startScreeningSchedule } from '../discovery/screeningSchedule.ts';
import { startWorkOrderSchedule } from '../workorders/workOrderSchedule.ts';
import { LoggingChannel } from '../workorders/notificationChannels.ts';

export interface StartedServer {
  app: FastifyInstance;
  url: string;
}

/** Listens on the configured host and port and closes cleanly on SIGINT/SIGTERM. */
export async function startServer(
  context: AppContext,
  options: { port?: number; host?: string } = {},
): Promise<StartedServer> {
  // The welfare pool loads before the server listens: a broken policy file stops the start
  // with its file:line, rather than the first match failing later.
  const pool = context.rules.pool;
  const warnings = context.warnings.pool;
  const models = context.models.pool;
  const app = await buildApp({
    context,
    logger: { level: context.config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
  });
  const host = options.host ?? context.config.host;
  const port = options.port ?? context.config.port;
  // Background work starts once the server listens; its stop is registered now, because Fastify
  // refuses new hooks on a listening instance (which left the schedule unstarted before).
  let background: { stop: () => Promise<void> }[] = [];
  app.addHook('onClose', async () => {
    for (const job of background) await job.stop();
  });
  await app.listen({ host, port });
  app.log.info({ policies: pool.policies.length, version: pool.version }, 'welfare pool loaded');
  app.log.info({ warnings: warnings.policies.length, version: warnings.version }, 'warning rules loaded');
  app.log.info({ models: models.policies.length, version: models.version }, 'discovery models loaded');
  // Only a listening server refreshes in the background; tests and the CLI refresh explicitly.
  // One line per message at debug level (a first routing pass makes thousands); each delivery is
  // also recorded in notification_deliveries, and the pass logs its totals at info.
  context.workOrders.useChannels([
    new LoggingChannel((entry, message) => {
      app.log.debug(entry, message);
    }),
  ]);
  background = [
    startPortraitRefresher(context, context.config.portraitRefreshMs, app.log),
    // Policy finds people: every household against the pool daily, and on changed facts (issue 6).
    startScreeningSchedule(context, app.log, { incrementalMs: context.config.screeningIncrementalMs }),
    // Findings become work orders; clocks are watched (issue 8).
    startWorkOrderSchedule(context.workOrders, app.log),
  ];
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  const shutdown = (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    void app
      .close()
      .then(() => context.database.close())
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return { app, url };
}
