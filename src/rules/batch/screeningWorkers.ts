import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { nextMessage, tsWorker } from '../../core/tsWorker.ts';
import type { RulePool } from '../evaluate/explainPolicies.ts';
import type { LoadPoolOptions } from '../policies/loadPool.ts';
import type { PopulationSnapshot } from './populationSnapshot.ts';
import { mergeTallies, type PolicyTally } from './screenPopulation.ts';
import type { WorkerRequest } from './screeningWorker.ts';
import type { ParameterChange } from '../parameters/overlayParameters.ts';
import { emptyTotals, mergeTotals, type ScenarioTotals } from './scenarioTotals.ts';
import type { Townships } from './simulateSnapshot.ts';

type Reply = { ready: true } | { tallies: PolicyTally[] } | { totals: ScenarioTotals } | { error: string };

const nextReply = (worker: Worker) => nextMessage<Reply>(worker);

/**
 * Worker threads for the batch path, started once and kept warm: each holds the compiled pool;
 * a screening splits the snapshot's households between them (the snapshot's arrays are shared
 * memory, not copied) and merges their tallies.
 */
export class ScreeningWorkers {
  private constructor(private readonly workers: Worker[]) {}

  static async start(
    pool: RulePool,
    options: { threads?: number; poolOptions?: LoadPoolOptions } = {},
  ): Promise<ScreeningWorkers> {
    const threads = Math.max(1, options.threads ?? os.availableParallelism());
    const workers = Array.from({ length: threads }, () =>
      tsWorker(new URL('./screeningWorker.ts', import.meta.url), {
        poolOptions: options.poolOptions ?? {},
        version: pool.version,
      }),
    );
    const replies = await Promise.all(workers.map(nextReply));
    const failed = replies.find((r): r is { error: string } => 'error' in r);
    if (failed) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw new Error(failed.error);
    }
    return new ScreeningWorkers(workers);
  }

  get threads(): number {
    return this.workers.length;
  }

  /** The snapshot's households split evenly between the threads, each answering for its share. */
  private async split(
    snapshot: PopulationSnapshot,
    request: (from: number, to: number) => WorkerRequest,
  ): Promise<Reply[]> {
    const n = snapshot.households;
    const share = Math.ceil(n / this.workers.length);
    return Promise.all(
      this.workers.map(async (worker, i) => {
        const reply = nextReply(worker);
        worker.postMessage(request(Math.min(n, i * share), Math.min(n, (i + 1) * share)));
        const answer = await reply;
        if ('error' in answer) throw new Error(answer.error);
        return answer;
      }),
    );
  }

  /** Every household of the snapshot against the pool, split evenly between the threads. */
  async screen(snapshot: PopulationSnapshot): Promise<PolicyTally[]> {
    const replies = await this.split(snapshot, (from, to) => ({ kind: 'screen', snapshot, from, to }));
    return mergeTallies(
      replies.map((answer) => {
        if (!('tallies' in answer)) throw new Error('工作线程应答异常');
        return answer.tallies;
      }),
    );
  }

  /** A what-if (scenario `changes`) over every household of the snapshot, split between the threads. */
  async simulate(
    snapshot: PopulationSnapshot,
    changes: ParameterChange[],
    townships: Townships,
  ): Promise<ScenarioTotals> {
    const replies = await this.split(snapshot, (from, to) => ({
      kind: 'whatIf',
      snapshot,
      from,
      to,
      changes,
      townships,
    }));
    const totals = emptyTotals();
    for (const answer of replies) {
      if (!('totals' in answer)) throw new Error('工作线程应答异常');
      mergeTotals(totals, answer.totals);
    }
    return totals;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
