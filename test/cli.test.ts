import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../src/access/audit/auditService.ts';
import { monthsBefore } from '../src/access/audit/auditRetention.ts';
import { todayInChina } from '../src/core/isoDate.ts';
import { createDatabase, defaultSqliteFile } from '../src/db/createDatabase.ts';
import { migrateToLatest } from '../src/db/migrate.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/zhulian.js');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-cli-'));

/** Runs the real `zhulian` command on a scratch SQLite data directory. */
async function zhulian(...args: string[]): Promise<string> {
  return zhulianIn(dataDir, ...args);
}

async function zhulianIn(dir: string, ...args: string[]): Promise<string> {
  const env = { ...process.env, ZHULIAN_DATA_DIR: dir, DATABASE_URL: '' };
  const { stdout } = await run(process.execPath, [bin, ...args], { env, timeout: 120_000 });
  return stdout;
}

// Every test starts several `zhulian` processes (tsx compiles on start): on a busy two-core
// machine a test can pass the default 30 s without anything being wrong.
const CLI_TIMEOUT = { timeout: 180_000 };

describe('zhulian command', CLI_TIMEOUT, () => {
  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('documents every command with --help', async () => {
    const top = await zhulian('--help');
    for (const command of [
      'db',
      'areas',
      'audit',
      'keys',
      'setup',
      'demo',
      'generate',
      'ingest',
      'ingest-folder',
      'screen',
      'serve',
    ])
      expect(top).toContain(command);
    for (const sub of [
      ['db', 'migrate'],
      ['db', 'backup'],
      ['db', 'restore'],
      ['areas', 'import'],
      ['audit', 'verify'],
      ['audit', 'archive'],
      ['keys', 'rotate'],
      ['demo'],
      ['generate'],
      ['ingest'],
      ['ingest-folder'],
      ['screen'],
      ['serve'],
    ]) {
      expect(await zhulian(...sub, '--help')).toContain('Usage: zhulian');
    }
  });

  it('migrates, imports a county, and backs up and restores the database', async () => {
    expect(await zhulian('db', 'migrate')).toContain('0001_areas');
    expect(await zhulian('areas', 'import', '371082')).toContain(
      '荣成市（371082）：乡镇 22 个，村（社区）839 个；新增 864',
    );
    expect(await zhulian('areas', 'import', '371082')).toContain('新增 0');
    const backup = path.join(dataDir, 'backup.db');
    expect(await zhulian('db', 'backup', backup)).toContain('已备份');
    expect(fs.statSync(backup).size).toBeGreaterThan(100_000);
    expect(await zhulian('db', 'restore', backup)).toContain('已从');
    expect(await zhulian('audit', 'verify')).toContain('审计链完整：已校验 0 条记录');
  });

  it('loads a small demo county, then rotates the field key online', async () => {
    expect(await zhulian('demo', '--households', '50', '--seed', '2')).toContain(
      '已生成荣成市演示人口：50户',
    );
    // Policy finds people: the demo county screened against the pool.
    expect(await zhulian('screen')).toMatch(/筛查完成：\d+ 户，[\d,]+ 项政策结果；新发现 [1-9]\d*，/);
    expect(await zhulian('keys', 'status')).toMatch(/k1（当前）：\d+ 条人员记录/);
    expect(await zhulian('keys', 'rotate')).toMatch(/新密钥 k2 已启用，重新加密 \d+ 条人员记录/);
    const status = await zhulian('keys', 'status');
    expect(status).toContain('k1：0 条人员记录');
    expect(await zhulian('keys', 'retire', 'k1')).toContain('密钥 k1 已移除');
  });

  it('refuses a malformed county code with a clear message', async () => {
    await expect(zhulian('areas', 'import', '37108')).rejects.toMatchObject({
      stderr: expect.stringContaining('县级区划代码应为6位数字') as unknown,
    });
  });
});

describe('zhulian audit archive', CLI_TIMEOUT, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-cli-archive-'));
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a date inside the retention period, archives older records, and verifies both parts', async () => {
    // Four records from early 2025 and two from today, written as the API would write them.
    const handle = createDatabase({ sqliteFile: defaultSqliteFile(dir) });
    await migrateToLatest(handle.db);
    for (let i = 1; i <= 4; i++)
      await recordAudit(handle.db, { actor: 'u1', action: 'person.view' }, `2025-02-0${i}T01:00:00.000Z`);
    for (let i = 1; i <= 2; i++) await recordAudit(handle.db, { actor: 'u1', action: 'person.view' });
    await handle.close();

    const out = path.join(dir, 'audit-2025.jsonl');
    const tooRecent = monthsBefore(todayInChina(), 5);
    await expect(
      zhulianIn(dir, 'audit', 'archive', '--before', tooRecent, '--out', out),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining(
        `[AUDIT_RETENTION] 审计记录须至少保存6个月：归档截止日期不能晚于${monthsBefore(todayInChina(), 6)}`,
      ) as unknown,
    });
    expect(fs.existsSync(out)).toBe(false);

    expect(
      await zhulianIn(
        dir,
        'audit',
        'archive',
        '--before',
        '2025-06-01',
        '--out',
        out,
        '--retention-months',
        '12',
      ),
    ).toContain('已归档 4 条审计记录（编号 1–4）');
    expect(await zhulianIn(dir, 'audit', 'verify')).toContain('审计链完整：已校验 3 条记录');
    expect(await zhulianIn(dir, 'audit', 'verify', '--archive', out)).toContain(
      '归档文件完整：已校验 4 条记录（2025-06-01 之前），链锚为记录 4',
    );

    const edited = path.join(dir, 'edited.jsonl');
    fs.writeFileSync(
      edited,
      fs.readFileSync(out, 'utf8').replace('2025-02-02T01:00:00.000Z', '2025-02-02T01:00:01.000Z'),
    );
    await expect(zhulianIn(dir, 'audit', 'verify', '--archive', edited)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('审计记录2的内容已被篡改') as unknown,
    });
  });
});
