import { sql, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDatabase } from './testing/eachDatabase.ts';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import {
  beginBulkLoad,
  buildDeferrableIndexes,
  DEFERRABLE_INDEXES,
  dropDeferrableIndexes,
  endBulkLoad,
  missingDeferrableIndexes,
  restoreAfterBulkLoads,
} from './deferredIndexes.ts';
import { dialectOf } from './dialectOf.ts';
import { migrateToLatest } from './migrate.ts';
import type { Database } from './schema.ts';

const names = DEFERRABLE_INDEXES.map((i) => i.name);

/** Each deferrable index's definition as the database states it, by name. */
async function definitions(db: Kysely<Database>): Promise<Record<string, string>> {
  const rows =
    dialectOf(db) === 'postgres'
      ? await sql<{ name: string; definition: string }>`select indexname as name, indexdef as definition
          from pg_indexes where schemaname = current_schema() and indexname in (${sql.join(names)})`.execute(
          db,
        )
      : await sql<{ name: string; definition: string }>`select name, sql as definition from sqlite_master
          where type = 'index' and name in (${sql.join(names)})`.execute(db);
  return Object.fromEntries(rows.rows.map((r) => [r.name, r.definition.replace(/\s+if not exists/i, '')]));
}

/** How the database would find a person's facts: the plan's text. */
async function planForFactsOfPerson(db: Kysely<Database>): Promise<string> {
  const query = sql`select id from facts where subject_type = 'person' and subject_id = 'p1' and variable = 'x'`;
  const rows =
    dialectOf(db) === 'postgres'
      ? await sql<Record<string, string>>`explain ${query}`.execute(db)
      : await sql<Record<string, string>>`explain query plan ${query}`.execute(db);
  return JSON.stringify(rows.rows);
}

describeEachDatabase('indexes a bulk load defers', (getDb) => {
  it('are dropped, reported missing, and built again by the next migrateToLatest exactly as the migrations made them', async () => {
    const { db } = getDb();
    const made = await definitions(db);
    expect(Object.keys(made).sort()).toEqual([...names].sort());
    expect(await missingDeferrableIndexes(db)).toEqual([]);

    await dropDeferrableIndexes(db);
    await dropDeferrableIndexes(db); // a second drop finds nothing to drop and says nothing
    expect(await missingDeferrableIndexes(db)).toEqual(names);
    expect(await definitions(db)).toEqual({});

    // What a start after a killed bulk load does.
    expect(await migrateToLatest(db)).toEqual([]);
    expect(await missingDeferrableIndexes(db)).toEqual([]);
    expect(await definitions(db)).toEqual(made);
    expect(await buildDeferrableIndexes(db)).toEqual([]);
    if (dialectOf(db) === 'sqlite') expect(await planForFactsOfPerson(db)).toContain('facts_subject');
  });

  it('builds only what is missing, over rows already there', async () => {
    const { db } = getDb();
    await db.schema.dropIndex('facts_subject').execute();
    await db
      .insertInto('facts')
      .values(
        Array.from({ length: 50 }, (_, i) => ({
          subject_type: 'person',
          subject_id: `p${String(i % 7)}`,
          variable: 'income.monthly',
          value_json: String(i),
          source: 'test',
          observed_at: '2026-01-01',
          valid_from: '2026-01-01',
          valid_to: null,
          recorded_at: '2026-01-01T00:00:00.000Z',
          import_id: null,
          source_line: null,
        })),
      )
      .execute();
    expect(await missingDeferrableIndexes(db)).toEqual(['facts_subject']);
    expect(await buildDeferrableIndexes(db)).toEqual(['facts_subject']);
    expect(await missingDeferrableIndexes(db)).toEqual([]);
    const found = await db
      .selectFrom('facts')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('subject_type', '=', 'person')
      .where('subject_id', '=', 'p3')
      .executeTakeFirstOrThrow();
    expect(Number(found.n)).toBe(7);
    if (dialectOf(db) === 'sqlite') {
      const tempStore = await sql<{ temp_store: number }>`pragma temp_store`.execute(db);
      expect(tempStore.rows[0]?.temp_store).toBe(2); // back to MEMORY after the build
      const threads = await sql<{ threads: number }>`pragma threads`.execute(db);
      expect(threads.rows[0]?.threads).toBe(0); // no sort helper threads outside the build
    }
  });

  it('are built by a start only when no live process is loading, and by the last load to end', async () => {
    const { db } = getDb();
    const first = await beginBulkLoad(db);
    const second = await beginBulkLoad(db);
    expect(await missingDeferrableIndexes(db)).toEqual(names);
    // A start while this (live) process loads leaves the indexes to the load.
    expect(await migrateToLatest(db)).toEqual([]);
    expect(await missingDeferrableIndexes(db)).toEqual(names);
    // The first load to end leaves them to the other, still running.
    expect(await endBulkLoad(db, first)).toEqual([]);
    expect(await missingDeferrableIndexes(db)).toEqual(names);
    expect(await endBulkLoad(db, second)).toEqual(names);
    expect(await missingDeferrableIndexes(db)).toEqual([]);
    expect(await db.selectFrom('bulk_loads').select('id').execute()).toEqual([]);
  });

  it('are built by the next start after a load whose process died, which is forgotten', async () => {
    const { db } = getDb();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const at = new Date().toISOString();
    await db
      .insertInto('bulk_loads')
      .values({ id: 'killed', worker: `${os.hostname()}:${String(dead)}`, started_at: at, touched_at: at })
      .execute();
    await dropDeferrableIndexes(db);
    expect(await restoreAfterBulkLoads(db)).toEqual(names);
    expect(await missingDeferrableIndexes(db)).toEqual([]);
    expect(await db.selectFrom('bulk_loads').select('id').execute()).toEqual([]);
    expect(await restoreAfterBulkLoads(db)).toEqual([]);
  });
});
