import { spawn } from 'node:child_process';
import pg from 'pg';
import { PostgresDialect } from 'kysely';

// Civil dates stay 'YYYY-MM-DD' strings (as on SQLite) instead of becoming midnight-UTC Date
// objects that shift by a day in UTC+8; timestamps come back as ISO strings; bigint counts as numbers.
const { builtins } = pg.types;
pg.types.setTypeParser(builtins.DATE, (v) => v);
pg.types.setTypeParser(builtins.TIMESTAMPTZ, (v) => new Date(v).toISOString());
pg.types.setTypeParser(builtins.TIMESTAMP, (v) => new Date(`${v}Z`).toISOString());
pg.types.setTypeParser(builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(builtins.NUMERIC, (v) => Number(v));

export interface PostgresOptions {
  url: string;
  /** Schema for every unqualified name; tests give each file its own. */
  schema?: string;
  max?: number;
}

export function createPostgresDialect(options: PostgresOptions): { dialect: PostgresDialect; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  return { dialect: new PostgresDialect({ pool }), pool };
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} exited with ${String(code)}: ${stderr.trim()}`));
    });
  });
}

/** Online, consistent dump in PostgreSQL's native custom format (pg_dump takes a snapshot). */
export async function backupPostgres(options: PostgresOptions, target: string): Promise<void> {
  const args = ['--format=custom', '--no-owner', '--file', target, '--dbname', options.url];
  if (options.schema) args.push('--schema', options.schema);
  await run('pg_dump', args);
}

/** Restores a pg_dump archive in one transaction, replacing the objects it contains. */
export async function restorePostgres(options: PostgresOptions, source: string): Promise<void> {
  const args = ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--dbname', options.url];
  if (options.schema) args.push('--schema', options.schema);
  args.push(source);
  await run('pg_restore', args);
}
