/**
 * The rules engine against its reference, in one run (issue 5). A county is generated and
 * imported through the department feeds into a fresh SQLite file (not timed); every household
 * is read back as the rules see it (portrait and facts) into memory. Then, on that same
 * in-memory population and the whole pool:
 *   1. cold start: load, check and compile the pool (median of 5);
 *   2. the results of the compiled engine and of @bufbuild/cel are checked identical on every
 *      expression of every policy for every household, before any timing;
 *   3. explain: one household, all policies, with explanations — latency p50 / p99 after a
 *      warm-up pass over the population (reported too);
 *   4. screening: every expression of every policy for every household, compiled closures on
 *      one thread, against the same loop with @bufbuild/cel's planned programs (the peer gets
 *      its bindings built once per household, as a fair per-record loop would).
 *   5. the batch path: its results checked identical to the explain path's on the population;
 *      then the population as a columnar snapshot, repeated to BENCH_SCREEN_HOUSEHOLDS
 *      (default 1,000,000), screened against the whole pool in worker threads (threads started
 *      and the pool compiled before timing), and once on one thread, whose tallies must match.
 *   6. the peers json-rules-engine and @gorules/zen-engine on the same policies' criteria, with
 *      pre-flattened facts (bench/peers/flatPolicies.ts), checked against our engine first, on
 *      BENCH_PEER_HOUSEHOLDS (default 300) households.
 * Run: npm run bench:rules (BENCH_HOUSEHOLDS, default 3,000; BENCH_ROUNDS, default 3).
 * Not in npm test.
 */
import os from 'node:os';
import { benchCounty, machineLine } from './benchCounty.ts';
import v8 from 'node:v8';
import { loadPool } from '../src/rules/policies/loadPool.ts';
import { explainSubject, subjectSlots } from '../src/rules/evaluate/explainPolicies.ts';
import { registeredSubjects } from '../src/rules/householdSubject.ts';
import { compareEngines, referenceBindings } from '../src/rules/testing/referenceEvaluation.ts';
import { ERR } from '../src/rules/compile/compileCel.ts';
import type { RuleSubject } from '../src/rules/evaluate/ruleSubject.ts';
import { policyExpressions } from '../src/rules/policies/policyDefinition.ts';
import { compareBatchWithExplain } from '../src/rules/testing/batchAgreement.ts';
import { buildSnapshot, poolFields, repeatSnapshot } from '../src/rules/batch/populationSnapshot.ts';
import {
  emptyTallies,
  planScreening,
  screenRange,
  tally,
  type PolicyTally,
} from '../src/rules/batch/screenPopulation.ts';
import { ScreeningWorkers } from '../src/rules/batch/screeningWorkers.ts';
import { flattenPool } from './peers/flatPolicies.ts';
import { jsonRulesEngine, zenDecision } from './peers/peerEngines.ts';

const HOUSEHOLDS = Number(process.env.BENCH_HOUSEHOLDS ?? 3_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const asOf = '2026-11-01';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? 0;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

console.log(machineLine('Rules benchmark'));

// The population, through the feeds (not timed).
const { variables, portrait, feeds, database } = await benchCounty({
  name: 'rules',
  households: HOUSEHOLDS,
  seed: 3,
  asOf,
});
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

// 3. Explain latency. The first pass over the population is the warm-up (V8 compiles each
// policy's generated code as it gets hot); it is reported, then the timed rounds follow. The
// young generation is the server's (package.json runs both with --max-semi-space-size=64, ADR 0019).
const explainPass = () => {
  const latencies: number[] = [];
  for (const subject of subjects) {
    const t = performance.now();
    explainSubject(pool, subject);
    latencies.push(performance.now() - t);
  }
  return latencies;
};
const warmUp = explainPass();
const latencies: number[] = [];
for (let round = 0; round < ROUNDS; round++) latencies.push(...explainPass());
const semiSpace = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
console.log(
  `Explain (one household, all policies, with explanation): p50 ${quantile(latencies, 0.5).toFixed(3)} ms, p99 ${quantile(latencies, 0.99).toFixed(3)} ms, max ${quantile(latencies, 1).toFixed(1)} ms over ${fmt(latencies.length)} calls ` +
    `after a warm-up pass (p50 ${quantile(warmUp, 0.5).toFixed(3)} ms, p99 ${quantile(warmUp, 0.99).toFixed(3)} ms); new space ${(semiSpace / 2 ** 20).toFixed(0)} MB`,
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

// 5. The batch path: batch and explain results identical on the population, then 1,000,000
// households (the population repeated) from an in-memory columnar snapshot, in worker threads.
const agreement = compareBatchWithExplain(pool, subjects);
console.log(
  `Batch path against explain path: ${fmt(agreement.compared)} policy results, ${String(agreement.disagreements.length)} disagreements; ` +
    `${String(agreement.rowWise.length)} expression(s) without a kernel, run row by row: ${agreement.rowWise.join('; ')}`,
);
if (agreement.disagreements.length > 0)
  throw new Error(`batch and explain differ: ${agreement.disagreements.join('\n')}`);
const base = buildSnapshot(subjects, poolFields(pool));
const TARGET = Number(process.env.BENCH_SCREEN_HOUSEHOLDS ?? 1_000_000);
let t = performance.now();
const population = repeatSnapshot(base, Math.ceil(TARGET / base.households));
console.log(
  `Snapshot: ${fmt(population.households)} households, ${fmt(population.persons)} persons (${String(base.households)} generated households repeated; built in ${fmt(performance.now() - t)} ms, not timed below)`,
);
t = performance.now();
const workers = await ScreeningWorkers.start(pool, { threads: os.availableParallelism() });
const startup = performance.now() - t;
const walls: number[] = [];
let tallies: PolicyTally[] = [];
for (let round = 0; round < ROUNDS; round++) {
  t = performance.now();
  tallies = await workers.screen(population);
  walls.push(performance.now() - t);
}
await workers.close();
// One thread, in process, once: its tallies must equal the workers' (row digests included).
t = performance.now();
const single = emptyTallies(pool);
screenRange(planScreening(pool, population), 0, population.households, (r) => {
  tally(single, r);
});
const oneThread = performance.now() - t;
const identical = single.every((s, i) => {
  const w = tallies[i];
  return w !== undefined && w.digest === s.digest && w.eligible === s.eligible && w.gaps === s.gaps;
});
if (!identical) throw new Error('worker threads and one thread differ');
const sum = (f: (t: PolicyTally) => number) => tallies.reduce((n, x) => n + f(x), 0);
console.log(
  `Batch screening, ${fmt(population.households)} households × ${String(pool.policies.length)} policies (${fmt(sum((x) => x.applicable))} policy results): ` +
    `${String(workers.threads)} worker threads median ${(median(walls) / 1000).toFixed(2)} s (rounds ${walls.map((w) => (w / 1000).toFixed(2)).join(', ')} s; ` +
    `${fmt(population.households / (median(walls) / 1000))} households/s; threads started and pool compiled in ${fmt(startup)} ms, not included); ` +
    `one thread ${(oneThread / 1000).toFixed(2)} s, identical tallies; ${fmt(sum((x) => x.eligible))} eligible, ${fmt(sum((x) => x.gaps))} gaps, ${fmt(sum((x) => x.reviews))} reviews; ` +
    `against the closure screening pass above (${((perHousehold * population.households) / 1000).toFixed(0)} s at its rate): ${((perHousehold * population.households) / median(walls)).toFixed(0)}×`,
);

// 6. The peers, on the same policies: json-rules-engine and @gorules/zen-engine, each given
// pre-flattened facts (fields, parameter values, and every subexpression they cannot express —
// has(), member comprehensions, date functions, arithmetic — computed beforehand by our engine,
// not timed), deciding whether all of each policy's criteria hold. They are checked against our
// compiled engine first, on every (policy, household or member) whose facts are all present.
const PEER_HOUSEHOLDS = Math.min(subjects.length, Number(process.env.BENCH_PEER_HOUSEHOLDS ?? 300));
const flat = flattenPool(pool);
const sample = subjects.slice(0, PEER_HOUSEHOLDS);
const sampleFacts = sample.map((s) => flat.facts(s));
const byEntity = (entity: 'household' | 'person') => flat.policies.filter((p) => p.entity === entity);
const peers = {
  'json-rules-engine': {
    household: jsonRulesEngine(byEntity('household')),
    person: jsonRulesEngine(byEntity('person')),
  },
  '@gorules/zen-engine': {
    household: zenDecision(byEntity('household')),
    person: zenDecision(byEntity('person')),
  },
};
const policyById = new Map(pool.policies.map((p) => [p.id, p]));
for (const [name, peer] of Object.entries(peers)) {
  let checked = 0;
  const differences: string[] = [];
  for (const [i, subject] of sample.entries()) {
    const facts = sampleFacts[i];
    if (!facts) continue;
    const { slots, memberValues } = subjectSlots(pool, subject);
    const compare = (entity: 'household' | 'person', row: Record<string, unknown>, fired: Set<string>) => {
      for (const fp of byEntity(entity)) {
        if ([...fp.facts].some((f) => row[f] === undefined)) continue;
        const policy = policyById.get(fp.id);
        if (!policy) continue;
        checked++;
        const ours = policy.criteria.every((c) => c.test.run(slots) === true);
        if (ours !== fired.has(fp.id)) differences.push(`${fp.id} household ${String(i)}`);
      }
    };
    slots[1] = ERR;
    compare('household', facts.household, await peer.household(facts.household));
    for (const [m, person] of facts.persons.entries()) {
      slots[1] = memberValues[m] ?? ERR;
      compare('person', person, await peer.person(person));
    }
  }
  console.log(
    `${name}: checked against our engine on ${fmt(checked)} decided (policy, subject) pairs, ${String(differences.length)} differences ${differences.slice(0, 3).join('; ')}`,
  );
  if (differences.length > 0) throw new Error(`${name} disagrees: no timing`);
}
const peerRates: Record<string, number> = {};
for (const [name, peer] of Object.entries(peers)) {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    for (const facts of sampleFacts) {
      await peer.household(facts.household);
      for (const person of facts.persons) await peer.person(person);
    }
    times.push(performance.now() - start);
  }
  peerRates[name] = sample.length / (median(times) / 1000);
}
const oursOneThread = population.households / (oneThread / 1000);
const oursThreads = population.households / (median(walls) / 1000);
for (const [name, rate] of Object.entries(peerRates))
  console.log(
    `${name}: ${fmt(rate)} households/s (criteria only, one thread, ${String(sample.length)} households, median of ${String(ROUNDS)}); ` +
      `our batch path ${fmt(oursOneThread)} households/s on one thread: ${(oursOneThread / rate).toFixed(0)}×; ` +
      `${fmt(oursThreads)} households/s on ${String(os.availableParallelism())} threads: ${(oursThreads / rate).toFixed(0)}×`,
  );
