import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/eachDatabase.ts';
import { migratorFor } from '../migrate.ts';
import { recordHashKey } from '../../ingest/imports/recordHashKey.ts';

const key = (n: number) => ({
  feed_id: 'feed_a',
  record_hash: n.toString(16).padStart(32, '0'),
  import_id: 'import-1',
  line: n,
  person_id: n % 3 === 0 ? null : `person-${String(n % 5)}`,
});
/** The same key as the latest schema holds it (migration 0025 added its number). */
const latest = (n: number) => ({ ...key(n), hash_key: recordHashKey(key(n).record_hash) });

describeEachDatabase('migration 0022: recent record keys', (getDb) => {
  it('keeps the recent keys when stepped down, and a recent hash is unique', async () => {
    const { db } = getDb();
    const migrator = await migratorFor(db);
    const recent = Array.from({ length: 20 }, (_, n) => key(n));
    const older = Array.from({ length: 20 }, (_, n) => key(n + 20));
    await db
      .insertInto('ingest_keys_recent')
      .values(recent.map((_, n) => latest(n)))
      .execute();
    await db
      .insertInto('ingest_keys')
      .values(older.map((_, n) => latest(n + 20)))
      .execute();
    await expect(db.insertInto('ingest_keys_recent').values(latest(3)).execute()).rejects.toThrow(
      /unique|duplicate/i,
    );

    const down = await migrator.migrateTo('0021_ingest_keys_by_hash');
    expect(down.error).toBeUndefined();
    expect(down.results?.map((r) => [r.migrationName, r.direction]).at(-1)).toEqual([
      '0022_recent_ingest_keys',
      'Down',
    ]);
    // Every key is now in the one table there was before.
    const all = await db.selectFrom('ingest_keys').selectAll().orderBy('line').execute();
    expect(all).toEqual([...recent, ...older]);

    const up = await migrator.migrateUp();
    expect(up.error).toBeUndefined();
    const empty = await db.selectFrom('ingest_keys_recent').selectAll().execute();
    expect(empty).toEqual([]);
  });
});
