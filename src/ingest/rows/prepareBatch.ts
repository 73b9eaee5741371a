import { hash as digestOf } from 'node:crypto';
import type { IsoDate } from '../../core/isoDate.ts';
import type { VariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import type { FeedDefinition } from '../feeds/feedDefinition.ts';
import type { SourceRecord } from '../readers/readFeedFile.ts';
import { interpretRow, type InterpretedRow, type RowProblem } from './interpretRow.ts';
import type { RowMemo } from './rowMemo.ts';

/** A record that reads as a row of the feed: what it says, and its key against duplicates. */
export interface PreparedRow {
  line: number;
  /** The record as read, or as its JSON text when it came from another thread (`unpackBatch`). */
  record: Record<string, string> | string;
  row: InterpretedRow;
  hash: string;
  /** The row's valid ID number (`row.identity`'s), by which it is linked to a person. */
  idNumber: string | undefined;
}

/** A record refused before any look-up: unreadable, or its cells are wrong. */
export interface PreparedReject {
  line: number;
  record: Record<string, string>;
  problems: RowProblem[];
}

/**
 * A batch of a file's records as far as they can be worked out without the registry: each
 * interpreted and checked, the good ones hashed. It depends on the feed, the catalogue and the
 * date only, so it can be made on another thread than the one that looks up and writes.
 */
export interface PreparedBatch {
  /** Records in the batch (rows + rejects). */
  received: number;
  /** The last record's line: the import's checkpoint once the batch commits. */
  lastLine: number;
  rows: PreparedRow[];
  rejects: PreparedReject[];
}

/**
 * What makes two records the same: the feed and every column it reads, as received. A file
 * sent twice, or a row repeated, adds nothing the second time.
 */
export function recordHash(feed: FeedDefinition, record: Readonly<Record<string, string>>): string {
  // One string hashed in one call (the same bytes as feeding the parts one by one, so keys
  // stored before stay valid): each call into the hash is a native round trip, and the one-shot
  // `hash` makes no Hash object (a third of the time per record of createHash/update/digest).
  let text = feed.id;
  for (const column of feed.columns) text += '\u0001' + (record[column.column] ?? '');
  return digestOf('sha256', text, 'hex').slice(0, 32);
}

/**
 * Interprets and checks a batch of records (non-empty): a record with a structural problem, a
 * bad cell or no observation date is refused with every reason; the others are hashed.
 */
export function prepareBatch(
  feed: FeedDefinition,
  variables: VariableCatalogue,
  batch: readonly SourceRecord[],
  today: IsoDate,
  memo: RowMemo,
): PreparedBatch {
  const out: PreparedBatch = {
    received: batch.length,
    lastLine: batch[batch.length - 1]?.line ?? 0,
    rows: [],
    rejects: [],
  };
  for (const source of batch) {
    const { line, record } = source;
    if (source.problem) {
      const { code, params } = source.problem;
      out.rejects.push({ line, record, problems: [{ column: null, value: '', code, params }] });
      continue;
    }
    const row = interpretRow(feed, variables, record, today, memo);
    if (row.problems.length > 0) out.rejects.push({ line, record, problems: row.problems });
    else if (!row.dates.observedAt) {
      const column = feed.columns.find((c) => c.kind === 'role' && c.role === 'observedAt')?.column ?? '';
      out.rejects.push({
        line,
        record,
        problems: [{ column, value: '', code: 'INGEST_REQUIRED', params: { column } }],
      });
    } else
      out.rows.push({ line, record, row, hash: recordHash(feed, record), idNumber: row.identity?.idNumber });
  }
  return out;
}

/** Records gathered into batches of `size` (the last one shorter), as they are read. */
export async function* inBatches<T>(records: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const record of records) {
    batch.push(record);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
