import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { AppError } from '../core/appError.ts';
import { todayInChina } from '../core/isoDate.ts';
import { databaseOptionsOf } from '../db/createDatabase.ts';
import type { ScreeningRunTable } from '../db/schema.ts';
import type { AppContext } from '../http/appContext.ts';
import { screenChunk, type ChunkRequest, type ChunkResult, type ScreeningRules } from './screenChunk.ts';
import { addTally, type AssessmentTally } from '../assessment/assessChunk.ts';
import { insertSnapshots } from '../assessment/assessmentRepository.ts';
import { acquireThreads, releaseThreads, type ScreeningThreads } from './screeningThreads.ts';
import {
  applyFindingChanges,
  findRun,
  householdsToScreen,
  insertRun,
  latestBaseRun,
  updateRun,
} from './discoveryRepository.ts';
import {
  currentHouseholdsOf,
  currentMarks,
  personsChangedSince,
  type RegistryMarks,
} from '../portrait/portraitRepository.ts';

/**
 * A run's data version: how far the registry had moved when it started — the newest fact and
 * hukou membership ids and the latest person edit (`fact/membership/person`). Facts and
 * memberships only grow, so the next incremental run screens exactly what changed after it.
 */
export function encodeMarks(marks: RegistryMarks): string {
  return `${String(marks.factMark)}/${String(marks.membershipMark)}/${marks.personMark}`;
}

export function decodeMarks(version: string): RegistryMarks | null {
  const [fact, membership, person] = version.split('/');
  if (fact === undefined || membership === undefined || person === undefined) return null;
  const factMark = Number(fact);
  const membershipMark = Number(membership);
  if (!Number.isInteger(factMark) || !Number.isInteger(membershipMark)) return null;
  return { factMark, membershipMark, personMark: person };
}

export type ScreeningContext = Pick<
  AppContext,
  'db' | 'variables' | 'portrait' | 'feeds' | 'rules' | 'warnings' | 'models' | 'assessment' | 'settings'
>;

export interface ScreeningRequest {
  trigger: ScreeningRunTable['trigger'];
  startedBy: string;
  /** Screen an area's subtree; null for every household. */
  areaCode?: string | null;
  /** Screen only these hukou households (an incremental run after facts changed). */
  householdIds?: string[];
  asOf?: string;
  /**
   * Screening threads: 0 screens in the run's own thread; a number starts that many (the run
   * fails if they cannot start). Unset: one per core when the run is large enough to repay
   * starting them (THREADED_FROM) and the database can be opened again from another thread
   * (not an in-memory SQLite database), else none; if they cannot start, none.
   */
  threads?: number;
  /** Households per chunk (default CHUNK). */
  chunkSize?: number;
}

/** Households per chunk: read, decided, compared and written together (one transaction). */
const CHUNK = 250;

/** From how many households a run starts screening threads (starting them takes seconds). */
const THREADED_FROM = 2_000;

/**
 * The run in progress in this process: one at a time (a second request is refused, 409). Claimed
 * before the first await, so two requests arriving together cannot both start one.
 */
let busy: { since: string; run: ScreeningRunTable | null } | null = null;

/** The run this process is doing now, if any. */
export function runInProgress(): ScreeningRunTable | null {
  return busy?.run ?? null;
}

/**
 * Starts a screening run: every household in scope (or the ones named) against the pool, the
 * warnings and the models in force, chunk by chunk (screenChunk.ts: findings decided with the
 * compiled closures, explained when written) — in screening threads when the run is large —
 * each chunk's findings compared with the stored ones and the changes written with the run's
 * progress in one transaction, by this thread. Returns at
 * once with the run on record; `done` settles when it ends (failed runs keep their error).
 */
export async function startScreening(
  context: ScreeningContext,
  request: ScreeningRequest,
): Promise<{ run: ScreeningRunTable; done: Promise<ScreeningRunTable> }> {
  if (busy) throw new AppError('SCREENING_IN_PROGRESS', { startedAt: busy.since });
  const claim = { since: new Date().toISOString(), run: null as ScreeningRunTable | null };
  busy = claim;
  try {
    return await screen(context, request, claim);
  } catch (error) {
    busy = null;
    throw error;
  }
}

async function screen(
  context: ScreeningContext,
  request: ScreeningRequest,
  claim: { run: ScreeningRunTable | null },
): Promise<{ run: ScreeningRunTable; done: Promise<ScreeningRunTable> }> {
  const { db } = context;
  const pool = context.rules.pool;
  const warnings = context.warnings.pool;
  const models = context.models.pool;
  const asOf = request.asOf ?? todayInChina();
  const households = await householdsToScreen(db, request.areaCode ?? null, request.householdIds ?? null);
  const run: ScreeningRunTable = {
    id: randomUUID(),
    trigger: request.trigger,
    status: 'running',
    area_code: request.areaCode ?? null,
    as_of: asOf,
    // All three rule sets: a finding records which pool, warnings and models judged it.
    pool_version: `${pool.version}+${warnings.version}+${models.version}`,
    data_version: encodeMarks(await currentMarks(db)),
    started_by: request.startedBy,
    started_at: new Date().toISOString(),
    finished_at: null,
    households_total: households.length,
    households_done: 0,
    results: 0,
    findings_new: 0,
    findings_changed: 0,
    findings_superseded: 0,
    findings_current: 0,
    error: null,
  };
  await insertRun(db, run);
  claim.run = run;
  const watchMargin = Number(await context.settings.value('discovery.watchMarginPercent')) / 100;
  const rules: ScreeningRules = { pool, warnings, models, assessment: await context.assessment.active() };
  const size = Math.max(1, request.chunkSize ?? CHUNK);
  const chunkOf = (i: number): ChunkRequest => ({
    households: households.slice(i, i + size),
    asOf,
    watchMargin,
    runId: run.id,
    poolVersion: run.pool_version,
    dataVersion: run.data_version,
  });
  const work = async (): Promise<ScreeningRunTable> => {
    const counts = { done: 0, results: 0, found: 0, changed: 0, superseded: 0, current: 0 };
    const tallies = new Map<string, AssessmentTally>();
    let threads: ScreeningThreads | null = null;
    try {
      threads = await startThreads(context, rules, households.length, request.threads);
      const write = async (
        chunk: ChunkRequest,
        { changes, results, assessments, tallies: t }: ChunkResult,
      ) => {
        for (const tally of t) {
          const key = `${tally.modelId}|${tally.areaCode}`;
          const into = tallies.get(key);
          if (into) addTally(into, tally);
          else tallies.set(key, tally);
        }
        counts.done += chunk.households.length;
        counts.results += results;
        counts.found += changes.counts.found;
        counts.changed += changes.counts.changed;
        counts.superseded += changes.counts.superseded;
        counts.current += changes.counts.current;
        await applyFindingChanges(db, changes, assessments, run.id, {
          households_done: counts.done,
          results: counts.results,
          findings_new: counts.found,
          findings_changed: counts.changed,
          findings_superseded: counts.superseded,
          findings_current: counts.current,
        });
      };
      if (!threads)
        for (let i = 0; i < households.length; i += size) {
          const chunk = chunkOf(i);
          await write(chunk, await screenChunk(context, rules, chunk));
        }
      else {
        // Two chunks waiting per thread keep every thread busy while this one writes; the
        // changes are written in the order the chunks were sent.
        const inFlight: { chunk: ChunkRequest; result: Promise<ChunkResult> }[] = [];
        const ahead = threads.threads * 2;
        let next = 0;
        while (next < households.length || inFlight.length > 0) {
          while (next < households.length && inFlight.length < ahead) {
            const chunk = chunkOf(next);
            const result = threads.screen(chunk);
            result.catch(() => undefined); // awaited below; a failure ends the run there
            inFlight.push({ chunk, result });
            next += size;
          }
          const head = inFlight.shift();
          if (head) await write(head.chunk, await head.result);
        }
      }
      // A run of every household of an area is a period's picture of its hardship: totals by
      // township (an incremental run's few households are not).
      if (!request.householdIds)
        await insertSnapshots(
          db,
          [...tallies.values()].map((t) => ({
            run_id: run.id,
            model_id: t.modelId,
            model_version: t.modelVersion,
            as_of: asOf,
            taken_at: new Date().toISOString(),
            area_code: t.areaCode,
            households: t.households,
            population: t.population,
            poor: t.poor,
            score_sum: t.scoreSum,
            censored_json: JSON.stringify(t.censored),
            uncensored_json: JSON.stringify(t.uncensored),
            missing_json: JSON.stringify(t.missing),
          })),
        );
      await updateRun(db, run.id, { status: 'completed', finished_at: new Date().toISOString() });
    } catch (error) {
      await updateRun(db, run.id, {
        status: 'failed',
        finished_at: new Date().toISOString(),
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      if (threads) releaseThreads(threads);
      busy = null;
    }
    return (await findRun(db, run.id)) ?? run;
  };
  return { run, done: work() };
}

/** The screening threads a run uses, or null to screen in its own thread (see `threads`). */
async function startThreads(
  context: ScreeningContext,
  rules: ScreeningRules,
  households: number,
  requested: number | undefined,
): Promise<ScreeningThreads | null> {
  if (requested === 0) return null;
  const database = databaseOptionsOf(context.db);
  if (requested !== undefined) {
    if (!database) throw new Error('内存数据库不能由筛查线程打开');
    return acquireThreads(database, rules, requested);
  }
  const cores = os.availableParallelism();
  if (!database || cores < 2 || households < THREADED_FROM) return null;
  // Threads that cannot start (rules edited since the server loaded them) leave the run to
  // this thread: the same findings, more slowly.
  return acquireThreads(database, rules, cores).catch(() => null);
}

/**
 * The incremental run: the hukou households of every person touched since the last run that
 * saw everything (a full run, or the incremental run after it) — a new fact about them or their
 * assistance household, a new membership, an edit of their record — and only those. Null when
 * nothing changed, no full run exists yet, or a run is in progress (the next call catches up).
 */
export async function screenChanges(
  context: ScreeningContext,
  asOf?: string,
): Promise<{ run: ScreeningRunTable; done: Promise<ScreeningRunTable> } | null> {
  if (busy) return null;
  const { db } = context;
  const base = await latestBaseRun(db);
  const since = base ? decodeMarks(base.data_version) : null;
  if (!since) return null;
  const until = await currentMarks(db);
  if (encodeMarks(until) === encodeMarks(since)) return null;
  const changed = await personsChangedSince(db, since, until);
  const householdIds = [...new Set((await currentHouseholdsOf(db, changed)).values())];
  // A run with no household still records the marks, so the same change is not looked at again.
  try {
    return await startScreening(context, {
      trigger: 'incremental',
      startedBy: 'system',
      householdIds,
      ...(asOf ? { asOf } : {}),
    });
  } catch (error) {
    // Another run started while this one looked for changes: the next call catches up.
    if (error instanceof AppError && error.code === 'SCREENING_IN_PROGRESS') return null;
    throw error;
  }
}
