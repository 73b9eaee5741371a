import path from 'node:path';

/** Runtime configuration, read once from the environment. */
export interface Config {
  /** PostgreSQL connection string; when absent the embedded SQLite database is used. */
  databaseUrl: string | undefined;
  /** Where the SQLite file, backups and keys live. */
  dataDir: string;
  host: string;
  port: number;
  /** Largest accepted request body in bytes. */
  bodyLimit: number;
  /** Largest department file accepted by upload (bytes); files stream to disk, never into memory. */
  uploadLimit: number;
  /** Requests per minute one client address may make to the API. */
  rateLimitPerMinute: number;
  logLevel: string;
  /** How often the server brings stored portraits up to date with new facts (ms); 0 turns it off. */
  portraitRefreshMs: number;
  /**
   * How often the server screens the households touched since the last run (ms); 0 turns it off.
   * A changed fact updates its household's findings within about this long.
   */
  screeningIncrementalMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? env.ZHULIAN_PORT ?? 3000);
  return {
    databaseUrl: env.DATABASE_URL && env.DATABASE_URL.length > 0 ? env.DATABASE_URL : undefined,
    dataDir: path.resolve(env.ZHULIAN_DATA_DIR ?? 'data'),
    host: env.HOST ?? '127.0.0.1',
    port: Number.isInteger(port) ? port : 3000,
    bodyLimit: Number(env.ZHULIAN_BODY_LIMIT ?? 1_048_576),
    uploadLimit: Number(env.ZHULIAN_UPLOAD_LIMIT ?? 2 * 1024 ** 3),
    rateLimitPerMinute: Number(env.ZHULIAN_RATE_LIMIT ?? 1200),
    logLevel: env.LOG_LEVEL ?? 'info',
    portraitRefreshMs: Number(env.ZHULIAN_PORTRAIT_REFRESH_MS ?? 10_000),
    screeningIncrementalMs: Number(env.ZHULIAN_SCREENING_INCREMENTAL_MS ?? 1_000),
  };
}
