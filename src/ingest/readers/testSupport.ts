// Helpers for the readers' tests: temporary files, a GBK encoder, draining a reader.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError, formatMessage } from '../../core/appError.ts';
import type { SourceRecord } from './readFeedFile.ts';

let gbkTable: Map<string, number[]> | undefined;

/**
 * Encodes text as GBK with a table derived from the platform's own GBK decoder over the
 * two-byte range, so the tests need no encoding library. Throws on a character GBK lacks.
 */
export function encodeGbk(text: string): Buffer {
  if (gbkTable === undefined) {
    const table = new Map<string, number[]>();
    const decoder = new TextDecoder('gbk', { fatal: true });
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        try {
          const char = decoder.decode(new Uint8Array([lead, trail]));
          if (char.length === 1 && !table.has(char)) table.set(char, [lead, trail]);
        } catch {
          // not a GBK pair
        }
      }
    }
    gbkTable = table;
  }
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x80) {
      bytes.push(code);
      continue;
    }
    const pair = gbkTable.get(char);
    if (pair === undefined) throw new Error(`not in GBK: ${char}`);
    bytes.push(...pair);
  }
  return Buffer.from(bytes);
}

export interface TempDir {
  write: (name: string, content: string | Uint8Array) => string;
  path: (name: string) => string;
  remove: () => void;
}

export function tempDir(): TempDir {
  const dir = mkdtempSync(join(tmpdir(), 'zhulian-readers-'));
  return {
    write: (name, content) => {
      const file = join(dir, name);
      writeFileSync(file, content);
      return file;
    },
    path: (name) => join(dir, name),
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function collect(records: AsyncIterable<SourceRecord>): Promise<SourceRecord[]> {
  const all: SourceRecord[] = [];
  for await (const record of records) all.push(record);
  return all;
}

/** Drains a reader that must fail: the AppError and the records yielded before it. */
export async function failure(
  records: AsyncIterable<SourceRecord>,
): Promise<{ error: AppError; before: SourceRecord[] }> {
  const before: SourceRecord[] = [];
  try {
    for await (const record of records) before.push(record);
  } catch (error) {
    if (error instanceof AppError) return { error, before };
    throw error;
  }
  throw new Error(`expected an AppError, got ${before.length} records`);
}

/** The error as the user reads it. */
export function zh(error: AppError): string {
  return formatMessage(error.code, 'zh', error.params);
}
