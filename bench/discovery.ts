/**
 * Discovery against its bars, in one run (issue 6). A county is generated (the demo county's
 * shape: seed 1, one row per person and series) and imported through the department feeds into
 * a fresh SQLite file (not timed). Then:
 *   1. the practical limit: one raw scan of every row a run must read (persons with their hukou
 *      membership, facts valid on the date, assistance memberships) — no resolution, no rules;
 *   2. a full screening run end to end, exactly as the server runs it (`startScreening`): read
 *      each household from the database, resolve its facts and compute its portrait, decide its
 *      findings against the pool, the warnings and the models (explaining those written), assess
 *      it under the active hardship models (issue 7, ADR 0024), diff against the previous
 *      findings (the household's screening digest, and the stored findings where it moved, ADR
 *      0023), write the changes and each household's screening row — first
 *      on an empty findings table, then five times again with nothing changed (the daily run's
 *      usual case), in screening threads as the server runs a county (ADR 0022; their start,
 *      timed alone, is counted once), and once more in the run's own thread alone (no screening
 *      threads, in the same run); the time 1,000,000 households would take at that rate,
 *      against the 120 s;
 *   3. where a run's time goes: loading the households as a run reads them, alone;
 *   4. what-if: the households as a columnar population repeated to BENCH_WHATIF_HOUSEHOLDS
 *      (default 1,000,000), Rongcheng's dibao standard +5 %, on the batch path in worker threads
 *      (started before timing; median of 3) and once on one thread (same totals required),
 *      against the explain path's per-household what-if on the county (the peer), after both
 *      are checked to give the same totals on the county.
 * Run: npm run bench:discovery (BENCH_HOUSEHOLDS, default 5,000). Not in npm test.
 */
import { benchCounty, machineLine } from './benchCounty.ts';
import { loadPool } from '../src/rules/policies/loadPool.ts';
import { PoolHolder } from '../src/rules/policies/poolHolder.ts';
import { loadWarnings } from '../src/discovery/loadWarnings.ts';
import { loadDiscoveryModels } from '../src/discovery/loadDiscoveryModels.ts';
import { createSettingsProvider } from '../src/settings/settingsService.ts';
import { startScreening, type ScreeningContext } from '../src/discovery/screeningRun.ts';
import { screenedHouseholds, type ScreenedHousehold } from '../src/rules/householdSubject.ts';
import type { RuleSubject } from '../src/rules/evaluate/ruleSubject.ts';
import { explainSubject } from '../src/rules/evaluate/explainPolicies.ts';
import { buildSnapshot, poolFields, repeatSnapshot } from '../src/rules/batch/populationSnapshot.ts';
import { overlayParameters } from '../src/rules/parameters/overlayParameters.ts';
import { addHousehold } from '../src/discovery/simulation.ts';
import { emptyTotals } from '../src/rules/batch/scenarioTotals.ts';
import { policiesReading, simulateSnapshot, townshipsOf } from '../src/rules/batch/simulateSnapshot.ts';
import { ScreeningWorkers } from '../src/rules/batch/screeningWorkers.ts';
import { ScreeningThreads } from '../src/discovery/screeningThreads.ts';
import { AssessmentModels } from '../src/assessment/assessmentModels.ts';
import { databaseOptionsOf } from '../src/db/createDatabase.ts';

const HOUSEHOLDS = Number(process.env.BENCH_HOUSEHOLDS ?? 5_000);
const WHATIF = Number(process.env.BENCH_WHATIF_HOUSEHOLDS ?? 1_000_000);
const asOf = '2026-11-01';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const seconds = (ms: number) => (ms / 1000).toFixed(2);

console.log(machineLine('Discovery benchmark'));

// The county, through the feeds (not timed).
const { variables, portrait, feeds, database, importMs } = await benchCounty({
  name: 'discovery',
  households: HOUSEHOLDS,
  seed: 1,
  asOf,
});
const { db } = database;
const count = async (table: 'persons' | 'facts' | 'hukou_households') =>
  Number((await db.selectFrom(table).select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const households = await count('hukou_households');
console.log(
  `County: ${fmt(households)} registered households, ${fmt(await count('persons'))} persons, ${fmt(await count('facts'))} facts (imported in ${seconds(importMs)} s, not timed)`,
);

const pool = loadPool(variables, portrait);
const context: ScreeningContext = {
  db,
  variables,
  portrait,
  feeds,
  rules: new PoolHolder(() => pool),
  warnings: new PoolHolder(() => loadWarnings(variables, portrait)),
  models: new PoolHolder(() => loadDiscoveryModels(variables, portrait)),
  assessment: new AssessmentModels(db, variables, portrait),
  settings: createSettingsProvider(db),
};

// 1. The practical limit: every row a run reads, one raw scan per table.
const rawStarted = performance.now();
const rawRows =
  (
    await db
      .selectFrom('hukou_members')
      .innerJoin('persons', 'persons.id', 'hukou_members.person_id')
      .selectAll('persons')
      .select(['hukou_members.household_id', 'hukou_members.relationship'])
      .where('hukou_members.left_on', 'is', null)
      .execute()
  ).length +
  (await db.selectFrom('facts').selectAll().where('valid_from', '<=', asOf).execute()).length +
  (await db.selectFrom('assistance_members').selectAll().execute()).length;
const rawMs = performance.now() - rawStarted;
console.log(
  `Practical limit: a raw read of ${fmt(rawRows)} rows (facts, memberships, assistance) in ${seconds(rawMs)} s — ${fmt(households / (rawMs / 1000))} households/s`,
);

// 2. Full screening runs, end to end. A run of this size screens in one thread per core
// (ADR 0022), started by the first run and kept warm for the next; starting them is paid once
// however many households follow, so a projection to a million adds it once (also to the runs
// that found them warm) to the rest of the run scaled by households.
const threadStart = async () => {
  const started = performance.now();
  const threads = await ScreeningThreads.start(databaseOptionsOf(db) ?? {}, {
    pool,
    warnings: context.warnings.pool,
    models: context.models.pool,
    assessment: await context.assessment.active(),
  });
  const ms = performance.now() - started;
  await threads.close();
  return { ms, threads: threads.threads };
};
const starts = [await threadStart(), await threadStart()];
const startMs = median(starts.map((s) => s.ms));
console.log(
  `Starting ${String(starts[0]?.threads)} screening threads (each loads and compiles the pool, warnings and models, and opens its connection): ${seconds(startMs)} s (median of 2)`,
);
const run = async (label: string, options: { threads?: number; cold?: boolean } = {}) => {
  const { threads, cold = false } = options;
  const started = performance.now();
  const { done } = await startScreening(context, {
    trigger: 'manual',
    startedBy: 'bench',
    asOf,
    ...(threads === undefined ? {} : { threads }),
  });
  const result = await done;
  const ms = performance.now() - started;
  if (result.status !== 'completed') throw new Error(`run failed: ${result.error ?? '?'}`);
  const fixed = threads === 0 ? 0 : startMs;
  const rate = result.households_done / ((ms - (cold ? fixed : 0)) / 1000);
  const million = fixed / 1000 + 1_000_000 / rate;
  console.log(
    `Screening run (${label}): ${fmt(result.households_done)} households, ${fmt(result.results)} results, ` +
      `${fmt(result.findings_new)} new, ${fmt(result.findings_changed)} changed, ${fmt(result.findings_superseded)} superseded, ` +
      `${fmt(result.findings_current)} current findings in ${seconds(ms)} s — ${fmt(result.households_done / (ms / 1000))} households/s` +
      (cold && fixed ? `, ${fmt(rate)} once the threads run` : '') +
      `; 1,000,000 households: ${fmt(million)} s (bar 120 s)`,
  );
  return million;
};
await run('first, empty findings; starts the threads', { cold: true });
// Five runs: the threads' code is still being optimised by V8 in the first one or two (a run of a
// million households spends a few thousand of them so); the median is their working rate.
const steadyRuns: number[] = [];
for (let i = 0; i < 5; i++) steadyRuns.push(await run('again, nothing changed'));
const steady = median(steadyRuns);
const oneThread = await run('again, nothing changed, in the run’s own thread alone', {
  threads: 0,
});
console.log(
  `Steady run, median of 5: 1,000,000 households in ${fmt(steady)} s (bar 120 s); the threads against the run's own thread: ${(oneThread / steady).toFixed(2)}× faster`,
);

// 3. Loading alone: the households as a run reads them (facts resolved, portrait computed, the
// compiled closures' values), one thread; then (not timed) as the explain path sees them, for 4.
const all = await db.selectFrom('hukou_households').select(['id', 'area_code']).execute();
const subjects: RuleSubject[] = [];
const townships: string[] = [];
const loaded: ScreenedHousehold[] = [];
const loadStarted = performance.now();
for (let i = 0; i < all.length; i += 500) {
  const chunk = all.slice(i, i + 500);
  const screened = await screenedHouseholds(context, chunk, asOf);
  for (const h of chunk) {
    const s = screened.get(h.id);
    if (!s) continue;
    s.values();
    loaded.push(s);
    townships.push(`${h.area_code.slice(0, 9)}000`);
  }
}
const loadMs = performance.now() - loadStarted;
console.log(
  `Loading alone, as a run reads (facts resolved, portrait computed, the closures' values): ${seconds(loadMs)} s — ` +
    `${fmt(loaded.length / (loadMs / 1000))} households/s, ` +
    `${((loadMs / 1000 / (loaded.length / (1_000_000 / oneThread))) * 100).toFixed(0)} % of the run's own thread's steady run`,
);
for (const s of loaded) subjects.push(s.subject());
await database.close();

// 4. What-if: Rongcheng's dibao standard +5 % from 2026-10-01.
const standard = Number(pool.parameters.valueAt('dibao.standard', '371082', asOf)?.value);
const changes = [
  { name: 'dibao.standard', region: '371082', from: '2026-10-01', value: Math.round(standard * 1.05) },
];
const scenario = overlayParameters(pool.parameters, changes);
const names = changes.map((c) => c.name);
const reference = emptyTotals();
const peerStarted = performance.now();
const scenarioPool = { ...pool, parameters: scenario };
subjects.forEach((subject, i) => {
  addHousehold(
    reference,
    townships[i] ?? '',
    explainSubject(pool, subject).results,
    explainSubject(scenarioPool, subject).results,
  );
});
const peerMs = performance.now() - peerStarted;
const county = buildSnapshot(subjects, poolFields(policiesReading(pool, names)));
const check = emptyTotals();
simulateSnapshot(pool, scenario, names, county, townshipsOf(townships), check);
if (
  check.gainers !== reference.gainers ||
  check.losers !== reference.losers ||
  Math.round(check.annualChange) !== Math.round(reference.annualChange)
)
  throw new Error('the batch what-if disagrees with the explain path: no timing');
const times = Math.max(1, Math.round(WHATIF / county.households));
const population = repeatSnapshot(county, times);
const repeated = townshipsOf(Array.from({ length: times }, () => townships).flat());
// Worker threads started (and the pool compiled in each) before timing, as a server keeps them.
const workers = await ScreeningWorkers.start(pool);
const rounds: number[] = [];
let totals = emptyTotals();
for (let round = 0; round < 3; round++) {
  const started = performance.now();
  totals = await workers.simulate(population, changes, repeated);
  rounds.push(performance.now() - started);
}
await workers.close();
const oneThreadTotals = emptyTotals();
const oneStarted = performance.now();
simulateSnapshot(pool, scenario, names, population, repeated, oneThreadTotals);
const oneMs = performance.now() - oneStarted;
if (
  oneThreadTotals.gainers !== totals.gainers ||
  Math.round(oneThreadTotals.annualChange) !== Math.round(totals.annualChange)
)
  throw new Error('worker threads disagree with one thread');
const affected = policiesReading(pool, names).policies.length;
const peerPerHousehold = peerMs / subjects.length;
console.log(
  `What-if (dibao standard ${String(standard)} → ${String(changes[0]?.value)}, ${String(affected)} of ${String(pool.policies.length)} policies read it): ` +
    `checked equal to the explain path on the county (${fmt(reference.gainers)} gainers, ${fmt(reference.losers)} losers, ${fmt(reference.annualChange)} yuan a year); ` +
    `${fmt(population.households)} households on the batch path in ${seconds(median(rounds))} s on ${String(workers.threads)} threads (median of 3; bar 10 s; ` +
    `${seconds(oneMs)} s on one thread, same totals; ` +
    `${fmt(totals.householdsGaining)} households gain, ${fmt(totals.annualChange)} yuan a year) ` +
    `against the explain path's ${(peerPerHousehold * 1000).toFixed(0)} µs a household (${seconds(peerPerHousehold * population.households)} s for the same) — ` +
    `${((peerPerHousehold * population.households) / median(rounds)).toFixed(0)}× faster`,
);
