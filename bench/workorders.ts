/**
 * Work orders under load (issue 8's bar): 100 signed-in users — 20 township staff and 80 village
 * workers in Rongcheng (371082) — dispatch and handle orders for BENCH_SECONDS (default 60) over
 * real HTTP on loopback; then the count check: the creations and transitions the clients saw
 * answered 2xx equal the rows of work_order_events, and every order's events run 1..version,
 * replay through the lifecycle to its stored state and end at the version its client last saw.
 * In the same run, on the same server, half before and half after the workload: the practical
 * limit (the same 100 clients on the cheapest authenticated read, GET /api/auth/me) and the same
 * lifecycle called on the service in-process by one loop (no HTTP, no sign-in check, no audit).
 * The clients run in a worker thread (their own event loop), so the server's thread only serves.
 * Run: npm run bench:workorders (BENCH_DB=sqlite|postgres|both, BENCH_SECONDS, BENCH_LIMIT_SECONDS,
 * BENCH_DIRECT_SECONDS, BENCH_WARMUP_SECONDS, BENCH_BACKLOG; ZHULIAN_TEST_PG_URL as for the tests).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMainThread, parentPort } from 'node:worker_threads';
import pg from 'pg';
import { sql } from 'kysely';
import { loadConfig } from '../src/core/config.ts';
import { testFieldCipher } from '../src/core/fieldCipher.ts';
import { nextMessage, tsWorker } from '../src/core/tsWorker.ts';
import { createDatabase, type DatabaseHandle } from '../src/db/createDatabase.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { WorkOrderStatus } from '../src/db/schema.ts';
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
import { replay, type ActionInput, type RecordedEvent } from '../src/workorders/workOrderLifecycle.ts';
import { findOrder } from '../src/workorders/workOrderRepository.ts';
import type { WorkActor } from '../src/workorders/workOrders.ts';

const COUNTY = '371082';
const TOWNSHIPS = 20;
const VILLAGES_PER_TOWNSHIP = 4;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const LIMIT_SECONDS = Number(process.env.BENCH_LIMIT_SECONDS ?? 10);
const DIRECT_SECONDS = Number(process.env.BENCH_DIRECT_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
/** Open orders a dispatcher keeps per village: a new one is made whenever one closes. */
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 3);
const PG_URL = process.env.ZHULIAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const LIMIT_PATH = '/api/auth/me';
const WRITES = ['create+dispatch', 'accept', 'start', 'resolve', 'verify', 'close'];

// ---------------------------------------------------------------------------------------------
// What the server's thread and the clients' thread say to each other.

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
  /** Every token on `path` for `seconds`; with seconds 0, once each (the warm-up). */
  | { kind: 'limit'; base: string; seconds: number; path: string; tokens: string[] }
  | { kind: 'stop' };

interface RunError {
  action: string;
  status: number;
  detail: string;
}
interface Measured {
  /** From the first request to the end of the last (the ones in flight finish after the clock). */
  wallMs: number;
  /** Latencies in ms by action, of every request (errors too). */
  latencies: Record<string, number[]>;
  errors: RunError[];
  conflicts: number;
}
interface WorkloadResult extends Measured {
  /** 2xx create-and-dispatch calls (two events each) and 2xx actions (one each). */
  creations: number;
  transitions: number;
  closed: number;
  /** Every order the clients made, at the version of the last 2xx answer about it. */
  versions: Map<string, number>;
}
type FromClients =
  { kind: 'ready' } | { kind: 'workload'; result: WorkloadResult } | { kind: 'limit'; result: Measured };

// ---------------------------------------------------------------------------------------------
// The clients: 100 async loops in a worker thread on Node's fetch (undici keeps connections alive).

interface OrderJson {
  id: string;
  areaCode: string;
  organisationId: string | null;
  status: WorkOrderStatus;
  version: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const requestCount = (m: Measured) => Object.values(m.latencies).reduce((s, xs) => s + xs.length, 0);

class Recorder {
  readonly latencies: Record<string, number[]> = {};
  readonly errors: RunError[] = [];
  conflicts = 0;
  readonly started = performance.now();
  readonly deadline: number;

  constructor(
    readonly base: string,
    seconds: number,
  ) {
    this.deadline = this.started + seconds * 1000;
  }

  over(): boolean {
    return performance.now() >= this.deadline;
  }

  /** One request: its answer's JSON when the status is the one expected; else an error and undefined. */
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
    let text: string;
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
    if (status === expected) return JSON.parse(text) as T;
    if (status === 409) this.conflicts++;
    this.error(action, status, text);
    return undefined;
  }

  error(action: string, status: number, detail: string): void {
    this.errors.push({ action, status, detail: detail.slice(0, 300) });
  }

  measured(): Measured {
    return {
      wallMs: performance.now() - this.started,
      latencies: this.latencies,
      errors: this.errors,
      conflicts: this.conflicts,
    };
  }
}

async function workload(message: Extract<ToClients, { kind: 'workload' }>): Promise<WorkloadResult> {
  const r = new Recorder(message.base, message.seconds);
  const versions = new Map<string, number>();
  let creations = 0;
  let transitions = 0;
  let closed = 0;
  /** One action on an order, with the version from the previous answer; the answer or undefined. */
  const act = async (token: string, orderId: string, version: number, input: ActionInput) => {
    const after = await r.call<OrderJson>(
      input.action,
      token,
      'POST',
      `/api/work-orders/${orderId}/actions`,
      200,
      { ...input, version },
    );
    if (!after) return undefined;
    transitions++;
    versions.set(orderId, after.version);
    if (after.version !== version + 1)
      r.error(input.action, 200, `version ${after.version} after ${version}`);
    return after;
  };
  const pause = (i: number, n: number) => sleep(20 + ((i * 7 + n) % 31));

  // Township staff: verify and close what their villages resolved, keep BACKLOG orders open a village.
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
        const left = open.get(o.areaCode);
        // One dispatcher a township: its scope holds its own villages' orders and no one else's.
        if (left === undefined) {
          r.error('list resolved', 200, `order ${o.id} of ${o.areaCode} is not this dispatcher's`);
          continue;
        }
        busy = true;
        const verified = await act(u.token, o.id, o.version, { action: 'verify' });
        if (!verified || r.over()) continue;
        if (!(await act(u.token, o.id, verified.version, { action: 'close' }))) continue;
        open.set(o.areaCode, left - 1);
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
      if (!busy) await pause(i, n++);
    }
  };

  // Village workers: accept, start and resolve what was dispatched to them; look again shortly when idle.
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
      if (items.length === 0) await pause(i, n++);
      for (const o of items) {
        if (o.organisationId !== u.village.organisationId || o.areaCode !== u.village.areaCode) {
          r.error('list dispatched', 200, `order ${o.id} of ${o.areaCode} is not this village's`);
          continue;
        }
        if (r.over()) break;
        const accepted = await act(u.token, o.id, o.version, { action: 'accept' });
        if (!accepted || r.over()) continue;
        const started = await act(u.token, o.id, accepted.version, { action: 'start' });
        if (!started || r.over()) continue;
        // Outcomes alternate: not eligible (with the reason) and referred (with the provider).
        await act(
          u.token,
          o.id,
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
  return { ...r.measured(), creations, transitions, closed, versions };
}

async function limit(message: Extract<ToClients, { kind: 'limit' }>): Promise<Measured> {
  const r = new Recorder(message.base, message.seconds);
  await Promise.all(
    message.tokens.map(async (token) => {
      do await r.call(message.path, token, 'GET', message.path, 200);
      while (!r.over());
    }),
  );
  return r.measured();
}

function clients(): void {
  const port = parentPort;
  if (!port) throw new Error('not a worker thread');
  port.on('message', (message: ToClients) => {
    const reply = (m: FromClients) => {
      port.postMessage(m);
    };
    if (message.kind === 'workload')
      void workload(message).then((result) => {
        reply({ kind: 'workload', result });
      });
    else if (message.kind === 'limit')
      void limit(message).then((result) => {
        reply({ kind: 'limit', result });
      });
    else port.close();
  });
  port.postMessage({ kind: 'ready' } satisfies FromClients);
}

// ---------------------------------------------------------------------------------------------
// The server's side: the database and its users, the app on loopback, the in-process loop, the checks.

interface BenchUser {
  username: string;
  role: 'township_staff' | 'village_worker';
  userId: string;
  organisationId: string;
  township: string;
  village?: Village;
}

async function prepare(database: DatabaseHandle): Promise<{ context: AppContext; users: BenchUser[] }> {
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
  // As `zhulian demo` does: a township office per township, a committee per village (this also
  // loads the routing rules and the pools, as a server does before it listens).
  const routed = new Set(departmentsNamed(context.workOrders.routing));
  await ensureAreaOrganisations(
    db,
    county,
    variables.departments.filter((d) => routed.has(d.code)),
  );
  // The first 20 townships (by code) with at least 4 villages: one staff member each, and a
  // worker in each of its first 4 villages.
  const plan: Omit<BenchUser, 'userId'>[] = [];
  for (const township of await listChildren(db, county)) {
    if (plan.length === TOWNSHIPS * (1 + VILLAGES_PER_TOWNSHIP)) break;
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
    throw new Error(`too few townships with ${VILLAGES_PER_TOWNSHIP} villages in ${COUNTY}`);
  const users: BenchUser[] = [];
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
  return { context, users: users.sort((a, b) => a.username.localeCompare(b.username)) };
}

type Percentiles = { n: number; p50: number; p95: number; p99: number };

/** Count, p50, p95 and p99 (nearest rank) of a set of latencies. */
function percentiles(xs: readonly number[]): Percentiles {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN;
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

const fmt = (x: number, digits = 0) =>
  Number.isFinite(x)
    ? x.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '—';

/**
 * The count check: the events answered 2xx (by the clients and the in-process loop) against the
 * rows of work_order_events; every order's events seq 1..version, replayed through the lifecycle
 * to its stored status, organisation and outcome, at the version its client last saw.
 */
async function countCheck(
  database: DatabaseHandle,
  seen: { events: number; versions: Map<string, number> },
): Promise<{ ok: boolean; lines: string[] }> {
  const db = database.db;
  const problems: string[] = [];
  const { n } = await db
    .selectFrom('work_order_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const events = n;
  if (events !== seen.events)
    problems.push(`${seen.events} events answered 2xx but ${events} rows in work_order_events`);
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
    const history = byOrder.get(e.order_id) ?? [];
    history.push(e);
    byOrder.set(e.order_id, history);
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
        state.outcome !== o.outcome
      )
        throw new Error(
          `replay gives ${state.status}/${String(state.outcome)}, stored ${o.status}/${String(o.outcome)}`,
        );
      const known = seen.versions.get(o.id);
      if (known !== o.version)
        throw new Error(`last answered at version ${String(known)}, stored ${o.version}`);
    } catch (error) {
      problems.push(`order ${o.id}: ${(error as Error).message}`);
    }
  }
  for (const id of byOrder.keys()) problems.push(`events of order ${id}, which does not exist`);
  const stored = new Set(orders.map((o) => o.id));
  for (const id of seen.versions.keys())
    if (!stored.has(id)) problems.push(`order ${id} answered 2xx but not stored`);
  const closed = orders.filter((o) => o.status === 'closed').length;
  return {
    ok: problems.length === 0,
    lines: [
      `count check: ${fmt(seen.events)} events answered 2xx, ${fmt(events)} rows in work_order_events; ` +
        `${fmt(orders.length)} orders (${fmt(closed)} closed), each seq 1..version, replayed to its stored state, ` +
        `at the version last answered: ${problems.length === 0 ? 'OK' : `FAILED (${problems.length} problems)`}`,
      ...problems.slice(0, 10).map((p) => `  ${p}`),
    ],
  };
}

interface DatabaseFigures {
  label: string;
  ok: boolean;
  wallS: number;
  requests: number;
  events: number;
  closed: number;
  errors: number;
  conflicts: number;
  all: Percentiles;
  writes: Percentiles;
  limitPerS: number;
  directPerS: number;
  direct: Percentiles;
}

async function measure(label: string, database: DatabaseHandle): Promise<DatabaseFigures> {
  const setupStarted = performance.now();
  const { context, users } = await prepare(database);
  const db = database.db;
  const app = await buildApp({ context });
  let connections = 0;
  app.server.on('connection', () => {
    connections++;
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('not listening on a port');
  const base = `http://127.0.0.1:${String(address.port)}`;

  // Sign-in goes through its route (app.inject): it allows 20 attempts a minute per address, so
  // each user comes from an address of its own, as 100 people at their desks would.
  const tokens = new Map<string, string>();
  // Ten at a time: each sign-in checks a password hash.
  for (let i = 0; i < users.length; i += 10)
    await Promise.all(
      users.slice(i, i + 10).map(async (u, j) => {
        const res = await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username: u.username, password: DEMO_PASSWORD },
          remoteAddress: `10.8.${String(Math.floor((i + j) / 200))}.${String(((i + j) % 200) + 1)}`,
        });
        if (res.statusCode !== 200) throw new Error(`${u.username} could not sign in: ${res.body}`);
        tokens.set(u.userId, res.json<{ token: string }>().token);
      }),
    );
  const tokenOf = (u: BenchUser) => tokens.get(u.userId) ?? '';
  const staff = users.filter((u) => u.role === 'township_staff');
  const workers = users.filter((u) => u.role === 'village_worker');
  const villagesOf = (t: BenchUser) =>
    workers.filter((w) => w.township === t.township).flatMap((w) => w.village ?? []);
  console.log(
    `\n${label}: set up in ${fmt((performance.now() - setupStarted) / 1000, 1)} s — ${staff.length} township staff in ` +
      `${new Set(staff.map((d) => d.township)).size} townships, ${workers.length} village workers in ` +
      `${new Set(workers.map((h) => h.village?.areaCode)).size} villages, all signed in; server ${base}`,
  );

  const clientThread = tsWorker(new URL(import.meta.url), null);
  const ready = nextMessage<FromClients>(clientThread);
  if ((await ready).kind !== 'ready') throw new Error('the clients did not start');
  const ask = async (message: ToClients): Promise<FromClients> => {
    const reply = nextMessage<FromClients>(clientThread);
    clientThread.postMessage(message);
    return reply;
  };
  const allTokens = users.map(tokenOf);
  /** The limit's route for `seconds`, with the server thread's busy time (ms) meanwhile. */
  const limitRun = async (seconds: number): Promise<Measured & { serverMs: number }> => {
    const elu = performance.eventLoopUtilization();
    const answer = await ask({ kind: 'limit', base, seconds, path: LIMIT_PATH, tokens: allTokens });
    if (answer.kind !== 'limit') throw new Error(`the clients answered ${answer.kind} to limit`);
    return { ...answer.result, serverMs: performance.eventLoopUtilization(elu).active };
  };

  // The in-process loop: one order at a time through the whole lifecycle on the service, with the
  // same users' actors and scopes as the routes give them (findOrder in scope, then act).
  const d = staff[0];
  const dv = d ? villagesOf(d)[0] : undefined;
  const h = workers.find((w) => w.village?.areaCode === dv?.areaCode);
  if (!d || !dv || !h) throw new Error('no dispatcher and handler for the in-process loop');
  const dispatcherActor: WorkActor = {
    userId: d.userId,
    organisationId: d.organisationId,
    canDispatch: true,
  };
  const handlerActor: WorkActor = { userId: h.userId, organisationId: dv.organisationId, canDispatch: false };
  const steps: [WorkActor, ActionInput][] = [
    [handlerActor, { action: 'accept' }],
    [handlerActor, { action: 'start' }],
    [handlerActor, { action: 'resolve', outcome: 'not_eligible', note: '家庭收入超过低保标准' }],
    [dispatcherActor, { action: 'verify' }],
    [dispatcherActor, { action: 'close' }],
  ];
  const versions = new Map<string, number>();
  let events = 0;
  const directRun = async (seconds: number) => {
    const times: number[] = [];
    const started = performance.now();
    while (performance.now() < started + seconds * 1000) {
      let t = performance.now();
      const id = await context.workOrders.create(
        {
          source: 'manual',
          type: 'manual',
          title: '基准工单（进程内）',
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
      // A create-and-dispatch is two events: each is charged half of the call.
      const createMs = performance.now() - t;
      times.push(createMs / 2, createMs / 2);
      for (const [actor, input] of steps) {
        t = performance.now();
        const scope =
          actor === handlerActor
            ? { kind: 'only' as const, areaCode: dv.areaCode }
            : { kind: 'within' as const, areaCode: d.township };
        const row = await findOrder(db, id, scope);
        if (!row) throw new Error(`order ${id} not found in the in-process loop`);
        await context.workOrders.act(row, input, actor, new Date(), row.version);
        times.push(performance.now() - t);
      }
      versions.set(id, 2 + steps.length);
      events += 2 + steps.length;
    }
    return { times, seconds: (performance.now() - started) / 1000 };
  };

  // Warm-up, not counted: every user once on the limit's route (opening its connection), then a
  // few seconds of that route and of the in-process loop, so that neither runs its first half cold.
  connections = 0;
  const warm = await limitRun(0);
  const warmConnections = connections;
  const warmLimit = await limitRun(WARMUP_SECONDS);
  await directRun(WARMUP_SECONDS);
  // The practical limit and the in-process loop, first halves.
  const limitBefore = await limitRun(LIMIT_SECONDS / 2);
  const directBefore = await directRun(DIRECT_SECONDS / 2);

  // The workload.
  const auditBefore = await countAuditRecords(db);
  const loadStart = os.loadavg()[0] ?? 0;
  connections = 0;
  const elu = {
    server: performance.eventLoopUtilization(),
    clients: clientThread.performance.eventLoopUtilization(),
  };
  const answer = await ask({
    kind: 'workload',
    base,
    seconds: SECONDS,
    backlog: BACKLOG,
    dispatchers: staff.map((u) => ({ token: tokenOf(u), villages: villagesOf(u) })),
    handlers: workers.flatMap((u) => (u.village ? [{ token: tokenOf(u), village: u.village }] : [])),
  });
  if (answer.kind !== 'workload') throw new Error(`the clients answered ${answer.kind} to workload`);
  const w = answer.result;
  const busy = {
    server: performance.eventLoopUtilization(elu.server),
    clients: clientThread.performance.eventLoopUtilization(elu.clients),
  };
  const workloadConnections = connections;
  const loadEnd = os.loadavg()[0] ?? 0;
  await flushAudit(db);
  const audited = (await countAuditRecords(db)) - auditBefore;
  const workloadEvents = w.creations * 2 + w.transitions;
  events += workloadEvents;
  for (const [id, v] of w.versions) versions.set(id, v);
  const check = await countCheck(database, { events, versions });

  const wallS = w.wallMs / 1000;
  const requests = requestCount(w);
  const all = percentiles(Object.values(w.latencies).flat());
  const writes = percentiles(WRITES.flatMap((a) => w.latencies[a] ?? []));
  console.log(
    `workload: ${SECONDS} s (+${fmt(wallS - SECONDS, 2)} s for the requests in flight), load average ${loadStart.toFixed(2)} → ${loadEnd.toFixed(2)}; ` +
      `event loop busy: server ${fmt(busy.server.utilization * 100)} %, clients ${fmt(busy.clients.utilization * 100)} %; ` +
      `connections opened: ${warmConnections} at the warm-up, ${workloadConnections} during the workload`,
  );
  console.log(
    `  ${fmt(requests)} requests = ${fmt(requests / wallS)}/s; ${fmt(workloadEvents)} transitions (events: ${fmt(w.creations)} create+dispatch × 2 + ${fmt(w.transitions)} actions) = ` +
      `${fmt(workloadEvents / wallS)}/s; ${fmt(w.closed)} orders closed end to end = ${fmt(w.closed / wallS, 1)}/s; ${fmt(audited)} audit records`,
  );
  console.log(`  errors ${w.errors.length} (conflicts 409: ${w.conflicts})`);
  for (const e of w.errors.slice(0, 10)) console.log(`    ${e.action} → ${e.status}: ${e.detail}`);
  console.log('  action            |       n |  p50 ms |  p95 ms |  p99 ms');
  const row = (name: string, p: Percentiles) => {
    console.log(
      `  ${name.padEnd(17)} | ${fmt(p.n).padStart(7)} | ${fmt(p.p50, 1).padStart(7)} | ${fmt(p.p95, 1).padStart(7)} | ${fmt(p.p99, 1).padStart(7)}`,
    );
  };
  for (const action of [...WRITES, 'list dispatched', 'list resolved'])
    row(action, percentiles(w.latencies[action] ?? []));
  row('all writes', writes);
  row('all requests', all);
  for (const line of check.lines) console.log(line);

  // The second halves.
  const limitAfter = await limitRun(LIMIT_SECONDS / 2);
  const directAfter = await directRun(DIRECT_SECONDS / 2);
  clientThread.postMessage({ kind: 'stop' } satisfies ToClients);
  await clientThread.terminate();
  await app.close();

  const rate = (m: Measured) => requestCount(m) / (m.wallMs / 1000);
  const limitPerS =
    (requestCount(limitBefore) + requestCount(limitAfter)) /
    ((limitBefore.wallMs + limitAfter.wallMs) / 1000);
  const limitP = percentiles([limitBefore, limitAfter].flatMap((m) => Object.values(m.latencies).flat()));
  const limitErrors = [warm, warmLimit, limitBefore, limitAfter].flatMap((m) => m.errors);
  console.log(
    `practical limit: GET ${LIMIT_PATH}, the same 100 users, ${fmt(LIMIT_SECONDS / 2, 1)} s before and after: ${fmt(limitPerS)} requests/s ` +
      `(${fmt(rate(limitBefore))} before, ${fmt(rate(limitAfter))} after), p50 ${fmt(limitP.p50, 1)} ms, p99 ${fmt(limitP.p99, 1)} ms, errors ${limitErrors.length}`,
  );
  for (const e of limitErrors.slice(0, 5)) console.log(`    ${e.action} → ${e.status}: ${e.detail}`);
  const directTimes = [...directBefore.times, ...directAfter.times];
  const directPerS = directTimes.length / (directBefore.seconds + directAfter.seconds);
  const direct = percentiles(directTimes);
  console.log(
    `in-process: the same lifecycle on the service (findOrder in scope + act), one loop, ${fmt(DIRECT_SECONDS / 2, 1)} s before and after: ` +
      `${fmt(directPerS)} transitions/s (${fmt(directBefore.times.length / directBefore.seconds)} before, ${fmt(directAfter.times.length / directAfter.seconds)} after), ` +
      `p50 ${fmt(direct.p50, 2)} ms, p99 ${fmt(direct.p99, 2)} ms a transition`,
  );
  const recheck = await countCheck(database, { events, versions });
  console.log(`again at the end, ${recheck.lines.join('\n')}`);
  const perS = workloadEvents / wallS;
  // The server thread's busy time per request: what each costs it (the in-process loop is busy throughout).
  const limitMs =
    (limitBefore.serverMs + limitAfter.serverMs) / (requestCount(limitBefore) + requestCount(limitAfter));
  console.log(
    `server thread busy: ${fmt(limitMs, 2)} ms a GET ${LIMIT_PATH}; ${fmt(busy.server.active / requests, 2)} ms a workload request, ` +
      `${fmt(busy.server.active / workloadEvents, 2)} ms a transition (lists included); in-process ${fmt(1000 / directPerS, 2)} ms a transition`,
  );
  console.log(
    `ratios: workload transitions/s = ${fmt((perS / limitPerS) * 100, 1)} % of the limit's requests/s (workload requests/s ${fmt((requests / wallS / limitPerS) * 100, 1)} %); ` +
      `= ${fmt((perS / directPerS) * 100, 1)} % of the in-process loop's transitions/s; ` +
      `write p50 ${fmt(writes.p50, 1)} ms over HTTP under load vs ${fmt(direct.p50, 2)} ms in-process alone`,
  );
  return {
    label,
    ok: check.ok && recheck.ok && w.errors.length === 0 && w.conflicts === 0 && limitErrors.length === 0,
    wallS,
    requests,
    events: workloadEvents,
    closed: w.closed,
    errors: w.errors.length + limitErrors.length,
    conflicts: w.conflicts,
    all,
    writes,
    limitPerS,
    directPerS,
    direct,
  };
}

async function main(): Promise<void> {
  const wanted = process.env.BENCH_DB ?? 'both';
  if (!['sqlite', 'postgres', 'both'].includes(wanted))
    throw new Error(`BENCH_DB must be sqlite, postgres or both, not ${wanted}`);
  console.log(
    `Work orders — ${new Date().toISOString()}; nproc ${os.availableParallelism()}, ${os.cpus()[0]?.model ?? '?'}, ` +
      `${fmt(os.totalmem() / 1024 ** 3)} GiB, Node ${process.version}; load average ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
  );
  console.log(
    `${TOWNSHIPS + TOWNSHIPS * VILLAGES_PER_TOWNSHIP} users (${TOWNSHIPS} township staff, ${TOWNSHIPS * VILLAGES_PER_TOWNSHIP} village workers) for ${SECONDS} s ` +
      `over HTTP on loopback, ${BACKLOG} open orders a village; limit ${LIMIT_SECONDS} s, in-process ${DIRECT_SECONDS} s (halves before and after), warm-up ${WARMUP_SECONDS} s each`,
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
    // A fresh schema, as the tests make one (src/db/testing/eachDatabase.ts), dropped at the end.
    const schema = `bench_workorders_${String(process.pid)}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    try {
      const postgres = createDatabase({ url: PG_URL, schema });
      try {
        const { rows } = await sql<{ server_version: string }>`show server_version`.execute(postgres.db);
        results.push(await measure(`PostgreSQL ${rows[0]?.server_version.split(' ')[0] ?? ''}`, postgres));
      } finally {
        await postgres.close();
      }
    } finally {
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    }
  }

  console.log(
    `\nSummary (${SECONDS} s; load average at the end ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')})`,
  );
  console.log(
    'database           | transitions/s | closed/s | requests/s | write p50 / p95 / p99 ms | all p99 ms | errors | limit req/s | ours/limit | in-process tr/s | check',
  );
  for (const r of results)
    console.log(
      `${r.label.padEnd(18)} | ${fmt(r.events / r.wallS).padStart(13)} | ${fmt(r.closed / r.wallS, 1).padStart(8)} | ${fmt(r.requests / r.wallS).padStart(10)} | ` +
        `${`${fmt(r.writes.p50, 1)} / ${fmt(r.writes.p95, 1)} / ${fmt(r.writes.p99, 1)}`.padStart(24)} | ${fmt(r.all.p99, 1).padStart(10)} | ` +
        `${String(r.errors).padStart(6)} | ${fmt(r.limitPerS).padStart(11)} | ${`${fmt((r.events / r.wallS / r.limitPerS) * 100, 1)} %`.padStart(10)} | ` +
        `${fmt(r.directPerS).padStart(15)} | ${r.ok ? 'OK' : 'FAILED'}`,
    );
  if (results.some((r) => !r.ok)) {
    console.error('FAILED: errors, conflicts or a failed count check (see above)');
    process.exitCode = 1;
  }
}

if (isMainThread) await main();
else clients();
