/**
 * Work orders under load (issue 8's bar): 100 signed-in users — 20 township staff and 80 village
 * workers in Rongcheng (371082) — dispatch and handle orders for BENCH_SECONDS (default 60) over
 * real HTTP on loopback, then a count check: every 2xx creation and transition the clients saw is
 * one row of work_order_events, each order's events run 1..version and replay to its stored state.
 * In the same run, on the same server: the practical limit (the same 100 clients on the cheapest
 * authenticated read, GET /api/auth/me) and the service called in-process without HTTP.
 * The clients run in a worker thread (their own event loop) so that the server's thread serves
 * requests only. Run: npm run bench:workorders (BENCH_DB=sqlite|postgres|both, BENCH_SECONDS,
 * BENCH_LIMIT_SECONDS, BENCH_DIRECT_SECONDS, BENCH_BACKLOG).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMainThread, parentPort, type Worker } from 'node:worker_threads';
import pg from 'pg';
import { sql } from 'kysely';
import { loadConfig } from '../src/core/config.ts';
import { testFieldCipher } from '../src/core/fieldCipher.ts';
import { nextMessage, tsWorker } from '../src/core/tsWorker.ts';
import { createDatabase, type DatabaseHandle } from '../src/db/createDatabase.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { WorkOrderOutcome, WorkOrderStatus } from '../src/db/schema.ts';
import { buildApp } from '../src/http/app.ts';
import type { AppContext } from '../src/http/appContext.ts';
import { loadVariableCatalogue } from '../src/registry/variables/variableCatalogue.ts';
import { loadPortraitDefinitions } from '../src/portrait/portraitDefinitions.ts';
import { loadFeeds } from '../src/ingest/feeds/loadFeeds.ts';
import { readCountyDivisions } from '../src/areas/chinaDivision.ts';
import { importAreaRecords } from '../src/areas/importAreas.ts';
import { listChildren } from '../src/areas/areaRepository.ts';
import { defaultSecurityPolicy } from '../src/access/auth/securityPolicy.ts';
import { createSettingsProvider } from '../src/settings/settingsService.ts';
import { DEMO_PASSWORD, setupDemoAccounts } from '../src/access/users/setupAccounts.ts';
import { ensureAreaOrganisations } from '../src/access/users/areaOrganisations.ts';
import { findOrganisationByArea } from '../src/access/users/userRepository.ts';
import { createUser } from '../src/access/users/userService.ts';
import { flushAudit } from '../src/access/audit/auditWriter.ts';
import { countAuditRecords } from '../src/access/audit/auditRepository.ts';
import { loadPool } from '../src/rules/policies/loadPool.ts';
import { loadWarnings } from '../src/discovery/loadWarnings.ts';
import { loadDiscoveryModels } from '../src/discovery/loadDiscoveryModels.ts';
import { PoolHolder } from '../src/rules/policies/poolHolder.ts';
import { AssessmentModels } from '../src/assessment/assessmentModels.ts';
import { createWorkOrders } from '../src/workorders/createWorkOrders.ts';
import { departmentsNamed } from '../src/workorders/routingRules.ts';
import { replay, type RecordedEvent, type WorkOrderAction } from '../src/workorders/workOrderLifecycle.ts';
import { findOrder } from '../src/workorders/workOrderRepository.ts';
import type { WorkActor } from '../src/workorders/workOrders.ts';

const COUNTY = '371082';
const TOWNSHIPS = 20;
const VILLAGES_PER_TOWNSHIP = 4;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const LIMIT_SECONDS = Number(process.env.BENCH_LIMIT_SECONDS ?? 10);
const DIRECT_SECONDS = Number(process.env.BENCH_DIRECT_SECONDS ?? 10);
/** Open orders a dispatcher keeps per village: new ones are made as old ones close. */
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 3);
const PG_URL = process.env.ZHULIAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

// ---------------------------------------------------------------------------------------------
// What the main thread and the clients' thread say to each other.

interface Village {
  areaCode: string;
  organisationId: string;
}
interface DispatcherUser {
  token: string;
  villages: Village[];
}
interface HandlerUser {
  token: string;
  village: Village;
}
type ToClients =
  | {
      kind: 'workload';
      base: string;
      seconds: number;
      backlog: number;
      dispatchers: DispatcherUser[];
      handlers: HandlerUser[];
    }
  | { kind: 'limit'; base: string; seconds: number; path: string; tokens: string[] }
  | { kind: 'stop' };

interface RunError {
  action: string;
  status: number;
  detail: string;
}
interface Measured {
  /** From the first request to the end of the last one (the in-flight ones finish after the clock). */
  wallMs: number;
  /** Latencies in ms by action, every request (errors too). */
  latencies: Record<string, number[]>;
  errors: RunError[];
  conflicts: number;
}
interface WorkloadResult extends Measured {
  /** 2xx creations (each is a create and a dispatch event) and 2xx transitions. */
  creations: number;
  transitions: number;
  closed: number;
  /** Every order the clients saw, with the version of the last 2xx answer about it. */
  versions: Map<string, number>;
}
type FromClients =
  { kind: 'ready' } | { kind: 'workload'; result: WorkloadResult } | { kind: 'limit'; result: Measured };

// ---------------------------------------------------------------------------------------------
// The clients: 100 async loops in a worker thread, Node's fetch (undici, connections kept alive).

interface OrderJson {
  id: string;
  areaCode: string;
  organisationId: string | null;
  status: WorkOrderStatus;
  version: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class Recorder {
  readonly latencies: Record<string, number[]> = {};
  readonly errors: RunError[] = [];
  conflicts = 0;

  constructor(
    readonly base: string,
    readonly deadline: number,
  ) {}

  over(): boolean {
    return performance.now() >= this.deadline;
  }

  /** One request; its answer's JSON when the status is the expected one, else undefined (an error). */
  async call<T>(
    action: string,
    token: string,
    method: 'GET' | 'POST',
    url: string,
    expected: number,
    body?: object,
  ): Promise<T | undefined> {
    const started = performance.now();
    let status = 0;
    let text = '';
    try {
      const res = await fetch(this.base + url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      status = res.status;
      text = await res.text();
    } catch (error) {
      text = String(error);
    }
    (this.latencies[action] ??= []).push(performance.now() - started);
    if (process.env.BENCH_DEBUG && performance.now() - started > 1000) console.log('slow', action, Math.round(started - this.deadline), Math.round(performance.now() - started), status);
    if (status === expected) return JSON.parse(text) as T;
    if (status === 409) this.conflicts++;
    this.error(action, status, text);
    return undefined;
  }

  error(action: string, status: number, detail: string): void {
    this.errors.push({ action, status, detail: detail.slice(0, 300) });
  }
}

async function workload(message: Extract<ToClients, { kind: 'workload' }>): Promise<WorkloadResult> {
  const started = performance.now();
  const r = new Recorder(message.base, started + message.seconds * 1000);
  const versions = new Map<string, number>();
  let creations = 0;
  let transitions = 0;
  let closed = 0;
  const act = async (token: string, order: OrderJson, version: number, input: Record<string, unknown>) => {
    const action = input.action as WorkOrderAction;
    const after = await r.call<OrderJson>(
      action,
      token,
      'POST',
      `/api/work-orders/${order.id}/actions`,
      200,
      {
        ...input,
        version,
      },
    );
    if (!after) return undefined;
    transitions++;
    versions.set(order.id, after.version);
    if (after.version !== version + 1) r.error(action, 200, `version ${after.version} after ${version}`);
    return after;
  };

  const dispatcher = async (u: DispatcherUser, i: number) => {
    const open = new Map(u.villages.map((v) => [v.areaCode, 0]));
    let n = 0;
    while (!r.over()) {
      let busy = false;
      const list = await r.call<{ items: OrderJson[] }>(
        'list resolved',
        u.token,
        'GET',
        '/api/work-orders?box=all&status=resolved&limit=50',
        200,
      );
      for (const o of list?.items ?? []) {
        if (r.over()) break;
        const mine = open.get(o.areaCode);
        // Each township has one dispatcher here, so its scope holds only its own villages' orders.
        if (mine === undefined) {
          r.error('list resolved', 200, `order ${o.id} of ${o.areaCode} is not this dispatcher's`);
          continue;
        }
        busy = true;
        const verified = await act(u.token, o, o.version, { action: 'verify' });
        if (!verified || r.over()) continue;
        const done = await act(u.token, o, verified.version, { action: 'close' });
        if (!done) continue;
        open.set(o.areaCode, mine - 1);
        closed++;
      }
      for (const v of u.villages) {
        if (r.over() || (open.get(v.areaCode) ?? 0) >= message.backlog) continue;
        busy = true;
        const created = await r.call<OrderJson>('create+dispatch', u.token, 'POST', '/api/work-orders', 201, {
          source: 'manual',
          title: `基准工单 ${String(i)}-${String(++n)}`,
          areaCode: v.areaCode,
          organisationId: v.organisationId,
        });
        if (!created) continue;
        creations++;
        versions.set(created.id, created.version);
        open.set(v.areaCode, (open.get(v.areaCode) ?? 0) + 1);
        if (created.status !== 'dispatched' || created.version !== 2)
          r.error('create+dispatch', 201, `${created.status} at version ${created.version}`);
      }
      if (!busy) await sleep(20 + ((i * 7 + n) % 31));
    }
  };

  const handler = async (u: HandlerUser, i: number) => {
    let n = 0;
    while (!r.over()) {
      const list = await r.call<{ items: OrderJson[] }>(
        'list dispatched',
        u.token,
        'GET',
        '/api/work-orders?box=mine&status=dispatched&limit=50',
        200,
      );
      const items = list?.items ?? [];
      if (items.length === 0) await sleep(20 + ((i * 7 + n++) % 31));
      for (const o of items) {
        if (o.organisationId !== u.village.organisationId || o.areaCode !== u.village.areaCode) {
          r.error('list dispatched', 200, `order ${o.id} of ${o.areaCode} is not this village's`);
          continue;
        }
        if (r.over()) break;
        const accepted = await act(u.token, o, o.version, { action: 'accept' });
        if (!accepted || r.over()) continue;
        const started = await act(u.token, o, accepted.version, { action: 'start' });
        if (!started || r.over()) continue;
        // Outcomes alternate: not eligible (with the reason) and referred (with the provider).
        await act(
          u.token,
          o,
          started.version,
          n++ % 2 === 0
            ? { action: 'resolve', outcome: 'not_eligible', note: '家庭收入超过低保标准' }
            : { action: 'resolve', outcome: 'referred', outcomeProvider: '荣成市慈善总会' },
        );
      }
    }
  };

  await Promise.all([
    ...message.dispatchers.map((u, i) => dispatcher(u, i)),
    ...message.handlers.map((u, i) => handler(u, i)),
  ]);
  return {
    wallMs: performance.now() - started,
    latencies: r.latencies,
    errors: r.errors,
    conflicts: r.conflicts,
    creations,
    transitions,
    closed,
    versions,
  };
}

async function limit(message: Extract<ToClients, { kind: 'limit' }>): Promise<Measured> {
  const started = performance.now();
  const r = new Recorder(message.base, started + message.seconds * 1000);
  await Promise.all(
    message.tokens.map(async (token) => {
      while (!r.over()) await r.call(message.path, token, 'GET', message.path, 200);
    }),
  );
  return {
    wallMs: performance.now() - started,
    latencies: r.latencies,
    errors: r.errors,
    conflicts: r.conflicts,
  };
}

function clients(): void {
  const port = parentPort;
  if (!port) throw new Error('not a worker');
  port.on('message', (message: ToClients) => {
    const reply = (m: FromClients) => {
      port.postMessage(m);
    };
    if (message.kind === 'workload')
      void workload(message).then((result) => reply({ kind: 'workload', result }));
    else if (message.kind === 'limit') void limit(message).then((result) => reply({ kind: 'limit', result }));
    else port.close();
  });
  port.postMessage({ kind: 'ready' } satisfies FromClients);
}

// ---------------------------------------------------------------------------------------------
// The server side: the database, the users, the app listening on loopback, the checks.

interface Setup {
  context: AppContext;
  dispatchers: (DispatcherUser & { userId: string; organisationId: string; township: string })[];
  handlers: (HandlerUser & { userId: string })[];
  setupMs: number;
}

async function prepare(database: DatabaseHandle): Promise<
  Omit<Setup, 'dispatchers' | 'handlers'> & {
    users: {
      username: string;
      userId: string;
      organisationId: string;
      township: string;
      village?: Village;
    }[];
  }
> {
  const started = performance.now();
  const db = database.db;
  await migrateToLatest(db);
  await importAreaRecords(db, readCountyDivisions(COUNTY), '2023-12-31');
  const county = `${COUNTY}000000`;
  await setupDemoAccounts(db, defaultSecurityPolicy, county);
  const variables = loadVariableCatalogue();
  const portrait = loadPortraitDefinitions(variables);
  const base: Omit<AppContext, 'workOrders'> = {
    config: { ...loadConfig({}), rateLimitPerMinute: 1_000_000 },
    database,
    db,
    cipher: testFieldCipher(),
    variables,
    feeds: loadFeeds(variables),
    portrait,
    rules: new PoolHolder(() => loadPool(variables, portrait)),
    warnings: new PoolHolder(() => loadWarnings(variables, portrait)),
    models: new PoolHolder(() => loadDiscoveryModels(variables, portrait)),
    assessment: new AssessmentModels(db, variables, portrait),
    settings: createSettingsProvider(db),
  };
  const context: AppContext = { ...base, workOrders: createWorkOrders(base) };
  const routed = new Set(departmentsNamed(context.workOrders.routing));
  await ensureAreaOrganisations(
    db,
    county,
    variables.departments.filter((d) => routed.has(d.code)),
  );
  // The first 20 townships (by code) with at least 4 villages, and their first 4 villages.
  const users: {
    username: string;
    userId: string;
    organisationId: string;
    township: string;
    village?: Village;
  }[] = [];
  const plan: {
    username: string;
    role: string;
    organisationId: string;
    township: string;
    village?: Village;
  }[] = [];
  for (const township of await listChildren(db, county)) {
    if (plan.length >= TOWNSHIPS * (1 + VILLAGES_PER_TOWNSHIP)) break;
    const villages = (await listChildren(db, township.code)).slice(0, VILLAGES_PER_TOWNSHIP);
    if (villages.length < VILLAGES_PER_TOWNSHIP) continue;
    const office = await findOrganisationByArea(db, township.code, 'township_office');
    if (!office) throw new Error(`no township office at ${township.code}`);
    const t = String(plan.length / (1 + VILLAGES_PER_TOWNSHIP) + 1).padStart(2, '0');
    plan.push({
      username: `bench_t${t}`,
      role: 'township_staff',
      organisationId: office.id,
      township: township.code,
    });
    for (const [j, v] of villages.entries()) {
      const committee = await findOrganisationByArea(db, v.code, 'village_committee');
      if (!committee) throw new Error(`no village committee at ${v.code}`);
      plan.push({
        username: `bench_v${t}${String(j + 1)}`,
        role: 'village_worker',
        organisationId: committee.id,
        township: township.code,
        village: { areaCode: v.code, organisationId: committee.id },
      });
    }
  }
  if (plan.length < TOWNSHIPS * (1 + VILLAGES_PER_TOWNSHIP))
    throw new Error(
      `only ${plan.length} users planned: too few townships with ${VILLAGES_PER_TOWNSHIP} villages`,
    );
  // Ten at a time: each account hashes its password.
  for (let i = 0; i < plan.length; i += 10)
    await Promise.all(
      plan.slice(i, i + 10).map(async (p) => {
        const user = await createUser(db, defaultSecurityPolicy, {
          username: p.username,
          displayName: p.username,
          organisationId: p.organisationId,
          roleCodes: [p.role],
          password: DEMO_PASSWORD,
          mustChangePassword: false,
        });
        users.push({ ...p, userId: user.id });
      }),
    );
  users.sort((a, b) => a.username.localeCompare(b.username));
  return { context, users, setupMs: performance.now() - started };
}

/** The figures of one set of latencies: count, p50, p95, p99 (nearest rank, ms). */
function percentiles(xs: readonly number[]): { n: number; p50: number; p95: number; p99: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN;
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

interface CheckResult {
  ok: boolean;
  lines: string[];
}

/**
 * The count check: the transitions the clients (and the in-process loop) saw against the rows of
 * work_order_events; every order's events seq 1..version, replayed through the lifecycle to its
 * stored status, organisation and outcome; every order known to a client at its stored version.
 */
async function countCheck(
  database: DatabaseHandle,
  seen: { events: number; versions: Map<string, number> },
): Promise<CheckResult> {
  const db = database.db;
  const problems: string[] = [];
  const { n: events } = await db
    .selectFrom('work_order_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(events) !== seen.events)
    problems.push(`${seen.events} transitions answered 2xx but ${events} rows in work_order_events`);
  const orders = await db
    .selectFrom('work_orders')
    .select(['id', 'status', 'organisation_id', 'outcome', 'version'])
    .execute();
  const rows = await db
    .selectFrom('work_order_events')
    .select(['order_id', 'seq', 'action', 'to_status', 'organisation_id', 'detail_json', 'note'])
    .orderBy('order_id')
    .orderBy('seq')
    .execute();
  const byOrder = new Map<string, RecordedEvent[]>();
  for (const e of rows) {
    const list = byOrder.get(e.order_id) ?? [];
    list.push(e as RecordedEvent);
    byOrder.set(e.order_id, list);
  }
  for (const o of orders) {
    const history = byOrder.get(o.id) ?? [];
    byOrder.delete(o.id);
    try {
      if (history.length !== o.version || history.some((e, i) => e.seq !== i + 1))
        throw new Error(`seq ${history.map((e) => e.seq).join(',')} for version ${o.version}`);
      const state = replay(history);
      if (
        state.status !== o.status ||
        state.organisationId !== o.organisation_id ||
        state.outcome !== (o.outcome as WorkOrderOutcome | null)
      )
        throw new Error(
          `replay gives ${state.status}/${String(state.outcome)}, stored ${o.status}/${String(o.outcome)}`,
        );
      const known = seen.versions.get(o.id);
      if (known !== o.version)
        throw new Error(`clients last saw version ${String(known)}, stored version ${o.version}`);
    } catch (error) {
      problems.push(`order ${o.id}: ${(error as Error).message}`);
    }
  }
  for (const id of byOrder.keys()) problems.push(`events of order ${id}, which does not exist`);
  for (const id of seen.versions.keys())
    if (!orders.some((o) => o.id === id)) problems.push(`order ${id} answered 2xx but not stored`);
  const closed = orders.filter((o) => o.status === 'closed').length;
  const lines = [
    `count check: ${seen.events.toLocaleString('en')} transitions answered 2xx, ${Number(events).toLocaleString('en')} rows in work_order_events; ` +
      `${orders.length.toLocaleString('en')} orders (${closed.toLocaleString('en')} closed), each with seq 1..version, replayed to its stored state, at the version its client last saw: ` +
      (problems.length === 0 ? 'OK' : `FAILED (${problems.length} problems)`),
    ...problems.slice(0, 10).map((p) => `  ${p}`),
  ];
  return { ok: problems.length === 0, lines };
}

interface DatabaseFigures {
  label: string;
  ok: boolean;
  wallS: number;
  requests: number;
  transitions: number;
  closed: number;
  errors: number;
  conflicts: number;
  all: ReturnType<typeof percentiles>;
  writes: ReturnType<typeof percentiles>;
  limitPerS: number;
  limit: ReturnType<typeof percentiles>;
  directPerS: number;
  direct: ReturnType<typeof percentiles>;
  connections: number;
}

const fmt = (x: number, digits = 0) =>
  Number.isFinite(x)
    ? x.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '—';

async function measure(label: string, database: DatabaseHandle): Promise<DatabaseFigures> {
  const { context, users, setupMs } = await prepare(database);
  const db = database.db;
  const dispatchers: Setup['dispatchers'] = [];
  const handlers: Setup['handlers'] = [];

  const app = await buildApp({ context });
  let connections = 0;
  app.server.on('connection', () => {
    connections++;
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('not listening on a port');
  const base = `http://127.0.0.1:${String(address.port)}`;

  // Sign-in goes through the route itself (app.inject): it allows 20 attempts a minute per
  // address, so each user comes from an address of its own, as 100 people at their desks would.
  for (const [i, u] of users.entries()) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: u.username, password: DEMO_PASSWORD },
      remoteAddress: `10.8.${String(Math.floor(i / 200))}.${String((i % 200) + 1)}`,
    });
    if (res.statusCode !== 200) throw new Error(`${u.username} could not sign in: ${res.body}`);
    const token = res.json<{ token: string }>().token;
    if (u.village) handlers.push({ token, village: u.village, userId: u.userId });
    else
      dispatchers.push({
        token,
        villages: users.filter((v) => v.village && v.township === u.township).flatMap((v) => v.village ?? []),
        userId: u.userId,
        organisationId: u.organisationId,
        township: u.township,
      });
  }
  console.log(
    `\n${label}: set up in ${fmt(setupMs / 1000, 1)} s — ${dispatchers.length} township staff in ${new Set(dispatchers.map((d) => d.township)).size} townships, ` +
      `${handlers.length} village workers in ${new Set(handlers.map((h) => h.village.areaCode)).size} villages, all signed in; server ${base}`,
  );

  const clientThread: Worker = tsWorker(new URL(import.meta.url), null);
  const ask = async <K extends FromClients['kind']>(message: ToClients, kind: K) => {
    const reply = nextMessage<FromClients>(clientThread);
    clientThread.postMessage(message);
    const answer = await reply;
    if (answer.kind !== kind) throw new Error(`expected ${kind}, got ${answer.kind}`);
    return answer as Extract<FromClients, { kind: K }>;
  };
  const ready = await nextMessage<FromClients>(clientThread);
  if (ready.kind !== 'ready') throw new Error('client thread did not start');

  // 1. The workload.
  const auditBefore = await countAuditRecords(db);
  const loadStart = os.loadavg()[0] ?? 0;
  connections = 0;
  const inspector = await import('node:inspector/promises');
  const session = new inspector.Session();
  if (process.env.BENCH_PROFILE) { session.connect(); await session.post('Profiler.enable'); await session.post('Profiler.start'); }
  const elu = { server: performance.eventLoopUtilization(), clients: clientThread.performance.eventLoopUtilization() };
  const { result: w } = await ask(
    {
      kind: 'workload',
      base,
      seconds: SECONDS,
      backlog: BACKLOG,
      dispatchers: dispatchers.map(({ token, villages }) => ({ token, villages })),
      handlers: handlers.map(({ token, village }) => ({ token, village })),
    },
    'workload',
  );
  const workloadConnections = connections;
  if (process.env.BENCH_PROFILE) { const { profile } = await session.post('Profiler.stop'); fs.writeFileSync(`/tmp/wo-${database.dialect}.cpuprofile`, JSON.stringify(profile)); }
  const busy = {
    server: performance.eventLoopUtilization(elu.server).utilization,
    clients: clientThread.performance.eventLoopUtilization(elu.clients).utilization,
  };
  await flushAudit(db);
  const audited = (await countAuditRecords(db)) - auditBefore;
  const loadEnd = os.loadavg()[0] ?? 0;
  const events = w.creations * 2 + w.transitions;
  const check = await countCheck(database, { events, versions: w.versions });
  const wallS = w.wallMs / 1000;
  const requests = Object.values(w.latencies).reduce((s, xs) => s + xs.length, 0);
  const writeActions = ['create+dispatch', 'accept', 'start', 'resolve', 'verify', 'close'];
  const all = percentiles(Object.values(w.latencies).flat());
  const writes = percentiles(writeActions.flatMap((a) => w.latencies[a] ?? []));

  console.log(
    `workload: ${SECONDS} s (+${fmt(wallS - SECONDS, 2)} s for the requests in flight), load average ${loadStart.toFixed(2)} → ${loadEnd.toFixed(2)}, ` +
      `${workloadConnections} TCP connections opened (keep-alive: ${fmt(requests / Math.max(1, workloadConnections))} requests each)`,
  );
  console.log(
    `  ${fmt(requests)} requests = ${fmt(requests / wallS)}/s; ${fmt(events)} transitions (events) = ${fmt(events / wallS)}/s ` +
      `(${fmt(w.creations)} create+dispatch × 2 + ${fmt(w.transitions)} actions); ${fmt(w.closed)} orders closed end to end = ${fmt(w.closed / wallS, 1)}/s; ` +
      `${fmt(audited)} audit records`,
  );
  console.log(
    `  event loop busy: server thread ${fmt(busy.server * 100)} %, clients' thread ${fmt(busy.clients * 100)} %; errors ${w.errors.length}, conflicts (409) ${w.conflicts}`,
  );
  for (const e of w.errors.slice(0, 10)) console.log(`    ${e.action} → ${e.status}: ${e.detail}`);
  console.log('  action            |       n |  p50 ms |  p95 ms |  p99 ms');
  const row = (name: string, p: ReturnType<typeof percentiles>) => {
    console.log(
      `  ${name.padEnd(17)} | ${fmt(p.n).padStart(7)} | ${fmt(p.p50, 1).padStart(7)} | ${fmt(p.p95, 1).padStart(7)} | ${fmt(p.p99, 1).padStart(7)}`,
    );
  };
  for (const action of [...writeActions, 'list dispatched', 'list resolved'])
    row(action, percentiles(w.latencies[action] ?? []));
  row('all writes', writes);
  row('all requests', all);
  for (const line of check.lines) console.log(line);

  // 2. The practical limit: the same clients, the cheapest authenticated read, same server.
  connections = 0;
  const { result: l } = await ask(
    {
      kind: 'limit',
      base,
      seconds: LIMIT_SECONDS,
      path: '/api/auth/me',
      tokens: [...dispatchers, ...handlers].map((u) => u.token),
    },
    'limit',
  );
  const limitN = Object.values(l.latencies).reduce((s, xs) => s + xs.length, 0);
  const limitPerS = limitN / (l.wallMs / 1000);
  const limitP = percentiles(Object.values(l.latencies).flat());
  console.log(
    `practical limit: GET /api/auth/me, 100 clients × ${LIMIT_SECONDS} s: ${fmt(limitPerS)} requests/s, p50 ${fmt(limitP.p50, 1)} ms, p99 ${fmt(limitP.p99, 1)} ms, ` +
      `errors ${l.errors.length}, ${connections} new connections`,
  );
  for (const e of l.errors.slice(0, 5)) console.log(`    ${e.action} → ${e.status}: ${e.detail}`);

  // 3. Direct: the same lifecycle on the service in-process, one loop, no HTTP, no auth, no audit.
  const d = dispatchers[0];
  const dv = d?.villages[0];
  const h = handlers.find((x) => x.village.areaCode === dv?.areaCode);
  if (!d || !dv || !h) throw new Error('no dispatcher and handler for the direct loop');
  const dispatcherActor: WorkActor = {
    userId: d.userId,
    organisationId: d.organisationId,
    canDispatch: true,
  };
  const handlerActor: WorkActor = { userId: h.userId, organisationId: dv.organisationId, canDispatch: false };
  const steps: [WorkActor, Parameters<AppContext['workOrders']['act']>[1]][] = [
    [handlerActor, { action: 'accept' }],
    [handlerActor, { action: 'start' }],
    [handlerActor, { action: 'resolve', outcome: 'not_eligible', note: '家庭收入超过低保标准' }],
    [dispatcherActor, { action: 'verify' }],
    [dispatcherActor, { action: 'close' }],
  ];
  const directTimes: number[] = [];
  let directEvents = 0;
  const directVersions = new Map(w.versions);
  const directStart = performance.now();
  const directEnd = directStart + DIRECT_SECONDS * 1000;
  while (performance.now() < directEnd) {
    let t = performance.now();
    const id = await context.workOrders.create(
      {
        source: 'manual',
        type: 'manual',
        title: '基准工单 直接调用',
        description: null,
        householdId: null,
        personId: null,
        areaCode: dv.areaCode,
        priority: 'normal',
        slaWorkingDays: context.workOrders.defaultSla,
        organisationId: dv.organisationId,
        callerName: null,
        callerPhone: null,
        coHandlers: [],
      },
      dispatcherActor,
    );
    // A create-and-dispatch is two transitions; each is charged half of the call.
    const createMs = performance.now() - t;
    directTimes.push(createMs / 2, createMs / 2);
    directEvents += 2;
    for (const [actor, input] of steps) {
      t = performance.now();
      const scope =
        actor === handlerActor
          ? { kind: 'only' as const, areaCode: dv.areaCode }
          : { kind: 'within' as const, areaCode: d.township };
      const orderRow = await findOrder(db, id, scope);
      if (!orderRow) throw new Error(`order ${id} not found in the direct loop`);
      await context.workOrders.act(orderRow, input, actor, new Date(), orderRow.version);
      directTimes.push(performance.now() - t);
      directEvents++;
    }
    directVersions.set(id, 7);
  }
  const directS = (performance.now() - directStart) / 1000;
  const directPerS = directEvents / directS;
  const direct = percentiles(directTimes);
  console.log(
    `direct: the service in-process (findOrder + act, create with dispatch), 1 loop × ${DIRECT_SECONDS} s: ${fmt(directPerS)} transitions/s, ` +
      `p50 ${fmt(direct.p50 * 1000)} µs, p99 ${fmt(direct.p99 * 1000)} µs per transition`,
  );
  const recheck = await countCheck(database, { events: events + directEvents, versions: directVersions });
  console.log(`after the direct loop, ${recheck.lines.join('\n')}`);

  clientThread.postMessage({ kind: 'stop' } satisfies ToClients);
  await clientThread.terminate();
  await app.close();
  const eventsPerS = events / wallS;
  console.log(
    `ratios: our transitions/s = ${fmt((eventsPerS / limitPerS) * 100, 1)} % of the limit's requests/s; our requests/s = ${fmt((requests / wallS / limitPerS) * 100, 1)} %; ` +
      `HTTP transitions/s = ${fmt((eventsPerS / directPerS) * 100, 1)} % of the in-process loop's (100 users vs 1 loop); ` +
      `p50 write ${fmt(writes.p50, 1)} ms over HTTP vs ${fmt(direct.p50, 2)} ms direct`,
  );
  return {
    label,
    ok: check.ok && recheck.ok && w.errors.length === 0 && l.errors.length === 0,
    wallS,
    requests,
    transitions: events,
    closed: w.closed,
    errors: w.errors.length,
    conflicts: w.conflicts,
    all,
    writes,
    limitPerS,
    limit: limitP,
    directPerS,
    direct,
    connections: workloadConnections,
  };
}

async function main(): Promise<void> {
  const wanted = process.env.BENCH_DB ?? 'both';
  if (!['sqlite', 'postgres', 'both'].includes(wanted))
    throw new Error(`BENCH_DB must be sqlite, postgres or both, not ${wanted}`);
  const cpus = os.cpus();
  console.log(
    `Work orders — ${new Date().toISOString()}; nproc ${os.availableParallelism()}, ${cpus[0]?.model ?? '?'}, ${fmt(os.totalmem() / 1024 ** 3)} GiB, ` +
      `Node ${process.version}; load average ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
  );
  console.log(
    `100 users (${TOWNSHIPS} township staff, ${TOWNSHIPS * VILLAGES_PER_TOWNSHIP} village workers), ${SECONDS} s over HTTP on loopback, ` +
      `backlog ${BACKLOG} open orders a village; limit ${LIMIT_SECONDS} s; direct ${DIRECT_SECONDS} s`,
  );
  const results: DatabaseFigures[] = [];
  if (wanted !== 'postgres') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-bench-'));
    const sqlite = createDatabase({ sqliteFile: path.join(dir, 'bench.db') });
    try {
      results.push(await measure('SQLite (file, WAL)', sqlite));
    } finally {
      await sqlite.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  if (wanted !== 'sqlite') {
    const schema = `bench_workorders_${String(process.pid)}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    try {
      const postgres = createDatabase({ url: PG_URL, schema });
      try {
        const version = await sql<{ v: string }>`show server_version`.execute(postgres.db);
        results.push(await measure(`PostgreSQL ${version.rows[0]?.v.split(' ')[0] ?? ''}`, postgres));
      } finally {
        await postgres.close();
      }
    } finally {
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    }
  }

  console.log(
    `\nSummary (load average at the end ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')})`,
  );
  console.log(
    'database           | transitions/s | orders closed/s | requests/s | write p50/p95/p99 ms | all p99 ms | errors | limit req/s | ours/limit | direct tr/s | check',
  );
  for (const r of results)
    console.log(
      `${r.label.padEnd(18)} | ${fmt(r.transitions / r.wallS).padStart(13)} | ${fmt(r.closed / r.wallS, 1).padStart(15)} | ${fmt(r.requests / r.wallS).padStart(10)} | ` +
        `${`${fmt(r.writes.p50, 1)} / ${fmt(r.writes.p95, 1)} / ${fmt(r.writes.p99, 1)}`.padStart(20)} | ${fmt(r.all.p99, 1).padStart(10)} | ${String(r.errors + r.conflicts).padStart(6)} | ` +
        `${fmt(r.limitPerS).padStart(11)} | ${`${fmt((r.transitions / r.wallS / r.limitPerS) * 100, 1)} %`.padStart(10)} | ${fmt(r.directPerS).padStart(11)} | ${r.ok ? 'OK' : 'FAILED'}`,
    );
  if (results.some((r) => !r.ok)) {
    console.error('FAILED: errors, conflicts or a failed count check (see above)');
    process.exitCode = 1;
  }
}

if (isMainThread) await main();
else clients();
