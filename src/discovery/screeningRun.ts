import { randomUUID } from 'node:crypto';
import { AppError } from '../core/appError.ts';
import { todayInChina } from '../core/isoDate.ts';
import type { ScreeningRunTable } from '../db/schema.ts';
import type { AppContext } from '../http/appContext.ts';
import { explainSubject } from '../rules/evaluate/explainPolicies.ts';
import { subjectChunks } from '../rules/householdSubject.ts';
import { conditionFindings, desiredFindings, type DesiredFinding } from './findingRules.ts';
import { planFindingChanges } from './planFindingChanges.ts';
import { findingCandidates } from './findingCandidates.ts';
import {
  applyFindingChanges,
  findingsOfHouseholds,
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
  'db' | 'variables' | 'portrait' | 'feeds' | 'rules' | 'warnings' | 'models' | 'settings'
>;

export interface ScreeningRequest {
  trigger: ScreeningRunTable['trigger'];
  startedBy: string;
  /** Screen an area's subtree; null for every household. */
  areaCode?: string | null;
  /** Screen only these hukou households (an incremental run after facts changed). */
  householdIds?: string[];
  asOf?: string;
}

/** Households per chunk: loaded, explained, compared and written together (one transaction). */
const CHUNK = 250;

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
 * Starts a screening run: every household in scope (or the ones named) against the pool in
 * force, through the explain path, chunk by chunk — each chunk's findings compared with the
 * stored ones and the changes written with the run's progress in one transaction. Returns at
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
  const work = async (): Promise<ScreeningRunTable> => {
    const counts = { done: 0, results: 0, found: 0, changed: 0, superseded: 0, current: 0 };
    try {
      for await (const { households: chunk, subjects } of subjectChunks(context, households, asOf, CHUNK)) {
        const desired = new Map<string, { areaCode: string; findings: DesiredFinding[] }>();
        for (const household of chunk) {
          const subject = subjects.get(household.id);
          if (!subject) continue;
          // Every (policy, subject) pair is evaluated; only those that may call for a finding are
          // explained (findingCandidates.ts) — the same findings, a fraction of the work.
          const inPool = findingCandidates(pool, subject, watchMargin);
          const inWarnings = findingCandidates(warnings, subject, watchMargin);
          const inModels = findingCandidates(models, subject, watchMargin);
          const explanation = explainSubject(pool, subject, inPool.policyIds);
          const warned = explainSubject(warnings, subject, inWarnings.policyIds);
          const listed = explainSubject(models, subject, inModels.policyIds);
          counts.results += inPool.evaluated + inWarnings.evaluated + inModels.evaluated;
          desired.set(household.id, {
            areaCode: household.area_code,
            findings: [
              ...desiredFindings(pool, explanation, { watchMargin }),
              ...conditionFindings(warned, 'warning'),
              ...conditionFindings(listed, 'model'),
            ],
          });
        }
        const changes = planFindingChanges(
          await findingsOfHouseholds(
            db,
            chunk.map((h) => h.id),
          ),
          desired,
          {
            runId: run.id,
            at: new Date().toISOString(),
            poolVersion: run.pool_version,
            dataVersion: run.data_version,
          },
          randomUUID,
        );
        counts.done += chunk.length;
        counts.found += changes.counts.found;
        counts.changed += changes.counts.changed;
        counts.superseded += changes.counts.superseded;
        counts.current += changes.counts.current;
        await applyFindingChanges(db, changes, run.id, {
          households_done: counts.done,
          results: counts.results,
          findings_new: counts.found,
          findings_changed: counts.changed,
          findings_superseded: counts.superseded,
          findings_current: counts.current,
        });
      }
      await updateRun(db, run.id, { status: 'completed', finished_at: new Date().toISOString() });
    } catch (error) {
      await updateRun(db, run.id, {
        status: 'failed',
        finished_at: new Date().toISOString(),
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      busy = null;
    }
    return (await findRun(db, run.id)) ?? run;
  };
  return { run, done: work() };
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
