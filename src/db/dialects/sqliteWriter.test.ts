import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../createDatabase.ts';
import { asJsonBytes, jsonInsertSql } from './bulkWrite.ts';
import { openSqliteWriter } from './sqliteWriter.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-writer-'));
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('openSqliteWriter', () => {
  it('commits transactions in order on a second connection, and a failed one leaves nothing', async () => {
    const handle = createDatabase({ sqliteFile: path.join(dir, 'w.db') });
    try {
      const { db } = handle;
      await sql`create table t (k integer primary key, v text not null)`.execute(db);
      const writer = openSqliteWriter(db);
      if (!writer) throw new Error('a file database has a writer');
      const insert = 'insert into t (k, v) values (?, ?)';
      const first = writer.write([
        {
          sql: insert,
          rows: [
            [1, 'a'],
            [2, 'b'],
          ],
        },
      ]);
      const second = writer.write([{ sql: 'update t set v = ? where k = ?', rows: [['B', 2]] }]);
      await Promise.all([first, second]);
      // The second statement breaks the primary key: the whole transaction is undone.
      await expect(
        writer.write([
          { sql: insert, rows: [[3, 'c']] },
          { sql: insert, rows: [[1, 'again']] },
        ]),
      ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
      await writer.write([{ sql: insert, rows: [[4, 'd']] }]);
      await writer.close();
      // The main connection sees exactly the committed transactions.
      const rows = await sql<{ k: number; v: string }>`select k, v from t order by k`.execute(db);
      expect(rows.rows).toEqual([
        { k: 1, v: 'a' },
        { k: 2, v: 'B' },
        { k: 4, v: 'd' },
      ]);
    } finally {
      await handle.close();
    }
  });

  it('is not offered for an in-memory database (a second connection would be another database)', async () => {
    const handle = createDatabase({});
    try {
      expect(openSqliteWriter(handle.db)).toBeUndefined();
    } finally {
      await handle.close();
    }
  });
});

describe('a background writer given JSON bytes', () => {
  it('moves a buffer of its own to its thread, copies a slice of a shared one, and stores both alike', async () => {
    const handle = createDatabase({ sqliteFile: path.join(dir, 'bytes.db') });
    try {
      const { db } = handle;
      await sql`create table b (k integer primary key, v text not null)`.execute(db);
      const writer = openSqliteWriter(db);
      if (!writer) throw new Error('a file database has a writer');
      const insert = jsonInsertSql('b', ['k', 'v'], []);
      const rows = Array.from({ length: 2000 }, (_, i) => [
        i,
        i % 500 === 0 ? '张三 café 😀' : `v${String(i)}`,
      ]);
      const own = asJsonBytes(rows);
      // A short Buffer is a slice of Node's pool, which must not be moved away.
      const pooled = Buffer.from(JSON.stringify([[5000, 'short']]));
      if (!own) throw new Error('these rows go as JSON');
      expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.byteLength);
      await writer.write([
        { sql: insert, rows: [[own]], utf8: true },
        { sql: insert, rows: [[pooled]], utf8: true },
      ]);
      // Moved, not copied: the sender's view is detached. The pool's slice is left as it was.
      expect(own.byteLength).toBe(0);
      expect(pooled.toString()).toBe('[[5000,"short"]]');
      await writer.close();
      const stored = await sql<{ k: number; v: string }>`select k, v from b order by k`.execute(db);
      expect(stored.rows).toEqual([...rows, [5000, 'short']].map(([k, v]) => ({ k, v })));
    } finally {
      await handle.close();
    }
  });
});
