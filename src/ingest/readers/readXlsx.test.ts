import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../core/appError.ts';
import { readFeedFile, type ReadOptions } from './readFeedFile.ts';
import { collect, failure, tempDir, zh } from './testSupport.ts';

const dir = tempDir();
afterAll(() => {
  dir.remove();
});

const columns = ['身份证号', '姓名', '出生日期', '金额', '备注'];
const options = (overrides: Partial<ReadOptions> = {}): ReadOptions => ({
  format: 'xlsx',
  encoding: 'utf-8',
  delimiter: ',',
  expectedColumns: columns,
  requiredColumns: ['身份证号', '姓名'],
  ...overrides,
});

const ID = '11010119900307001X';
let workbookFile = '';

beforeAll(async () => {
  const workbook = new ExcelJS.Workbook();
  const other = workbook.addWorksheet('说明');
  other.addRow(['本文件由民政局导出']);
  const sheet = workbook.addWorksheet('人员');
  // The header is the first non-empty row: a title row and an empty row come first.
  sheet.addRow([]);
  sheet.getCell('A2').value = ' ';
  sheet.addRow(['备注', '身份证号', '姓名', '出生日期', '金额']);
  sheet.addRow(['普通', ID, '张三', new Date(Date.UTC(1990, 2, 7)), 1234.5]);
  sheet.addRow([
    { richText: [{ text: '富' }, { text: '文本', font: { bold: true } }] },
    '110101199003070012',
    { text: '李四', hyperlink: 'https://example.org' },
    new Date(Date.UTC(2001, 11, 31, 23, 30)),
    { formula: 'E4*2', result: 2469 },
  ]);
  sheet.addRow([]);
  // An ID number a clerk let Excel store as a number, and numbers String() would write with an exponent.
  sheet.addRow(['数字', 110101199003070000, '王五', null, 0.0000001]);
  sheet.addRow(['', ID, '赵六', '1990-03-07', 1e21]);
  sheet.addRow(['', ID, '孙八', null, 0.1 + 0.2]);
  sheet.addRow(['', ID, '周九', { formula: 'DATE(1985,6,1)', result: 31199 }, 1]);
  sheet.getColumn(4).numFmt = 'yyyy-mm-dd';
  workbookFile = dir.path('people.xlsx');
  await workbook.xlsx.writeFile(workbookFile);
});

describe('readFeedFile (XLSX)', () => {
  it('reads the named sheet from its first non-empty row, cells as text, with sheet row numbers', async () => {
    expect(await collect(readFeedFile(workbookFile, options({ sheet: '人员' })))).toEqual([
      {
        line: 4,
        record: { 身份证号: ID, 姓名: '张三', 出生日期: '1990-03-07', 金额: '1234.5', 备注: '普通' },
      },
      {
        line: 5,
        record: {
          身份证号: '110101199003070012',
          姓名: '李四',
          出生日期: '2001-12-31',
          金额: '2469',
          备注: '富文本',
        },
      },
      {
        line: 7,
        record: {
          身份证号: '110101199003070000',
          姓名: '王五',
          出生日期: '',
          金额: '0.0000001',
          备注: '数字',
        },
      },
      {
        line: 8,
        record: {
          身份证号: ID,
          姓名: '赵六',
          出生日期: '1990-03-07',
          金额: '1000000000000000000000',
          备注: '',
        },
      },
      { line: 9, record: { 身份证号: ID, 姓名: '孙八', 出生日期: '', 金额: '0.3', 备注: '' } },
      { line: 10, record: { 身份证号: ID, 姓名: '周九', 出生日期: '1985-06-01', 金额: '1', 备注: '' } },
    ]);
  });

  it('reads the first sheet by default', async () => {
    const { error } = await failure(readFeedFile(workbookFile, options()));
    // The first sheet (说明) has no 身份证号 column.
    expect(error).toMatchObject({ code: 'INGEST_MISSING_COLUMNS', params: { columns: '身份证号、姓名' } });
  });

  it('by default skips hidden sheets (lookup tables) for the first visible one', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('代码表', { state: 'hidden' }).addRow(['代码', '含义']);
    const data = workbook.addWorksheet('数据');
    data.addRow(['身份证号', '姓名']);
    data.addRow([ID, '张三']);
    const file = dir.path('hidden.xlsx');
    await workbook.xlsx.writeFile(file);
    const records = await collect(readFeedFile(file, options()));
    expect(records.map((r) => r.record.姓名)).toEqual(['张三']);
  });

  it('skips a merged title row and a unit row above the header', async () => {
    const workbook = new ExcelJS.Workbook();
    const data = workbook.addWorksheet('明细');
    data.addRow(['荣成市住房公积金缴存明细表']);
    data.mergeCells('A1:C1');
    data.addRow(['制表单位：荣成市住房公积金中心', '', '单位：元']);
    data.addRow(['身份证号', '姓名', '金额']);
    data.addRow([ID, '张三', 12]);
    const file = dir.path('titled.xlsx');
    await workbook.xlsx.writeFile(file);
    expect(await collect(readFeedFile(file, options()))).toEqual([
      { line: 4, record: { 身份证号: ID, 姓名: '张三', 出生日期: '', 金额: '12', 备注: '' } },
    ]);
  });

  it('keeps Chinese text whole where the compressed stream splits a character between chunks', async () => {
    // exceljs's own streaming reader decodes each chunk separately and garbled these.
    const workbook = new ExcelJS.Workbook();
    const data = workbook.addWorksheet('人员');
    data.addRow(['身份证号', '姓名', '备注']);
    const address = (i: number): string => `北京市东城区和平里街道第${i}社区居委会`;
    for (let i = 0; i < 5000; i++) data.addRow([ID, `张三丰${i}号`, address(i)]);
    const file = dir.path('chinese.xlsx');
    await workbook.xlsx.writeFile(file);
    const records = await collect(readFeedFile(file, options()));
    expect(records).toHaveLength(5000);
    const garbled = records.filter(
      (r, i) => r.record.姓名 !== `张三丰${i}号` || r.record.备注 !== address(i),
    );
    expect(garbled).toEqual([]);
  });

  it('skips rows through skipThroughLine', async () => {
    const records = await collect(readFeedFile(workbookFile, options({ sheet: '人员', skipThroughLine: 5 })));
    expect(records.map((r) => r.line)).toEqual([7, 8, 9, 10]);
  });

  it('names a sheet that does not exist', async () => {
    const { error } = await failure(readFeedFile(workbookFile, options({ sheet: '户籍' })));
    expect(error.code).toBe('INGEST_UNREADABLE_FILE');
    expect(zh(error)).toContain('户籍');
    expect(zh(error)).toContain('人员');
  });

  it('refuses a truncated file with INGEST_UNREADABLE_FILE, wherever it is cut', async () => {
    const bytes = readFileSync(workbookFile);
    for (const fraction of [0.1, 0.5, 0.75, 0.9]) {
      const cut = dir.write(`cut-${fraction}.xlsx`, bytes.subarray(0, Math.floor(bytes.length * fraction)));
      const { error } = await failure(readFeedFile(cut, options({ sheet: '人员' })));
      expect(error.code).toBe('INGEST_UNREADABLE_FILE');
      expect(error.params.format).toBe('XLSX');
    }
  });

  it('refuses a file whose worksheet data is corrupt (directory intact) with INGEST_UNREADABLE_FILE', async () => {
    const bytes = Buffer.from(readFileSync(workbookFile));
    // The local entry of the 人员 sheet (the second): garble its compressed data.
    const at = bytes.indexOf('xl/worksheets/sheet2.xml');
    expect(at).toBeGreaterThan(0);
    for (let i = at + 40; i < at + 140; i++) bytes[i] = (i * 97) & 0xff;
    const { error } = await failure(
      readFeedFile(dir.write('corrupt.xlsx', bytes), options({ sheet: '人员' })),
    );
    expect(error).toMatchObject({ code: 'INGEST_UNREADABLE_FILE', params: { format: 'XLSX' } });
  });

  it('never hangs or crashes on garbled bytes: every outcome is records or INGEST_UNREADABLE_FILE', async () => {
    // exceljs's own unzipper hung on about one in seven of these.
    const original = readFileSync(workbookFile);
    let seed = 20261129;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let run = 0; run < 40; run++) {
      const bytes = Buffer.from(original);
      const at = Math.floor(random() * bytes.length);
      const length = 1 + Math.floor(random() * 200);
      for (let i = at; i < Math.min(bytes.length, at + length); i++) bytes[i] = Math.floor(random() * 256);
      const file = dir.write('garbled.xlsx', bytes);
      const outcome = await Promise.race([
        collect(readFeedFile(file, options({ sheet: '人员' }))).then(
          () => 'records',
          (error: unknown) => (error instanceof AppError ? error.code : `crash: ${String(error)}`),
        ),
        new Promise((resolve) => {
          setTimeout(() => {
            resolve(`hang at byte ${at}`);
          }, 5000);
        }),
      ]);
      expect(['records', 'INGEST_UNREADABLE_FILE']).toContain(outcome);
    }
  }, 60_000);

  it('refuses a file that is not XLSX at all', async () => {
    const csv = dir.write('not.xlsx', '身份证号,姓名\n');
    const { error } = await failure(readFeedFile(csv, options()));
    expect(error.code).toBe('INGEST_UNREADABLE_FILE');
    expect(zh(error)).toContain('不是 XLSX');
  });
});
