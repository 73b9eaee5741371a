import type { Kysely } from 'kysely';
import type { Database, LoginLogTable, SessionTable } from '../../db/schema.ts';
import type { Insertable } from 'kysely';

/** Sessions (by token hash) and the login log. */

export async function insertSession(db: Kysely<Database>, row: SessionTable): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

export async function findSession(db: Kysely<Database>, tokenHash: string) {
  return db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function touchSession(db: Kysely<Database>, tokenHash: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('token_hash', '=', tokenHash).execute();
}

export async function revokeSession(db: Kysely<Database>, tokenHash: string, at: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Ends every open session of a user ("sign out everywhere", or after a password change). */
export async function revokeUserSessions(db: Kysely<Database>, userId: string, at: string): Promise<number> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function insertLoginLog(db: Kysely<Database>, row: Insertable<LoginLogTable>): Promise<void> {
  await db.insertInto('login_log').values(row).execute();
}

export async function listLoginLog(db: Kysely<Database>, limit: number) {
  return db.selectFrom('login_log').selectAll().orderBy('id', 'desc').limit(limit).execute();
}
