import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import type { Kysely } from 'kysely';
import { createDatabase, type DatabaseHandle } from '../createDatabase.ts';
import { migrateToLatest } from '../migrate.ts';
import type { DialectName } from '../dialectOf.ts';
import type { Database } from '../schema.ts';

/** The PostgreSQL server tests use; CI and every developer machine have it on loopback. */
export const testPostgresUrl = process.env.ZHULIAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * The databases this run covers: both unless ZHULIAN_TEST_DB narrows it to one. A missing
 * PostgreSQL server fails the run instead of being skipped: a green run must mean both ran.
 */
export function testDialects(): DialectName[] {
  const wanted = process.env.ZHULIAN_TEST_DB;
  if (wanted === 'sqlite') return ['sqlite'];
  if (wanted === 'postgres') return ['postgres'];
  if (wanted && wanted !== 'both')
    throw new Error(`ZHULIAN_TEST_DB must be sqlite, postgres or both, not ${wanted}`);
  return ['sqlite', 'postgres'];
}

export interface TestDatabase {
  handle: DatabaseHandle;
  db: Kysely<Database>;
  dialect: DialectName;
}

/** A fresh, migrated database: a temporary SQLite file, or a new PostgreSQL schema. */
export async function openTestDatabase(
  dialect: DialectName,
): Promise<TestDatabase & { dispose(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-test-'));
    const handle = createDatabase({ sqliteFile: path.join(dir, 'test.db') });
    await migrateToLatest(handle.db);
    return {
      handle,
      db: handle.db,
      dialect,
      dispose: async () => {
        await handle.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${inject('testRunId')}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testPostgresUrl });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  const handle = createDatabase({ url: testPostgresUrl, schema });
  await migrateToLatest(handle.db);
  return {
    handle,
    db: handle.db,
    dialect,
    // The schema is dropped with the rest of the run's at the end (test/globalSetup.ts).
    dispose: () => handle.close(),
  };
}

/**
 * Runs a block of repository tests once per database, as Kysely tests itself. Each block
 * gets its own fresh database; suite names end in `[sqlite]` or `[postgres]` so the
 * output shows where every test ran.
 */
export function describeEachDatabase(name: string, body: (getDb: () => TestDatabase) => void): void {
  for (const dialect of testDialects()) {
    describe(`${name} [${dialect}]`, () => {
      let current: (TestDatabase & { dispose(): Promise<void> }) | undefined;
      beforeAll(async () => {
        current = await openTestDatabase(dialect);
      });
      afterAll(async () => {
        await current?.dispose();
      });
      body(() => {
        if (!current) throw new Error('test database not open yet');
        return current;
      });
    });
  }
}
