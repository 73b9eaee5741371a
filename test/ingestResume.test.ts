import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { openContext } from '../src/cli/openContext.ts';
import { generateCountyFeeds } from '../src/generator/generateCountyFeeds.ts';
import { registryChecksum } from '../src/ingest/testing/registryChecksum.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/zhulian.js');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-resume-'));
const feeds = path.join(root, 'gen', 'feeds');
const population = path.join(feeds, 'public_security_population.csv');
const claims = path.join(feeds, 'medical_security_claims.jsonl');

const envFor = (dir: string) => ({ ...process.env, ZHULIAN_DATA_DIR: dir, DATABASE_URL: '' });

async function zhulian(dir: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [bin, ...args], { env: envFor(dir), timeout: 120_000 });
}

/** Starts an import and kills it with SIGKILL once it reports `after` rows done. */
function importAndKill(dir: string, file: string, after: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [bin, 'ingest', 'public_security_population', file, '--batch', '500'],
      {
        env: envFor(dir),
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const done = [...stderr.matchAll(/已处理 ([\d,]+) 行/g)].map((m) => Number(m[1]?.replaceAll(',', '')));
      if (done.some((n) => n >= after)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      resolve(`${signal ?? 'exited'}\n${stderr}`);
    });
  });
}

async function checksumOf(dir: string): Promise<string> {
  const context = await openContext({ dataDir: dir }, false);
  try {
    return await registryChecksum(context.db, context.cipher);
  } finally {
    await context.database.close();
  }
}

// Several `zhulian` processes per test (tsx compiles on start) on a shared two-core machine.
describe('ingest through the CLI: killed and resumed, and malformed files', { timeout: 240_000 }, () => {
  beforeAll(async () => {
    await generateCountyFeeds({
      countyCode: '371082',
      households: 4000,
      seed: 11,
      outDir: path.join(root, 'gen'),
      referenceDate: '2026-11-01',
      // The subject is resuming the population feed; one settlement row a person keeps the
      // claims import that follows it short (full detail is imported in linkQuality.test.ts).
      detail: 'snapshot',
    });
  }, 120_000);
  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('resumes an import killed with SIGKILL and ends with the registry an uninterrupted import builds', async () => {
    const whole = path.join(root, 'whole');
    const killed = path.join(root, 'killed');
    for (const dir of [whole, killed]) await zhulian(dir, 'areas', 'import', '371082');

    await zhulian(whole, 'ingest', 'public_security_population', population, '--batch', '500');
    await zhulian(whole, 'ingest', 'medical_security_claims', claims);

    const outcome = await importAndKill(killed, population, 2000);
    expect(outcome.startsWith('SIGKILL')).toBe(true);
    // What the kill left: completed batches only, the import still marked as running.
    const context = await openContext({ dataDir: killed }, false);
    const left = await context.db.selectFrom('imports').selectAll().executeTakeFirstOrThrow();
    const persons = await context.db.selectFrom('persons').select('id').execute();
    await context.database.close();
    expect(left.status).toBe('running');
    expect(left.received % 500).toBe(0);
    expect(left.received).toBeGreaterThanOrEqual(2000);
    expect(persons.length).toBe(left.persons_created);

    const resumed = await zhulian(
      killed,
      'ingest',
      'public_security_population',
      population,
      '--batch',
      '500',
    );
    expect(resumed.stderr).toContain('继续未完成的导入');
    await zhulian(killed, 'ingest', 'medical_security_claims', claims);

    expect(await checksumOf(killed)).toBe(await checksumOf(whole));
    // And sending the same file again changes nothing.
    const again = await zhulian(killed, 'ingest', 'public_security_population', population);
    expect(again.stdout).toMatch(/接收 0（其中待人工确认 0）\+ 拒绝 [\d,]+ \+ 重复 [\d,]+/);
  });

  it('imports a whole folder of feed files, each reconciled, and the folder again adds nothing', async () => {
    const dir = path.join(root, 'folder');
    await zhulian(dir, 'areas', 'import', '371082');
    // A file that is no feed's is named and left alone.
    const folder = path.join(root, 'folder-feeds');
    fs.cpSync(feeds, folder, { recursive: true });
    fs.writeFileSync(path.join(folder, '说明.txt'), '交换目录说明\n');
    const errors = path.join(root, 'folder-errors');
    const first = await zhulian(dir, 'ingest-folder', folder, '--errors', errors);
    expect(first.stderr).toContain('跳过 1 个文件（文件名不是数据源编号）：说明.txt');
    const files = fs.readdirSync(folder).filter((name) => name !== '说明.txt');
    const lines = first.stdout.split('\n').filter((line) => /^[\w.]+：收到/.test(line));
    expect(lines.map((line) => line.slice(0, line.indexOf('：'))).sort()).toEqual([...files].sort());
    // Population first: the other feeds can only add to persons it registered.
    expect(lines[0]).toMatch(/^public_security_population\./);
    const counts = (line: string) =>
      [...line.matchAll(/([\d,]+)/g)].map((m) => Number(m[1]?.replaceAll(',', '')));
    for (const line of lines) {
      const [received, accepted, rejected, duplicate] = counts(line.slice(line.indexOf('：')));
      expect(received, line).toBe((accepted ?? 0) + (rejected ?? 0) + (duplicate ?? 0));
    }
    const total =
      /共 (\d+) 个文件：收到 ([\d,]+) 行 = 接收 ([\d,]+)（其中待人工确认 [\d,]+）\+ 拒绝 ([\d,]+) \+ 重复 ([\d,]+)/.exec(
        first.stdout,
      );
    const [files_, received, accepted, rejected, duplicate] = (total?.slice(1) ?? []).map((v) =>
      Number(v.replaceAll(',', '')),
    );
    expect(files_).toBe(files.length);
    expect(received).toBeGreaterThan(0);
    expect(received).toBe((accepted ?? 0) + (rejected ?? 0) + (duplicate ?? 0));
    // The generator plants defects: their error reports are written, one workbook a file.
    expect(rejected).toBeGreaterThan(0);
    expect(fs.readdirSync(errors).length).toBeGreaterThan(0);
    expect(fs.readdirSync(errors).every((name) => name.endsWith('-错误明细.xlsx'))).toBe(true);

    const again = await zhulian(dir, 'ingest-folder', folder);
    expect(again.stdout).toMatch(/共 \d+ 个文件：收到 [\d,]+ 行 = 接收 0（其中待人工确认 0）/);
  });

  it('gives every malformed file a clear error, keeps completed batches, and never crashes', async () => {
    const dir = path.join(root, 'malformed');
    await zhulian(dir, 'areas', 'import', '371082');
    const bad = path.join(root, 'bad');
    fs.mkdirSync(bad);

    // A truncated workbook.
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('特困人员名册');
    sheet.addRow(['x']);
    for (let i = 0; i < 2000; i++) sheet.addRow([`row ${String(i)}`]);
    const full = Buffer.from(await book.xlsx.writeBuffer());
    fs.writeFileSync(path.join(bad, 'truncated.xlsx'), full.subarray(0, Math.floor(full.length / 2)));
    // Binary garbage given as CSV.
    fs.writeFileSync(
      path.join(bad, 'garbage.csv'),
      Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 256)),
    );
    // The right feed, the wrong columns.
    fs.writeFileSync(path.join(bad, 'columns.csv'), '姓名,年龄\n张三,40\n');
    // Good rows, then one line of 10 MB: the rows before it are kept.
    const head = fs.readFileSync(population).subarray(0, 200_000);
    const cut = head.lastIndexOf(0x0a) + 1;
    fs.writeFileSync(
      path.join(bad, 'longline.csv'),
      Buffer.concat([head.subarray(0, cut), Buffer.alloc(10 * 1024 * 1024, 0x41), Buffer.from('\n')]),
    );

    const cases: [string, string, RegExp][] = [
      ['civil_affairs_tekun', 'truncated.xlsx', /文件无法按XLSX格式读取/],
      ['public_security_population', 'garbage.csv', /文件无法按CSV格式读取：.*不是文本文件/],
      ['public_security_population', 'columns.csv', /文件缺少以下列：公民身份号码/],
      ['public_security_population', 'longline.csv', /超过1048576字节/],
    ];
    for (const [feed, name, message] of cases) {
      const failed = await zhulian(dir, 'ingest', feed, path.join(bad, name), '--batch', '200').then(
        () => {
          throw new Error(`${name}: the import should have failed`);
        },
        (error: unknown) => error as { code: number; stderr: string },
      );
      expect(failed.code, name).toBe(1);
      expect(failed.stderr, name).toMatch(message);
      expect(failed.stderr, name).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
    }
    const context = await openContext({ dataDir: dir }, false);
    const imports = await context.db.selectFrom('imports').selectAll().orderBy('started_at').execute();
    const persons = await context.db.selectFrom('persons').select('id').execute();
    await context.database.close();
    expect(imports.map((i) => i.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(imports.every((i) => i.error_message !== null)).toBe(true);
    // The long-line file's good rows before the bad line went in, whole batches of them.
    const longLine = imports[3];
    expect(longLine?.received).toBeGreaterThan(0);
    expect(longLine?.received).toBe(
      (longLine?.accepted ?? 0) + (longLine?.rejected ?? 0) + (longLine?.duplicate ?? 0),
    );
    expect(persons.length).toBe(longLine?.persons_created);
  });
});
