import fs from 'node:fs';
import path from 'node:path';
import type { ImportTable } from '../../db/schema.ts';
import type { FeedDefinition } from '../feeds/feedDefinition.ts';
import { readFeedFile, sha256File, type ReadOptions } from '../readers/readFeedFile.ts';
import { preparedBatchesInThread } from '../rows/preparedBatchesInThread.ts';
import { packable } from '../rows/packBatch.ts';
import { todayInChina } from '../../core/isoDate.ts';
import {
  DEFAULT_IMPORT_BATCH,
  runImport,
  type ImportProgress,
  type ImportShared,
  type IngestContext,
} from './runImport.ts';
import { listAreaCodes } from './ingestRepository.ts';
import type { SqliteWriter } from '../../db/dialects/sqliteWriter.ts';

export interface ImportFileOptions {
  /** The name the user gave the file (uploads are stored under a temporary name). */
  fileName?: string;
  startedBy: string;
  ip?: string;
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
  onStart?: (row: ImportTable) => void;
  /** See `RunImportOptions.backgroundWriter`; when not said, on for a file of `WRITER_FROM_BYTES` or more. */
  backgroundWriter?: boolean | SqliteWriter;
  /**
   * Read and interpret the file on a thread of its own while this one looks up, links and
   * writes (ADR 0038). Off unless asked: on this 2-core machine the third busy thread made
   * imports slower, not faster. Only for a feed whose rows are keys, dates and values
   * (`packable`): a population feed or a roster is always read here.
   */
  interpretThread?: boolean;
  /** See `RunImportOptions.shared` (a folder's imports). */
  shared?: ImportShared;
}

/**
 * From this size a file's batches are written by a background SQLite connection while the next
 * batch is prepared (ADR 0015, 0026): 1.17 × faster on the demo-scale county's files, for about
 * 10 % more CPU and a worker thread, which only a large file repays. PostgreSQL and in-memory
 * databases never use one.
 */
export const WRITER_FROM_BYTES = 8 * 2 ** 20;

/**
 * Imports a file on disk for a feed: hashes it (the same file resumes an unfinished import
 * or is recognised as already in), then streams its records through `runImport`. An `.xlsx`
 * file is read as a workbook whatever the feed's own format, so the Excel template staff
 * fill in goes through the same door as the department's export.
 */
export async function importFile(
  context: IngestContext,
  feed: FeedDefinition,
  file: string,
  options: ImportFileOptions,
): Promise<ImportTable> {
  const [sha256, stat] = await Promise.all([sha256File(file), fs.promises.stat(file)]);
  const name = options.fileName ?? path.basename(file);
  const format = /\.xlsx$/i.test(name) ? 'xlsx' : feed.format;
  const heldAreaCodes = feed.createsPersons ? new Set(await listAreaCodes(context.db)) : undefined;
  const read = (skipThroughLine: number): ReadOptions => ({
    format,
    encoding: format === 'csv' ? feed.encoding : 'utf-8',
    delimiter: feed.delimiter,
    ...(feed.sheet && format === feed.format ? { sheet: feed.sheet } : {}),
    expectedColumns: feed.columns.map((c) => c.column),
    requiredColumns: feed.columns.filter((c) => c.required).map((c) => c.column),
    skipThroughLine,
  });
  const batchSize = options.batchSize ?? DEFAULT_IMPORT_BATCH;
  const today = todayInChina();
  return runImport(context, {
    feed,
    fileName: name,
    sha256,
    bytes: stat.size,
    open: (skipThroughLine) => readFeedFile(file, read(skipThroughLine)),
    ...(options.interpretThread === true && packable(feed)
      ? {
          prepared: (skipThroughLine: number) =>
            preparedBatchesInThread({
              file,
              read: read(skipThroughLine),
              feed,
              catalogue: { variables: context.variables.list(), departments: context.variables.departments },
              today,
              batchSize,
            }),
        }
      : {}),
    today,
    batchSize,
    startedBy: options.startedBy,
    ...(options.ip ? { ip: options.ip } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.onStart ? { onStart: options.onStart } : {}),
    backgroundWriter: options.backgroundWriter ?? stat.size >= WRITER_FROM_BYTES,
    ...(heldAreaCodes ? { heldAreaCodes } : {}),
    ...(options.shared ? { shared: options.shared } : {}),
  });
}
