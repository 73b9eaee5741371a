import type { Kysely } from 'kysely';
import type { AuditLogTable, Database } from '../../db/schema.ts';

/** Audit tables: appends go through the locked head row; nothing here updates or deletes a record. */

/** Locks the head row for the rest of the transaction and returns it. */
export async function lockAuditHead(db: Kysely<Database>): Promise<{ last_id: number; last_hash: string }> {
  // A no-op update takes the row lock on PostgreSQL and the write lock on SQLite, portably,
  // and RETURNING reads the head in the same statement.
  return db
    .updateTable('audit_head')
    .set((eb) => ({ last_id: eb.ref('last_id') }))
    .where('id', '=', 1)
    .returning(['last_id', 'last_hash'])
    .executeTakeFirstOrThrow();
}

export async function appendAuditRecord(db: Kysely<Database>, record: AuditLogTable): Promise<void> {
  await db.insertInto('audit_log').values(record).execute();
  await db
    .updateTable('audit_head')
    .set({ last_id: record.id, last_hash: record.hash })
    .where('id', '=', 1)
    .execute();
}

export async function readAuditHead(db: Kysely<Database>): Promise<{ last_id: number; last_hash: string }> {
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
