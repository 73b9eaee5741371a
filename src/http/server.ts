import type { FastifyInstance } from 'fastify';
import type { AppContext } from './appContext.ts';
import { buildApp } from './app.ts';
import { startPortraitRefresher } from '../portrait/portraitRefresher.ts';
import { startScreeningSchedule } from '../discovery/screeningSchedule.ts';

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
  const app = await buildApp({
    context,
    logger: { level: context.config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
  });
  const host = options.host ?? context.config.host;
  const port = options.port ?? context.config.port;
  await app.listen({ host, port });
  app.log.info({ policies: pool.policies.length, version: pool.version }, 'welfare pool loaded');
  app.log.info({ warnings: warnings.policies.length, version: warnings.version }, 'warning rules loaded');
  // Only a listening server refreshes in the background; tests and the CLI refresh explicitly.
  const refresher = startPortraitRefresher(context, context.config.portraitRefreshMs, app.log);
  app.addHook('onClose', async () => refresher.stop());
  // Policy finds people: every household against the pool once a day (issue 6).
  const schedule = startScreeningSchedule(context, app.log, {
    incrementalMs: context.config.screeningIncrementalMs,
  });
  app.addHook('onClose', async () => schedule.stop());
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
