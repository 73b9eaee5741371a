import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = path.resolve('bin/zhulian.js');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-cli-'));

/** Runs the real `zhulian` command on a scratch SQLite data directory. */
async function zhulian(...args: string[]): Promise<string> {
  const env = { ...process.env, ZHULIAN_DATA_DIR: dataDir, DATABASE_URL: '' };
  const { stdout } = await run(process.execPath, [bin, ...args], { env, timeout: 120_000 });
  return stdout;
}

// Every test starts several `zhulian` processes (tsx compiles on start): on a busy two-core
// machine a test can pass the default 30 s without anything being wrong.
describe('zhulian command', { timeout: 180_000 }, () => {
  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('documents every command with --help', async () => {
    const top = await zhulian('--help');
    for (const command of ['db', 'areas', 'audit', 'keys', 'setup', 'demo', 'serve'])
      expect(top).toContain(command);
    for (const sub of [
      ['db', 'migrate'],
      ['db', 'backup'],
      ['db', 'restore'],
      ['areas', 'import'],
      ['audit', 'verify'],
      ['keys', 'rotate'],
      ['demo'],
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
