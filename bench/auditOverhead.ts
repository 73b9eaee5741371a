/**
 * What auditing costs on a person read: GET /api/persons/:id by a signed-in county worker,
 * with the audit hook on versus off, in the same run, on SQLite and on PostgreSQL.
 * Rounds alternate between the two apps so that machine noise hits both alike; the figure
 * is the median of the per-round means. Run: npm run bench:audit
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/core/config.ts';
import { testFieldCipher } from '../src/core/fieldCipher.ts';
import { createDatabase, type DatabaseHandle } from '../src/db/createDatabase.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { buildApp } from '../src/http/app.ts';
import type { AppContext } from '../src/http/appContext.ts';
import { loadVariableCatalogue } from '../src/registry/variables/variableCatalogue.ts';
import { loadPortraitDefinitions } from '../src/portrait/portraitDefinitions.ts';
import { loadFeeds } from '../src/ingest/feeds/loadFeeds.ts';
import { readCountyDivisions } from '../src/areas/chinaDivision.ts';
import { importAreaRecords } from '../src/areas/importAreas.ts';
import { listDescendants, findArea } from '../src/areas/areaRepository.ts';
import { defaultSecurityPolicy } from '../src/access/auth/securityPolicy.ts';
import { createSettingsProvider } from '../src/settings/settingsService.ts';
import { DEMO_PASSWORD, setupDemoAccounts } from '../src/access/users/setupAccounts.ts';
import { createPerson } from '../src/registry/persons/personService.ts';
import { systemScope } from '../src/access/scope/dataScope.ts';
import { makeResidentId } from '../src/registry/residentId/index.ts';
import { flushAudit } from '../src/access/audit/auditWriter.ts';
import { verifyAudit } from '../src/access/audit/auditService.ts';
import { countAuditRecords } from '../src/access/audit/auditRepository.ts';
import { loadPool } from '../src/rules/policies/loadPool.ts';
import { loadWarnings } from '../src/discovery/loadWarnings.ts';
import { loadDiscoveryModels } from '../src/discovery/loadDiscoveryModels.ts';
import { PoolHolder } from '../src/rules/policies/poolHolder.ts';
import { AssessmentModels } from '../src/assessment/assessmentModels.ts';
import { createWorkOrders } from '../src/workorders/createWorkOrders.ts';

const PERSONS = 300;
const REQUESTS_PER_ROUND = Number(process.env.BENCH_REQUESTS ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

async function prepare(database: DatabaseHandle): Promise<{ context: AppContext; personIds: string[] }> {
  await migrateToLatest(database.db);
  await importAreaRecords(database.db, readCountyDivisions('371082'), '2023-12-31');
  await setupDemoAccounts(database.db, defaultSecurityPolicy, '371082000000');
  const county = await findArea(database.db, '371082000000');
  if (!county) throw new Error('county missing');
  const villages = await listDescendants(database.db, county, { level: 'village' });
  const variables = loadVariableCatalogue();
  const portrait = loadPortraitDefinitions(variables);
  const base: Omit<AppContext, 'workOrders'> = {
    config: { ...loadConfig({}), rateLimitPerMinute: 1_000_000 },
    database,
    db: database.db,
    cipher: testFieldCipher(),
    variables,
    feeds: loadFeeds(variables),
    portrait,
    rules: new PoolHolder(() => loadPool(variables, portrait)),
    warnings: new PoolHolder(() => loadWarnings(variables, portrait)),
    models: new PoolHolder(() => loadDiscoveryModels(variables, portrait)),
    assessment: new AssessmentModels(database.db, variables, portrait),
    settings: createSettingsProvider(database.db),
  };
  const context: AppContext = { ...base, workOrders: createWorkOrders(base) };
  const personIds: string[] = [];
  for (let i = 0; i < PERSONS; i++) {
    const village = villages[i % villages.length]?.code ?? null;
    const birth = `19${String(40 + (i % 50))}-0${1 + (i % 9)}-1${i % 9}`;
    const person = await createPerson(
      database.db,
      context.cipher,
      {
        idNumber: makeResidentId('371082', birth, 1 + (i % 999)),
        name: `基准${i}`,
        residenceAreaCode: village,
      },
      systemScope,
    );
    personIds.push(person.id);
  }
  return { context, personIds };
}

/**
 * In-flight requests per app: 1 is the single-request latency; more shows what group commit
 * buys when requests overlap (each still waits for its own record).
 */
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,8').split(',').map(Number);

interface Result {
  label: string;
  concurrency: number;
  on: number;
  off: number;
  /** Median of the on/off ratios of adjacent rounds, which cancels slow drifts in load. */
  pairedOverhead: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function measure(label: string, database: DatabaseHandle): Promise<Result[]> {
  const { context, personIds } = await prepare(database);
  // Both apps share the context and database, so they read the same rows from the same
  // caches; the only difference is the audit hook. Neither writes anything else per request
  // (the session idle clock is written at most once a minute).
  const apps = { on: await buildApp({ context }), off: await buildApp({ context, audit: false }) };
  const tokens = { on: '', off: '' };
  for (const key of ['on', 'off'] as const) {
    const res = await apps[key].inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'county', password: DEMO_PASSWORD },
    });
    tokens[key] = res.json<{ token: string }>().token;
  }
  const round = async (key: 'on' | 'off', concurrency: number): Promise<number> => {
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS_PER_ROUND) {
        const i = next++;
        const res = await apps[key].inject({
          method: 'GET',
          url: `/api/persons/${personIds[i % personIds.length] ?? ''}`,
          headers: { authorization: `Bearer ${tokens[key]}` },
        });
        if (res.statusCode !== 200) throw new Error(`${key}: ${res.statusCode} ${res.body}`);
        if (key === 'on') audited++;
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    // Reads are answered once their record is queued (ADR 0011); the round is charged with
    // writing the last of them too, so no batch spills into the other app's round.
    await flushAudit(context.db);
    // Wall time per request: with concurrency > 1 this is the inverse of throughput.
    return ((performance.now() - started) * 1000) / REQUESTS_PER_ROUND;
  };
  const results: Result[] = [];
  const recordsBefore = await countAuditRecords(context.db);
  let audited = 0;
  for (const concurrency of CONCURRENCY) {
    await round('on', concurrency);
    await round('off', concurrency);
    const times = { on: [] as number[], off: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const key of r % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const))
        times[key].push(await round(key, concurrency));
    }
    results.push({
      label,
      concurrency,
      on: median(times.on),
      off: median(times.off),
      pairedOverhead: median(times.on.map((on, r) => on / (times.off[r] ?? on) - 1)) * 100,
    });
  }
  await apps.on.close();
  await apps.off.close();
  // Every audited read left exactly one record, and the off app none.
  const written = (await countAuditRecords(context.db)) - recordsBefore;
  if (written !== audited) throw new Error(`${label}: ${audited} audited reads but ${written} records`);
  if (!(await verifyAudit(context.db)).ok) throw new Error(`${label}: audit chain broken`);
  return results;
}

// BENCH_DATABASES=sqlite or =postgres runs one of them (for profiling); both by default.
const databases = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',');
const results: Result[] = [];
if (databases.includes('sqlite')) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-bench-'));
  const sqlite = createDatabase({ sqliteFile: path.join(dir, 'bench.db') });
  results.push(...(await measure('SQLite (file, WAL)', sqlite)));
  await sqlite.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
if (databases.includes('postgres')) {
  const pgUrl = process.env.ZHULIAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  try {
    const postgres = createDatabase({ url: pgUrl, schema });
    results.push(...(await measure('PostgreSQL 15 (loopback)', postgres)));
    await postgres.close();
  } finally {
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}

console.log(
  `Person read (GET /api/persons/:id, signed in), ${ROUNDS} rounds × ${REQUESTS_PER_ROUND} requests, median of round means (µs per request)`,
);
console.log('database                  | in flight | audit off µs | audit on µs | overhead | paired');
for (const r of results) {
  const overhead = ((r.on - r.off) / r.off) * 100;
  console.log(
    `${r.label.padEnd(25)} | ${String(r.concurrency).padStart(9)} | ${r.off.toFixed(0).padStart(12)} | ${r.on.toFixed(0).padStart(11)} | ${overhead.toFixed(1).padStart(6)} % | ${r.pairedOverhead.toFixed(1).padStart(4)} %`,
  );
}
