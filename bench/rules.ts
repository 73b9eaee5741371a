/**
 * The rules engine against its reference, in one run (issue 5). A county is generated and
 * imported through the department feeds into a fresh SQLite file (not timed); every household
 * is read back as the rules see it (portrait and facts) into memory. Then, on that same
 * in-memory population and the whole pool:
 *   1. cold start: load, check and compile the pool (median of 5);
 *   2. the results of the compiled engine and of @bufbuild/cel are checked identical on every
 *      expression of every policy for every household, before any timing;
 *   3. explain: one household, all policies, with explanations — latency p50 / p99;
 *   4. screening: every expression of every policy for every household, compiled closures on
 *      one thread, against the same loop with @bufbuild/cel's planned programs (the peer gets
 *      its bindings built once per household, as a fair per-record loop would).
 * Run: npm run bench:rules (BENCH_HOUSEHOLDS, default 3,000; BENCH_ROUNDS, default 3).
 * Not in npm test. The peers json-rules-engine and @gorules/zen-engine are not wired in yet.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testFieldCipher } from '../src/core/fieldCipher.ts';
import { createDatabase } from '../src/db/createDatabase.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { readCountyDivisions } from '../src/areas/chinaDivision.ts';
import { importAreaRecords } from '../src/areas/importAreas.ts';
import { loadVariableCatalogue } from '../src/registry/variables/variableCatalogue.ts';
import { loadFeeds } from '../src/ingest/feeds/loadFeeds.ts';
import { loadPortraitDefinitions } from '../src/portrait/portraitDefinitions.ts';
import { generateCountyFeeds } from '../src/generator/generateCountyFeeds.ts';
import { importFeedDirectory } from '../src/ingest/imports/importFeedDirectory.ts';
import { loadPool } from '../src/rules/policies/loadPool.ts';
import { explainSubject, subjectSlots } from '../src/rules/evaluate/explainPolicies.ts';
import { registeredSubjects } from '../src/rules/householdSubject.ts';
import { compareEngines, referenceBindings } from '../src/rules/testing/referenceEvaluation.ts';
import { ERR } from '../src/rules/compile/compileCel.ts';
import type { RuleSubject } from '../src/rules/evaluate/ruleSubject.ts';
import { policyExpressions } from '../src/rules/policies/policyDefinition.ts';

const HOUSEHOLDS = Number(process.env.BENCH_HOUSEHOLDS ?? 3_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const asOf = '2026-11-01';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? 0;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

console.log(
  `Rules benchmark, ${new Date().toISOString()}: ${String(os.cpus().length)} × ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

// The population, through the feeds (not timed).
const variables = loadVariableCatalogue();
const portrait = loadPortraitDefinitions(variables);
const feeds = loadFeeds(variables);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-bench-rules-'));
process.on('exit', () => {
  fs.rmSync(dir, { recursive: true, force: true });
});
await generateCountyFeeds({
  countyCode: '371082',
  households: HOUSEHOLDS,
  seed: 3,
  outDir: dir,
  referenceDate: asOf,
  detail: 'snapshot',
});
const database = createDatabase({ sqliteFile: path.join(dir, 'bench.db') });
await migrateToLatest(database.db);
await importAreaRecords(database.db, readCountyDivisions('371082'), '2023-12-31');
await importFeedDirectory(
  { db: database.db, cipher: testFieldCipher(), variables, feeds },
  path.join(dir, 'feeds'),
  { startedBy: 'bench' },
);
const households = await database.db.selectFrom('hukou_households').select(['id', 'area_code']).execute();
const subjects: RuleSubject[] = [];
for (let i = 0; i < households.length; i += 500)
  subjects.push(
    ...(
      await registeredSubjects(
        { db: database.db, variables, portrait, feeds },
        households.slice(i, i + 500),
        asOf,
      )
    ).values(),
  );
await database.close();
const members = subjects.reduce((n, s) => n + s.members.length, 0);
console.log(
  `Population: ${fmt(subjects.length)} registered households, ${fmt(members)} living members (in memory)`,
);

// 1. Cold start.
const loads: number[] = [];
let pool = loadPool(variables, portrait);
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  pool = loadPool(variables, portrait);
  loads.push(performance.now() - t);
}
const expressions = pool.policies.reduce(
  (n, p) => n + p.criteria.length + p.exceptions.length + (p.amount ? 1 : 0) + (p.enrolment ? 1 : 0),
  0,
);
console.log(
  `Pool: ${String(pool.policies.length)} policies, ${String(expressions)} expressions; cold start (load, check, compile) median ${median(loads).toFixed(0)} ms`,
);

// 2. Identical results before timing.
let compared = 0;
let disagreements = 0;
for (const subject of subjects) {
  const r = compareEngines(pool, subject);
  compared += r.evaluations;
  disagreements += r.disagreements.length;
}
console.log(
  `Checked: ${fmt(compared)} expression evaluations, ${String(disagreements)} disagreements between the compiled engine and @bufbuild/cel`,
);
if (disagreements > 0) throw new Error('the engines disagree: no timing');

// 3. Explain latency.
const latencies: number[] = [];
for (let round = 0; round < ROUNDS; round++)
  for (const subject of subjects) {
    const t = performance.now();
    explainSubject(pool, subject);
    latencies.push(performance.now() - t);
  }
console.log(
  `Explain (one household, all policies, with explanation): p50 ${quantile(latencies, 0.5).toFixed(3)} ms, p99 ${quantile(latencies, 0.99).toFixed(3)} ms, max ${quantile(latencies, 1).toFixed(1)} ms over ${fmt(latencies.length)} calls`,
);

// 4. Screening loops: every expression of every policy, for every household.
const exprsOf = (entity: 'household' | 'person') =>
  pool.policies.filter((p) => p.entity === entity).flatMap(policyExpressions);
const householdExprs = exprsOf('household');
const personExprs = exprsOf('person');

function compiledPass(): number {
  let decided = 0;
  for (const subject of subjects) {
    const { slots, memberValues } = subjectSlots(pool, subject);
    for (const e of householdExprs) if (e.run(slots) !== ERR) decided++;
    for (const m of memberValues) {
      slots[1] = m;
      for (const e of personExprs) if (e.run(slots) !== ERR) decided++;
    }
  }
  return decided;
}

function referencePass(): number {
  let decided = 0;
  for (const subject of subjects) {
    const { base, memberMaps } = referenceBindings(pool, subject);
    for (const e of householdExprs) if (!(e.evaluate(base) instanceof Error)) decided++;
    for (const m of memberMaps) {
      const bindings = { ...base, p: m };
      for (const e of personExprs) if (!(e.evaluate(bindings) instanceof Error)) decided++;
    }
  }
  return decided;
}

const ours: number[] = [];
const theirs: number[] = [];
let decidedOurs = 0;
let decidedTheirs = 0;
for (let round = 0; round < ROUNDS; round++) {
  let t = performance.now();
  decidedOurs = compiledPass();
  ours.push(performance.now() - t);
  t = performance.now();
  decidedTheirs = referencePass();
  theirs.push(performance.now() - t);
}
if (decidedOurs !== decidedTheirs)
  throw new Error(`decided counts differ: ${String(decidedOurs)} vs ${String(decidedTheirs)}`);
const perHousehold = median(ours) / subjects.length;
console.log(
  `Screening pass (every expression, every household, one thread): compiled ${median(ours).toFixed(0)} ms ` +
    `(${fmt(subjects.length / (median(ours) / 1000))} households/s; 1,000,000 households ≈ ${((perHousehold * 1_000_000) / 1000).toFixed(1)} s), ` +
    `@bufbuild/cel per-record loop ${median(theirs).toFixed(0)} ms (${fmt(subjects.length / (median(theirs) / 1000))} households/s); ` +
    `ratio ${(median(theirs) / median(ours)).toFixed(1)}×; decided values ${fmt(decidedOurs)} in both`,
);
