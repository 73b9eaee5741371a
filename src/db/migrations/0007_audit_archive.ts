import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../dialects/columnTypes.ts';
import { makeAppendOnly } from '../dialects/appendOnly.ts';

/**
 * The legal minimum for keeping audit records (MLPS level 3: six months). The database
 * itself refuses to delete anything younger, whatever the application is configured to do.
 */
const MINIMUM_RETENTION = '6 months';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);

  // One row per archive run: the boundary the live chain continues from once the archived
  // records are gone. Append-only like the log, so an anchor cannot be moved afterwards.
  await db.schema
    .createTable('audit_archive')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('archived_at', t.timestamp, (c) => c.notNull())
    .addColumn('before_date', t.date, (c) => c.notNull())
    .addColumn('first_id', 'integer', (c) => c.notNull())
    .addColumn('through_id', 'integer', (c) => c.notNull())
    .addColumn('anchor_hash', 'text', (c) => c.notNull())
    .addColumn('record_count', 'integer', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_sm3', 'text', (c) => c.notNull())
    .execute();
  await makeAppendOnly(db, 'audit_archive');

  if (t.isPostgres) {
    // Appending moves the head in the same statement: one round trip per append instead of
    // lock, insert, update. The WHERE makes it optimistic: a writer whose idea of the head
    // is stale (another process appended first) fails here and retries from the new head,
    // so the chain never forks however many processes write.
    await sql
      .raw(
        `create function audit_log_chain() returns trigger language plpgsql as $$
         begin
           update audit_head set last_id = new.id, last_hash = new.hash
             where id = 1 and last_id = new.id - 1 and last_hash = new.prev_hash;
           if not found then raise exception 'audit chain head moved' using errcode = '40001'; end if;
           return new;
         end $$`,
      )
      .execute(db);
    await sql
      .raw(
        'create trigger audit_log_chain before insert on audit_log for each row execute function audit_log_chain()',
      )
      .execute(db);
    // The one sanctioned delete: records an archive anchor covers and older than the legal
    // minimum. Every other UPDATE or DELETE is refused as before. Same trigger name as
    // migration 0003's, so tooling that drops and restores the guard still finds it.
    await sql
      .raw(
        `create function audit_log_guard() returns trigger language plpgsql as $$
         begin
           if tg_op = 'DELETE'
              and old.id <= (select coalesce(max(through_id), 0) from audit_archive)
              and old.at < now() - interval '${MINIMUM_RETENTION}' then
             return old;
           end if;
           raise exception 'audit_log is append-only';
         end $$`,
      )
      .execute(db);
    await sql.raw('drop trigger audit_log_no_change on audit_log').execute(db);
    await sql
      .raw(
        'create trigger audit_log_no_change before update or delete on audit_log for each row execute function audit_log_guard()',
      )
      .execute(db);
    return;
  }

  await sql
    .raw(
      `create trigger audit_log_chain before insert on audit_log begin
         select raise(abort, 'audit chain head moved') where not exists
           (select 1 from audit_head where id = 1 and last_id = new.id - 1 and last_hash = new.prev_hash);
         update audit_head set last_id = new.id, last_hash = new.hash where id = 1;
       end`,
    )
    .execute(db);
  await sql.raw('drop trigger audit_log_no_delete').execute(db);
  await sql
    .raw(
      `create trigger audit_log_no_delete before delete on audit_log
       when not (old.id <= (select coalesce(max(through_id), 0) from audit_archive)
                 and old.at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-6 months'))
       begin select raise(abort, 'audit_log is append-only'); end`,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (columnTypes(db).isPostgres) {
    await sql.raw('drop trigger audit_log_chain on audit_log').execute(db);
    await sql.raw('drop function audit_log_chain()').execute(db);
    await sql.raw('drop trigger audit_log_no_change on audit_log').execute(db);
    await sql.raw('drop function audit_log_guard()').execute(db);
    await sql
      .raw(
        'create trigger audit_log_no_change before update or delete on audit_log for each row execute function audit_log_append_only()',
      )
      .execute(db);
  } else {
    await sql.raw('drop trigger audit_log_chain').execute(db);
    await sql.raw('drop trigger audit_log_no_delete').execute(db);
    await sql
      .raw(
        "create trigger audit_log_no_delete before delete on audit_log begin select raise(abort, 'audit_log is append-only'); end",
      )
      .execute(db);
  }
  await db.schema.dropTable('audit_archive').execute();
}
