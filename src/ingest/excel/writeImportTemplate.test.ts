import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadVariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import { loadFeeds } from '../feeds/loadFeeds.ts';
import type { FeedDefinition } from '../feeds/feedDefinition.ts';
import { buildFeedDefinition } from '../feeds/feedDefinition.ts';
import { writeImportTemplate } from './writeImportTemplate.ts';

const catalogue = loadVariableCatalogue();
const feeds = loadFeeds(catalogue).list();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-template-'));
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Not in exceljs's typings, though its reader fills it: address → validation, per cell. */
type ValidationModel = Record<string, ExcelJS.DataValidation | undefined>;

async function generate(feed: FeedDefinition): Promise<ExcelJS.Workbook> {
  const file = path.join(dir, `${feed.id}.xlsx`);
  await writeImportTemplate(feed, catalogue, file);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  return workbook;
}

/** A read-back cell as text: our cells hold plain strings and numbers. */
function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : JSON.stringify(value);
}

function sheet(workbook: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const found = workbook.getWorksheet(name);
  if (!found) throw new Error(`工作表 ${name} 不存在`);
  return found;
}

describe('writeImportTemplate', () => {
  it('ships a feed of each kind with codes, so the checks below check something', () => {
    expect(new Set(feeds.map((f) => f.format))).toEqual(new Set(['csv', 'xlsx', 'jsonl']));
    expect(feeds.filter((f) => f.columns.some((c) => 'codes' in c && c.codes)).length).toBeGreaterThan(5);
  });

  describe.each(feeds.map((feed) => [feed.id, feed] as const))('%s', (_id, feed) => {
    it('has the feed’s column names as headers, in order, bold, the first row frozen', async () => {
      const workbook = await generate(feed);
      expect(workbook.worksheets[0]?.name).toBe(feed.sheet ?? '数据');
      const data = sheet(workbook, feed.sheet ?? '数据');
      const header = feed.columns.map((_c, i) => data.getRow(1).getCell(i + 1).value);
      expect(header).toEqual(feed.columns.map((c) => c.column));
      expect(data.getRow(1).getCell(feed.columns.length + 1).value).toBeNull();
      expect(data.getRow(1).getCell(1).font.bold).toBe(true);
      expect(data.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      feed.columns.forEach((column, i) => {
        const cell = data.getRow(1).getCell(i + 1);
        // Required columns: red header and a note starting with *; others neither.
        expect(cell.font.color?.argb === 'FFC00000').toBe(column.required);
        const note = typeof cell.note === 'string' ? cell.note : JSON.stringify(cell.note);
        expect(note.startsWith('* 必填')).toBe(column.required);
      });
    });

    it('offers a drop-down of the department’s codes on rows 2..10001 of every coded column', async () => {
      const workbook = await generate(feed);
      const data = sheet(workbook, feed.sheet ?? '数据');
      const model = (data as unknown as { dataValidations: { model: ValidationModel } }).dataValidations
        .model;
      const codesSheet = workbook.getWorksheet('代码表');
      let coded = 0;
      feed.columns.forEach((column, i) => {
        const letter = String.fromCharCode(65 + i);
        const codes = 'codes' in column && column.codes ? Object.keys(column.codes) : [];
        const first = model[`${letter}2`];
        if (codes.length === 0) {
          expect(first?.type === 'list').toBe(false);
          return;
        }
        coded += 1;
        expect(first?.type).toBe('list');
        expect(model[`${letter}10001`]).toEqual(first);
        expect(model[`${letter}10002`]).toBeUndefined();
        expect(first?.showErrorMessage).toBe(true);
        expect(first?.error).toContain(column.column);
        const formula = String(first?.formulae[0]);
        if (formula.startsWith('"')) {
          expect(formula.slice(1, -1).split(',')).toEqual(codes);
        } else {
          // Long lists live on the hidden 代码表 sheet.
          expect(codesSheet?.state).toBe('hidden');
          expect(formula).toBe(`'代码表'!$${letter}$2:$${letter}$${String(codes.length + 1)}`);
          const listed = codes.map((_c, row) => text(codesSheet?.getCell(row + 2, i + 1).value));
          expect(listed).toEqual(codes);
        }
      });
      expect(coded).toBe(feed.columns.filter((c) => 'codes' in c && c.codes).length);
    });

    it('keeps the ID number column as text and prompts date formats on date columns', async () => {
      const workbook = await generate(feed);
      const data = sheet(workbook, feed.sheet ?? '数据');
      const model = (data as unknown as { dataValidations: { model: ValidationModel } }).dataValidations
        .model;
      const idIndex = feed.columns.findIndex((c) => c.kind === 'key' && c.key === 'idNumber');
      expect(idIndex).toBeGreaterThanOrEqual(0);
      expect(data.getColumn(idIndex + 1).numFmt).toBe('@');
      const observed = feed.columns.findIndex((c) => c.kind === 'role' && c.role === 'observedAt');
      const prompt = model[`${String.fromCharCode(65 + observed)}2`];
      expect(prompt?.showInputMessage).toBe(true);
      for (const format of feed.dateFormats) expect(prompt?.prompt).toContain(format);
    });

    it('explains every column in 填写说明, with each code and its catalogue label', async () => {
      const workbook = await generate(feed);
      const guide = sheet(workbook, '填写说明');
      const cells: string[][] = [];
      guide.eachRow((row) => {
        cells.push((row.values as unknown[]).slice(1).map(text));
      });
      const all = cells.map((r) => r.join('|')).join('\n');
      expect(all).toContain(feed.name.zh);
      expect(all).toContain(catalogue.department(feed.department)?.zh ?? '?');
      expect(all).toContain('按表头名称');
      const headerAt = cells.findIndex((r) => r[0] === '列名');
      expect(cells[headerAt]).toEqual(['列名', '含义', '是否必填', '可选值', '格式']);
      const rows = cells.slice(headerAt + 1);
      expect(rows.map((r) => r[0])).toEqual(feed.columns.map((c) => c.column));
      feed.columns.forEach((column, i) => {
        const row = rows[i] ?? [];
        expect(row[1]).not.toBe('');
        expect(row[2]).toBe(column.required ? '是' : '否');
        const codes = 'codes' in column && column.codes ? Object.keys(column.codes) : [];
        const lines = row[3] === '' ? [] : (row[3] ?? '').split('\n');
        expect(lines.map((l) => l.split(' = ')[0])).toEqual(codes);
      });
    });
  });

  it('labels codes in Chinese, notes fen amounts and names variables by their catalogue label', async () => {
    const byId = new Map(feeds.map((f) => [f.id, f]));
    const rowsOf = async (id: string): Promise<string[]> => {
      const feed = byId.get(id);
      if (!feed) throw new Error(id);
      const guide = sheet(await generate(feed), '填写说明');
      const lines: string[] = [];
      guide.eachRow((row) => lines.push((row.values as unknown[]).slice(1).map(text).join('|')));
      return lines;
    };
    const disability = await rowsOf('disabled_federation_certificates');
    expect(disability.find((l) => l.startsWith('残疾类别|'))).toContain('4 = 肢体残疾');
    expect(disability.find((l) => l.startsWith('残疾等级|'))).toContain('一级 = 一级');
    const tax = await rowsOf('tax_income');
    expect(tax.find((l) => l.startsWith('ypjsre_fen|'))).toMatch(/月收入.*单位：分/);
    expect(tax.find((l) => l.startsWith('pzxh|'))).toMatch(/部门单据编号.*按文本填写/);
    const employment = await rowsOf('human_resources_employment');
    expect(employment.find((l) => l.startsWith('SBJFBZ|'))).toContain('0 = 否\n1 = 是');
    const claims = await rowsOf('medical_security_claims');
    expect(claims.find((l) => l.startsWith('yllb|'))).toContain('21 = 住院');
    const population = await rowsOf('public_security_population');
    expect(population.find((l) => l.startsWith('性别|'))).toContain('2 = 女');
    expect(population.find((l) => l.startsWith('登记日期|'))).toContain('YYYYMMDD（如 20240131）');
  });

  it('moves a list longer than 250 characters onto the hidden 代码表 sheet', async () => {
    const codes = Object.fromEntries(
      Array.from({ length: 60 }, (_v, i) => [`代码${String(i)}`, i % 2 === 0 ? '10' : '20']),
    );
    const feed = buildFeedDefinition(
      {
        id: 'long_codes',
        department: 'civil_affairs',
        name: { zh: '长代码表', en: 'Long codes' },
        format: 'xlsx',
        columns: [
          { column: '身份证号', key: 'idNumber', required: true },
          { column: '婚姻', variable: 'marital_status', codes },
          { column: '日期', role: 'observedAt', required: true },
        ],
      },
      'long_codes.yaml',
      catalogue,
    );
    const workbook = await generate(feed);
    const model = (sheet(workbook, '数据') as unknown as { dataValidations: { model: ValidationModel } })
      .dataValidations.model;
    expect(model.B2?.formulae[0]).toBe("'代码表'!$B$2:$B$61");
    const codesSheet = sheet(workbook, '代码表');
    expect(codesSheet.state).toBe('hidden');
    expect(codesSheet.getCell('B2').value).toBe('代码0');
    expect(codesSheet.getCell('B61').value).toBe('代码59');
    // The data sheet stays first: the importer reads the first sheet.
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['数据', '填写说明', '代码表']);
  });

  it('names the data sheet as the feed does when it reads a named sheet', async () => {
    const feed = buildFeedDefinition(
      {
        id: 'named_sheet',
        department: 'civil_affairs',
        name: { zh: '指定工作表', en: 'Named sheet' },
        format: 'xlsx',
        sheet: '人员名单',
        columns: [
          { column: '身份证号', key: 'idNumber', required: true },
          { column: '日期', role: 'observedAt', required: true },
        ],
      },
      'named_sheet.yaml',
      catalogue,
    );
    const workbook = await generate(feed);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['人员名单', '填写说明']);
    expect(sheet(workbook, '人员名单').getCell('A1').value).toBe('身份证号');
  });
});
