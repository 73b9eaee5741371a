import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { AppError } from '../../core/appError.ts';
import type { ReadOptions, SourceRecord } from './readFeedFile.ts';
import {
  readWorkbookDirectory,
  WorkbookDirectoryError,
  type WorkbookDirectory,
} from './readWorkbookDirectory.ts';
import { readZipEntryText } from './readZipEntryText.ts';
import { excelSerialToDate, isDateFormat, xlsxCellText } from './xlsxCellText.ts';

const FORMAT = 'XLSX';

function unreadable(reason: string): AppError {
  return new AppError('INGEST_UNREADABLE_FILE', { format: FORMAT, reason });
}

/**
 * The parts of exceljs's streaming WorkbookReader used here (exceljs 4.4, pinned by the lock
 * file): its XML parsers for styles, shared strings and one worksheet, fed with parts this
 * module unzips itself. Its public entry point runs the archive through `unzipper`, which
 * hangs on some corrupt files (about one in seven garbled files in a local fuzz run) and
 * decodes each chunk on its own, garbling Chinese characters split between chunks.
 */
interface WorkbookReaderInternals {
  model: unknown;
  workbookRels: unknown;
  properties: unknown;
  sharedStrings?: unknown[];
  _parseStyles: (entry: Readable) => Promise<void>;
  _parseSharedStrings: (entry: Readable) => AsyncGenerator;
  _parseWorksheet: (
    iterator: AsyncIterable<string>,
    sheetNo: string,
  ) => Generator<{ eventType: string; value: ExcelJS.stream.xlsx.WorksheetReader }>;
}

/** An XLSX file is a ZIP archive: anything else is refused before it is parsed. */
async function assertZip(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    const start = Buffer.alloc(4);
    const { bytesRead } = await handle.read(start, 0, 4, 0);
    if (bytesRead < 4 || start.readUInt32LE(0) !== 0x04034b50) {
      const xls = bytesRead === 4 && start.readUInt32LE(0) === 0xe011cfd0;
      throw unreadable(
        xls ? '这是旧版 Excel（XLS）文件，请另存为 XLSX' : '这不是 XLSX 文件（可能是 CSV 或其他格式）',
      );
    }
  } finally {
    await handle.close();
  }
}

/**
 * Cells of a row by column number (1-based), as text. exceljs turns date-formatted numbers
 * into Dates, but not a formula's cached result (=DATE(…), =A2+30): that is done here.
 */
function rowTexts(row: ExcelJS.Row, date1904: boolean): string[] {
  const texts: string[] = [];
  row.eachCell({ includeEmpty: false }, (cell, column) => {
    const value: unknown = cell.value;
    const result =
      typeof value === 'object' && value !== null && 'result' in value ? value.result : undefined;
    texts[column] = (
      typeof result === 'number' && isDateFormat(cell.numFmt)
        ? xlsxCellText(excelSerialToDate(result, date1904))
        : xlsxCellText(value)
    ).trim();
  });
  return texts;
}

function isBlank(texts: string[]): boolean {
  return !texts.some((t) => t.length > 0);
}

/** The archive path of a part a workbook relationship points to (`worksheets/sheet1.xml`). */
function partPath(target: string): string {
  return target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
}

function partOfType(directory: WorkbookDirectory, type: string, fallback: string): string {
  const rel = directory.rels.find((r) => r.Type.endsWith(`/${type}`));
  return rel ? partPath(rel.Target) : fallback;
}

/**
 * XLSX, streamed: the sheet list comes from the ZIP central directory (random access), then
 * styles (which tell a date from a number) and shared strings are parsed, then the one sheet's
 * rows one by one. The header is the first non-empty row of the sheet (the named one, or the
 * first visible); line numbers are sheet row numbers. A truncated or corrupt file is
 * INGEST_UNREADABLE_FILE, whatever part is damaged. Shared strings are kept in memory, as
 * every XLSX reader must: rows refer to them by index.
 */
export async function* readXlsx(file: string, options: ReadOptions): AsyncGenerator<SourceRecord> {
  await assertZip(file);
  let directory: WorkbookDirectory;
  try {
    directory = await readWorkbookDirectory(file);
  } catch (error) {
    if (error instanceof WorkbookDirectoryError) throw unreadable(error.message);
    throw error;
  }
  const names = directory.sheets.map((s) => s.name);
  // By default the first sheet the user sees: hidden ones (lookup tables) do not count.
  const wanted =
    options.sheet ?? directory.sheets.find((s) => s.state === undefined || s.state === 'visible')?.name;
  if (wanted === undefined) throw unreadable('文件中没有工作表');
  const sheet = directory.sheets.find((s) => s.name === wanted);
  if (sheet === undefined) throw unreadable(`没有名为“${wanted}”的工作表（文件中有：${names.join('、')}）`);
  const rel = directory.rels.find((r) => r.Id === sheet.rId);
  const sheetEntry = rel ? directory.entries.get(partPath(rel.Target)) : undefined;
  if (sheetEntry === undefined) throw unreadable(`找不到工作表“${wanted}”的内容，文件可能已损坏`);

  const { expectedColumns } = options;
  const skip = options.skipThroughLine ?? 0;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  }) as unknown as WorkbookReaderInternals;
  reader.model = { sheets: directory.sheets };
  reader.workbookRels = directory.rels;
  reader.properties = { model: { date1904: directory.date1904 } };
  try {
    const styles = directory.entries.get(partOfType(directory, 'styles', 'xl/styles.xml'));
    if (styles) await reader._parseStyles(Readable.from(readZipEntryText(file, styles)));
    const strings = directory.entries.get(partOfType(directory, 'sharedStrings', 'xl/sharedStrings.xml'));
    if (strings) {
      // 'cache' fills reader.sharedStrings and emits nothing: drain the generator.
      const parsing = reader._parseSharedStrings(Readable.from(readZipEntryText(file, strings)));
      while (!(await parsing.next()).done) {
        // no events with 'cache'
      }
    } else {
      reader.sharedStrings = [];
    }
    const [event] = reader._parseWorksheet(readZipEntryText(file, sheetEntry), String(sheet.id));
    if (event === undefined) throw unreadable(`找不到工作表“${wanted}”的内容，文件可能已损坏`);
    let positions: number[] | undefined;
    for await (const row of event.value) {
      const texts = rowTexts(row, directory.date1904);
      if (positions === undefined) {
        if (isBlank(texts)) continue;
        const header = new Map<string, number>();
        texts.forEach((text, column) => {
          if (!header.has(text)) header.set(text, column);
        });
        const missing = options.requiredColumns.filter((c) => !header.has(c));
        if (missing.length > 0) throw new AppError('INGEST_MISSING_COLUMNS', { columns: missing.join('、') });
        positions = expectedColumns.map((c) => header.get(c) ?? -1);
        continue;
      }
      if (row.number <= skip || isBlank(texts)) continue;
      const record: Record<string, string> = {};
      expectedColumns.forEach((column, i) => {
        const at = positions?.[i] ?? -1;
        record[column] = at >= 0 ? (texts[at] ?? '') : '';
      });
      yield { line: row.number, record };
    }
    if (positions === undefined) throw unreadable(`工作表“${wanted}”是空的，没有表头行`);
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof WorkbookDirectoryError) throw unreadable(error.message);
    throw unreadable('文件已损坏或不完整，请重新导出后上传');
  }
}
