import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { sql, type Kysely } from 'kysely';
import { thisWorker, workerMayBeAlive } from '../core/workerAlive.ts';
import { dialectOf } from './dialectOf.ts';
import type { Database } from './schema.ts';

/**
 * Secondary indexes a bulk load may drop while it writes and build again when it ends (ADR 0030).
 *
 * Both lead with a person (or household) id, and a department's file reaches persons in no
 * particular order: kept up to date row by row, each new entry lands on its own page of a tree
 * that at a county's size (tens of millions of facts, gigabytes of index) outgrows any cache, and
 * every batch's commit writes all the pages it touched. At 23.5 M records the import slowed from
 * 16 k to 9–13 k records/s as the database grew. Built once at the end, an index costs one sort
 * of its entries and one sequential write.
 *
 * Only indexes no import reads (imports find persons by ID hash and record keys by hash, never
 * facts or keys by person) and no constraint: primary keys and unique indexes always stay.
 * The definitions must match the migrations that made them (0002, 0021); a test compares them.
 */
export const DEFERRABLE_INDEXES: readonly { name: string; table: keyof Database; columns: string[] }[] = [
  {
    name: 'facts_subject',
    table: 'facts',
    columns: ['subject_type', 'subject_id', 'variable', 'valid_from'],
  },
  { name: 'ingest_keys_person', table: 'ingest_keys', columns: ['person_id'] },
];

const names = DEFERRABLE_INDEXES.map((i) => i.name);

/** Which of the deferrable indexes are not there (a bulk load is running, or was killed). */
export async function missingDeferrableIndexes(db: Kysely<Database>): Promise<string[]> {
  const present =
    dialectOf(db) === 'postgres'
      ? await sql<{ name: string }>`select indexname as name from pg_indexes
          where schemaname = current_schema() and indexname in (${sql.join(names)})`.execute(db)
      : await sql<{ name: string }>`select name from sqlite_master
          where type = 'index' and name in (${sql.join(names)})`.execute(db);
  const found = new Set(present.rows.map((r) => r.name));
  return names.filter((name) => !found.has(name));
}

/** Drops the deferrable indexes (those still there) before a bulk load writes. */
export async function dropDeferrableIndexes(db: Kysely<Database>): Promise<void> {
  for (const name of names) await db.schema.dropIndex(name).ifExists().execute();
}

/** Helper threads SQLite may sort with while a bulk load builds its indexes: the cores, at most 4. */
export const INDEX_SORT_THREADS = Math.min(os.availableParallelism(), 4);

/** Builds whichever deferrable indexes are missing; returns their names. */
export async function buildDeferrableIndexes(db: Kysely<Database>): Promise<string[]> {
  const missing = await missingDeferrableIndexes(db);
  if (missing.length === 0) return [];
  const build = async (on: Kysely<Database>) => {
    for (const index of DEFERRABLE_INDEXES.filter((i) => missing.includes(i.name)))
      await on.schema.createIndex(index.name).ifNotExists().on(index.table).columns(index.columns).execute();
  };
  if (dialectOf(db) === 'postgres') {
    // A county's facts index sorts gigabytes: more sort memory than the default 64 MB means
    // fewer merge passes, for this transaction only.
    await db.transaction().execute(async (trx) => {
      await sql`set local maintenance_work_mem = '256MB'`.execute(trx);
      await build(trx);
    });
    return missing;
  }
  // SQLite sorts an index's entries in temporary files, which `temp_store = MEMORY` (our
  // setting) keeps in memory: gigabytes for a county. On disk for the build, then as it was.
  // (Changing it drops the connection's temporary tables; the application uses none.)
  // The sort may also use helper threads (`threads`, 0 by default): nothing else writes while a
  // bulk load builds its indexes, and on this 2-core machine the 12.8 M facts of a 100,000-
  // household county were indexed in 8.1–8.5 s instead of 10.1–12.1 s.
  const before = await sql<{ temp_store: number }>`pragma temp_store`.execute(db);
  const threadsBefore = await sql<{ threads: number }>`pragma threads`.execute(db);
  await sql`pragma temp_store = FILE`.execute(db);
  await sql.raw(`pragma threads = ${String(INDEX_SORT_THREADS)}`).execute(db);
  try {
    await build(db);
  } finally {
    await sql.raw(`pragma temp_store = ${String(before.rows[0]?.temp_store ?? 0)}`).execute(db);
    await sql.raw(`pragma threads = ${String(threadsBefore.rows[0]?.threads ?? 0)}`).execute(db);
  }
  return missing;
}

/**
 * How long a bulk load on another host may go without starting its next file before it counts
 * as dead: one file of a county's largest feed and the final index build take minutes each.
 */
export const FOREIGN_BULK_LOAD_LEASE_MS = 30 * 60_000;

const now = () => new Date().toISOString();

/** Records a bulk load by this process, then drops the deferrable indexes; returns its id. */
export async function beginBulkLoad(db: Kysely<Database>): Promise<string> {
  const id = randomUUID();
  const at = now();
  await db
    .insertInto('bulk_loads')
    .values({ id, worker: thisWorker(), started_at: at, touched_at: at })
    .execute();
  await dropDeferrableIndexes(db);
  return id;
}

/** The load has moved on (a new file): it is alive for another lease. */
export async function touchBulkLoad(db: Kysely<Database>, id: string): Promise<void> {
  await db.updateTable('bulk_loads').set({ touched_at: now() }).where('id', '=', id).execute();
}

async function liveLoads(db: Kysely<Database>, except?: string) {
  const loads = await db.selectFrom('bulk_loads').selectAll().execute();
  return loads.filter(
    (l) => l.id !== except && workerMayBeAlive(l.worker, l.touched_at, FOREIGN_BULK_LOAD_LEASE_MS),
  );
}

/**
 * Ends a bulk load: builds the deferrable indexes, unless another live load still runs (the
 * last one to end builds them), and removes the load's record. Returns what was built.
 */
export async function endBulkLoad(db: Kysely<Database>, id: string): Promise<string[]> {
  const built = (await liveLoads(db, id)).length > 0 ? [] : await buildDeferrableIndexes(db);
  await db.deleteFrom('bulk_loads').where('id', '=', id).execute();
  return built;
}

/**
 * On every start (`migrateToLatest`): builds the deferrable indexes a killed bulk load left out,
 * and forgets dead loads, unless a live process is loading now, which builds them at its end.
 */
export async function restoreAfterBulkLoads(db: Kysely<Database>): Promise<string[]> {
  const loads = await db.selectFrom('bulk_loads').select('id').execute();
  const missing = await missingDeferrableIndexes(db);
  if (loads.length === 0 && missing.length === 0) return [];
  if ((await liveLoads(db)).length > 0) return [];
  const built = await buildDeferrableIndexes(db);
  if (loads.length > 0)
    await db
      .deleteFrom('bulk_loads')
      .where(
        'id',
        'in',
        loads.map((l) => l.id),
      )
      .execute();
  return built;
}
