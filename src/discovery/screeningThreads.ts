import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { nextMessage, tsWorker } from '../core/tsWorker.ts';
import type { DatabaseOptions } from '../db/createDatabase.ts';
import type { ChunkRequest, ChunkResult, ScreeningRules } from './screenChunk.ts';
import type { ThreadReply, ThreadRequest } from './screeningThread.ts';

interface Pending {
  resolve(result: ChunkResult): void;
  reject(error: Error): void;
}

/**
 * Screening threads for one run (ADR 0022): each reads, evaluates and compares chunks of
 * households on its own database connection, so a run uses every core while its own thread
 * writes the changes. A chunk goes to the thread with the fewest chunks waiting.
 */
export class ScreeningThreads {
  private readonly pending: Map<number, Pending>[];
  private seq = 0;
  private failure: Error | null = null;

  private constructor(private readonly workers: Worker[]) {
    this.pending = workers.map(() => new Map<number, Pending>());
    workers.forEach((worker, i) => {
      const waiting = this.pending[i] ?? new Map<number, Pending>();
      const fail = (error: Error) => {
        this.failure ??= error;
        for (const p of waiting.values()) p.reject(error);
        waiting.clear();
      };
      worker.on('message', (reply: ThreadReply) => {
        if (!('seq' in reply) || reply.seq === null) return;
        const p = waiting.get(reply.seq);
        if (!p) return;
        waiting.delete(reply.seq);
        if ('error' in reply) p.reject(new Error(reply.error));
        else p.resolve(reply.result);
      });
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (waiting.size > 0) fail(new Error(`筛查线程意外退出（${String(code)}）`));
      });
    });
  }

  /**
   * Starts `threads` screening threads on the database `database` opens, each with the rules
   * of the run (their versions must match). Rejects if any fails to start; none is left running.
   */
  static async start(
    database: DatabaseOptions,
    rules: ScreeningRules,
    threads = os.availableParallelism(),
  ): Promise<ScreeningThreads> {
    const versions = {
      pool: rules.pool.version,
      warnings: rules.warnings.version,
      models: rules.models.version,
    };
    const workers = Array.from({ length: Math.max(1, threads) }, () =>
      tsWorker(new URL('./screeningThread.ts', import.meta.url), { database, versions }),
    );
    const replies = await Promise.allSettled(workers.map((w) => nextMessage<ThreadReply>(w)));
    const failed = replies
      .map((r) => (r.status === 'rejected' ? String(r.reason) : 'error' in r.value ? r.value.error : null))
      .find((e) => e !== null);
    if (failed !== undefined) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw new Error(failed);
    }
    return new ScreeningThreads(workers);
  }

  get threads(): number {
    return this.workers.length;
  }

  /** Screens one chunk in the least busy thread. */
  screen(chunk: ChunkRequest): Promise<ChunkResult> {
    if (this.failure) return Promise.reject(this.failure);
    let best = 0;
    this.pending.forEach((p, i) => {
      if (p.size < (this.pending[best]?.size ?? 0)) best = i;
    });
    const worker = this.workers[best];
    const waiting = this.pending[best];
    if (!worker || !waiting) return Promise.reject(new Error('no screening thread'));
    const seq = ++this.seq;
    return new Promise<ChunkResult>((resolve, reject) => {
      waiting.set(seq, { resolve, reject });
      worker.postMessage({ seq, chunk } satisfies ThreadRequest);
    });
  }

  /** Ends every thread after the chunks it was sent, each closing its connection. */
  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              void worker.terminate().then(() => {
                resolve();
              });
            }, 10_000);
            worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            worker.postMessage({ close: true } satisfies ThreadRequest);
          }),
      ),
    );
  }
}
