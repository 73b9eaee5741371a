import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialectOf.ts';

/**
 * Makes a table append-only in the database itself: updates and deletes are refused by a
 * trigger, so neither application code nor an ad-hoc SQL session can quietly rewrite it.
 * (Someone who can drop the trigger can still tamper; the SM3 chain then shows it.)
 */
export async function makeAppendOnly<T>(db: Kysely<T>, table: string): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    await sql
      .raw(
        `create or replace function ${table}_append_only() returns trigger language plpgsql as $$
         begin raise exception '${table} is append-only'; end $$`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger ${table}_no_change before update or delete on ${table} for each row execute function ${table}_append_only()`,
      )
      .execute(db);
    return;
  }
  for (const op of ['update', 'delete']) {
    await sql
      .raw(
        `create trigger ${table}_no_${op} before ${op} on ${table} begin select raise(abort, '${table} is append-only'); end`,
      )
      .execute(db);
  }
}

/** Removes the append-only triggers: only for tests that simulate tampering by a database superuser. */
export async function dropAppendOnly<T>(db: Kysely<T>, table: string): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    await sql.raw(`drop trigger if exists ${table}_no_change on ${table}`).execute(db);
    return;
  }
  for (const op of ['update', 'delete'])
    await sql.raw(`drop trigger if exists ${table}_no_${op}`).execute(db);
}
