import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../dialects/columnTypes.ts';

/**
 * Narrower record keys (issue 4's throughput; ADR 0027). A record key's hash is random, so each
 * key an import writes lands on its own page of the tree the hash orders; the wider that tree's
 * entries, the more pages a batch dirties and commits. Until now on SQLite that tree was the whole
 * table (WITHOUT ROWID, about 130 bytes an entry), and both other indexes carried its key
 * (feed and hash, about 60 bytes) in every entry.
 * - The key is the record hash alone. It already covers the feed (`recordHash` hashes the feed's
 *   id with the row), so it is unique across feeds as (feed, hash) was, in half the bytes.
 * - On SQLite the table becomes an ordinary rowid table again: rows are appended in the order
 *   written, the hash's index holds only hash and rowid (about 40 bytes), and the indexes by
 *   import and by person a rowid each instead of the old key.
 * PostgreSQL keeps its heap and only swaps the primary key for the narrower one.
 * Measured on the 20,000-household county: the import about 8 % faster with less CPU.
 */
async function rebuildIngestKeys(db: Kysely<unknown>, byHash: boolean): Promise<void> {
  await db.schema.dropIndex('ingest_keys_import').execute();
  await db.schema.dropIndex('ingest_keys_person').execute();
  await db.schema.alterTable('ingest_keys').renameTo('ingest_keys_old').execute();
  const table = db.schema
    .createTable('ingest_keys')
    .addColumn('feed_id', 'text', (c) => c.notNull())
    .addColumn('record_hash', 'text', (c) => c.notNull())
    .addColumn('import_id', 'text', (c) => c.notNull())
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('person_id', 'text');
  await (
    byHash
      ? table.addPrimaryKeyConstraint('ingest_keys_pk', ['record_hash'])
      : table
          .addPrimaryKeyConstraint('ingest_keys_pk', ['feed_id', 'record_hash'])
          .modifyEnd(sql`without rowid`)
  ).execute();
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

async function swapPostgresKey(db: Kysely<unknown>, columns: string[]): Promise<void> {
  await db.schema.alterTable('ingest_keys').dropConstraint('ingest_keys_pk').execute();
  await db.schema.alterTable('ingest_keys').addPrimaryKeyConstraint('ingest_keys_pk', columns).execute();
}

export async function up(db: Kysely<unknown>): Promise<void> {
  if (columnTypes(db).isPostgres) await swapPostgresKey(db, ['record_hash']);
  else await rebuildIngestKeys(db, true);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (columnTypes(db).isPostgres) await swapPostgresKey(db, ['feed_id', 'record_hash']);
  else await rebuildIngestKeys(db, false);
}
