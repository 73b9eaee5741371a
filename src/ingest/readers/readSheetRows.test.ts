import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { readSheetRows, SheetXmlError, type SheetContext, type SheetRow } from './readSheetRows.ts';
import { openXlsxSheet } from './readXlsx.ts';
import { xlsxCellText } from './xlsxCellText.ts';
import { tempDir } from './testSupport.ts';

const dir = tempDir();
afterAll(() => {
  dir.remove();
});

const context: SheetContext = {
  sharedStrings: ['共享', { richText: [{ text: '富' }, { text: '文本' }] }],
  // Style 1 is a date, 2 a time of day, 3 a plain number.
  numFmtOf: (style) => ({ 1: 'yyyy-mm-dd', 2: 'h:mm', 3: '0.00' })[style],
  date1904: false,
};

/** The text in pieces of `size` characters, as the inflater hands them over (an iterable of them). */
function inPieces(xml: string, size: number): AsyncIterable<string> {
  return {
    [Symbol.asyncIterator]: () => {
      let i = 0;
      return {
        next: () => {
          const piece = xml.slice(i, i + size);
          i += size;
          return Promise.resolve(
            piece.length > 0 ? { done: false, value: piece } : { done: true, value: undefined },
          );
        },
      };
    },
  };
}

async function rowsOf(xml: string, size = xml.length): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  for await (const row of readSheetRows(inPieces(xml, size), context)) rows.push(row);
  return rows;
}

/** A row as column → text, for readable expectations; a blank cell is as good as none. */
const cells = (row: SheetRow | undefined) =>
  Object.fromEntries(
    Object.entries(row?.texts ?? {})
      .filter(([, v]) => v !== '')
      .map(([k, v]) => [Number(k), v]),
  );

const sheet = (rows: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
  `<dimension ref="A1:D9"/><sheetData>${rows}</sheetData><rowBreaks count="1"><brk id="3"/></rowBreaks></worksheet>`;

describe('readSheetRows', () => {
  it('reads each kind of cell as the sheet shows it', async () => {
    const rows = await rowsOf(
      sheet(
        '<row r="2" spans="1:9">' +
          '<c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c>' +
          '<c r="C2" t="inlineStr"><is><r><t>甲</t></r><r><rPr><b/></rPr><t xml:space="preserve"> 乙 </t></r><rPh sb="0" eb="1"><t>ヨミ</t></rPh></is></c>' +
          '<c r="D2" t="str"><v>A &amp; B &lt;C&gt; &#x4E2D;&#25991;</v></c>' +
          '<c r="E2" t="b"><v>1</v></c><c r="F2" t="e"><v>#N/A</v></c>' +
          '<c r="G2" s="1"><v>32939</v></c><c r="H2" s="3"><v>1234.5</v></c><c r="I2"><v>110101199003070000</v></c>' +
          // An empty shared-string index names no string (not the first one).
          '<c r="J2" t="s"><v/></c>' +
          '</row>',
      ),
    );
    expect(rows.map((r) => r.number)).toEqual([2]);
    expect(cells(rows[0])).toEqual({
      1: '共享',
      2: '富文本',
      3: '甲 乙', // runs joined, without the phonetic guide; trimmed
      4: 'A & B <C> 中文',
      5: 'true',
      6: '#N/A',
      7: '1990-03-07',
      8: '1234.5',
      9: '110101199003070000',
    });
  });

  it('reads formulas by their cached result: a date-formatted one counts its days, an error keeps its code', async () => {
    const rows = await rowsOf(
      sheet(
        '<row r="1">' +
          '<c r="A1" s="1"><f>DATE(1985,6,1)</f><v>31199.75</v></c>' +
          '<c r="B1" t="str"><f>A1&amp;"x"</f><v>文本结果</v></c>' +
          '<c r="C1" t="e"><f>1/0</f><v>#DIV/0!</v></c>' +
          '<c r="D1"><f t="shared" si="0"/><v>0.30000000000000004</v></c>' +
          '<c r="E1"><f>NOW()</f></c>' +
          '</row>',
      ),
    );
    expect(cells(rows[0])).toEqual({ 1: '1985-06-01', 2: '文本结果', 3: '#DIV/0!', 4: '0.3' });
  });

  it('takes a number for a date only under a format with a year or a day, and reads ISO date cells', async () => {
    const rows = await rowsOf(
      sheet('<row r="1"><c r="A1" s="2"><v>0.5</v></c><c r="B1" t="d"><v>2024-02-29T00:00:00Z</v></c></row>'),
    );
    expect(cells(rows[0])).toEqual({ 1: '0.5', 2: '2024-02-29' });
  });

  it('numbers rows and places cells without their references after the ones before', async () => {
    const rows = await rowsOf(
      sheet(
        '<row><c><v>1</v></c><c><v>2</v></c></row>' +
          '<row r="5"/>' +
          '<row><c r="C6"><v>3</v></c><c><v>4</v></c><c r="A6"/></row>' +
          "<row r='9'><c r='B9' t='str'><v>单引号</v></c></row>",
      ),
    );
    expect(rows.map((r) => [r.number, cells(r)])).toEqual([
      [1, { 1: '1', 2: '2' }],
      [6, { 3: '3', 4: '4' }],
      [9, { 2: '单引号' }],
    ]);
  });

  it('reads the same rows whatever pieces the text arrives in, a long row included', async () => {
    const long = '长'.repeat(100_000);
    const xml = sheet(
      Array.from(
        { length: 40 },
        (_, i) =>
          `<row r="${String(i + 1)}" spans="1:2"><c r="A${String(i + 1)}" t="str"><v>${String(i)}</v></c>` +
          `<c r="B${String(i + 1)}" t="inlineStr"><is><t>${i === 20 ? long : '值&amp;'}</t></is></c></row>`,
      ).join(''),
    );
    const whole = await rowsOf(xml);
    expect(whole).toHaveLength(40);
    expect(whole[20]?.texts[2]).toBe(long);
    for (const size of [1, 7, 16, 1000, 65_536]) expect(await rowsOf(xml, size)).toEqual(whole);
  });

  it('ends at the end of the sheet data, and reads none from an empty one', async () => {
    expect(await rowsOf(sheet(''))).toEqual([]);
    expect(await rowsOf('<worksheet><sheetData/></worksheet>', 3)).toEqual([]);
  });

  it('refuses text with no sheet data, one that stops inside it, or a row number that is not one', async () => {
    for (const xml of [
      '<worksheet><cols/></worksheet>',
      '<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2">',
      '<worksheet><sheetData><row r="x"></row></sheetData></worksheet>',
    ]) {
      await expect(rowsOf(xml, 5)).rejects.toBeInstanceOf(SheetXmlError);
    }
  });

  it('reads what exceljs wrote as exceljs reads it, with shared and with inline strings', async () => {
    const workbook = new ExcelJS.Workbook();
    const data = workbook.addWorksheet('数据');
    data.getColumn(3).numFmt = 'yyyy-mm-dd';
    const values: ExcelJS.CellValue[][] = [
      ['身份证号', '姓名', '日期', '金额', '备注'],
      ['11010119900307001X', '张三', new Date(Date.UTC(1990, 2, 7)), 1234.5, 'a & b <c> "d"'],
      [110101199003070000, { text: '李四', hyperlink: 'https://example.org' }, null, 0.1 + 0.2, true],
      [
        '',
        { richText: [{ text: '富' }, { text: '文本' }] },
        '1990-03-07',
        { formula: 'D3*2', result: 0.6 },
        1e21,
      ],
      [' 空白 ', '王五', new Date(Date.UTC(2001, 11, 31, 23, 30)), -0.0000001, false],
    ];
    for (const row of values) data.addRow(row);
    const shared = dir.path('shared.xlsx');
    await workbook.xlsx.writeFile(shared);
    const streamed = dir.path('inline.xlsx');
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: streamed, useSharedStrings: false });
    const out = writer.addWorksheet('数据');
    out.getColumn(3).numFmt = 'yyyy-mm-dd';
    for (const row of values) out.addRow(row).commit();
    await writer.commit();

    for (const file of [shared, streamed]) {
      const expected: [number, Record<number, string>][] = [];
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(file);
      book.getWorksheet('数据')?.eachRow((row, number) => {
        const texts: Record<number, string> = {};
        row.eachCell((cell, column) => {
          const text = xlsxCellText(cell.value).trim();
          if (text !== '') texts[column] = text;
        });
        expected.push([number, texts]);
      });
      const rows: SheetRow[] = [];
      for await (const row of (await openXlsxSheet(file, '数据')).rows) rows.push(row);
      expect(rows.map((r) => [r.number, cells(r)])).toEqual(expected);
    }
  });
});
