import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { formatMessage } from '../../core/appError.ts';
import { errorCatalogue, type ErrorCode } from '../../core/errorCatalogue.ts';
import type { FeedDefinition } from '../feeds/feedDefinition.ts';
import type { RowProblem } from '../rows/interpretRow.ts';
import { displayWidth } from './displayWidth.ts';

export const REPORT_DETAIL_SHEET = '错误明细';
export const REPORT_SUMMARY_SHEET = '汇总';

export interface ErrorReportWriter {
  /** Appends one rejected row; `line` is its line (row) number in the uploaded file. */
  add: (line: number, record: Readonly<Record<string, string | undefined>>, problems: RowProblem[]) => void;
  /**
   * Resolves once the rows added so far have been handed on to compression. `add` is
   * synchronous and cannot push back: a caller adding rows faster than they are compressed
   * (a tight loop) should await this every few thousand rows, or the backlog grows outside
   * the heap by about 1 KB a row. A caller reading an upload as a stream yields anyway.
   */
  drain: () => Promise<void>;
  /** Writes the 汇总 sheet and finishes the file; `rows` is how many rows were added. */
  close: () => Promise<{ rows: number }>;
}

/** Excel's limit for one cell; longer text makes Excel call the file damaged. */
const CELL_LIMIT = 32_767;
const LIGHT_RED: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } };
const DARK_RED = 'FF9C0006';

function cellText(value: string): string {
  return value.length <= CELL_LIMIT ? value : `${value.slice(0, CELL_LIMIT - 8)}…（已截断）`;
}

/** `「残疾类别」：代码“9”不在…`; a row-level problem (column null) has no prefix. */
export function describeProblem(problem: RowProblem): string {
  const message = formatMessage(problem.code, 'zh', problem.params);
  return problem.column === null ? message : `「${problem.column}」：${message}`;
}

/**
 * Streams the rows an import rejected into an XLSX users can open, filter and fix: each row
 * as received, with the columns at fault and why. Rows are committed as they come, so the
 * report of a file with a million bad rows never sits in memory; the counts per error code
 * are kept and written to the 汇总 sheet on close.
 */
export function createErrorReportWriter(feed: FeedDefinition, out: string): ErrorReportWriter {
  // Shared strings would keep every distinct text in memory until the end: inline strings instead.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: out,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = '助联';
  const detail = workbook.addWorksheet(REPORT_DETAIL_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  const names = feed.columns.map((c) => c.column);
  const position = new Map(names.map((name, i) => [name, i + 2]));
  const errorColumns = [names.length + 2, names.length + 3, names.length + 4];
  detail.columns = [
    { header: '行号', width: 8 },
    // Values as received stay text: an 18-digit ID number must not come back as 3.7E+17.
    ...names.map((name) => ({
      header: name,
      width: Math.min(40, Math.max(10, displayWidth(name) + 4)),
      style: { numFmt: '@' },
    })),
    { header: '出错列', width: 18 },
    { header: '错误说明', width: 70 },
    { header: '错误代码', width: 28 },
  ];
  const header = detail.getRow(1);
  header.font = { bold: true };
  for (const index of errorColumns) {
    const cell = header.getCell(index);
    cell.fill = LIGHT_RED;
    cell.font = { bold: true, color: { argb: DARK_RED } };
  }
  header.commit();

  /**
   * exceljs writes a sheet into a StreamBuf piped to archiver's PassThrough (readable-stream 2,
   * without the `writableNeedDrain` getter) and ignores the pipe's backpressure; its typings
   * show neither. This is the part we read to apply it ourselves.
   */
  const sheetStream = (
    detail as unknown as { stream: { pipes: (Writable & { _writableState?: { needDrain: boolean } })[] } }
  ).stream;

  const counts = new Map<ErrorCode, number>();
  let rows = 0;
  let closed = false;
  return {
    add: (line, record, problems) => {
      if (closed) throw new Error('错误报告已关闭，不能再添加行');
      rows += 1;
      for (const problem of problems) counts.set(problem.code, (counts.get(problem.code) ?? 0) + 1);
      const columns = [...new Set(problems.flatMap((p) => (p.column === null ? [] : [p.column])))];
      const row = detail.addRow([
        line,
        ...names.map((name) => cellText(record[name] ?? '')),
        columns.join('、'),
        cellText(problems.map(describeProblem).join('；')),
        [...new Set(problems.map((p) => p.code))].join(','),
      ]);
      for (const index of errorColumns) row.getCell(index).fill = LIGHT_RED;
      // The very cells at fault are marked too, so the eye finds them in a wide row.
      for (const column of columns) {
        const index = position.get(column);
        if (index !== undefined) row.getCell(index).fill = LIGHT_RED;
      }
      row.commit();
    },
    drain: async () => {
      for (const pipe of sheetStream.pipes) if (pipe._writableState?.needDrain) await once(pipe, 'drain');
    },
    close: async () => {
      if (closed) throw new Error('错误报告已关闭');
      closed = true;
      // The filter spans header and rows, so users can filter by 出错列 or 错误代码.
      detail.autoFilter = { from: { row: 1, column: 1 }, to: { row: rows + 1, column: names.length + 4 } };
      detail.commit();

      const summary = workbook.addWorksheet(REPORT_SUMMARY_SHEET);
      summary.columns = [
        { header: '错误代码', width: 26 },
        { header: '错误说明', width: 60 },
        { header: '出现次数', width: 12 },
      ];
      summary.getRow(1).font = { bold: true };
      summary.getRow(1).commit();
      const byCount = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      for (const [code, count] of byCount) summary.addRow([code, errorCatalogue[code].zh, count]).commit();
      summary.addRow([]).commit();
      const total = summary.addRow(['出错行数', '', rows]);
      total.font = { bold: true };
      total.commit();
      summary.commit();
      await workbook.commit();
      return { rows };
    },
  };
}
