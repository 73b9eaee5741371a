import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../createDatabase.ts';
import { rawSqliteOf } from './sqlite.ts';
import { startSqliteCheckpointer } from './sqliteCheckpointer.ts';
import { openSqliteWriter } from './sqliteWriter.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-checkpointer-'));
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes about 8 MB through a writer that does not checkpoint; the database file's size after. */
async function loadWith(name: string, checkpointing: boolean): Promise<number> {
  const file = path.join(dir, name);
  const handle = createDatabase({ sqliteFile: file });
  try {
    const { db } = handle;
    await sql`create table t (k integer primary key, v text not null)`.execute(db);
    rawSqliteOf(db)?.pragma('wal_autocheckpoint = 0');
    const checkpointer = checkpointing ? startSqliteCheckpointer(db) : undefined;
    const writer = openSqliteWriter(db, { checkpoints: false });
    if (!writer) throw new Error('a file database has a writer');
    for (let batch = 0; batch < 8; batch++)
      await writer.write([
        {
          sql: 'insert into t (k, v) values (?, ?)',
          rows: Array.from({ length: 1000 }, (_, i) => [batch * 1000 + i, 'x'.repeat(1000)]),
        },
      ]);
    // The thread looks every 200 ms: by a second it has copied what was committed.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const size = fs.statSync(file).size;
    await writer.close();
    await checkpointer?.stop();
    const count = await sql<{ n: number }>`select count(*) as n from t`.execute(db);
    expect(count.rows[0]?.n).toBe(8000);
    return size;
  } finally {
    await handle.close();
  }
}

describe('startSqliteCheckpointer', () => {
  it('copies committed pages back into the database while connections that do not checkpoint write', async () => {
    // Without it everything stays in the WAL; with it the database file holds the rows.
    expect(await loadWith('alone.db', false)).toBeLessThan(1_000_000);
    expect(await loadWith('checkpointed.db', true)).toBeGreaterThan(8_000_000);
  });

  it('is not offered for an in-memory database', async () => {
    const handle = createDatabase({ sqliteFile: ':memory:' });
    try {
      expect(startSqliteCheckpointer(handle.db)).toBeUndefined();
    } finally {
      await handle.close();
    }
  });
});
