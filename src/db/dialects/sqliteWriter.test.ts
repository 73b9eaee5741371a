import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../createDatabase.ts';
import { openSqliteWriter, utf8Bytes } from './sqliteWriter.ts';

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

describe('utf8Bytes', () => {
  it('gives any text as UTF-8 in a buffer of its own, which can be moved to another thread', () => {
    const long = (text: string) => text.repeat(Math.ceil(10_000 / text.length));
    // ASCII (copied as Latin-1), Latin-1 beyond ASCII, CJK and astral (two-byte strings), short
    // texts (a slice of Node's pool) and the empty text.
    for (const text of [long('ascii '), long('café '), long('张三丰 😀 '), 'ab', 'é', '张', '']) {
      const bytes = utf8Bytes(text);
      expect(new TextDecoder().decode(bytes)).toBe(text);
      expect(bytes.byteLength).toBe(Buffer.byteLength(text, 'utf8'));
      expect(bytes.buffer.byteLength).toBe(bytes.byteLength);
      const moved = structuredClone(bytes, { transfer: [bytes.buffer] });
      expect(new TextDecoder().decode(moved)).toBe(text);
      // Moved, not copied: the sender's view is detached.
      expect(bytes.byteLength).toBe(0);
    }
  });
});
