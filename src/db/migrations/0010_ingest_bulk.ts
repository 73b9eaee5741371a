import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../dialects/columnTypes.ts';

/**
 * Fewer B-trees written per ingested row (issue 4's throughput target; ADR 0015). Every
 * index is one more random insert for each fact or record key, and at a department feed's
 * volume those inserts and the pages they dirty are most of an import's time:
 * - `facts_variable` (variable, valid_from) is read by no query: facts are always found by
 *   subject (`facts_subject`). A statistic across persons by variable would bring it back.
 * - `ingest_keys_person` stays: merging two persons (0011) moves their record keys by person.
 * - On SQLite `ingest_keys` becomes a WITHOUT ROWID table: its primary key *is* the table, one
 *   B-tree instead of a rowid table plus the key's own index. (PostgreSQL has no such thing;
 *   its heap plus primary key stay as they are.)
 */
/**
 * SQLite only: rebuilds `ingest_keys` with the same columns and indexes, as a WITHOUT ROWID table
 * or as an ordinary one (the way back), copying every key.
 */
async function rebuildIngestKeys(db: Kysely<unknown>, withoutRowid: boolean): Promise<void> {
  await db.schema.dropIndex('ingest_keys_import').execute();
  await db.schema.dropIndex('ingest_keys_person').execute();
  await db.schema.alterTable('ingest_keys').renameTo('ingest_keys_old').execute();
  const table = db.schema
    .createTable('ingest_keys')
    .addColumn('feed_id', 'text', (c) => c.notNull())
    .addColumn('record_hash', 'text', (c) => c.notNull())
    .addColumn('import_id', 'text', (c) => c.notNull())
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('person_id', 'text')
    .addPrimaryKeyConstraint('ingest_keys_pk', ['feed_id', 'record_hash']);
  await (withoutRowid ? table.modifyEnd(sql`without rowid`) : table).execute();
  await sql`insert into ingest_keys (feed_id, record_hash, import_id, line, person_id)
    select feed_id, record_hash, import_id, line, person_id from ingest_keys_old`.execute(db);
  await db.schema.dropTable('ingest_keys_old').execute();
  await db.schema
    .createIndex('ingest_keys_import')
    .on('ingest_keys')
    .columns(['import_id', 'line'])
    .execute();
  await db.schema.createIndex('ingest_keys_person').on('ingest_keys').column('person_id').execute();
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('facts_variable').execute();
  if (!columnTypes(db).isPostgres) await rebuildIngestKeys(db, true);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!columnTypes(db).isPostgres) await rebuildIngestKeys(db, false);
  await db.schema.createIndex('facts_variable').on('facts').columns(['variable', 'valid_from']).execute();
}
