import { createReadStream } from 'node:fs';
import { AppError } from '../../core/appError.ts';
import { decodeStrict, detectEncoding, startsWithUtf8Bom, type TextEncodingName } from './detectEncoding.ts';
import { sniffBinary } from './sniffBinary.ts';

export const CHUNK_BYTES = 64 * 1024;
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
const LF = 0x0a;

export interface TextBlock {
  /** Whole lines, each ending in '\n' except possibly the file's last. */
  text: string;
  /** The physical line number of the block's first line (1-based). */
  firstLine: number;
}

export interface TextBlockOptions {
  encoding: 'utf-8' | 'gbk' | 'auto';
  maxLineBytes: number;
  /** The format's name in messages ('CSV', 'JSONL'). */
  format: string;
}

export function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function decodes(bytes: Uint8Array, encoding: TextEncodingName): boolean {
  try {
    decodeStrict(bytes, encoding);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where the first line longer than `limit` starts in `chunk[0, end)`, given that the line the
 * chunk begins with already has `carried` bytes; undefined if none. Once past the first line
 * break, a region no longer than the limit cannot hold a too-long line, so with the default
 * 1 MiB limit this is one indexOf per 64 KiB chunk.
 */
function findOverlong(chunk: Buffer, end: number, carried: number, limit: number): number | undefined {
  let start = 0;
  let length = carried;
  for (;;) {
    const lf = chunk.indexOf(LF, start);
    const lineEnd = lf === -1 || lf >= end ? end : lf;
    if (length + lineEnd - start > limit) return start;
    if (lineEnd === end) return undefined;
    start = lf + 1;
    length = 0;
    if (end - start <= limit) return undefined;
  }
}

/**
 * Reads a text file as blocks of whole decoded lines, never holding more than one line plus
 * one 64 KiB chunk: bytes are cut at the last line feed of each chunk (a line feed is never
 * part of a UTF-8 or GBK multi-byte character, so a block always decodes on its own and a
 * character split across chunks is simply carried). Line length is measured on the bytes, so
 * an overlong line is refused before it is kept. Binary files (known signatures, NUL bytes)
 * and bytes invalid in the encoding are refused with the line; the lines before a bad one are
 * still yielded first, so a reader reports everything up to the point of failure.
 */
export async function* readTextBlocks(file: string, options: TextBlockOptions): AsyncGenerator<TextBlock> {
  const { maxLineBytes: limit, format } = options;
  let encoding: TextEncodingName | undefined = options.encoding === 'auto' ? undefined : options.encoding;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  // The number of the first line not yet yielded (the one `pending` belongs to).
  let line = 1;
  let atStart = true;
  let stripBom = false;

  /** Decodes whole lines starting at `line`: the valid lines, and the error for the first bad one. */
  const decode = (bytes: Buffer): { text: string; error?: AppError } => {
    let text: string | undefined;
    if (encoding === undefined) {
      const detected = detectEncoding(bytes);
      if (detected) {
        if (detected.encoding !== 'ascii') encoding = detected.encoding;
        text = detected.text;
      }
    } else {
      try {
        text = decodeStrict(bytes, encoding);
      } catch {
        // find the bad line below
      }
    }
    if (text !== undefined) {
      if (stripBom && text.startsWith('\uFEFF')) text = text.slice(1);
      stripBom = false;
      return { text };
    }
    // Slow path, once per file: find the first line invalid in the (now decided) encoding.
    let start = 0;
    let index = 0;
    for (;;) {
      const lf = bytes.indexOf(LF, start);
      const lineBytes = bytes.subarray(start, lf === -1 ? bytes.length : lf + 1);
      if (encoding === undefined && lineBytes.some((b) => b >= 0x80)) {
        if (decodes(lineBytes, 'utf-8')) encoding = 'utf-8';
        else if (decodes(lineBytes, 'gbk')) encoding = 'gbk';
      }
      if (!decodes(lineBytes, encoding ?? 'utf-8')) break;
      if (lf === -1) break;
      start = lf + 1;
      index++;
    }
    const valid = start === 0 ? '' : decodeStrict(bytes.subarray(0, start), encoding ?? 'utf-8');
    const error = new AppError('INGEST_ENCODING', { line: line + index });
    if (stripBom && valid.startsWith('\uFEFF')) return { text: valid.slice(1), error };
    return { text: valid, error };
  };

  const stream = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (atStart) {
        atStart = false;
        const reason = sniffBinary(chunk);
        if (reason !== undefined) throw new AppError('INGEST_UNREADABLE_FILE', { format, reason });
        // A BOM is the file saying what it is: it wins over the feed's declared encoding.
        if (startsWithUtf8Bom(chunk)) {
          encoding = 'utf-8';
          stripBom = true;
        }
      }
      // How far this chunk is good, and what to throw at that point.
      let stop = chunk.length;
      let fail: ((at: number) => AppError) | undefined;
      const nul = chunk.indexOf(0);
      if (nul !== -1) {
        stop = nul;
        fail = (at) =>
          new AppError('INGEST_UNREADABLE_FILE', {
            format,
            reason: `第${at}行含有空字节（NUL），这不是文本文件，可能是二进制文件或 UTF-16 编码`,
          });
      }
      const overlong = findOverlong(chunk, stop, pendingBytes, limit);
      if (overlong !== undefined) {
        stop = overlong;
        fail = (at) => new AppError('INGEST_LINE_TOO_LONG', { line: at, limit });
      }
      const lastLf = stop === 0 ? -1 : chunk.lastIndexOf(LF, stop - 1);
      if (lastLf === -1 && fail === undefined) {
        pending.push(chunk);
        pendingBytes += chunk.length;
        continue;
      }
      if (lastLf !== -1) {
        const head = chunk.subarray(0, lastLf + 1);
        const bytes = pending.length === 0 ? head : Buffer.concat([...pending, head]);
        const rest = chunk.subarray(lastLf + 1);
        pending = rest.length > 0 ? [rest] : [];
        pendingBytes = rest.length;
        const { text, error } = decode(bytes);
        if (text.length > 0) yield { text, firstLine: line };
        line += countLines(text);
        if (error) throw error;
      }
      // The failing line is the one after the lines just yielded.
      if (fail) throw fail(line);
    }
    if (pendingBytes > 0) {
      const { text, error } = decode(Buffer.concat(pending));
      if (text.length > 0) yield { text, firstLine: line };
      if (error) throw error;
    }
  } finally {
    stream.destroy();
  }
}
