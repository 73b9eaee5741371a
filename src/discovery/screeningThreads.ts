import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { nextMessage, tsWorker } from '../core/tsWorker.ts';
import type { DatabaseOptions } from '../db/createDatabase.ts';
import type { ChunkRequest, ChunkResult, ScreeningRules } from './screenChunk.ts';
import type { ThreadReply, ThreadRequest } from './screeningThread.ts';
import { activeKey, AssessmentModels } from '../assessment/assessmentModels.ts';

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
  private closing = false;

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
      // A thread that ends unasked is of no further use: what it was sent fails, and so does
      // anything sent to it later (the next run starts new threads).
      worker.on('exit', (code) => {
        if (!this.closing) fail(new Error(`筛查线程意外退出（${String(code)}）`));
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
      assessment: activeKey(rules.assessment),
    };
    // The assessment models come from the database (users edit them): a thread is handed the
    // definitions the run holds rather than reading them again, and compiles them itself.
    const assessment = AssessmentModels.sources(rules.assessment);
    const workers = Array.from({ length: Math.max(1, threads) }, () =>
      tsWorker(new URL('./screeningThread.ts', import.meta.url), { database, versions, assessment }),
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

  /** Whether a thread has failed (the threads are then of no further use). */
  get failed(): boolean {
    return this.failure !== null;
  }

  /** Keeps the process alive while a run waits on the threads (the CLI's `screen`). */
  ref(): void {
    for (const w of this.workers) w.ref();
  }

  /** Lets the process end while the threads wait, idle, for the next run. */
  unref(): void {
    for (const w of this.workers) w.unref();
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
    this.closing = true;
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

/** How long idle threads are kept for the next run before they end. */
const IDLE_MS = 10 * 60_000;

let warm: { key: string; threads: Promise<ScreeningThreads>; idle: NodeJS.Timeout | null } | null = null;

/**
 * Screening threads for a run, kept warm between runs: starting them costs seconds (each loads
 * and compiles the rules; their code then warms up), which a daily run on a county would pay
 * every time. Threads started for other rules (a pool reloaded since) or another database are
 * ended and new ones started. Hand them back with `releaseThreads` when the run ends.
 */
export async function acquireThreads(
  database: DatabaseOptions,
  rules: ScreeningRules,
  count: number,
): Promise<ScreeningThreads> {
  const key = JSON.stringify([
    database,
    rules.pool.version,
    rules.warnings.version,
    rules.models.version,
    activeKey(rules.assessment),
    count,
  ]);
  if (warm?.key !== key) {
    const old = warm;
    if (old?.idle) clearTimeout(old.idle);
    warm = { key, threads: ScreeningThreads.start(database, rules, count), idle: null };
    if (old) void old.threads.then((t) => t.close()).catch(() => undefined);
  }
  const mine = warm;
  if (mine.idle) clearTimeout(mine.idle);
  mine.idle = null;
  let threads: ScreeningThreads;
  try {
    threads = await mine.threads;
  } catch (error) {
    if (warm === mine) warm = null;
    throw error;
  }
  if (threads.failed) {
    // A thread failed in an earlier run: these end, and new ones start.
    if (warm === mine) warm = null;
    void threads.close();
    return acquireThreads(database, rules, count);
  }
  threads.ref();
  return threads;
}

/** Threads back from a run: kept for the next one (ended after IDLE_MS idle) unless no longer wanted. */
export function releaseThreads(threads: ScreeningThreads): void {
  const mine = warm;
  if (mine === null) {
    void threads.close();
    return;
  }
  void mine.threads.then((current) => {
    if (current !== threads || warm !== mine) {
      void threads.close();
      return;
    }
    threads.unref();
    mine.idle = setTimeout(() => {
      if (warm === mine) warm = null;
      void threads.close();
    }, IDLE_MS);
    mine.idle.unref();
  });
}
