import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../core/appError.ts';
import { buildVariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import { readFeedFile, type SourceRecord } from '../readers/readFeedFile.ts';
import { inBatches, prepareBatch } from './prepareBatch.ts';
import { packBatch } from './packBatch.ts';
import { createRowMemo } from './rowMemo.ts';
import type { InterpretThreadMessage, InterpretThreadSpec } from './preparedBatchesInThread.ts';

/**
 * The thread that reads a feed file and interprets its records (ADR 0038): it sends prepared,
 * packed batches to the importing thread, at most as many ahead as that thread has asked for, so a
 * slow registry never lets a file pile up in memory here.
 */
const spec = workerData as InterpretThreadSpec;
const port = parentPort;
if (!port) throw new Error('interpretThread runs as a worker thread');
const variables = buildVariableCatalogue(spec.catalogue, 'variables (main thread)');
const memo = createRowMemo();

let credit = spec.ahead;
let wake: (() => void) | undefined;
port.on('message', (message: { more: number }) => {
  credit += message.more;
  wake?.();
  wake = undefined;
});
const send = (message: InterpretThreadMessage) => {
  port.postMessage(message);
};

async function sendBatch(batch: SourceRecord[]): Promise<void> {
  // Prepared before waiting: the next batch is ready the moment it is asked for.
  const prepared = packBatch(prepareBatch(spec.feed, variables, batch, spec.today, memo));
  while (credit <= 0) await new Promise<void>((resolve) => (wake = resolve));
  credit--;
  send({ batch: prepared });
}

try {
  for await (const batch of inBatches(readFeedFile(spec.file, spec.read), spec.batchSize))
    await sendBatch(batch);
  send({ done: true });
} catch (error) {
  send({
    error:
      error instanceof AppError
        ? { code: error.code, params: error.params, problems: error.problems, message: error.message }
        : { message: error instanceof Error ? error.message : String(error) },
  });
}
