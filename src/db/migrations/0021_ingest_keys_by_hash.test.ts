import { sql, type Kysely } from 'kysely';
import type { IngestKeyTable } from '../schema.ts';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/eachDatabase.ts';
import { migratorFor } from '../migrate.ts';

const key = (n: number) => ({
  feed_id: n % 2 === 0 ? 'feed_a' : 'feed_b',
  record_hash: n.toString(16).padStart(32, '0'),
  import_id: 'import-1',
  line: n,
  person_id: n % 3 === 0 ? null : `person-${String(n % 5)}`,
});

describeEachDatabase('migration 0021: record keys by hash', (getDb) => {
  it('keeps every key down and up again, and makes the hash alone unique', async () => {
    const { db: latest } = getDb();
    const migrator = await migratorFor(latest);
    // The table as it was before migration 0025 gave keys their number.
    const db = latest as unknown as Kysely<{ ingest_keys: Omit<IngestKeyTable, 'hash_key'> }>;
    const down = await migrator.migrateTo('0020_work_orders');
    expect(down.error).toBeUndefined();
    expect(down.results?.map((r) => [r.migrationName, r.direction]).at(-1)).toEqual([
      '0021_ingest_keys_by_hash',
      'Down',
    ]);
    const rows = Array.from({ length: 50 }, (_, n) => key(n));
    await db.insertInto('ingest_keys').values(rows).execute();
    // Before: only (feed, hash) was unique.
    await db
      .insertInto('ingest_keys')
      .values({ ...key(2), feed_id: 'feed_c' })
      .execute();
    await db.deleteFrom('ingest_keys').where('feed_id', '=', 'feed_c').execute();

    const up = await migrator.migrateUp();
    expect(up.error).toBeUndefined();
    const after = await db.selectFrom('ingest_keys').selectAll().orderBy('line').execute();
    expect(after).toEqual(rows);
    // The indexes the importer, the review queue and merges read by are back.
    const byLine = await db
      .selectFrom('ingest_keys')
      .select('person_id')
      .where('import_id', '=', 'import-1')
      .where('line', '=', 7)
      .executeTakeFirst();
    expect(byLine?.person_id).toBe('person-2');
    const indexes =
      getDb().dialect === 'postgres'
        ? await sql<{ name: string }>`select indexname as name from pg_indexes
            where tablename = 'ingest_keys' and schemaname = current_schema()`.execute(db)
        : await sql<{ name: string }>`select name from sqlite_master
            where type = 'index' and tbl_name = 'ingest_keys'`.execute(db);
    const names = indexes.rows.map((r) => r.name);
    if (getDb().dialect === 'sqlite') {
      // An ordinary rowid table again: appended in the order written, the hash a narrow index.
      const table = await sql<{ sql: string }>`select sql from sqlite_master
        where type = 'table' and name = 'ingest_keys'`.execute(db);
      expect(table.rows[0]?.sql.toLowerCase()).not.toContain('without rowid');
    }
    expect(names).toEqual(expect.arrayContaining(['ingest_keys_import', 'ingest_keys_person']));
    // Now the hash alone is the key: the same hash under another feed is refused.
    await expect(
      db
        .insertInto('ingest_keys')
        .values({ ...key(2), feed_id: 'feed_c' })
        .execute(),
    ).rejects.toThrow(/unique|duplicate/i);
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
  });
});
