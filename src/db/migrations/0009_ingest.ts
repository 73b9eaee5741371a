import type { Kysely } from 'kysely';
import { columnTypes } from '../dialects/columnTypes.ts';

/**
 * Department feeds arriving as files (issue 4): one row per import with its reconciled
 * counts and checkpoint, the rejected rows (encrypted, for the error report), the keys of
 * every accepted record (so re-sending a file changes nothing), rows waiting for a person
 * to be chosen by staff, and each fact's import and line (provenance).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('feed_id', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_sha256', 'text', (c) => c.notNull())
    .addColumn('file_bytes', 'integer', (c) => c.notNull())
    // running → completed | failed; a running import whose worker is gone is resumed.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('received', 'integer', (c) => c.notNull())
    .addColumn('accepted', 'integer', (c) => c.notNull())
    .addColumn('rejected', 'integer', (c) => c.notNull())
    .addColumn('duplicate', 'integer', (c) => c.notNull())
    .addColumn('held_for_review', 'integer', (c) => c.notNull())
    .addColumn('persons_created', 'integer', (c) => c.notNull())
    .addColumn('facts_recorded', 'integer', (c) => c.notNull())
    // Every record on a line up to here is accounted for in the counts above.
    .addColumn('checkpoint_line', 'integer', (c) => c.notNull())
    .addColumn('worker', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('started_by', 'text', (c) => c.notNull())
    .addColumn('started_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('finished_at', t.timestamp)
    .execute();
  await db.schema
    .createIndex('imports_feed_file')
    .on('imports')
    .columns(['feed_id', 'file_sha256'])
    .execute();
  await db.schema.createIndex('imports_started').on('imports').column('started_at').execute();

  await db.schema
    .createTable('import_rejects')
    .addColumn('id', t.serial, (c) => c.primaryKey())
    .addColumn('import_id', 'text', (c) => c.notNull().references('imports.id'))
    .addColumn('line', 'integer', (c) => c.notNull())
    // The row as received, SM4-encrypted: it may hold ID and phone numbers in clear.
    .addColumn('record_enc', 'text', (c) => c.notNull())
    .addColumn('problems_enc', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('import_rejects_import')
    .on('import_rejects')
    .columns(['import_id', 'line'])
    .execute();

  await db.schema
    .createTable('ingest_keys')
    .addColumn('feed_id', 'text', (c) => c.notNull())
    .addColumn('record_hash', 'text', (c) => c.notNull())
    .addColumn('import_id', 'text', (c) => c.notNull())
    .addColumn('line', 'integer', (c) => c.notNull())
    // Who the row was linked to (null while held for staff): provenance for every row, even
    // one that carried no variable (a property register says only that someone owns a home).
    .addColumn('person_id', 'text')
    .addPrimaryKeyConstraint('ingest_keys_pk', ['feed_id', 'record_hash'])
    .execute();

  await db.schema
    .createTable('link_reviews')
    .addColumn('id', t.serial, (c) => c.primaryKey())
    .addColumn('import_id', 'text', (c) => c.notNull().references('imports.id'))
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('feed_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('birth_date', t.date)
    .addColumn('hukou_number', 'text')
    // [{ personId, score, reasons }] best first; empty when nobody came close.
    .addColumn('candidates_json', 'text', (c) => c.notNull())
    // The facts the row would record once linked.
    .addColumn('facts_json', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ingest_keys_import')
    .on('ingest_keys')
    .columns(['import_id', 'line'])
    .execute();
  await db.schema.createIndex('ingest_keys_person').on('ingest_keys').column('person_id').execute();
  await db.schema.createIndex('link_reviews_status').on('link_reviews').columns(['status', 'id']).execute();

  await db.schema.alterTable('facts').addColumn('import_id', 'text').execute();
  await db.schema.alterTable('facts').addColumn('source_line', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('facts').dropColumn('source_line').execute();
  await db.schema.alterTable('facts').dropColumn('import_id').execute();
  for (const table of ['link_reviews', 'ingest_keys', 'import_rejects', 'imports']) {
    await db.schema.dropTable(table).execute();
  }
}
