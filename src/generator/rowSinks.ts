import fs from 'node:fs';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import { encodeGbk } from './gbkEncoder.ts';
import { pinZipTimestamps } from './zipTimestamps.ts';

/**
 * Streaming writers for one feed file each: rows go out in chunks as they come, so a
 * 700,000-row feed never exists as one string. `line` is the physical line (CSV, JSON lines)
 * or row number (XLSX) of the row just written, the header being line 1 where there is one.
 */
export interface RowSink {
  /** Writes one row (column values in header order; '' for empty) and returns its line. */
  write: (values: readonly string[]) => Promise<number>;
  close: () => Promise<void>;
}

const CHUNK_ROWS = 512;

export class ChunkedFile {
  private readonly stream: fs.WriteStream;
  private buffer: string[] = [];

  constructor(
    file: string,
    private readonly encode: (text: string) => Buffer,
  ) {
    this.stream = fs.createWriteStream(file);
  }

  async push(text: string): Promise<void> {
    this.buffer.push(text);
    if (this.buffer.length >= CHUNK_ROWS) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = this.encode(this.buffer.join(''));
    this.buffer = [];
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

export const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

function csvField(value: string, delimiter: string): string {
  return value.includes(delimiter) || value.includes('"') || /[\r\n]/.test(value)
    ? `"${value.replace(/"/g, '""')}"`
    : value;
}

export async function openCsvSink(
  file: string,
  header: readonly string[],
  options: { encoding: 'utf-8' | 'gbk'; delimiter: string },
): Promise<RowSink> {
  const out = new ChunkedFile(file, options.encoding === 'gbk' ? encodeGbk : utf8);
  // GBK files come from Windows desktops (CRLF), UTF-8 ones from servers (LF).
  const newline = options.encoding === 'gbk' ? '\r\n' : '\n';
  const line = (values: readonly string[]): string =>
    values.map((v) => csvField(v, options.delimiter)).join(options.delimiter) + newline;
  await out.push(line(header));
  let lines = 1;
  return {
    write: async (values) => {
      await out.push(line(values));
      return ++lines;
    },
    close: () => out.close(),
  };
}

/** JSON lines: one object per row with the columns as keys; empty values are left out. */
export function openJsonlSink(file: string, header: readonly string[]): RowSink {
  const out = new ChunkedFile(file, utf8);
  let lines = 0;
  return {
    write: async (values) => {
      const record: Record<string, string> = {};
      header.forEach((column, i) => {
        const value = values[i] ?? '';
        if (value !== '') record[column] = value;
      });
      await out.push(JSON.stringify(record) + '\n');
      return ++lines;
    },
    close: () => out.close(),
  };
}

/**
 * XLSX through ExcelJS's streaming writer, every cell as text (ID numbers must never become
 * numbers). The workbook's and zip entries' dates are pinned to `fixedDate` so that a seed
 * gives byte-identical files on every run.
 */
export function openXlsxSink(
  file: string,
  header: readonly string[],
  options: { sheet: string; fixedDate: Date },
): RowSink {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: file,
    useStyles: false,
    useSharedStrings: false,
  });
  workbook.created = options.fixedDate;
  workbook.modified = options.fixedDate;
  workbook.creator = 'zhulian-generator';
  const sheet = workbook.addWorksheet(options.sheet);
  sheet.addRow([...header]).commit();
  let rows = 1;
  return {
    write: (values) => {
      sheet.addRow([...values]).commit();
      return Promise.resolve(++rows);
    },
    close: async () => {
      sheet.commit();
      await workbook.commit();
      pinZipTimestamps(file, options.fixedDate);
    },
  };
}
