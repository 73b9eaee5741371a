import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { ensureConsoleBuilt } from '../web/buildConsole.ts';

const testPostgresUrl = process.env.ZHULIAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

declare module 'vitest' {
  export interface ProvidedContext {
    testRunId: string;
  }
}

/**
 * Each run's PostgreSQL schemas carry the run's id and are dropped together at the end, not
 * one by one while other files are still migrating: dropping a schema while another session
 * introspects the catalogue (as Kysely's migrator does) can fail that session at random.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The browser tests drive the built console; build it first if its sources changed.
  await ensureConsoleBuilt({ quiet: true });
  const runId = randomBytes(3).toString('hex');
  project.provide('testRunId', runId);
  return async () => {
    if (process.env.ZHULIAN_TEST_DB === 'sqlite') return;
    const client = new pg.Client({ connectionString: testPostgresUrl });
    try {
      await client.connect();
      const { rows } = await client.query<{ nspname: string }>(
        `select nspname from pg_namespace where nspname like $1`,
        [`t\\_${runId}\\_%`],
      );
      for (const row of rows) await client.query(`drop schema "${row.nspname}" cascade`);
    } catch {
      // PostgreSQL unreachable: the tests that needed it have already failed and said so.
    } finally {
      await client.end().catch(() => undefined);
    }
  };
}
