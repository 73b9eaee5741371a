import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { describeEachDatabase } from './testing/eachDatabase.ts';
import { createDatabase } from './createDatabase.ts';
import { caughtOtherSchemaChanging, migrateToLatest } from './migrate.ts';

const now = '2026-11-28T10:00:00.000Z';

describeEachDatabase('database', (getDb) => {
  it('has every table after migrating, and migrating again changes nothing', async () => {
    const { db } = getDb();
    expect(await migrateToLatest(db)).toEqual([]);
    const tables = (await db.introspection.getTables()).map((t) => t.name);
    for (const table of ['areas', 'area_changes', 'persons', 'hukou_households', 'facts']) {
      expect(tables).toContain(table);
    }
  });

  it('enforces foreign keys', async () => {
    const { db } = getDb();
    await expect(
      db
        .insertInto('areas')
        .values({
          code: '371082001001',
          name: '孤儿',
          level: 'village',
          kind: null,
          parent_code: '999999999999',
          path: 'x',
          established_on: null,
          retired_on: null,
          successor_code: null,
          updated_at: now,
        })
        .execute(),
    ).rejects.toThrow();
  });

  it('returns civil dates as YYYY-MM-DD strings and timestamps as ISO strings', async () => {
    const { db } = getDb();
    await db
      .insertInto('areas')
      .values({
        code: '370000000000',
        name: '山东省',
        level: 'province',
        kind: null,
        parent_code: null,
        path: '370000000000',
        established_on: '1949-10-01',
        retired_on: null,
        successor_code: null,
        updated_at: now,
      })
      .execute();
    const row = await db
      .selectFrom('areas')
      .selectAll()
      .where('code', '=', '370000000000')
      .executeTakeFirstOrThrow();
    expect(row.established_on).toBe('1949-10-01');
    expect(row.updated_at).toBe(now);
  });

  it('backs up online and restores to the backed-up state', async () => {
    const { db, handle } = getDb();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-backup-'));
    const file = path.join(dir, 'backup.bin');
    await db
      .updateTable('areas')
      .set({ name: '山东省（备份时）' })
      .where('code', '=', '370000000000')
      .execute();
    await handle.backup(file);
    expect(fs.statSync(file).size).toBeGreaterThan(0);
    await db.updateTable('areas').set({ name: '备份后改的名' }).where('code', '=', '370000000000').execute();
    await handle.restore(file);
    const row = await db
      .selectFrom('areas')
      .select('name')
      .where('code', '=', '370000000000')
      .executeTakeFirstOrThrow();
    expect(row.name).toBe('山东省（备份时）');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('sqlite file database', () => {
  it('runs in WAL mode with foreign keys on', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-wal-'));
    const handle = createDatabase({ sqliteFile: path.join(dir, 'sub', 'z.db') });
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(handle.db);
    const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(handle.db);
    expect(mode.rows[0]?.journal_mode).toBe('wal');
    expect(fk.rows[0]?.foreign_keys).toBe(1);
    await handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('makes new files with 16 KiB pages and refuses a backup with other pages by name', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-pages-'));
    const handle = createDatabase({ sqliteFile: path.join(dir, 'z.db') });
    await migrateToLatest(handle.db);
    const size = await sql<{ page_size: number }>`pragma page_size`.execute(handle.db);
    expect(size.rows[0]?.page_size).toBe(16384);
    // A backup of a database made before 16 KiB pages: the 4 KiB file SQLite makes by default.
    const old = new SqliteDatabase(path.join(dir, 'old.db'));
    old.pragma('page_size = 4096');
    old.exec('create table t (x)');
    old.close();
    await expect(handle.restore(path.join(dir, 'old.db'))).rejects.toThrow(
      'backup file has 4096-byte pages and the database 16384-byte pages',
    );
    // Nothing was touched: the database still answers with its own tables.
    const tables = await sql<{
      n: number;
    }>`select count(*) as n from sqlite_master where name = 'areas'`.execute(handle.db);
    expect(tables.rows[0]?.n).toBe(1);
    await handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('caughtOtherSchemaChanging', () => {
  it('retries only a failure before any migration ran, on a table that vanished meanwhile', () => {
    const vanished = Object.assign(new Error('relation "t_1.ingest_keys_recent" does not exist'), {
      code: '42P01',
    });
    expect(caughtOtherSchemaChanging({ error: vanished })).toBe(true);
    expect(
      caughtOtherSchemaChanging({
        error: vanished,
        results: [{ migrationName: '0001_areas', direction: 'Up', status: 'NotExecuted' }],
      }),
    ).toBe(true);
    // A migration of ours failed: that is a real error, not a race.
    expect(
      caughtOtherSchemaChanging({
        error: vanished,
        results: [{ migrationName: '0001_areas', direction: 'Up', status: 'Error' }],
      }),
    ).toBe(false);
    const columnGone = Object.assign(
      new Error('column "hash_key" of relation "ingest_keys" does not exist'),
      {
        code: '42703',
      },
    );
    expect(caughtOtherSchemaChanging({ error: columnGone })).toBe(true);
    expect(caughtOtherSchemaChanging({ error: Object.assign(new Error('x'), { code: '42601' }) })).toBe(
      false,
    );
    expect(caughtOtherSchemaChanging({ results: [] })).toBe(false);
  });
});
