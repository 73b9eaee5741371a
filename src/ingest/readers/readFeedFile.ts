import type { ErrorCode } from '../../core/errorCatalogue.ts';
import type { MessageParams } from '../../core/appError.ts';
import { readCsv } from './readCsv.ts';
import { readJsonLines } from './readJsonLines.ts';
import { readXlsx } from './readXlsx.ts';

export { sha256File } from './sha256File.ts';

export interface SourceRecord {
  /** 1-based: the physical line where the record starts (CSV, JSONL; the header is line 1 in CSV) or the sheet row number (XLSX). */
  line: number;
  /** column header → cell text, trimmed; absent or empty cells are ''. Only the expected columns. */
  record: Record<string, string>;
  /** A structural problem with this one record (bad JSON on a line, wrong number of CSV fields, unterminated quote at end of file, a nested object in JSON): the record is reported, later records are still read. */
  problem?: { code: ErrorCode; params: MessageParams };
}

export interface ReadOptions {
  format: 'csv' | 'xlsx' | 'jsonl';
  encoding: 'utf-8' | 'gbk' | 'auto';
  /** CSV: one character. */
  delimiter: string;
  /** XLSX: the sheet to read, the first by default. */
  sheet?: string;
  /** The feed's columns: the only keys of every record. */
  expectedColumns: string[];
  /** Must be present in the header, else INGEST_MISSING_COLUMNS (JSONL has no header: missing keys are ''). */
  requiredColumns: string[];
  /** Default 1 MiB; a longer line is INGEST_LINE_TOO_LONG, found without keeping the line. */
  maxLineBytes?: number;
  /** Resume: records whose line is at most this are not yielded (still parsed as needed). */
  skipThroughLine?: number;
}

/**
 * Streams the records of a department's feed file, whatever its format: a file never sits
 * whole in memory. A wrong header (missing required columns) or a file that is not of the
 * format at all throws an AppError before any record is yielded; a problem with one record
 * travels with that record so the rest of the file is still read; a problem that makes the
 * rest unreadable (bad encoding, an overlong line) throws when reading reaches it.
 */
export function readFeedFile(file: string, options: ReadOptions): AsyncGenerator<SourceRecord> {
  switch (options.format) {
    case 'csv':
      return readCsv(file, options);
    case 'jsonl':
      return readJsonLines(file, options);
    case 'xlsx':
      return readXlsx(file, options);
  }
}
