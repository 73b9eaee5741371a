import { parentPort, workerData } from 'node:worker_threads';
import { loadVariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import { loadPortraitDefinitions } from '../../portrait/portraitDefinitions.ts';
import { loadPool, type LoadPoolOptions } from '../policies/loadPool.ts';
import type { PopulationSnapshot } from './populationSnapshot.ts';
import { emptyTallies, planScreening, screenRange, tally } from './screenPopulation.ts';
import { overlayParameters, type ParameterChange } from '../parameters/overlayParameters.ts';
import { emptyTotals } from './scenarioTotals.ts';
import { simulateSnapshot, type Townships } from './simulateSnapshot.ts';

/** Requests a screening worker answers, one at a time: a screening or a what-if of a household range. */
export type WorkerRequest =
  | { kind: 'screen'; snapshot: PopulationSnapshot; from: number; to: number }
  | {
      kind: 'whatIf';
      snapshot: PopulationSnapshot;
      from: number;
      to: number;
      changes: ParameterChange[];
      townships: Townships;
    };

/**
 * A worker thread of the batch path: it loads and compiles the pool once (the same files as the
 * main thread, checked by version), then screens household ranges of snapshots whose arrays
 * live in shared memory, and answers with the tallies.
 */
const { poolOptions, version } = workerData as { poolOptions: LoadPoolOptions; version: string };
const variables = loadVariableCatalogue();
const pool = loadPool(variables, loadPortraitDefinitions(variables), poolOptions);
const port = parentPort;
if (!port) throw new Error('screeningWorker runs as a worker thread');
if (pool.version !== version)
  port.postMessage({ error: `工作线程加载的政策库版本 ${pool.version} 与主线程 ${version} 不一致` });
else port.postMessage({ ready: true });
port.on('message', (request: WorkerRequest) => {
  try {
    if (request.kind === 'whatIf') {
      const totals = emptyTotals();
      simulateSnapshot(
        pool,
        overlayParameters(pool.parameters, request.changes),
        request.changes.map((c) => c.name),
        request.snapshot,
        request.townships,
        totals,
        { from: request.from, to: request.to },
      );
      port.postMessage({ totals });
      return;
    }
    const plan = planScreening(pool, request.snapshot);
    const tallies = emptyTallies(pool);
    screenRange(plan, request.from, request.to, (r) => {
      tally(tallies, r);
    });
    port.postMessage({ tallies });
  } catch (error) {
    port.postMessage({ error: (error as Error).message });
  }
});
