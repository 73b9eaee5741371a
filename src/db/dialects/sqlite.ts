import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { SqliteDialect, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * The embedded database. WAL lets readers work while the single writer writes; foreign
 * keys are off by default in SQLite and must be switched on for every connection.
 */
export function createSqliteDialect(file: string): { dialect: SqliteDialect; raw: SqliteDatabase.Database } {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const raw = new SqliteDatabase(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('synchronous = NORMAL');
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
    const prepared = statement;
    if (rows.length === 1 && rows[0]) prepared.run(rows[0]);
    else
      raw.transaction(() => {
        for (const row of rows) prepared.run(row);
      })();
    return Promise.resolve();
  });
  return true;
}
