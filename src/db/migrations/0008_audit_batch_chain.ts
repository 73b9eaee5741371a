import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../dialects/columnTypes.ts';

/**
 * On PostgreSQL the head moves once per INSERT statement instead of once per row. The audit
 * writer appends batches of up to 500 records in one statement (group commit, ADR 0011), and
 * the row trigger rewrote the head row for each of them. The statement trigger checks that
 * the batch is one contiguous run continuing the head — the first record follows the head,
 * and the ids have no hole — and moves the head to its last record; a stale writer still
 * fails and retries, so the chain never forks. The links inside a batch are the writer's
 * (and `zhulian audit verify` checks every one). SQLite has no statement triggers and keeps
 * the row trigger.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!columnTypes(db).isPostgres) return;
  await sql.raw('drop trigger audit_log_chain on audit_log').execute(db);
  await sql
    .raw(
      `create function audit_log_chain_batch() returns trigger language plpgsql as $$
       declare
         n bigint; head_from bigint; head_to bigint; prev text; head_hash text;
       begin
         select count(*), min(id), max(id) into n, head_from, head_to from new_rows;
         if n = 0 then return null; end if;
         select prev_hash into prev from new_rows where id = head_from;
         select hash into head_hash from new_rows where id = head_to;
         if head_to - head_from + 1 <> n then
           raise exception 'audit chain head moved' using errcode = '40001';
         end if;
         update audit_head set last_id = head_to, last_hash = head_hash
           where id = 1 and last_id = head_from - 1 and last_hash = prev;
         if not found then raise exception 'audit chain head moved' using errcode = '40001'; end if;
         return null;
       end $$`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger audit_log_chain after insert on audit_log
       referencing new table as new_rows for each statement execute function audit_log_chain_batch()`,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!columnTypes(db).isPostgres) return;
  await sql.raw('drop trigger audit_log_chain on audit_log').execute(db);
  await sql.raw('drop function audit_log_chain_batch()').execute(db);
  await sql
    .raw(
      'create trigger audit_log_chain before insert on audit_log for each row execute function audit_log_chain()',
    )
    .execute(db);
}
