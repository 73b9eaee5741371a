import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { makeResidentId } from '../../registry/residentId/index.ts';
import { loadVariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import { buildFeedDefinition, type FeedDefinition } from '../feeds/feedDefinition.ts';
import { loadFeeds } from '../feeds/loadFeeds.ts';
import { interpretRow, type RowProblem } from '../rows/interpretRow.ts';
import { createErrorReportWriter } from './createErrorReportWriter.ts';

const catalogue = loadVariableCatalogue();
const feeds = loadFeeds(catalogue);
const today = '2026-11-29';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-report-'));
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function feed(id: string): FeedDefinition {
  const found = feeds.get(id);
  if (!found) throw new Error(`数据源 ${id} 不存在`);
  return found;
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : JSON.stringify(value);
}

async function read(file: string): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  return workbook;
}

/** Every row as text, empty cells included (exceljs leaves them out of `row.values`). */
function rowsOf(sheet: ExcelJS.Worksheet | undefined): string[][] {
  const rows: string[][] = [];
  const width = sheet?.columnCount ?? 0;
  sheet?.eachRow((row) =>
    rows.push(Array.from({ length: width }, (_v, i) => text(row.getCell(i + 1).value))),
  );
  return rows;
}

describe('createErrorReportWriter', () => {
  const disability = feed('disabled_federation_certificates');
  const good = makeResidentId('371082', '1970-05-06', 31);
  // Three rows with what departments really send wrong, interpreted by the importer's own code.
  const records: Record<string, string>[] = [
    { 身份证号: '370102198013', 姓名: '王芳', 残疾类别: '9', 残疾等级: '二级', 发证日期: '2024/1/3' },
    { 身份证号: good, 姓名: '李强', 残疾类别: '4', 残疾等级: '五级', 发证日期: '2024-13-01' },
    { 身份证号: good, 姓名: '张伟', 残疾类别: '', 残疾等级: '', 发证日期: '2024/1/3', 有效期至: '明年' },
  ];
  const problems = records.map((r) => interpretRow(disability, catalogue, r, today).problems);

  it('lists each rejected row as received, with the columns at fault and why, in Chinese', async () => {
    expect(problems.map((p) => p.map((q) => q.code))).toEqual([
      ['INGEST_BAD_ID_NUMBER', 'INGEST_UNKNOWN_CODE'],
      ['INGEST_UNKNOWN_CODE', 'INGEST_BAD_DATE'],
      ['INGEST_REQUIRED', 'INGEST_REQUIRED', 'INGEST_BAD_DATE'],
    ]);
    const file = path.join(dir, 'three.xlsx');
    const writer = createErrorReportWriter(disability, file);
    records.forEach((record, i) => {
      writer.add(i + 2, record, problems[i] ?? []);
    });
    expect(await writer.close()).toEqual({ rows: 3 });

    const workbook = await read(file);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['错误明细', '汇总']);
    const detail = workbook.getWorksheet('错误明细');
    const rows = rowsOf(detail);
    const columns = disability.columns.map((c) => c.column);
    expect(rows[0]).toEqual(['行号', ...columns, '出错列', '错误说明', '错误代码']);
    expect(detail?.getRow(1).font.bold).toBe(true);
    expect(detail?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(rows.slice(1).map((r) => r[0])).toEqual(['2', '3', '4']);
    // The 18-character values come back as the same text, not as numbers.
    expect(rows[2]?.[1]).toBe(good);
    expect(detail?.getCell('B3').type).toBe(ExcelJS.ValueType.String);
    expect(rows[1]?.slice(1, 1 + columns.length)).toEqual(columns.map((c) => records[0]?.[c] ?? ''));

    const [, first, second, third] = rows;
    const at = (row: string[] | undefined, header: string) => row?.[rows[0]?.indexOf(header) ?? -1] ?? '';
    expect(at(first, '出错列')).toBe('身份证号、残疾类别');
    expect(at(first, '错误说明')).toMatch(
      /^「身份证号」：身份证号“370102198013”无效：.+；「残疾类别」：代码“9”不在/,
    );
    expect(at(first, '错误代码')).toBe('INGEST_BAD_ID_NUMBER,INGEST_UNKNOWN_CODE');
    expect(at(second, '错误说明')).toContain(
      '「发证日期」：日期“2024-13-01”无法识别，应为YYYY/M/D、YYYY-MM-DD',
    );
    expect(at(third, '出错列')).toBe('残疾类别、残疾等级、有效期至');
    expect(at(third, '错误代码')).toBe('INGEST_REQUIRED,INGEST_BAD_DATE');
    expect(at(third, '错误说明')).toContain('「残疾类别」：缺少必填项“残疾类别”；「残疾等级」：');

    // Filter over the whole table, so users can filter by 出错列 or 错误代码.
    const lastColumn = String.fromCharCode(64 + columns.length + 4);
    expect(detail?.autoFilter).toBe(`A1:${lastColumn}4`);
    // The error columns and the cells at fault stand out.
    const fill = (address: string) => JSON.stringify(detail?.getCell(address).fill ?? null);
    expect(fill(`${lastColumn}1`)).toContain('FFFFC7CE');
    expect(fill(`${lastColumn}2`)).toContain('FFFFC7CE');
    expect(fill('D2')).toContain('FFFFC7CE'); // 残疾类别 of the first row
    expect(fill('E2')).not.toContain('FFFFC7CE'); // 残疾等级 of the first row was fine

    const summary = rowsOf(workbook.getWorksheet('汇总'));
    expect(summary[0]).toEqual(['错误代码', '错误说明', '出现次数']);
    const counts = Object.fromEntries(
      summary.slice(1, 5).map((r): [string, string] => [r[0] ?? '', r[2] ?? '']),
    );
    expect(counts).toEqual({
      INGEST_UNKNOWN_CODE: '2',
      INGEST_BAD_DATE: '2',
      INGEST_REQUIRED: '2',
      INGEST_BAD_ID_NUMBER: '1',
    });
    expect(summary.find((r) => r[0] === 'INGEST_UNKNOWN_CODE')?.[1]).toBe(
      '代码“{value}”不在本数据源的代码表中，可选：{allowed}',
    );
    expect(summary.find((r) => r[0] === '出错行数')?.[2]).toBe('3');
  });

  it('writes a row-level problem without a column prefix and names no column for it', async () => {
    const periods = buildFeedDefinition(
      {
        id: 'periods',
        department: 'civil_affairs',
        name: { zh: '有效期', en: 'Periods' },
        format: 'xlsx',
        columns: [
          { column: '身份证号', key: 'idNumber', required: true },
          { column: '起', role: 'validFrom' },
          { column: '止', role: 'validTo' },
          { column: '登记', role: 'observedAt', required: true },
        ],
      },
      'periods.yaml',
      catalogue,
    );
    const record = { 身份证号: good, 起: '2024-05-01', 止: '2024-01-01', 登记: '2024-05-01' };
    const found: RowProblem[] = interpretRow(periods, catalogue, record, today).problems;
    expect(found.map((p) => p.code)).toEqual(['INVALID_PERIOD']);
    const file = path.join(dir, 'period.xlsx');
    const writer = createErrorReportWriter(periods, file);
    writer.add(7, record, found);
    await writer.close();
    const [header, row] = rowsOf((await read(file)).getWorksheet('错误明细'));
    const at = (name: string) => row?.[header?.indexOf(name) ?? -1];
    expect(at('出错列')).toBe('');
    expect(at('错误说明')).not.toMatch(/^「/);
    expect(at('错误说明')).toContain('2024-05-01');
    expect(at('错误代码')).toBe('INVALID_PERIOD');
  });

  it('cuts a value longer than an Excel cell holds, rather than writing a file Excel calls damaged', async () => {
    const file = path.join(dir, 'long.xlsx');
    const writer = createErrorReportWriter(disability, file);
    const long = '长'.repeat(40_000);
    writer.add(2, { 身份证号: good, 姓名: long, 发证日期: '2024/1/3' }, problems[0] ?? []);
    await writer.close();
    const [, row] = rowsOf((await read(file)).getWorksheet('错误明细'));
    expect(row?.[2]?.length).toBeLessThanOrEqual(32_767);
    expect(row?.[2]).toMatch(/^长+…（已截断）$/);
  });

  it('streams 200,000 rows without holding them in memory', async () => {
    const claims = feed('medical_security_claims');
    const record = {
      sfzh: '37010219801301',
      xm: '赵六',
      jsdh: '371082202401010000001',
      yllb: '3',
      ylfze: '十二元',
      grfdzje: '12.00',
      jsrq: '2024-01-01',
    };
    const rowProblems = interpretRow(claims, catalogue, record, today).problems;
    expect(rowProblems).toHaveLength(3);
    const file = path.join(dir, 'big.xlsx');
    const started = Date.now();
    const usage = () => process.memoryUsage().heapUsed + process.memoryUsage().external;
    const baseline = usage();
    let peak = 0;
    const writer = createErrorReportWriter(claims, file);
    for (let line = 2; line < 200_002; line += 1) {
      writer.add(line, record, rowProblems);
      if (line % 2_000 === 0) {
        // As a caller reading an upload does: let compression catch up now and then.
        await writer.drain();
        peak = Math.max(peak, usage() - baseline);
      }
    }
    expect(await writer.close()).toEqual({ rows: 200_000 });
    const elapsed = Date.now() - started;
    // Measured: about 26 MB with backpressure; 160 MB when `drain` waits for nothing (the rows'
    // XML queued for compression); well over 500 MB for 200,000 rows held as cells.
    expect(peak).toBeLessThan(80 * 1024 * 1024);
    expect(fs.statSync(file).size).toBeGreaterThan(1_000_000);
    console.log(`200000 行错误报告：${String(elapsed)} ms，峰值增长 ${String(Math.round(peak / 1e6))} MB`);
  }, 60_000);
});
