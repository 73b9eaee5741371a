import { sql, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/eachDatabase.ts';
import { migratorFor } from '../migrate.ts';
import type { IngestKeyTable } from '../schema.ts';
import { recordHashKey } from '../../ingest/imports/recordHashKey.ts';

/** Hashes as `recordHash` makes them (32 lowercase hex digits), spread over the whole range. */
const hashOf = (n: number) => {
  let h = (n + 1) * 2654435761;
  let out = '';
  for (let i = 0; i < 32; i++) {
    h = (h * 1103515245 + 12345) % 2 ** 31;
    out += '0123456789abcdef'.charAt((h >>> 7) % 16);
  }
  return out;
};
const key = (n: number) => ({
  feed_id: n % 2 === 0 ? 'feed_a' : 'feed_b',
  record_hash: hashOf(n),
  import_id: 'import-1',
  line: n + 1,
  person_id: n % 3 === 0 ? null : `person-${String(n % 5)}`,
});

describeEachDatabase('migration 0025: record keys found by a number', (getDb) => {
  it('numbers the keys stored before as recordHashKey does, and keeps them unique down and up', async () => {
    const { db } = getDb();
    const isSqlite = getDb().dialect === 'sqlite';
    const migrator = await migratorFor(db);
    const down = await migrator.migrateTo('0024_person_lookups');
    expect(down.error).toBeUndefined();
    expect(down.results?.map((r) => [r.migrationName, r.direction]).at(-1)).toEqual([
      '0025_record_keys_by_number',
      'Down',
    ]);
    // The tables as they were before: no number.
    const before = db as unknown as Kysely<{
      ingest_keys: Omit<IngestKeyTable, 'hash_key'>;
      ingest_keys_recent: Omit<IngestKeyTable, 'hash_key'>;
    }>;
    const large = Array.from({ length: 60 }, (_, n) => key(n));
    const recent = Array.from({ length: 15 }, (_, n) => key(n + 60));
    // Hashes at both ends of the range, whose numbers need all 47 bits or none.
    large.push({ ...key(100), record_hash: 'f'.repeat(32) }, { ...key(101), record_hash: '0'.repeat(32) });
    await before.insertInto('ingest_keys').values(large).execute();
    await before.insertInto('ingest_keys_recent').values(recent).execute();

    const up = await migrator.migrateUp();
    expect(up.error).toBeUndefined();
    for (const [table, rows] of [
      ['ingest_keys', large],
      ['ingest_keys_recent', recent],
    ] as const) {
      const after = await db
        .selectFrom(table)
        .select(['feed_id', 'record_hash', 'import_id', 'line', 'person_id', 'hash_key'])
        .orderBy('line')
        .execute();
      // Every key kept, each numbered in SQL exactly as the importer numbers new ones.
      expect(after.map((r) => ({ ...r, hash_key: Number(r.hash_key) }))).toEqual(
        rows.map((r) => ({ ...r, hash_key: recordHashKey(r.record_hash) })),
      );
    }
    expect(recordHashKey('f'.repeat(32))).toBe(2 ** 47 - 1);

    // Found by the number and the hash (what the importer's look-up asks on SQLite).
    const probe = large[7];
    const found = await db
      .selectFrom('ingest_keys')
      .select('line')
      .where('hash_key', '=', recordHashKey(probe?.record_hash ?? ''))
      .where('record_hash', '=', probe?.record_hash ?? '')
      .executeTakeFirst();
    expect(found?.line).toBe(probe?.line);

    for (const table of ['ingest_keys', 'ingest_keys_recent'] as const) {
      const indexes = isSqlite
        ? await sql<{ name: string }>`select name from sqlite_master
            where type = 'index' and tbl_name = ${table}`.execute(db)
        : await sql<{ name: string }>`select indexname as name from pg_indexes
            where tablename = ${table} and schemaname = current_schema()`.execute(db);
      const names = indexes.rows.map((r) => r.name);
      if (table === 'ingest_keys')
        expect(names).toEqual(expect.arrayContaining(['ingest_keys_import', 'ingest_keys_person']));
      if (!isSqlite) continue;
      // The number is the index; the hash is no longer one.
      expect(names).toContain(`${table}_hash`);
      expect(names.filter((n) => n.startsWith('sqlite_autoindex'))).toEqual([]);
      // The importer's probe (findKnownRecordHashes) reads that index, not the whole table.
      const plan = await sql<{ detail: string }>`explain query plan
        select import_id, line from ${sql.table(table)}
        where hash_key = ${1} and record_hash = ${'x'} and feed_id = ${'f'}`.execute(db);
      expect(plan.rows.map((r) => r.detail).join(' ')).toMatch(new RegExp(`USING INDEX ${table}_hash`));
    }

    // A hash is still unique in the large table (SQLite: the trigger; PostgreSQL: the key) …
    const again = { ...key(3), feed_id: 'feed_c', line: 999, hash_key: recordHashKey(key(3).record_hash) };
    await expect(db.insertInto('ingest_keys').values(again).execute()).rejects.toThrow(/unique|duplicate/i);
    // … and in the small one.
    const recentAgain = { ...key(61), line: 998, hash_key: recordHashKey(key(61).record_hash) };
    await expect(db.insertInto('ingest_keys_recent').values(recentAgain).execute()).rejects.toThrow(
      /unique|duplicate/i,
    );
    // Two hashes sharing their number are two keys.
    const twin = {
      ...key(200),
      record_hash: `${(probe?.record_hash ?? '').slice(0, 12)}${'0'.repeat(20)}`,
      hash_key: recordHashKey(probe?.record_hash ?? ''),
    };
    expect(twin.record_hash).not.toBe(probe?.record_hash);
    await db.insertInto('ingest_keys').values(twin).execute();
    const sharing = await db
      .selectFrom('ingest_keys')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('hash_key', '=', twin.hash_key)
      .executeTakeFirst();
    expect(Number(sharing?.n)).toBe(2);
    await db.deleteFrom('ingest_keys').where('line', '=', twin.line).execute();

    // Down again: the hash the key once more, nothing lost.
    const downAgain = await migrator.migrateTo('0024_person_lookups');
    expect(downAgain.error).toBeUndefined();
    const kept = await before.selectFrom('ingest_keys').selectAll().orderBy('line').execute();
    expect(kept).toEqual(large);
    await expect(
      before
        .insertInto('ingest_keys')
        .values({ ...key(3), feed_id: 'feed_c', line: 999 })
        .execute(),
    ).rejects.toThrow(/unique|duplicate/i);
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
  });
});
