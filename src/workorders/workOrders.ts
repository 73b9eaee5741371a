import type { Insertable, Kysely, Updateable } from 'kysely';
import type { DataScopeFilter } from '../access/scope/dataScope.ts';
import { AppError } from '../core/appError.ts';
import type { FieldCipher } from '../core/fieldCipher.ts';
import { todayInChina } from '../core/isoDate.ts';
import { timeOrderedId } from '../core/timeOrderedId.ts';
import type {
  Database,
  FindingKind,
  FindingTable,
  NotificationTable,
  WorkOrderEventTable,
  WorkOrderPartTable,
  WorkOrderPriority,
  WorkOrderTable,
} from '../db/schema.ts';
import { resolveFindingsFromWork } from '../discovery/resolveFindingsFromWork.ts';
import { deliverNotifications, type NotificationChannel } from './notificationChannels.ts';
import {
  organisationAbove,
  organisationFor,
  routeOf,
  routingCandidates,
  type OrganisationRef,
  type RoutingRule,
  type RoutingRules,
} from './routingRules.ts';
import { clockState, resumeClock, startClock } from './workOrderClock.ts';
import {
  actionWords,
  fieldWords,
  actorOf,
  transition,
  type ActionInput,
  type WorkOrderAction,
} from './workOrderLifecycle.ts';
import {
  addComment,
  changePart,
  commitTransition,
  findingsWithoutOrder,
  findOrder,
  hasOpenOrderForFinding,
  insertOrders,
  listCalendarOverrides,
  listOrganisationRefs,
  orderParts,
  runningOrdersDueBy,
  insertNotification,
  setClockFlag,
  type OrderRow,
} from './workOrderRepository.ts';
import { WorkingCalendar } from './workingCalendar.ts';

/** Who acts: a signed-in user, or the system (routing, the clock). */
export interface WorkActor {
  userId: string;
  organisationId: string | null;
  canDispatch: boolean;
}

export const systemActor: WorkActor = { userId: 'system', organisationId: null, canDispatch: true };

/** What the work-order module needs to know about a policy, warning or model. */
export interface RuleInfo {
  name: string;
  department: string | null;
  /** A welfare-pool policy (one can enrol in it), not a warning or a model. */
  enrollable: boolean;
}

export interface NewOrder {
  source: 'hotline' | 'manual';
  type: string;
  title: string;
  description: string | null;
  householdId: string | null;
  personId: string | null;
  areaCode: string;
  priority: WorkOrderPriority;
  slaWorkingDays: number;
  organisationId: string | null;
  callerName: string | null;
  callerPhone: string | null;
  coHandlers: { organisationId: string; task: string }[];
}

/** Who dispatches an order made by this actor: their own organisation, else the area's bureau. */
function dispatcherOf(actor: WorkActor, areaCode: string, organisations: OrganisationRef[]): string {
  const dispatcher =
    actor.organisationId ?? organisationFor({ level: 'county' }, areaCode, organisations)?.id;
  if (!dispatcher) throw new AppError('WORKORDER_ORGANISATION_UNKNOWN', { organisation: '—' });
  return dispatcher;
}

const kindWords: Record<FindingKind, string> = {
  gap: '应享未享',
  review: '复核',
  watch: '临界关注',
  warning: '预警',
  model: '重点名单',
};

/**
 * Work orders (issue 8): findings routed by the rules to the organisation that handles them,
 * hotline calls and orders made by hand; every move through the lifecycle's table with the
 * working-day clock, the co-handlers' parts, the inbox, and — when resolved — the feedback to
 * the findings and the outcomes ledger, all in the order's transaction.
 */
export class WorkOrders {
  readonly #db: Kysely<Database>;
  readonly #routing: () => RoutingRules;
  readonly #ruleInfo: (policyId: string) => RuleInfo | null;
  #channels: readonly NotificationChannel[];
  readonly #cipher: FieldCipher;
  #calendar: Promise<WorkingCalendar> | null = null;
  #organisations: { at: number; list: Promise<OrganisationRef[]> } | null = null;

  constructor(options: {
    db: Kysely<Database>;
    routing: () => RoutingRules;
    ruleInfo: (policyId: string) => RuleInfo | null;
    channels: readonly NotificationChannel[];
    cipher: FieldCipher;
  }) {
    this.#db = options.db;
    this.#routing = options.routing;
    this.#ruleInfo = options.ruleInfo;
    this.#channels = options.channels;
    this.#cipher = options.cipher;
  }

  get routing(): RoutingRules {
    return this.#routing();
  }

  /** The channels messages leave by (the server gives the logging channel its logger). */
  useChannels(channels: readonly NotificationChannel[]): void {
    this.#channels = channels;
  }

  get defaultSla(): number {
    return this.#routing().defaultSlaWorkingDays;
  }

  ruleInfo(policyId: string): RuleInfo | null {
    return this.#ruleInfo(policyId);
  }

  /** The calendar with the administrators' overrides, reloaded after they change. */
  calendar(): Promise<WorkingCalendar> {
    this.#calendar ??= listCalendarOverrides(this.#db).then(
      (rows) =>
        new WorkingCalendar(
          rows.map((r) => ({ regionCode: r.region_code, day: r.day, kind: r.kind, name: r.name })),
        ),
    );
    return this.#calendar;
  }

  calendarChanged(): void {
    this.#calendar = null;
  }

  /** Organisations change rarely (the administrators' page); a few seconds' cache keeps routing cheap. */
  organisations(): Promise<OrganisationRef[]> {
    if (!this.#organisations || Date.now() - this.#organisations.at > 5_000)
      this.#organisations = { at: Date.now(), list: listOrganisationRefs(this.#db) };
    return this.#organisations.list;
  }

  async #organisation(id: string): Promise<OrganisationRef> {
    const found =
      (await this.organisations()).find((o) => o.id === id) ??
      (await listOrganisationRefs(this.#db)).find((o) => o.id === id);
    if (!found) throw new AppError('WORKORDER_ORGANISATION_UNKNOWN', { organisation: id });
    return found;
  }

  /**
   * Findings in scope without an open order, routed by the first matching rule: an order to the
   * organisation the rule names (dispatched at once, its clock started) with its co-handlers'
   * parts; findings no rule matches stay findings. Orders no organisation can take yet stay
   * 'created' with the county's bureau to dispatch by hand.
   */
  async routeFindings(
    scope: DataScopeFilter,
    now = new Date(),
    pageSize = 2_000,
  ): Promise<{ considered: number; created: number; dispatched: number; unrouted: number }> {
    const routing = this.routing;
    // Only findings some rule may route are read (watches, gaps in services nobody dispatches are
    // not); a page at a time, each
    // page's orders in one transaction, so a large first pass neither holds a county in memory
    // nor stalls on findings no rule matches.
    const candidates = routingCandidates(routing);
    const totals = { considered: 0, created: 0, dispatched: 0, unrouted: 0 };
    let after: string | null = null;
    for (;;) {
      const page = await findingsWithoutOrder(this.#db, scope, candidates, after, pageSize);
      const routed = await this.#routePage(page, routing, now);
      totals.considered += page.length;
      totals.created += routed.created;
      totals.dispatched += routed.dispatched;
      totals.unrouted += routed.unrouted;
      const last = page.at(-1);
      if (!last || page.length < pageSize) return totals;
      after = last.id;
    }
  }

  async #routePage(
    findings: Awaited<ReturnType<typeof findingsWithoutOrder>>,
    routing: RoutingRules,
    now: Date,
  ): Promise<{ created: number; dispatched: number; unrouted: number }> {
    const organisations = await this.organisations();
    const calendar = await this.calendar();
    const at = now.toISOString();
    const today = todayInChina(now);
    const orders: Insertable<WorkOrderTable>[] = [];
    const events: Insertable<WorkOrderEventTable>[] = [];
    const parts: Insertable<WorkOrderPartTable>[] = [];
    const notes: Insertable<NotificationTable>[] = [];
    let unrouted = 0;
    let dispatched = 0;
    for (const f of findings) {
      const info = this.#ruleInfo(f.policy_id);
      const rule = routeOf(routing, {
        kind: f.kind,
        policyId: f.policy_id,
        department: info?.department ?? null,
        areaCode: f.area_code,
      });
      const bureau = organisationFor({ level: 'county' }, f.area_code, organisations);
      if (!rule || !bureau) {
        unrouted++;
        continue;
      }
      const lead = organisationFor(rule.to, f.area_code, organisations);
      const id = timeOrderedId(now.getTime());
      const order = this.#newOrderRow(id, {
        source: 'finding',
        type: f.kind,
        title: `${kindWords[f.kind]}：${info?.name ?? f.policy_id}`,
        description: rule.name,
        finding_id: f.id,
        policy_id: f.policy_id,
        household_id: f.household_id,
        person_id: f.subject === 'household' ? null : f.subject,
        area_code: f.area_code,
        dispatcher_org_id: bureau.id,
        routing_rule_id: rule.id,
        priority: rule.priority,
        sla_working_days: rule.slaWorkingDays,
        created_by: 'system',
        at,
      });
      events.push(
        this.#event(id, 1, 'system', 'create', null, 'created', null, `派单规则：${rule.name}`, at),
      );
      if (lead) {
        const clock = startClock(
          { ...order, clock_started_on: null, due_on: null, paused_since: null, paused_working_days: 0 },
          today,
          f.area_code,
          calendar,
        );
        Object.assign(order, { status: 'dispatched', organisation_id: lead.id, version: 2 }, clock);
        events.push(
          this.#event(
            id,
            2,
            'system',
            'dispatch',
            'created',
            'dispatched',
            lead.id,
            `按规则“${rule.name}”派发`,
            at,
          ),
        );
        notes.push(
          this.#notice(
            lead.id,
            id,
            'dispatched',
            `新工单：${order.title}`,
            `请于 ${clock.due_on ?? ''} 前办结`,
            at,
          ),
        );
        for (const p of this.#ruleParts(rule, f.area_code, organisations, lead.id)) {
          parts.push({
            order_id: id,
            organisation_id: p.id,
            task: p.task,
            status: 'pending',
            note: null,
            updated_by: null,
            updated_at: at,
          });
          notes.push(this.#notice(p.id, id, 'co_handle', `协办工单：${order.title}`, p.task, at));
        }
        dispatched++;
      } else {
        notes.push(
          this.#notice(
            bureau.id,
            id,
            'unrouted',
            `待人工派发：${order.title}`,
            '派单规则指向的单位尚未设立',
            at,
          ),
        );
      }
      orders.push(order);
    }
    const ids = await insertOrders(this.#db, orders, events, parts, notes);
    await deliverNotifications(this.#db, this.#channels, ids);
    return { created: orders.length, dispatched, unrouted };
  }

  #ruleParts(rule: RoutingRule, areaCode: string, organisations: readonly OrganisationRef[], leadId: string) {
    const seen = new Set([leadId]);
    const out: { id: string; task: string }[] = [];
    for (const c of rule.coHandlers) {
      const org = organisationFor(c.to, areaCode, organisations);
      if (org && !seen.has(org.id)) {
        seen.add(org.id);
        out.push({ id: org.id, task: c.task });
      }
    }
    return out;
  }

  #newOrderRow(
    id: string,
    o: Pick<
      WorkOrderTable,
      | 'source'
      | 'type'
      | 'title'
      | 'description'
      | 'finding_id'
      | 'policy_id'
      | 'household_id'
      | 'person_id'
      | 'area_code'
      | 'dispatcher_org_id'
      | 'routing_rule_id'
      | 'priority'
      | 'sla_working_days'
      | 'created_by'
    > & { at: string },
  ): Insertable<WorkOrderTable> & { title: string } {
    const { at, ...rest } = o;
    return {
      id,
      ...rest,
      organisation_id: null,
      assignee_id: null,
      status: 'created',
      outcome: null,
      outcome_policy_id: null,
      outcome_provider: null,
      outcome_note: null,
      caller_name: null,
      caller_phone_enc: null,
      clock_started_on: null,
      due_on: null,
      paused_since: null,
      version: 1,
      created_at: at,
      updated_at: at,
      resolved_at: null,
      resolved_on: null,
      closed_at: null,
    };
  }

  #event(
    orderId: string,
    seq: number,
    actor: string,
    action: string,
    from: WorkOrderTable['status'] | null,
    to: WorkOrderTable['status'],
    organisationId: string | null,
    note: string | null,
    at: string,
    detail: object | null = null,
  ): Insertable<WorkOrderEventTable> {
    return {
      order_id: orderId,
      seq,
      at,
      actor,
      action,
      from_status: from,
      to_status: to,
      organisation_id: organisationId,
      note,
      detail_json: detail ? JSON.stringify(detail) : null,
    };
  }

  #notice(
    organisationId: string,
    orderId: string,
    kind: string,
    title: string,
    body: string | null,
    at: string,
  ): Insertable<NotificationTable> {
    return {
      organisation_id: organisationId,
      user_id: null,
      order_id: orderId,
      kind,
      title,
      body,
      created_at: at,
    };
  }

  /**
   * An order made by hand from a finding the rules do not dispatch (or one whose order was
   * closed): to the organisation named, else where its rule would send it, else left for the
   * dispatcher; refused while the finding has an open order.
   */
  async createFromFinding(
    finding: Pick<FindingTable, 'id' | 'household_id' | 'policy_id' | 'subject' | 'area_code' | 'kind'>,
    organisationId: string | null,
    priority: WorkOrderPriority | null,
    actor: WorkActor,
    now = new Date(),
  ): Promise<string> {
    if (await hasOpenOrderForFinding(this.#db, finding.id)) throw new AppError('WORKORDER_FINDING_HAS_ORDER');
    // Checked before the order is written, so a refused dispatch leaves nothing behind.
    if (organisationId) await this.#organisation(organisationId);
    const organisations = await this.organisations();
    const info = this.#ruleInfo(finding.policy_id);
    const rule = routeOf(this.routing, {
      kind: finding.kind,
      policyId: finding.policy_id,
      department: info?.department ?? null,
      areaCode: finding.area_code,
    });
    const dispatcher = dispatcherOf(actor, finding.area_code, organisations);
    const at = now.toISOString();
    const id = timeOrderedId(now.getTime());
    const order = this.#newOrderRow(id, {
      source: 'finding',
      type: finding.kind,
      title: `${kindWords[finding.kind]}：${info?.name ?? finding.policy_id}`,
      description: rule?.name ?? null,
      finding_id: finding.id,
      policy_id: finding.policy_id,
      household_id: finding.household_id,
      person_id: finding.subject === 'household' ? null : finding.subject,
      area_code: finding.area_code,
      dispatcher_org_id: dispatcher,
      routing_rule_id: organisationId ? null : (rule?.id ?? null),
      priority: priority ?? rule?.priority ?? 'normal',
      sla_working_days: rule?.slaWorkingDays ?? this.defaultSla,
      created_by: actor.userId,
      at,
    });
    await insertOrders(
      this.#db,
      [order],
      [this.#event(id, 1, actor.userId, 'create', null, 'created', null, '由线索生成', at)],
      [],
      [],
    );
    const lead =
      organisationId ?? (rule ? organisationFor(rule.to, finding.area_code, organisations)?.id : undefined);
    if (lead) {
      const coHandlers =
        rule && !organisationId ? this.#ruleParts(rule, finding.area_code, organisations, lead) : [];
      await this.#dispatchNew(
        id,
        lead,
        coHandlers.map((c) => ({ organisationId: c.id, task: c.task })),
        actor,
        now,
      );
    }
    return id;
  }

  /** An order from a hotline call or made by hand; dispatched at once when an organisation is named. */
  async create(input: NewOrder, actor: WorkActor, now = new Date()): Promise<string> {
    const organisations = await this.organisations();
    const dispatcher = dispatcherOf(actor, input.areaCode, organisations);
    const at = now.toISOString();
    const id = timeOrderedId(now.getTime());
    const order = this.#newOrderRow(id, {
      source: input.source,
      type: input.type,
      title: input.title,
      description: input.description,
      finding_id: null,
      policy_id: null,
      household_id: input.householdId,
      person_id: input.personId,
      area_code: input.areaCode,
      dispatcher_org_id: dispatcher,
      routing_rule_id: null,
      priority: input.priority,
      sla_working_days: input.slaWorkingDays,
      created_by: actor.userId,
      at,
    });
    order.caller_name = input.callerName;
    order.caller_phone_enc = input.callerPhone ? this.#cipher.encrypt(input.callerPhone) : null;
    const events = [
      this.#event(
        id,
        1,
        actor.userId,
        'create',
        null,
        'created',
        null,
        input.source === 'hotline' ? '来电登记' : '人工创建',
        at,
      ),
    ];
    // Everything the dispatch will need is checked before the order is written: a refused
    // dispatch must not leave an undispatched order behind (the create and the dispatch are two
    // transactions).
    for (const c of input.coHandlers) await this.#organisation(c.organisationId);
    if (input.organisationId) await this.#organisation(input.organisationId);
    if (input.organisationId && !actor.canDispatch)
      throw new AppError('WORKORDER_NOT_DISPATCHER', { action: actionWords.dispatch });
    await insertOrders(this.#db, [order], events, [], []);
    if (input.organisationId) await this.#dispatchNew(id, input.organisationId, input.coHandlers, actor, now);
    return id;
  }

  /** Dispatches an order just written (its own transaction, through the lifecycle like any other). */
  async #dispatchNew(
    id: string,
    organisationId: string,
    coHandlers: NewOrder['coHandlers'],
    actor: WorkActor,
    now: Date,
  ): Promise<void> {
    const row = await findOrder(this.#db, id, { kind: 'all' });
    if (!row) throw new AppError('WORKORDER_NOT_FOUND');
    await this.act(row, { action: 'dispatch', organisationId, coHandlers }, actor, now);
  }

  /**
   * One action on an order the caller has in scope: the lifecycle decides the state, the actor's
   * role is checked (handlers act for their organisation; dispatchers need the permission), and
   * the order, its event, its parts, its notifications and any feedback to findings commit
   * together under the version the caller read.
   */
  async act(
    row: OrderRow,
    input: ActionInput & { coHandlers?: { organisationId: string; task: string }[] },
    actor: WorkActor,
    now = new Date(),
    expectedVersion?: number,
  ): Promise<void> {
    const action = input.action;
    const words = actionWords[action];
    // Acting on an order someone moved since the caller looked is a conflict, whatever the action.
    if (expectedVersion !== undefined && expectedVersion !== row.version)
      throw new AppError('WORKORDER_CONFLICT', { version: row.version });
    if (actor.userId !== 'system') {
      if (actorOf(action) === 'handler') {
        if (!row.organisation_id || actor.organisationId !== row.organisation_id)
          throw new AppError('WORKORDER_NOT_HANDLER', {
            organisation: row.organisation_name ?? '—',
            action: words,
          });
      } else if (!actor.canDispatch) throw new AppError('WORKORDER_NOT_DISPATCHER', { action: words });
    }
    let organisationId = input.organisationId ?? null;
    if (action === 'escalate') {
      const current = row.organisation_id ? await this.#organisation(row.organisation_id) : null;
      const above = current ? organisationAbove(current, await this.organisations()) : null;
      if (!above) throw new AppError('WORKORDER_NO_LEVEL_ABOVE', { organisation: current?.name ?? '—' });
      organisationId = above.id;
    } else if (organisationId) await this.#organisation(organisationId);
    if (action === 'resolve' && input.outcome === 'enrolled') {
      const info = input.outcomePolicyId ? this.#ruleInfo(input.outcomePolicyId) : null;
      if (!info?.enrollable)
        throw new AppError('WORKORDER_FIELD_REQUIRED', { action: words, field: fieldWords.poolPolicy });
    }
    if (action === 'resolve') {
      const open = (await orderParts(this.#db, row.id)).filter((p) => p.status !== 'done');
      if (open.length)
        throw new AppError('WORKORDER_PARTS_OPEN', {
          count: open.length,
          organisations: open.map((p) => p.organisation_name).join('、'),
        });
    }
    const next = transition(
      { status: row.status, organisationId: row.organisation_id, outcome: row.outcome },
      { ...input, organisationId },
    );
    const at = now.toISOString();
    const today = todayInChina(now);
    const calendar = await this.calendar();
    const change: Updateable<WorkOrderTable> = {
      status: next.status,
      organisation_id: next.organisationId,
      updated_at: at,
    };
    const notes: Insertable<NotificationTable>[] = [];
    const handlerChanged = next.organisationId !== row.organisation_id;
    if (handlerChanged) change.assignee_id = null;
    switch (action) {
      case 'dispatch':
      case 'transfer':
      case 'escalate': {
        Object.assign(change, startClock(row, today, row.area_code, calendar));
        if (action === 'escalate') change.escalation_level = row.escalation_level + 1;
        const verb = action === 'dispatch' ? '新工单' : action === 'transfer' ? '转派工单' : '升级督办';
        if (next.organisationId)
          notes.push(
            this.#notice(
              next.organisationId,
              row.id,
              action,
              `${verb}：${row.title}`,
              input.note ?? null,
              at,
            ),
          );
        break;
      }
      case 'accept':
        change.assignee_id = actor.userId === 'system' ? null : actor.userId;
        break;
      case 'pause':
        change.paused_since = today;
        break;
      case 'resume': {
        const resumed = resumeClock(row, today, row.area_code, calendar);
        Object.assign(change, resumed);
        // A due date moved past today may be near or past again later: alert again then.
        if (resumed.due_on && resumed.due_on >= today)
          Object.assign(change, { near_due_notified: 0, overdue: 0 });
        break;
      }
      case 'resolve':
        change.outcome = next.outcome;
        change.outcome_policy_id = input.outcome === 'enrolled' ? (input.outcomePolicyId ?? null) : null;
        change.outcome_provider = input.outcome === 'referred' ? (input.outcomeProvider ?? null) : null;
        change.outcome_note = input.note ?? null;
        change.resolved_at = at;
        change.resolved_on = today;
        notes.push(
          this.#notice(
            row.dispatcher_org_id,
            row.id,
            'resolved',
            `待核验：${row.title}`,
            input.note ?? null,
            at,
          ),
        );
        break;
      case 'return':
        notes.push(
          this.#notice(
            row.dispatcher_org_id,
            row.id,
            'returned',
            `工单被退回：${row.title}`,
            input.note ?? null,
            at,
          ),
        );
        break;
      case 'reopen':
        Object.assign(change, {
          outcome: null,
          outcome_policy_id: null,
          outcome_provider: null,
          outcome_note: null,
          resolved_at: null,
          resolved_on: null,
          closed_at: null,
        });
        if (row.organisation_id)
          notes.push(
            this.#notice(
              row.organisation_id,
              row.id,
              'reopened',
              `工单重新打开：${row.title}`,
              input.note ?? null,
              at,
            ),
          );
        break;
      case 'close':
        change.closed_at = at;
        break;
      case 'verify':
      case 'start':
      case 'cancel':
        break;
    }
    const parts: Insertable<WorkOrderPartTable>[] = [];
    for (const c of input.coHandlers ?? []) {
      if (c.organisationId === next.organisationId) continue;
      parts.push({
        order_id: row.id,
        organisation_id: c.organisationId,
        task: c.task,
        status: 'pending',
        note: null,
        updated_by: actor.userId,
        updated_at: at,
      });
      notes.push(this.#notice(c.organisationId, row.id, 'co_handle', `协办工单：${row.title}`, c.task, at));
    }
    const detail =
      action === 'resolve'
        ? {
            outcome: input.outcome,
            outcomePolicyId: input.outcomePolicyId ?? null,
            outcomeProvider: input.outcomeProvider ?? null,
          }
        : null;
    const ids = await commitTransition(this.#db, row.id, expectedVersion ?? row.version, change, {
      event: this.#event(
        row.id,
        0,
        actor.userId,
        action,
        row.status,
        next.status,
        next.organisationId,
        input.note ?? null,
        at,
        detail,
      ),
      parts,
      notifications: notes,
      ...(action === 'resolve' && input.outcome && (row.finding_id || row.household_id)
        ? {
            also: async (trx) => {
              await resolveFindingsFromWork(trx, {
                findingId: row.finding_id,
                householdId: row.household_id,
                resolution: input.outcome ?? 'not_eligible',
                enrolledPolicyId: input.outcomePolicyId ?? null,
                actor: actor.userId,
                note: `工单办结：${input.note ?? input.outcomeProvider ?? input.outcomePolicyId ?? ''}`,
                at,
              });
            },
          }
        : {}),
    });
    await deliverNotifications(this.#db, this.#channels, ids);
  }

  /** A co-handler accepts or completes its part of a joint order; the lead is told when a part is done. */
  async actOnPart(
    row: OrderRow,
    status: 'accepted' | 'done',
    note: string | null,
    actor: WorkActor,
    now = new Date(),
  ) {
    const parts = await orderParts(this.#db, row.id);
    const mine = parts.find((p) => p.organisation_id === actor.organisationId);
    if (!mine || !actor.organisationId) throw new AppError('WORKORDER_PART_NOT_FOUND');
    const allowed = status === 'accepted' ? mine.status === 'pending' : mine.status !== 'done';
    const live = ['dispatched', 'accepted', 'in_progress', 'paused'].includes(row.status);
    if (!allowed || !live)
      throw new AppError('WORKORDER_TRANSITION_INVALID', {
        status:
          mine.status === 'done'
            ? { zh: '协办已完成', en: 'part done' }
            : mine.status === 'accepted'
              ? { zh: '协办已接收', en: 'part accepted' }
              : { zh: '协办待接收', en: 'part pending' },
        action:
          status === 'accepted'
            ? { zh: '接收协办', en: 'accepted as a part' }
            : { zh: '完成协办', en: 'done as a part' },
      });
    const at = now.toISOString();
    const notes =
      status === 'done' && row.organisation_id
        ? [
            this.#notice(
              row.organisation_id,
              row.id,
              'part_done',
              `协办完成：${mine.organisation_name}`,
              note,
              at,
            ),
          ]
        : [];
    const ids = await changePart(
      this.#db,
      row.id,
      row.version,
      { organisation_id: actor.organisationId, status, note, updated_by: actor.userId, updated_at: at },
      this.#event(
        row.id,
        0,
        actor.userId,
        status === 'accepted' ? 'part_accept' : 'part_done',
        row.status,
        row.status,
        row.organisation_id,
        note,
        at,
        { part: actor.organisationId },
      ),
      notes,
    );
    await deliverNotifications(this.#db, this.#channels, ids);
  }

  async comment(row: OrderRow, body: string, actor: WorkActor, now = new Date()): Promise<void> {
    const at = now.toISOString();
    const notes =
      row.organisation_id && row.organisation_id !== actor.organisationId
        ? [
            this.#notice(
              row.organisation_id,
              row.id,
              'comment',
              `新留言：${row.title}`,
              body.slice(0, 200),
              at,
            ),
          ]
        : [];
    const ids = await addComment(this.#db, { order_id: row.id, at, author: actor.userId, body }, notes);
    await deliverNotifications(this.#db, this.#channels, ids);
  }

  /**
   * The clock's sweep: orders with at most the near-due allowance left get one alert; orders past
   * their due date are marked overdue once, their handler alerted, and — when the rules say so —
   * escalated to the organisation one level up (village → township → county).
   */
  async sweep(now = new Date()): Promise<{ nearDue: number; overdue: number; escalated: number }> {
    const today = todayInChina(now);
    const routing = this.routing;
    const calendar = await this.calendar();
    // A bound for the query in calendar days, wide enough for the longest holiday (Spring Festival's
    // nine days) around the near-due allowance; each order's own area's calendar then decides.
    const horizon = new Date(Date.parse(today) + (routing.nearDueWorkingDays * 2 + 14) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const rows = await runningOrdersDueBy(this.#db, horizon);
    const organisations = await this.organisations();
    let nearDue = 0;
    let overdue = 0;
    let escalated = 0;
    for (const r of rows) {
      const state = clockState(r.status, r, today, r.area_code, calendar, routing.nearDueWorkingDays);
      if (state === 'near_due' && !r.near_due_notified && r.organisation_id) {
        if (await this.#flag(r.id, 'near_due_notified')) {
          nearDue++;
          await this.#notify(
            this.#notice(
              r.organisation_id,
              r.id,
              'near_due',
              `即将超期：${r.title}`,
              `办结期限 ${r.due_on ?? ''}`,
              now.toISOString(),
            ),
          );
        }
      }
      if (state === 'overdue' && !r.overdue && (await this.#flag(r.id, 'overdue'))) {
        overdue++;
        if (r.organisation_id)
          await this.#notify(
            this.#notice(
              r.organisation_id,
              r.id,
              'overdue',
              `已超期：${r.title}`,
              `办结期限 ${r.due_on ?? ''}`,
              now.toISOString(),
            ),
          );
        const current = organisations.find((o) => o.id === r.organisation_id);
        if (routing.escalateOverdue && current && organisationAbove(current, organisations)) {
          const row = await findOrder(this.#db, r.id, { kind: 'all' });
          if (row) {
            await this.act(
              row,
              { action: 'escalate', note: `超过办结期限 ${r.due_on ?? ''}，自动升级` },
              systemActor,
              now,
            );
            escalated++;
          }
        }
      }
    }
    return { nearDue, overdue, escalated };
  }

  async #flag(id: string, column: 'near_due_notified' | 'overdue'): Promise<boolean> {
    return setClockFlag(this.#db, id, column);
  }

  async #notify(n: Insertable<NotificationTable>): Promise<void> {
    await deliverNotifications(this.#db, this.#channels, [await insertNotification(this.#db, n)]);
  }
}

export type { WorkOrderAction };
