import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import { buildTestApp, injectAs, signIn, testContext, type Inject } from '../http/testing/buildTestApp.ts';
import { importGeneratedCounty } from '../ingest/testing/importGeneratedCounty.ts';
import { startScreening } from '../discovery/screeningRun.ts';
import { ensureAreaOrganisations } from '../access/users/areaOrganisations.ts';
import { createUser } from '../access/users/userService.ts';
import { defaultSecurityPolicy } from '../access/auth/securityPolicy.ts';
import { DEMO_PASSWORD } from '../access/users/setupAccounts.ts';
import { findAuditRecords } from '../access/audit/auditRepository.ts';
import { flushAudit } from '../access/audit/auditWriter.ts';
import { testFieldCipher } from '../core/fieldCipher.ts';
import type { ErrorBody } from '../http/errorHandler.ts';
import { departmentsNamed, routeOf } from './routingRules.ts';
import { replay } from './workOrderLifecycle.ts';
import { systemActor } from './workOrders.ts';

/** A Monday: the clocks count from a working day. */
const asOf = '2026-11-02';

interface Order {
  id: string;
  status: string;
  organisationId: string | null;
  organisationName: string | null;
  findingId: string | null;
  routingRuleId: string | null;
  dueOn: string | null;
  clock: string;
  version: number;
  outcome: string | null;
  escalationLevel: number;
  hukouNumber: string | null;
}
interface Detail extends Order {
  actions: string[];
  callerPhone: string | null;
  parts: { organisationId: string; status: string }[];
  events: { seq: number; action: string; toStatus: string; actorName: string | null; note: string | null }[];
}

const planted: Record<string, string> = {
  medical_cost_over_50000: 'high_medical_cost',
  main_earner_death: 'earner_died',
  new_severe_disability: 'new_severe_disability',
  unemployment_in_dibao_household: 'unemployed_in_assisted_household',
};

describeEachDatabase('work orders', (getDb) => {
  let app: FastifyInstance;
  /** The county worker (buildTestApp signs the app's inject in as county staff). */
  let county: Inject;
  let dir: string;
  const users = new Map<string, Inject>();

  beforeAll(async () => {
    const test = getDb();
    dir = await importGeneratedCounty(test, {
      households: 300,
      seed: 1,
      referenceDate: asOf,
      detail: 'snapshot',
    });
    app = await buildTestApp(test);
    county = (options) => app.inject(options);
    const context = testContext(test);
    const routed = new Set(departmentsNamed(context.workOrders.routing));
    await ensureAreaOrganisations(
      test.db,
      '371082000000',
      context.variables.departments.filter((d) => routed.has(d.code)),
    );
    const run = await (await startScreening(context, { trigger: 'manual', startedBy: 'test', asOf })).done;
    expect(run.status).toBe('completed');
  }, 240_000);
  afterAll(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A signed-in user of an organisation with a role (made once). */
  const userOf = async (organisationId: string, role: string): Promise<Inject> => {
    const key = `${organisationId}:${role}`;
    const known = users.get(key);
    if (known) return known;
    const username = `u${String(users.size + 1)}${role.slice(0, 3)}`;
    await createUser(getDb().db, defaultSecurityPolicy, {
      username,
      displayName: `${role} ${String(users.size + 1)}`,
      organisationId,
      roleCodes: [role],
      password: DEMO_PASSWORD,
      mustChangePassword: false,
    });
    const inject = injectAs(app, await signIn(app, username as 'county'));
    users.set(key, inject);
    return inject;
  };
  const organisation = async (kind: string, areaCode: string, department: string | null = null) => {
    let q = getDb()
      .db.selectFrom('organisations')
      .selectAll()
      .where('kind', '=', kind as 'bureau')
      .where('area_code', '=', areaCode);
    q = department ? q.where('department', '=', department) : q;
    const row = await q.executeTakeFirst();
    if (!row) throw new Error(`no ${kind} at ${areaCode}`);
    return row;
  };
  const act = async (as: Inject, id: string, payload: object) => {
    const res = await as({ method: 'POST', url: `/api/work-orders/${id}/actions`, payload });
    return { status: res.statusCode, order: res.json<Order>(), error: res.json<ErrorBody>().error };
  };
  const detail = async (as: Inject, id: string) => {
    const res = await as({ method: 'GET', url: `/api/work-orders/${id}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Detail>();
  };
  const eventsReplay = async (id: string) => {
    const events = await getDb()
      .db.selectFrom('work_order_events')
      .select(['seq', 'action', 'to_status', 'organisation_id', 'detail_json', 'note'])
      .where('order_id', '=', id)
      .orderBy('seq')
      .execute();
    const stored = await getDb()
      .db.selectFrom('work_orders')
      .select(['status', 'organisation_id', 'version'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const state = replay(events);
    expect(state.status).toBe(stored.status);
    expect(state.organisationId).toBe(stored.organisation_id);
    expect(events.length).toBe(stored.version);
  };
  const cockpit = async () =>
    (await app.inject({ method: 'GET', url: `/api/discovery/cockpit?from=2026-01-01&to=2099-12-31` })).json<{
      ledger: { gapsFilled: number; householdsReached: number; byPolicy: { policyId: string }[] };
    }>().ledger;

  it('routes a planted warning to its village, which accepts it and enrols the household: finding resolved, ledger updated', async () => {
    const db = getDb().db;
    // The planted events the screening raised as warnings, with an open gap in the same household.
    const events = fs
      .readFileSync(path.join(dir, 'truth', 'events.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { kind: string; householdKey: string });
    const hukou = new Map(
      fs
        .readFileSync(path.join(dir, 'truth', 'households.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { key: string; hukouNumber: string })
        .map((h) => [h.key, h.hukouNumber]),
    );
    let chosen: { warningId: string; householdId: string; gapPolicy: string; areaCode: string } | null = null;
    for (const e of events) {
      const warning = planted[e.kind];
      const number = hukou.get(e.householdKey);
      if (!warning || !number) continue;
      const found = await db
        .selectFrom('findings')
        .innerJoin('hukou_households', 'hukou_households.id', 'findings.household_id')
        .select(['findings.id', 'findings.household_id', 'findings.area_code'])
        .where('hukou_households.hukou_number', '=', number)
        .where('findings.policy_id', '=', warning)
        .where('findings.kind', '=', 'warning')
        .where('findings.status', '=', 'new')
        .executeTakeFirst();
      if (!found) continue;
      const gap = await db
        .selectFrom('findings')
        .select('policy_id')
        .where('household_id', '=', found.household_id)
        .where('kind', '=', 'gap')
        .where('status', '=', 'new')
        .orderBy('policy_id')
        .executeTakeFirst();
      if (!gap) continue;
      chosen = {
        warningId: found.id,
        householdId: found.household_id,
        gapPolicy: gap.policy_id,
        areaCode: found.area_code,
      };
      break;
    }
    expect(chosen, 'a planted warning in a household with an open gap').not.toBeNull();
    if (!chosen) return;
    const ledgerBefore = await cockpit();

    // Routing: every finding a rule matches becomes an order, once — here in pages of seven.
    const paged = await testContext(getDb()).workOrders.routeFindings({ kind: 'all' }, new Date(), 7);
    expect(paged.created).toBeGreaterThan(7);
    expect(paged.created + paged.unrouted).toBe(paged.considered);
    const made = await db
      .selectFrom('work_orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(made.n).toBe(paged.created);
    // Every open finding a rule routes now has its order; the others (watches, gaps in services
    // nobody dispatches) have none.
    const context = testContext(getDb());
    const all = await db
      .selectFrom('findings')
      .leftJoin('work_orders', 'work_orders.finding_id', 'findings.id')
      .select(['findings.kind', 'findings.policy_id', 'findings.area_code', 'work_orders.id as order_id'])
      .where('findings.status', 'in', ['new', 'assigned'])
      .execute();
    const mismatched = all.filter((f) => {
      const rule = routeOf(context.workOrders.routing, {
        kind: f.kind,
        policyId: f.policy_id,
        department: context.workOrders.ruleInfo(f.policy_id)?.department ?? null,
        areaCode: f.area_code,
      });
      return (rule !== null) !== (f.order_id !== null);
    });
    expect(mismatched).toEqual([]);
    expect(all.filter((f) => f.order_id === null).length).toBeGreaterThan(0);
    const routed = await county({ method: 'POST', url: '/api/work-orders/route-findings', payload: {} });
    expect(routed.statusCode, routed.body).toBe(200);
    expect(routed.json<{ created: number }>().created).toBe(0);
    const listed = (
      await app.inject({ method: 'GET', url: `/api/work-orders?findingId=${chosen.warningId}` })
    ).json<{ items: Order[]; total: number }>();
    expect(listed.total).toBe(1);
    const order = listed.items[0];
    if (!order) throw new Error('no order');
    // The warning went where its rule sends it: the household's own village committee, with a due date.
    const village = await organisation('village_committee', chosen.areaCode);
    expect(order).toMatchObject({
      status: 'dispatched',
      organisationId: village.id,
    });
    expect(typeof order.clock).toBe('string');
    expect(order.routingRuleId).toMatch(/^warning_/);
    expect(order.dueOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(order.hukouNumber).toContain('*');

    // The county cannot act for the village; the village worker can.
    const refused = await act(county, order.id, { action: 'accept' });
    expect(refused.status).toBe(403);
    expect(refused.error.code).toBe('WORKORDER_NOT_HANDLER');
    const worker = await userOf(village.id, 'village_worker');
    const inbox = (await worker({ method: 'GET', url: '/api/inbox?unread=true&limit=200' })).json<{
      items: { orderId: string; kind: string }[];
      unread: number;
    }>();
    expect(inbox.items.some((n) => n.orderId === order.id && n.kind === 'dispatched')).toBe(true);
    expect((await detail(worker, order.id)).actions).toEqual(expect.arrayContaining(['accept', 'return']));
    const accepted = await act(worker, order.id, { action: 'accept', version: order.version });
    expect(accepted.status, JSON.stringify(accepted.error)).toBe(200);
    // A second click with the version it had seen is refused, not applied twice.
    const stale = await act(worker, order.id, { action: 'accept', version: order.version });
    expect(stale.status).toBe(409);
    expect(stale.error.code).toBe('WORKORDER_CONFLICT');
    expect((await act(worker, order.id, { action: 'start' })).status).toBe(200);
    // Where the rule names a co-handler (a department), it does its part before the lead can resolve.
    for (const part of (await detail(worker, order.id)).parts) {
      const co = await userOf(part.organisationId, 'department_staff');
      for (const status of ['accepted', 'done'])
        expect(
          (await co({ method: 'POST', url: `/api/work-orders/${order.id}/parts`, payload: { status } }))
            .statusCode,
        ).toBe(200);
    }
    // Enrolment needs a policy of the welfare pool; a warning is not one.
    const notPolicy = await act(worker, order.id, {
      action: 'resolve',
      outcome: 'enrolled',
      outcomePolicyId: 'earner_died',
    });
    expect(notPolicy.status).toBe(400);
    const resolved = await act(worker, order.id, {
      action: 'resolve',
      outcome: 'enrolled',
      outcomePolicyId: chosen.gapPolicy,
      note: '入户核实后协助申请，已纳入',
    });
    expect(resolved.status, JSON.stringify(resolved.error)).toBe(200);
    expect(resolved.order).toMatchObject({ status: 'resolved', outcome: 'enrolled' });

    // Feedback: the warning and the gap it led to are resolved as enrolled, the household's digest cleared.
    const findings = await db
      .selectFrom('findings')
      .select(['id', 'kind', 'status', 'resolution', 'policy_id'])
      .where('household_id', '=', chosen.householdId)
      .where((eb) => eb.or([eb('id', '=', chosen.warningId), eb('policy_id', '=', chosen.gapPolicy)]))
      .execute();
    expect(findings.find((f) => f.id === chosen.warningId)).toMatchObject({
      status: 'resolved',
      resolution: 'enrolled',
    });
    expect(findings.find((f) => f.kind === 'gap')).toMatchObject({
      status: 'resolved',
      resolution: 'enrolled',
    });
    const screening = await db
      .selectFrom('household_screenings')
      .select('findings_digest')
      .where('household_id', '=', chosen.householdId)
      .executeTakeFirstOrThrow();
    expect(screening.findings_digest).toBeNull();
    const ledger = await cockpit();
    expect(ledger.gapsFilled).toBe(ledgerBefore.gapsFilled + 1);
    expect(ledger.byPolicy.map((p) => p.policyId)).toContain(chosen.gapPolicy);

    // The dispatcher is told, verifies and closes; the history replays to the state.
    const countyInbox = (await app.inject({ method: 'GET', url: '/api/inbox?unread=true&limit=200' })).json<{
      items: { orderId: string; kind: string }[];
    }>();
    expect(countyInbox.items.some((n) => n.orderId === order.id && n.kind === 'resolved')).toBe(true);
    expect((await act(county, order.id, { action: 'verify' })).status).toBe(200);
    expect((await act(county, order.id, { action: 'close' })).status).toBe(200);
    const done = await detail(county, order.id);
    expect(done.events.filter((e) => e.action.startsWith('part_'))).toHaveLength(done.parts.length * 2);
    expect(done.events.map((e) => e.action).filter((a) => !a.startsWith('part_'))).toEqual([
      'create',
      'dispatch',
      'accept',
      'start',
      'resolve',
      'verify',
      'close',
    ]);
    expect(done.events[2]?.actorName).toBeTruthy();
    await eventsReplay(order.id);
    await flushAudit(db);
    const audit = await findAuditRecords(db, { action: 'workorder.view', subjectId: order.id, limit: 10 });
    expect(audit.length).toBeGreaterThan(0);
  }, 120_000);

  /** A hand-made order dispatched to an organisation, for the lifecycle checks. */
  const handMade = async (organisationId: string, areaCode: string, extra: object = {}) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/work-orders',
      payload: {
        source: 'manual',
        title: '核实困难情况',
        areaCode,
        organisationId,
        slaWorkingDays: 3,
        ...extra,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<Order>();
  };

  it('refuses illegal moves with where and why, keeps joint parts, transfers, returns (counted per rule) and escalates', async () => {
    const db = getDb().db;
    const villageArea = (
      await db
        .selectFrom('organisations')
        .select('area_code')
        .where('kind', '=', 'village_committee')
        .orderBy('area_code', 'desc')
        .executeTakeFirstOrThrow()
    ).area_code;
    const village = await organisation('village_committee', villageArea);
    const township = await organisation('township_office', `${villageArea.slice(0, 9)}000`);
    const medical = await organisation('department', '371082000000', 'medical_security');
    const worker = await userOf(village.id, 'village_worker');
    const o = await handMade(village.id, villageArea, {
      coHandlers: [{ organisationId: medical.id, task: '核对医疗费用' }],
    });
    expect(o.status).toBe('dispatched');
    // Not from this status; a reason missing; an unknown action value.
    const close = await act(county, o.id, { action: 'close' });
    expect(close.status).toBe(409);
    expect(close.error.code).toBe('WORKORDER_TRANSITION_INVALID');
    expect(close.error.message).toContain('已派发');
    const pauseBare = await act(worker, o.id, { action: 'accept' }).then(() =>
      act(worker, o.id, { action: 'pause' }),
    );
    expect(pauseBare.status).toBe(400);
    expect(pauseBare.error.code).toBe('WORKORDER_FIELD_REQUIRED');
    expect((await act(worker, o.id, { action: 'fly' })).status).toBe(400);
    // Pausing stops the clock: resuming later moves the due date by the days paused.
    expect((await act(worker, o.id, { action: 'pause', note: '等待申请人补交材料' })).status).toBe(200);
    expect((await act(worker, o.id, { action: 'resume' })).status).toBe(200);
    // Joint handling: the lead cannot resolve while the co-handler's part is open.
    const blocked = await act(worker, o.id, {
      action: 'resolve',
      outcome: 'referred',
      outcomeProvider: '市慈善总会',
    });
    expect(blocked.status).toBe(409);
    expect(blocked.error.code).toBe('WORKORDER_PARTS_OPEN');
    expect(blocked.error.message).toContain(medical.name);
    const medic = await userOf(medical.id, 'department_staff');
    expect((await detail(medic, o.id)).parts).toEqual([
      expect.objectContaining({ organisationId: medical.id, status: 'pending' }),
    ]);
    for (const status of ['accepted', 'done'])
      expect(
        (
          await medic({
            method: 'POST',
            url: `/api/work-orders/${o.id}/parts`,
            payload: { status, note: '已核对' },
          })
        ).statusCode,
      ).toBe(200);
    const other = await worker({
      method: 'POST',
      url: `/api/work-orders/${o.id}/parts`,
      payload: { status: 'done' },
    });
    expect(other.json<ErrorBody>().error.code).toBe('WORKORDER_PART_NOT_FOUND');
    expect(
      (await act(worker, o.id, { action: 'resolve', outcome: 'referred', outcomeProvider: '市慈善总会' }))
        .status,
    ).toBe(200);
    // The dispatcher finds it wanting and reopens it; it comes back to the handler.
    const reopened = await act(county, o.id, { action: 'reopen', note: '请补充转介回执' });
    expect(reopened.order).toMatchObject({ status: 'in_progress', outcome: null });
    await eventsReplay(o.id);

    // Wrongly routed: returned to the dispatcher with the reason, then dispatched elsewhere.
    const routedOrder = await db
      .selectFrom('work_orders')
      .select(['id', 'organisation_id', 'routing_rule_id', 'area_code'])
      .where('status', '=', 'dispatched')
      .where('routing_rule_id', 'is not', null)
      .where('organisation_id', '=', (eb) =>
        eb.selectFrom('organisations').select('id').where('kind', '=', 'village_committee').limit(1),
      )
      .executeTakeFirst();
    const anyRouted =
      routedOrder ??
      (await db
        .selectFrom('work_orders')
        .select(['id', 'organisation_id', 'routing_rule_id', 'area_code'])
        .where('status', '=', 'dispatched')
        .where('routing_rule_id', 'is not', null)
        .executeTakeFirstOrThrow());
    const handler = await userOf(anyRouted.organisation_id ?? '', 'village_worker');
    const returned = await act(handler, anyRouted.id, { action: 'return', note: '该户已迁出本村' });
    expect(returned.status, JSON.stringify(returned.error)).toBe(200);
    const sla = (await app.inject({ method: 'GET', url: '/api/work-orders/sla' })).json<{
      returnsByRule: { rule: string; returned: number; routed: number }[];
    }>();
    expect(sla.returnsByRule.find((r) => r.rule === anyRouted.routing_rule_id)?.returned).toBe(1);
    const bulk = await app.inject({
      method: 'POST',
      url: '/api/work-orders/bulk-dispatch',
      payload: { ids: [anyRouted.id, o.id], organisationId: township.id, note: '改由乡镇办理' },
    });
    // The returned order is dispatched; the live one is transferred with the reason given.
    expect(bulk.json()).toMatchObject({ received: 2, dispatched: 2, failed: [] });
    // Escalation goes one level up: the township's order to the county's bureau.
    const escalated = await act(county, o.id, { action: 'escalate', note: '乡镇无法协调' });
    expect(escalated.status, JSON.stringify(escalated.error)).toBe(200);
    const bureau = await organisation('bureau', '371082000000');
    expect(escalated.order).toMatchObject({
      organisationId: bureau.id,
      escalationLevel: 1,
      status: 'dispatched',
    });
    const top = await act(county, o.id, { action: 'escalate', note: '再升级' });
    expect(top.error.code).toBe('WORKORDER_NO_LEVEL_ABOVE');
    await eventsReplay(o.id);
    await eventsReplay(anyRouted.id);
  });

  it('keeps orders within the caller’s area: another village sees nothing of them', async () => {
    const db = getDb().db;
    const [a, b] = await db
      .selectFrom('organisations')
      .selectAll()
      .where('kind', '=', 'village_committee')
      .orderBy('area_code')
      .limit(2)
      .execute();
    if (!a || !b) throw new Error('villages missing');
    const o = await handMade(a.id, a.area_code);
    const stranger = await userOf(b.id, 'village_worker');
    expect((await stranger({ method: 'GET', url: `/api/work-orders/${o.id}` })).statusCode).toBe(404);
    expect((await act(stranger, o.id, { action: 'accept' })).status).toBe(404);
    const list = (await stranger({ method: 'GET', url: '/api/work-orders?limit=200' })).json<{
      items: Order[];
    }>();
    expect(list.items.every((i) => i.id !== o.id)).toBe(true);
    const inbox = (await stranger({ method: 'GET', url: '/api/inbox?limit=200' })).json<{
      items: { orderId: string }[];
    }>();
    expect(inbox.items.every((n) => n.orderId !== o.id)).toBe(true);
    // An unknown handler is refused before anything is written.
    const before = await db
      .selectFrom('work_orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const unknown = await county({
      method: 'POST',
      url: '/api/work-orders',
      payload: {
        source: 'manual',
        title: '未知单位',
        areaCode: a.area_code,
        organisationId: '00000000-0000-4000-8000-000000000000',
      },
    });
    expect(unknown.statusCode).toBe(422);
    const after = await db
      .selectFrom('work_orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    // A village worker cannot dispatch.
    const made = await stranger({
      method: 'POST',
      url: '/api/work-orders',
      payload: { source: 'manual', title: 'x', areaCode: b.area_code },
    });
    expect(made.statusCode).toBe(403);
  });

  it('alerts near the due date, marks overdue once and escalates village → township', async () => {
    const test = getDb();
    const context = testContext(test);
    const village = await test.db
      .selectFrom('organisations')
      .selectAll()
      .where('kind', '=', 'village_committee')
      .orderBy('area_code', 'desc')
      .offset(3)
      .limit(1)
      .executeTakeFirstOrThrow();
    // Made on Monday 2026-11-02 with two working days: due Wednesday 11-04.
    const monday = new Date('2026-11-02T02:00:00Z');
    const id = await context.workOrders.create(
      {
        source: 'manual',
        type: 'manual',
        title: '超期测试',
        description: null,
        householdId: null,
        personId: null,
        areaCode: village.area_code,
        priority: 'normal',
        slaWorkingDays: 2,
        organisationId: village.id,
        callerName: null,
        callerPhone: null,
        coHandlers: [],
      },
      systemActor,
      monday,
    );
    const row = () =>
      test.db.selectFrom('work_orders').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect((await row()).due_on).toBe('2026-11-04');
    const tuesday = await context.workOrders.sweep(new Date('2026-11-03T02:00:00Z'));
    expect(tuesday.nearDue).toBeGreaterThanOrEqual(1);
    expect((await row()).near_due_notified).toBe(1);
    const thursday = await context.workOrders.sweep(new Date('2026-11-05T02:00:00Z'));
    expect(thursday.overdue).toBeGreaterThanOrEqual(1);
    const after = await row();
    const township = await organisation('township_office', `${village.area_code.slice(0, 9)}000`);
    expect(after).toMatchObject({
      overdue: 1,
      escalation_level: 1,
      organisation_id: township.id,
      status: 'dispatched',
    });
    const again = await context.workOrders.sweep(new Date('2026-11-05T03:00:00Z'));
    expect((await row()).escalation_level).toBe(1);
    expect(again.escalated).toBe(0);
    const notes = await test.db
      .selectFrom('notifications')
      .select(['kind', 'organisation_id'])
      .where('order_id', '=', id)
      .execute();
    expect(notes.filter((n) => n.kind === 'overdue')).toHaveLength(1);
    expect(notes.filter((n) => n.kind === 'near_due')).toHaveLength(1);
    expect(notes.some((n) => n.kind === 'escalate' && n.organisation_id === township.id)).toBe(true);
    // Every message was handed to the logging channel, which says it sent nothing.
    const deliveries = await test.db
      .selectFrom('notification_deliveries')
      .select(['channel', 'status'])
      .execute();
    expect(deliveries.length).toBeGreaterThan(0);
    expect(new Set(deliveries.map((d) => `${d.channel}:${d.status}`))).toEqual(new Set(['log:logged']));
    await eventsReplay(id);
    // Lists and the board say it is overdue from its due date, whether or not the sweep ran.
    const late = (await county({ method: 'GET', url: '/api/work-orders?overdue=true&limit=200' })).json<{
      items: { id: string; overdue: boolean }[];
    }>();
    expect(late.items.find((o) => o.id === id)?.overdue).toBe(true);
    const board = (await county({ method: 'GET', url: '/api/work-orders/board' })).json<{
      organisations: { organisationId: string; overdue: number; open: number }[];
    }>();
    expect(board.organisations.find((o) => o.organisationId === township.id)?.overdue).toBeGreaterThanOrEqual(
      1,
    );
    // The county's inbox empties at once.
    const read = await county({ method: 'POST', url: '/api/inbox/read-all', payload: {} });
    expect(read.statusCode).toBe(200);
    const unread = (await county({ method: 'GET', url: '/api/inbox?unread=true' })).json<{
      unread: number;
    }>();
    expect(unread.unread).toBe(0);
  });

  it('honours a regional holiday the administrator adds, and keeps a caller’s phone encrypted and masked', async () => {
    const test = getDb();
    const sysadmin = injectAs(app, await signIn(app, 'sysadmin'));
    const township = `${(await organisation('bureau', '371082000000')).area_code.slice(0, 6)}001000`;
    const saved = await sysadmin({
      method: 'POST',
      url: '/api/work-calendar/overrides',
      payload: { regionCode: '371082000000', day: '2026-12-01', kind: 'holiday', name: '地方调休测试' },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const badDay = await sysadmin({
      method: 'POST',
      url: '/api/work-calendar/overrides',
      payload: { regionCode: '371082000000', day: '2026-02-30', kind: 'holiday', name: 'x' },
    });
    expect(badDay.statusCode).toBe(400);
    // County staff may not change the calendar.
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/work-calendar/overrides',
          payload: { regionCode: '371082000000', day: '2026-12-02', kind: 'holiday', name: 'x' },
        })
      ).statusCode,
    ).toBe(403);
    const year = (
      await app.inject({ method: 'GET', url: '/api/work-calendar?year=2026&areaCode=371082001001' })
    ).json<{
      days: { day: string; working: boolean; source: string }[];
    }>();
    expect(year.days).toContainEqual(
      expect.objectContaining({ day: '2026-12-01', working: false, source: 'override' }),
    );
    expect(year.days).toContainEqual(
      expect.objectContaining({ day: '2026-10-10', working: true, source: 'statutory' }),
    );
    // Made on Monday 11-30 with one working day: Tuesday 12-01 is a holiday here, so due Wednesday.
    const context = testContext(test);
    const office = await organisation('township_office', township);
    const id = await context.workOrders.create(
      {
        source: 'hotline',
        type: 'hotline',
        title: '来电求助',
        description: '独居老人无人照料',
        householdId: null,
        personId: null,
        areaCode: township,
        priority: 'high',
        slaWorkingDays: 1,
        organisationId: office.id,
        callerName: '张先生',
        callerPhone: '13812345678',
        coHandlers: [],
      },
      systemActor,
      new Date('2026-11-30T02:00:00Z'),
    );
    const row = await test.db
      .selectFrom('work_orders')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.due_on).toBe('2026-12-02');
    expect(row.caller_phone_enc).not.toContain('13812345678');
    expect(testFieldCipher().decrypt(row.caller_phone_enc ?? '')).toBe('13812345678');
    const d = await detail(county, id);
    expect(d.callerPhone).toBe('138****5678');
    // Attachments: the bytes must be what the type says.
    const fake = await app.inject({
      method: 'POST',
      url: `/api/work-orders/${id}/attachments`,
      payload: {
        name: 'a.png',
        contentType: 'image/png',
        contentBase64: Buffer.from('MZ not a png').toString('base64'),
      },
    });
    expect(fake.statusCode).toBe(400);
    expect(fake.json<ErrorBody>().error.code).toBe('WORKORDER_ATTACHMENT_INVALID');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const up = await app.inject({
      method: 'POST',
      url: `/api/work-orders/${id}/attachments`,
      payload: { name: '照片.png', contentType: 'image/png', contentBase64: png.toString('base64') },
    });
    expect(up.statusCode, up.body).toBe(201);
    const file = await app.inject({
      method: 'GET',
      url: `/api/work-orders/${id}/attachments/${up.json<{ id: string }>().id}`,
    });
    expect(file.rawPayload.equals(png)).toBe(true);
    expect(
      (await sysadmin({ method: 'DELETE', url: '/api/work-calendar/overrides/371082000000/2026-12-01' }))
        .statusCode,
    ).toBe(200);
  });

  it('makes an order by hand from a finding the rules leave alone, once', async () => {
    const db = getDb().db;
    // A gap the rules do not dispatch (a livelihood service, not social assistance).
    const finding = await db
      .selectFrom('findings')
      .select(['id', 'area_code'])
      .where('kind', '=', 'gap')
      .where('status', '=', 'new')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom('work_orders').select('id').whereRef('work_orders.finding_id', '=', 'findings.id'),
          ),
        ),
      )
      .executeTakeFirstOrThrow();
    const left = await county({
      method: 'POST',
      url: '/api/work-orders/from-finding',
      payload: { findingId: finding.id },
    });
    expect(left.statusCode, left.body).toBe(201);
    // No rule: it waits for the dispatcher.
    expect(left.json<Order>()).toMatchObject({
      status: 'created',
      findingId: finding.id,
      organisationId: null,
    });
    const twice = await county({
      method: 'POST',
      url: '/api/work-orders/from-finding',
      payload: { findingId: finding.id },
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json<ErrorBody>().error.code).toBe('WORKORDER_FINDING_HAS_ORDER');
    const village = await organisation('village_committee', finding.area_code);
    const sent = await act(county, left.json<Order>().id, { action: 'dispatch', organisationId: village.id });
    expect(sent.order).toMatchObject({ status: 'dispatched', organisationId: village.id });
    await eventsReplay(left.json<Order>().id);
  });
});
