import { sql, type Kysely } from 'kysely';

/**
 * Record keys arrive in a small table first and move to `ingest_keys` in bulk (ADR 0028).
 *
 * A record key is found by its hash, which is random: each key an import writes lands on its own
 * page of the hash's index, so a batch of 10,000 keys rewrote nearly every page of that index at
 * its commit, and the index grows with everything ever imported. At 20,000 households that index
 * was half of all the bytes an import wrote (4.5 of 8.5 GB, for a 1.1 GB database) and 40 % of
 * the time it took to write the rows; at Xuhui's 23 million records it would be rewritten
 * thousands of times at a gigabyte each.
 *
 * `ingest_keys_recent` takes each batch's keys: its hash index stays small (its pages are few and
 * rewritten cheaply). When it holds enough keys, the batch that fills it moves them all into
 * `ingest_keys` in hash order, in the same transaction, so each page of the large index is
 * written once per move instead of once per batch. A key is in exactly one of the two tables;
 * look-ups read both. Same columns; the hash is the primary key here too, so a duplicate within
 * it is refused as it always was (the look-ups keep the two apart).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ingest_keys_recent')
    .addColumn('feed_id', 'text', (c) => c.notNull())
    .addColumn('record_hash', 'text', (c) => c.notNull())
    .addColumn('import_id', 'text', (c) => c.notNull())
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('person_id', 'text')
    .addPrimaryKeyConstraint('ingest_keys_recent_pk', ['record_hash'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`insert into ingest_keys (feed_id, record_hash, import_id, line, person_id)
    select feed_id, record_hash, import_id, line, person_id from ingest_keys_recent`.execute(db);
  await db.schema.dropTable('ingest_keys_recent').execute();
}
