import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { dialectOf } from '../../db/dialectOf.ts';
import { describeEachDatabase } from '../../db/testing/eachDatabase.ts';
import { RECENT_KEYS_TO_MOVE, recentKeysToMove, recordKeysHeldEstimate } from './ingestRepository.ts';
import { recordHashKey } from './recordHashKey.ts';

describe('recentKeysToMove', () => {
  it('moves at the fixed size while the large table is small, then at √(held × batch)', () => {
    expect(recentKeysToMove(0, 10_000)).toBe(RECENT_KEYS_TO_MOVE);
    expect(recentKeysToMove(640_000, 10_000)).toBe(RECENT_KEYS_TO_MOVE);
    expect(recentKeysToMove(2_560_000, 10_000)).toBe(160_000);
    expect(recentKeysToMove(23_000_000, 10_000)).toBe(479_583);
    expect(recentKeysToMove(-5, 10_000)).toBe(RECENT_KEYS_TO_MOVE);
  });
});

describeEachDatabase('recordKeysHeldEstimate', (getDb) => {
  it('tells about how many keys the large table holds', async () => {
    const { db } = getDb();
    expect(await recordKeysHeldEstimate(db)).toBe(0);
    await db
      .insertInto('ingest_keys')
      .values(
        Array.from({ length: 300 }, (_, n) => ({
          feed_id: 'f',
          record_hash: n.toString(16).padStart(32, '0'),
          import_id: 'i',
          line: n + 1,
          person_id: null,
          hash_key: recordHashKey(n.toString(16).padStart(32, '0')),
        })),
      )
      .execute();
    // PostgreSQL's figure is the planner's, as of the table's last analysis.
    if (dialectOf(db) === 'postgres') await sql`analyze ingest_keys`.execute(db);
    expect(await recordKeysHeldEstimate(db)).toBe(300);
  });
});
