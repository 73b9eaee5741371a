import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { AppError } from '../../core/appError.ts';
import type { ReadOptions, SourceRecord } from './readFeedFile.ts';
import { CHUNK_BYTES } from './readTextBlocks.ts';
import {
  readWorkbookDirectory,
  WorkbookDirectoryError,
  type WorkbookDirectory,
} from './readWorkbookDirectory.ts';
import { xlsxCellText } from './xlsxCellText.ts';

const FORMAT = 'XLSX';

function unreadable(reason: string): AppError {
  return new AppError('INGEST_UNREADABLE_FILE', { format: FORMAT, reason });
}

/** An XLSX file is a ZIP archive: anything else is refused before the unzipper sees it. */
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

/** Cells of a row by column number (1-based), as text. */
function rowTexts(row: ExcelJS.Row): string[] {
  const texts: string[] = [];
  row.eachCell({ includeEmpty: false }, (cell, column) => {
    texts[column] = xlsxCellText(cell.value).trim();
  });
  return texts;
}

function isBlank(texts: string[]): boolean {
  return !texts.some((t) => t.length > 0);
}

/**
 * XLSX through exceljs's streaming reader: the archive is unzipped as it is read, and rows come
 * one by one. The header is the first non-empty row of the sheet (the named one, or the first);
 * line numbers are sheet row numbers. Whatever the unzipper or the XML parser throws on a
 * truncated or corrupt file becomes INGEST_UNREADABLE_FILE.
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
  if (!names.includes(wanted)) {
    throw unreadable(`没有名为“${wanted}”的工作表（文件中有：${names.join('、')}）`);
  }
  const { expectedColumns } = options;
  const skip = options.skipThroughLine ?? 0;
  const stream = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // Styles are what tell a date from a number.
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  // exceljs needs workbook.xml and its rels before the first worksheet entry, which the ZIP's
  // order does not promise: hand it the model read from the central directory, and keep its
  // own parsers from replacing it (the loop drains those entries).
  Object.assign(workbook, {
    model: { sheets: directory.sheets },
    workbookRels: directory.rels,
    properties: { model: { date1904: directory.date1904 } },
    _parseWorkbook: () => Promise.resolve(),
    _parseRels: () => Promise.resolve(),
  });
  let found = false;
  try {
    for await (const worksheet of workbook) {
      const name = (worksheet as { name?: string }).name;
      if (name !== wanted) continue;
      found = true;
      let positions: number[] | undefined;
      for await (const row of worksheet) {
        const texts = rowTexts(row);
        if (positions === undefined) {
          if (isBlank(texts)) continue;
          const header = new Map<string, number>();
          texts.forEach((text, column) => {
            if (!header.has(text)) header.set(text, column);
          });
          const missing = options.requiredColumns.filter((c) => !header.has(c));
          if (missing.length > 0)
            throw new AppError('INGEST_MISSING_COLUMNS', { columns: missing.join('、') });
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
      break;
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw unreadable('文件已损坏或不完整，请重新导出后上传');
  } finally {
    stream.destroy();
  }
  // Listed in workbook.xml but without its worksheet part: a damaged file.
  if (!found) throw unreadable(`找不到工作表“${wanted}”的内容，文件可能已损坏`);
}
