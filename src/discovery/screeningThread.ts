import { parentPort, workerData } from 'node:worker_threads';
import { createDatabase, type DatabaseOptions } from '../db/createDatabase.ts';
import { loadVariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import { loadPortraitDefinitions } from '../portrait/portraitDefinitions.ts';
import { loadFeeds } from '../ingest/feeds/loadFeeds.ts';
import { loadPool } from '../rules/policies/loadPool.ts';
import { loadWarnings } from './loadWarnings.ts';
import { loadDiscoveryModels } from './loadDiscoveryModels.ts';
import { screenChunk, type ChunkRequest, type ChunkResult } from './screenChunk.ts';
import { activeKey, type ActiveModelSource } from '../assessment/assessmentModels.ts';
import { checkAssessmentModel } from '../assessment/checkAssessmentModel.ts';
import { ruleVocabulary } from '../rules/ruleVocabulary.ts';

/** What the run's thread sends a screening thread: a chunk to screen, numbered, or the end. */
export type ThreadRequest = { seq: number; chunk: ChunkRequest } | { close: true };

export type ThreadReply =
  { ready: true } | { seq: number; result: ChunkResult } | { seq: number | null; error: string };

/**
 * A screening thread: it opens its own connection to the run's database, loads and compiles the
 * pool, the warnings and the models from the same files as the run's thread (checked by version:
 * a thread that would judge by other rules refuses to start), then screens the chunks it is
 * sent, one at a time in the order sent, answering with each chunk's changes for the run's
 * thread to write.
 */
const { database, versions, assessment } = workerData as {
  database: DatabaseOptions;
  versions: { pool: string; warnings: string; models: string; assessment: string };
  assessment: ActiveModelSource[];
};
const port = parentPort;
if (!port) throw new Error('screeningThread runs as a worker thread');
const variables = loadVariableCatalogue();
const portrait = loadPortraitDefinitions(variables);
const rules = {
  pool: loadPool(variables, portrait),
  warnings: loadWarnings(variables, portrait),
  models: loadDiscoveryModels(variables, portrait),
  assessment: assessment.flatMap((source) => {
    const checked = checkAssessmentModel(source.definition, {
      vocabulary: ruleVocabulary(variables, portrait),
      catalogue: variables,
    });
    // Left out, it fails the version check below with the run's key beside the thread's.
    return checked.model ? [{ model: checked.model, version: source.version }] : [];
  }),
};
const handle = createDatabase(database);
const context = { db: handle.db, variables, portrait, feeds: loadFeeds(variables) };
const mismatch = (['pool', 'warnings', 'models'] as const).find((k) => rules[k].version !== versions[k]);
if (mismatch)
  port.postMessage({
    seq: null,
    error: `筛查线程加载的规则版本 ${rules[mismatch].version} 与主线程 ${versions[mismatch]} 不一致`,
  } satisfies ThreadReply);
else if (activeKey(rules.assessment) !== versions.assessment)
  port.postMessage({
    seq: null,
    error: `筛查线程编译的评估模型 ${activeKey(rules.assessment)} 与主线程 ${versions.assessment} 不一致`,
  } satisfies ThreadReply);
else port.postMessage({ ready: true } satisfies ThreadReply);

// One chunk at a time: a second request waits for the first (the thread's connection and
// memory serve one chunk), and replies leave in the order requests came.
let queue: Promise<void> = Promise.resolve();
port.on('message', (request: ThreadRequest) => {
  queue = queue.then(async () => {
    if ('close' in request) {
      // The connection closes cleanly (a PostgreSQL pool says goodbye), then the thread ends.
      await handle.close();
      port.close();
      return;
    }
    try {
      const result = await screenChunk(context, rules, request.chunk);
      port.postMessage({ seq: request.seq, result } satisfies ThreadReply);
    } catch (error) {
      port.postMessage({
        seq: request.seq,
        error: error instanceof Error ? error.message : String(error),
      } satisfies ThreadReply);
    }
  });
});
