import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { SqliteDialect, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * How every connection to a SQLite file is set up (the main one and an import's background
 * writer alike). WAL lets readers work while the single writer writes; foreign keys are off by
 * default in SQLite and must be switched on for every connection.
 */
export const SQLITE_PRAGMAS: readonly string[] = [
  // 16 KiB pages for a new database (an existing file keeps the size it was made with; in WAL
  // mode only a VACUUM outside WAL could change it). A bulk import of random-keyed rows dirties
  // a page per row either way, and larger pages mean fewer of them, shallower B-trees and less
  // WAL per row: the demo county's import took about 13 % less time than with 4 KiB pages
  // (ADR 0026, docs/benchmarks.md). Must come before the journal mode.
  'page_size = 16384',
  'journal_mode = WAL',
  'foreign_keys = ON',
  'busy_timeout = 5000',
  // A commit reaches the WAL file before it returns, so it survives a killed process; only a
  // power loss can take the last commits (fsync at checkpoints, not at every commit).
  'synchronous = NORMAL',
  // A bulk import dirties index pages all over the file; with SQLite's default checkpoint every
  // 1,000 WAL pages each batch's pages were copied back to the database (and fsynced) at its
  // own commit. 16,384 pages (256 MiB of WAL at 16 KiB pages) lets a page rewritten by several
  // batches be copied once (a profile with 100,000 pages showed commit time halved).
  'wal_autocheckpoint = 16384',
  // Once a checkpoint has copied it back, the WAL file is cut to 64 MiB rather than keeping
  // the largest size a bulk import ever grew it to.
  'journal_size_limit = 67108864',
  // Page cache up to 256 MiB per connection, taken only as pages are read: a county's fact
  // and key indexes outgrow the default of 16 MB, and every miss is a read from the OS.
  'cache_size = -262144',
  'temp_store = MEMORY',
];

/** The embedded database, set up with `SQLITE_PRAGMAS`. */
export function createSqliteDialect(file: string): { dialect: SqliteDialect; raw: SqliteDatabase.Database } {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const raw = new SqliteDatabase(file);
  for (const pragma of SQLITE_PRAGMAS) raw.pragma(pragma);
  return { dialect: new SqliteDialect({ database: raw }), raw };
}

/** Online, consistent copy through SQLite's backup API (readers and the writer keep working). */
export async function backupSqlite(raw: SqliteDatabase.Database, target: string): Promise<void> {
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  await raw.backup(target);
}

/**
 * Restores by running the backup API the other way: the backup file is the source and the
 * live database the destination, so open connections see the restored pages consistently.
 */
export async function restoreSqlite(raw: SqliteDatabase.Database, source: string): Promise<void> {
  if (!fs.existsSync(source)) throw new Error(`backup file not found: ${source}`);
  const from = new SqliteDatabase(source, { readonly: true, fileMustExist: true });
  try {
    const check = from.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`backup file is damaged: ${String(check)}`);
    // SQLite copies pages as they are into a database in WAL mode, so the sizes must agree (a
    // backup of a database made before 16 KiB pages, restored into a new one, would otherwise
    // fail with "attempt to write a readonly database").
    const sizes = [from.pragma('page_size', { simple: true }), raw.pragma('page_size', { simple: true })];
    if (sizes[0] !== sizes[1])
      throw new Error(
        `backup file has ${String(sizes[0])}-byte pages and the database ${String(sizes[1])}-byte pages: ` +
          'stop the service and put the backup file in place of the database file instead',
      );
    // The backup API copies into the live file under SQLite's own locks, so connections
    // that have it open see either the old or the restored database, never a mixture.
    await from.backup(raw.name);
  } finally {
    from.close();
  }
}

// The better-sqlite3 handle behind each SQLite Kysely instance, for the few hot statements
// that go through a cached prepared statement instead of Kysely's prepare-every-time driver.
const rawHandles = new WeakMap<object, SqliteDatabase.Database>();
const statements = new WeakMap<SqliteDatabase.Database, Map<string, SqliteDatabase.Statement>>();

export function rememberRawSqlite(db: object, raw: SqliteDatabase.Database): void {
  rawHandles.set(db, raw);
}

/** The better-sqlite3 handle behind a Kysely instance, if it is one of ours on SQLite. */
export function rawSqliteOf(db: object): SqliteDatabase.Database | undefined {
  return rawHandles.get(db);
}

/** Where a thread of ours (background writer, checkpointer) loads better-sqlite3 from. */
export const SQLITE_DRIVER_PATH = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * The SQLite file behind a Kysely instance, for a connection of another thread; undefined
 * where there can be none: PostgreSQL, an in-memory database (a second connection would be
 * another database), or inside a Kysely transaction.
 */
export function sqliteFileOf(db: Kysely<Database>): string | undefined {
  const raw = db.isTransaction ? undefined : rawSqliteOf(db);
  if (!raw || raw.memory || raw.name === '' || raw.name === ':memory:') return undefined;
  return raw.name;
}

/** A prepared statement on a raw handle, prepared once per handle and text. */
export function cachedStatement(raw: SqliteDatabase.Database, sqlText: string): SqliteDatabase.Statement {
  let cache = statements.get(raw);
  if (!cache) {
    cache = new Map();
    statements.set(raw, cache);
  }
  let statement = cache.get(sqlText);
  if (!statement) {
    statement = raw.prepare(sqlText);
    cache.set(sqlText, statement);
  }
  return statement;
}

/**
 * Runs `work` on the raw handle while holding Kysely's single connection (so it never sees
 * another request's open transaction), for look-ups done row by row through cached prepared
 * statements; undefined (nothing done) for PostgreSQL or inside a Kysely transaction.
 */
export async function withRawSqlite<T>(
  db: Kysely<Database>,
  work: (raw: SqliteDatabase.Database) => T,
): Promise<T | undefined> {
  const raw = db.isTransaction ? undefined : rawHandles.get(db);
  if (!raw) return undefined;
  let result: T | undefined;
  await db.connection().execute(() => {
    result = work(raw);
    return Promise.resolve();
  });
  return result;
}

/**
 * Runs one statement per row through a cached prepared statement, in one transaction, on a
 * plain SQLite handle; false (nothing done) for PostgreSQL or inside a Kysely transaction.
 * It holds Kysely's single connection while it runs, so the rows can never land inside
 * another request's open transaction.
 */
export async function runPreparedSqlite(
  db: Kysely<Database>,
  sqlText: string,
  rows: unknown[][],
): Promise<boolean> {
  const raw = db.isTransaction ? undefined : rawHandles.get(db);
  if (!raw) return false;
  await db.connection().execute(() => {
    const prepared = cachedStatement(raw, sqlText);
    if (rows.length === 1 && rows[0]) prepared.run(rows[0]);
    else
      raw.transaction(() => {
        for (const row of rows) prepared.run(row);
      })();
    return Promise.resolve();
  });
  return true;
}
