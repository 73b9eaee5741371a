import { CompiledQuery, type Kysely } from 'kysely';
import type { AuditArchiveTable, AuditLogTable, Database } from '../../db/schema.ts';
import { runPreparedSqlite } from '../../db/dialects/sqlite.ts';

/**
 * Audit tables. Appends move the head through a database trigger (migration 0007); the only
 * delete is the archive's, which the database allows for anchored, old-enough records only.
 */

export interface AuditHead {
  last_id: number;
  last_hash: string;
}

/**
 * Locks the head row for the rest of the transaction and returns it: for appends made inside
 * a caller's transaction, where a conflict could not be retried (the transaction is aborted).
 */
export async function lockAuditHead(db: Kysely<Database>): Promise<AuditHead> {
  // A no-op update takes the row lock on PostgreSQL and the write lock on SQLite, portably,
  // and RETURNING reads the head in the same statement.
  return db
    .updateTable('audit_head')
    .set((eb) => ({ last_id: eb.ref('last_id') }))
    .where('id', '=', 1)
    .returning(['last_id', 'last_hash'])
    .executeTakeFirstOrThrow();
}

/**
 * Appends chained records in one statement. The insert trigger checks each record continues
 * the head and moves the head along, so a stale chain is refused rather than forked.
 */
export async function insertAuditRecords(db: Kysely<Database>, records: AuditLogTable[]): Promise<void> {
  if (records.length === 0) return;
  const rows = records.map((record) => auditColumns.map((column) => record[column]));
  // On SQLite a cached prepared statement halves the append again (better-sqlite3 would
  // otherwise prepare the same INSERT for every audited request).
  if (await runPreparedSqlite(db, insertSql(db, 1), rows)) return;
  await db.executeQuery(CompiledQuery.raw(insertSql(db, records.length), rows.flat()));
}

const auditColumns = [
  'id',
  'at',
  'actor',
  'action',
  'subject_type',
  'subject_id',
  'area_code',
  'ip',
  'outcome',
  'detail_json',
  'prev_hash',
  'hash',
] as const satisfies readonly (keyof AuditLogTable)[];

// Every audited request appends a record, and building and compiling the same INSERT each
// time cost a third of the append (about 100 µs on SQLite). Kysely still writes the SQL, in
// the database's own dialect, once per handle and batch size; only the values change.
const insertSqlCache = new WeakMap<Kysely<Database>, Map<number, string>>();

function insertSql(db: Kysely<Database>, rows: number): string {
  let byRows = insertSqlCache.get(db);
  if (!byRows) {
    byRows = new Map();
    insertSqlCache.set(db, byRows);
  }
  let text = byRows.get(rows);
  if (text === undefined) {
    const placeholder = Object.fromEntries(auditColumns.map((c) => [c, null])) as unknown as AuditLogTable;
    text = db
      .insertInto('audit_log')
      .values(Array.from({ length: rows }, () => placeholder))
      .compile().sql;
    byRows.set(rows, text);
  }
  return text;
}

export async function readAuditHead(db: Kysely<Database>): Promise<AuditHead> {
  return db
    .selectFrom('audit_head')
    .select(['last_id', 'last_hash'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
}

export async function readAuditRecords(
  db: Kysely<Database>,
  afterId: number,
  limit: number,
): Promise<AuditLogTable[]> {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function countAuditRecords(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The first record stamped at or after an instant: the archive stops just before it. */
export async function firstAuditIdFrom(db: Kysely<Database>, at: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.min('id').as('id'))
    .where('at', '>=', at)
    .executeTakeFirst();
  return row?.id ?? undefined;
}

/** The latest archive anchor: where the live chain now starts. */
export async function readLastArchive(db: Kysely<Database>): Promise<AuditArchiveTable | undefined> {
  return db.selectFrom('audit_archive').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export async function insertArchive(db: Kysely<Database>, row: AuditArchiveTable): Promise<void> {
  await db.insertInto('audit_archive').values(row).execute();
}

/** The sanctioned delete: the database refuses it unless an anchor covers the records. */
export async function deleteArchivedRecords(db: Kysely<Database>, throughId: number): Promise<number> {
  const result = await db.deleteFrom('audit_log').where('id', '<=', throughId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface AuditQuery {
  subjectType?: string | undefined;
  subjectId?: string | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  /** Inclusive ISO instants. */
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
}

export async function findAuditRecords(db: Kysely<Database>, query: AuditQuery): Promise<AuditLogTable[]> {
  let q = db.selectFrom('audit_log').selectAll();
  if (query.subjectType) q = q.where('subject_type', '=', query.subjectType);
  if (query.subjectId) q = q.where('subject_id', '=', query.subjectId);
  if (query.actor) q = q.where('actor', '=', query.actor);
  if (query.action) q = q.where('action', '=', query.action);
  if (query.from) q = q.where('at', '>=', query.from);
  if (query.to) q = q.where('at', '<=', query.to);
  return q.orderBy('id', 'desc').limit(query.limit).execute();
}
