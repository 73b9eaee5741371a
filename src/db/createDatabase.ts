import path from 'node:path';
import { Kysely } from 'kysely';
import type SqliteDatabase from 'better-sqlite3';
import type { DialectName } from './dialectOf.ts';
import type { Database } from './schema.ts';
import { backupSqlite, createSqliteDialect, rememberRawSqlite, restoreSqlite } from './dialects/sqlite.ts';
import {
  backupPostgres,
  createPostgresDialect,
  restorePostgres,
  type PostgresOptions,
} from './dialects/postgres.ts';

export interface DatabaseOptions {
  /** PostgreSQL URL; without it, SQLite at `sqliteFile`. */
  url?: string | undefined;
  sqliteFile?: string;
  /** PostgreSQL schema (search_path); used by tests to isolate each file. */
  schema?: string;
}

/** A database handle: the Kysely instance plus what only the dialect can do (backup, close). */
export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Where the data is, for logs (the SQLite file or the PostgreSQL URL without password). */
  location: string;
  backup(target: string): Promise<void>;
  restore(source: string): Promise<void>;
  close(): Promise<void>;
}

export function defaultSqliteFile(dataDir: string): string {
  return path.join(dataDir, 'zhulian.db');
}

const openedWith = new WeakMap<object, DatabaseOptions>();

/**
 * How a database was opened, so another thread can open its own connection to the same data
 * (the screening run's workers); null for an in-memory SQLite database, which no other
 * connection can see.
 */
export function databaseOptionsOf(db: object): DatabaseOptions | null {
  return openedWith.get(db) ?? null;
}

export function createDatabase(options: DatabaseOptions): DatabaseHandle {
  const handle = openDatabase(options);
  const file = options.sqliteFile ?? ':memory:';
  if (options.url || file !== ':memory:') openedWith.set(handle.db, { ...options });
  return handle;
}

function openDatabase(options: DatabaseOptions): DatabaseHandle {
  if (options.url) {
    const pgOptions: PostgresOptions = {
      url: options.url,
      ...(options.schema ? { schema: options.schema } : {}),
    };
    const { dialect } = createPostgresDialect(pgOptions);
    const db = new Kysely<Database>({ dialect });
    return {
      db,
      dialect: 'postgres',
      location: redact(options.url),
      backup: (target) => backupPostgres(pgOptions, target),
      restore: (source) => restorePostgres(pgOptions, source),
      close: () => db.destroy(),
    };
  }
  const file = options.sqliteFile ?? ':memory:';
  const { dialect, raw } = createSqliteDialect(file);
  const db = new Kysely<Database>({ dialect });
  rememberRawSqlite(db, raw);
  return sqliteHandle(db, raw, file);
}

function sqliteHandle(db: Kysely<Database>, raw: SqliteDatabase.Database, file: string): DatabaseHandle {
  return {
    db,
    dialect: 'sqlite',
    location: file,
    backup: (target) => backupSqlite(raw, target),
    restore: (source) => restoreSqlite(raw, source),
    close: () => db.destroy(),
  };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
