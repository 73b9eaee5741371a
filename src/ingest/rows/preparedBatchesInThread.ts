import type { Worker } from 'node:worker_threads';
import { AppError, type FieldProblem, type MessageParams } from '../../core/appError.ts';
import type { ErrorCode } from '../../core/errorCatalogue.ts';
import type { IsoDate } from '../../core/isoDate.ts';
import { tsWorker } from '../../core/tsWorker.ts';
import type { Department, VariableDefinition } from '../../registry/variables/variableCatalogue.ts';
import type { FeedDefinition } from '../feeds/feedDefinition.ts';
import type { ReadOptions } from '../readers/readFeedFile.ts';
import type { PreparedBatch } from './prepareBatch.ts';
import { unpackBatch, type PackedBatch } from './packBatch.ts';

/** What the interpreting thread needs: all of it plain data, copied to the thread. */
export interface InterpretThreadSpec {
  file: string;
  read: ReadOptions;
  feed: FeedDefinition;
  /** The catalogue's document, rebuilt on the thread (a catalogue holds functions). */
  catalogue: { variables: VariableDefinition[]; departments: Department[] };
  today: IsoDate;
  batchSize: number;
  /** Batches the thread may prepare before it is asked for more. */
  ahead: number;
}

export type InterpretThreadMessage =
  | { batch: PackedBatch }
  | { done: true }
  | {
      error: { code?: ErrorCode; params?: MessageParams; problems?: FieldProblem[]; message: string };
    };

/**
 * A feed file's records read and interpreted on a thread of their own (ADR 0038), as prepared
 * batches in file order (packed to cross, so only for a feed whose rows `packable` says can
 * be): the importing thread only looks up, links and writes. The thread's errors arrive as the
 * reader threw them (an AppError keeps its code and parameters). Ending the iteration early
 * (an error downstream) stops the thread.
 */
export async function* preparedBatchesInThread(
  spec: Omit<InterpretThreadSpec, 'ahead'> & { ahead?: number },
): AsyncGenerator<PreparedBatch> {
  const worker: Worker = tsWorker(new URL('./interpretThread.ts', import.meta.url), {
    ...spec,
    ahead: spec.ahead ?? 2,
  });
  const queue: InterpretThreadMessage[] = [];
  // Set by the worker's events (an object: the loop below must read them afresh).
  const ended: { failure?: Error; exited: boolean } = { exited: false };
  let wake: (() => void) | undefined;
  const rouse = () => {
    wake?.();
    wake = undefined;
  };
  worker.on('message', (message: InterpretThreadMessage) => {
    queue.push(message);
    rouse();
  });
  worker.on('error', (error) => {
    ended.failure = error;
    rouse();
  });
  worker.on('exit', () => {
    ended.exited = true;
    rouse();
  });
  try {
    for (;;) {
      while (queue.length === 0 && !ended.failure && !ended.exited)
        await new Promise<void>((resolve) => (wake = resolve));
      const message = queue.shift();
      if (!message) throw ended.failure ?? new Error('interpret thread ended without finishing the file');
      if ('error' in message) {
        const { code, params, problems, message: text } = message.error;
        throw code ? new AppError(code, params, problems) : new Error(text);
      }
      if ('done' in message) return;
      worker.postMessage({ more: 1 });
      yield unpackBatch(message.batch);
    }
  } finally {
    worker.removeAllListeners();
    // An error it may still raise while stopping has no one left to tell.
    worker.on('error', () => undefined);
    await worker.terminate();
  }
}
