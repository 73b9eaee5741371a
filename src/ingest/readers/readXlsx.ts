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
import { HeaderSearch } from './headerSearch.ts';
import { readSheetRows, SheetXmlError, type SheetRow } from './readSheetRows.ts';
import { readZipEntryText } from './readZipEntryText.ts';

const FORMAT = 'XLSX';

function unreadable(reason: string): AppError {
  return new AppError('INGEST_UNREADABLE_FILE', { format: FORMAT, reason });
}

/**
 * The parts of exceljs's streaming WorkbookReader used here (exceljs 4.4, pinned by the lock
 * file): its XML parsers for styles and shared strings, fed with parts this module unzips
 * itself (the worksheet's rows are read by `readSheetRows`, ADR 0040). Its public entry point runs the archive through `unzipper`, which
 * hangs on some corrupt files (about one in seven garbled files in a local fuzz run) and
 * decodes each chunk on its own, garbling Chinese characters split between chunks.
 */
interface WorkbookReaderInternals {
  sharedStrings?: unknown[];
  styles: { getStyleModel: (id: number) => { numFmt?: string } | null };
  _parseStyles: (entry: Readable) => Promise<void>;
  _parseSharedStrings: (entry: Readable) => AsyncGenerator;
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

/** Any failure while reading an XLSX's parts as INGEST_UNREADABLE_FILE (an AppError as it is). */
function asUnreadable(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof WorkbookDirectoryError || error instanceof SheetXmlError)
    return unreadable(error.message);
  return unreadable('文件已损坏或不完整，请重新导出后上传');
}

async function* unreadableOnError(rows: AsyncGenerator<SheetRow>): AsyncGenerator<SheetRow> {
  try {
    yield* rows;
  } catch (error) {
    throw asUnreadable(error);
  }
}

/**
 * One sheet of an XLSX (the named one, or the first visible) and its rows, streamed: the sheet
 * list comes from the ZIP central directory (random access), then styles (which tell a date
 * from a number) and shared strings are parsed with exceljs, then the sheet's rows are read
 * one by one (`readSheetRows`). Shared strings are kept in memory, as every XLSX reader must:
 * rows refer to them by index. Any damage is INGEST_UNREADABLE_FILE, whatever part it is in.
 */
export async function openXlsxSheet(
  file: string,
  sheetName: string | undefined,
): Promise<{ name: string; rows: AsyncGenerator<SheetRow> }> {
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
    sheetName ?? directory.sheets.find((s) => s.state === undefined || s.state === 'visible')?.name;
  if (wanted === undefined) throw unreadable('文件中没有工作表');
  const sheet = directory.sheets.find((s) => s.name === wanted);
  if (sheet === undefined) throw unreadable(`没有名为“${wanted}”的工作表（文件中有：${names.join('、')}）`);
  const rel = directory.rels.find((r) => r.Id === sheet.rId);
  const sheetEntry = rel ? directory.entries.get(partPath(rel.Target)) : undefined;
  if (sheetEntry === undefined) throw unreadable(`找不到工作表“${wanted}”的内容，文件可能已损坏`);

  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    styles: 'cache',
    entries: 'ignore',
  }) as unknown as WorkbookReaderInternals;
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
  } catch (error) {
    throw asUnreadable(error);
  }
  const rows = readSheetRows(readZipEntryText(file, sheetEntry), {
    sharedStrings: reader.sharedStrings ?? [],
    numFmtOf: (style) => reader.styles.getStyleModel(style)?.numFmt,
    date1904: directory.date1904,
  });
  return { name: wanted, rows: unreadableOnError(rows) };
}

/**
 * XLSX records from a sheet (`openXlsxSheet`): the header is the first non-empty row naming
 * every required column, title rows above it skipped (`HeaderSearch`); line numbers are sheet
 * row numbers.
 */
export async function* readXlsx(file: string, options: ReadOptions): AsyncGenerator<SourceRecord> {
  const { name, rows } = await openXlsxSheet(file, options.sheet);
  const { expectedColumns } = options;
  const skip = options.skipThroughLine ?? 0;
  const header = new HeaderSearch(options.requiredColumns);
  let positions: number[] | undefined;
  for await (const { number, texts } of rows) {
    if (positions === undefined) {
      if (isBlank(texts)) continue;
      // A row's cells by column number; columns without a value are not named.
      const columns = header.look(Array.from(texts, (text: string | undefined) => text ?? ''));
      if (columns === undefined) continue; // a title row above the header
      positions = expectedColumns.map((c) => columns.get(c) ?? -1);
      continue;
    }
    if (number <= skip || isBlank(texts)) continue;
    const record: Record<string, string> = {};
    expectedColumns.forEach((column, i) => {
      const at = positions?.[i] ?? -1;
      record[column] = at >= 0 ? (texts[at] ?? '') : '';
    });
    yield { line: number, record };
  }
  if (positions === undefined) throw header.atEnd(unreadable(`工作表“${name}”是空的，没有表头行`));
}
