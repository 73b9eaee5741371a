import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../core/appError.ts';
import { chinaDaysAsInstants, todayInChina } from '../core/isoDate.ts';
import { maskKeeping } from '../core/masking.ts';
import { timeOrderedId } from '../core/timeOrderedId.ts';
import type { WorkOrderOutcome, WorkOrderPriority, WorkOrderStatus } from '../db/schema.ts';
import type { AppContext } from '../http/appContext.ts';
import { requestScope } from '../http/accessHook.ts';
import { requireAreaInScope } from '../access/scope/requireAreaInScope.ts';
import { findHukouHousehold } from '../registry/households/householdRepository.ts';
import { findFinding } from '../discovery/discoveryRepository.ts';
import { pagingProperties, uuidParams } from '../registry/registrySchemas.ts';
import { clockState, workingDaysLeft } from './workOrderClock.ts';
import {
  actionsFrom,
  actorOf,
  workOrderActions,
  workOrderOutcomes,
  workOrderStatuses,
  type WorkOrderAction,
} from './workOrderLifecycle.ts';
import {
  addAttachment,
  countByOrganisation,
  findAttachment,
  findOrder,
  listOrders,
  orderAttachments,
  orderComments,
  orderEvents,
  orderParts,
  resolvedOnTime,
  returnsByRule,
  type OrderFilter,
  type OrderRow,
} from './workOrderRepository.ts';
import type { WorkActor } from './workOrders.ts';

const open = { type: 'object', additionalProperties: true } as const;
const ok = { type: 'object', properties: { ok: { type: 'boolean' } } } as const;
const priorities: WorkOrderPriority[] = ['urgent', 'high', 'normal', 'low'];
/** Attachments are photos and scans of a household's papers: a few megabytes at most. */
const ATTACHMENT_LIMIT = 2 * 1024 * 1024;

const orderSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    source: { type: 'string' },
    type: { type: 'string' },
    title: { type: 'string' },
    description: { type: ['string', 'null'] },
    findingId: { type: ['string', 'null'] },
    policyId: { type: ['string', 'null'] },
    householdId: { type: ['string', 'null'] },
    hukouNumber: { type: ['string', 'null'] },
    areaCode: { type: 'string' },
    organisationId: { type: ['string', 'null'] },
    organisationName: { type: ['string', 'null'] },
    assigneeId: { type: ['string', 'null'] },
    dispatcherOrgId: { type: 'string' },
    routingRuleId: { type: ['string', 'null'] },
    priority: { type: 'string', enum: priorities },
    status: { type: 'string', enum: workOrderStatuses },
    outcome: { type: ['string', 'null'] },
    outcomePolicyId: { type: ['string', 'null'] },
    outcomeProvider: { type: ['string', 'null'] },
    outcomeNote: { type: ['string', 'null'] },
    slaWorkingDays: { type: 'integer' },
    clockStartedOn: { type: ['string', 'null'] },
    dueOn: { type: ['string', 'null'] },
    clock: { type: 'string' },
    workingDaysLeft: { type: ['integer', 'null'] },
    overdue: { type: 'boolean' },
    escalationLevel: { type: 'integer' },
    version: { type: 'integer' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    resolvedAt: { type: ['string', 'null'] },
  },
} as const;

const coHandlersSchema = {
  type: 'array',
  maxItems: 10,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['organisationId', 'task'],
    properties: {
      organisationId: { type: 'string', format: 'uuid' },
      task: { type: 'string', minLength: 1, maxLength: 200 },
    },
  },
} as const;

const attachmentParams = {
  type: 'object',
  required: ['id', 'attachmentId'],
  properties: { id: { type: 'string', format: 'uuid' }, attachmentId: { type: 'string', format: 'uuid' } },
} as const;

interface ListQuery {
  box?: 'mine' | 'dispatching' | 'all';
  status?: WorkOrderStatus[];
  organisationId?: string;
  source?: string;
  type?: string;
  priority?: WorkOrderPriority;
  overdue?: boolean;
  areaCode?: string;
  routingRuleId?: string;
  findingId?: string;
  limit: number;
  offset: number;
}

interface ActionBody {
  action: WorkOrderAction;
  note?: string;
  organisationId?: string;
  outcome?: WorkOrderOutcome;
  outcomePolicyId?: string;
  outcomeProvider?: string;
  version?: number;
  coHandlers?: { organisationId: string; task: string }[];
}

/** Work orders (issue 8): the lists and the board, one order with its timeline, every action, the SLA dashboard. */
export function registerWorkOrderRoutes(app: FastifyInstance, context: AppContext): void {
  const { db, workOrders } = context;

  const actorOfRequest = (request: FastifyRequest): WorkActor => {
    const p = request.principal;
    if (!p) throw new AppError('AUTH_REQUIRED');
    return {
      userId: p.userId,
      organisationId: p.organisationId,
      canDispatch: p.permissions.includes('workorder:order:dispatch'),
    };
  };

  const toOrder = async (r: OrderRow, today: string) => {
    const calendar = await workOrders.calendar();
    const clock = clockState(
      r.status,
      r,
      today,
      r.area_code,
      calendar,
      workOrders.routing.nearDueWorkingDays,
    );
    return {
      id: r.id,
      source: r.source,
      type: r.type,
      title: r.title,
      description: r.description,
      findingId: r.finding_id,
      policyId: r.policy_id,
      householdId: r.household_id,
      // Lists show a hukou number masked; the household page, audited, shows it whole.
      hukouNumber: r.hukou_number ? maskKeeping(r.hukou_number, { keepStart: 4, keepEnd: 3 }) : null,
      areaCode: r.area_code,
      organisationId: r.organisation_id,
      organisationName: r.organisation_name,
      assigneeId: r.assignee_id,
      dispatcherOrgId: r.dispatcher_org_id,
      routingRuleId: r.routing_rule_id,
      priority: r.priority,
      status: r.status,
      outcome: r.outcome,
      outcomePolicyId: r.outcome_policy_id,
      outcomeProvider: r.outcome_provider,
      outcomeNote: r.outcome_note,
      slaWorkingDays: r.sla_working_days,
      clockStartedOn: r.clock_started_on,
      dueOn: r.due_on,
      clock,
      workingDaysLeft: workingDaysLeft(r, today, r.area_code, calendar),
      // The clock's own verdict (the sweep's flag only says it was alerted).
      overdue: clock === 'overdue',
      escalationLevel: r.escalation_level,
      version: r.version,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      resolvedAt: r.resolved_at,
    };
  };

  const orderInScope = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const row = await findOrder(db, request.params.id, requestScope(request));
    if (!row) throw new AppError('WORKORDER_NOT_FOUND');
    return row;
  };

  app.get<{ Querystring: ListQuery }>(
    '/work-orders',
    {
      config: {
        access: 'workorder:order:view',
        audit: { action: 'workorder.search', subjectType: 'work_order', subjectFrom: 'none' },
      },
      schema: {
        tags: ['workorders'],
        summary:
          '工单列表：我的（本单位承办或协办）或权限范围内全部，可按状态、单位、来源、优先级、超期筛选 — Work orders: mine (my organisation handles or co-handles) or all in scope',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            // mine: my organisation handles or co-handles it; dispatching: my organisation dispatched it.
            box: { type: 'string', enum: ['mine', 'dispatching', 'all'], default: 'all' },
            status: { type: 'array', items: { type: 'string', enum: workOrderStatuses } },
            organisationId: { type: 'string', format: 'uuid' },
            source: { type: 'string', enum: ['finding', 'hotline', 'manual', 'application'] },
            type: { type: 'string', maxLength: 40 },
            priority: { type: 'string', enum: priorities },
            overdue: { type: 'boolean' },
            areaCode: { type: 'string', pattern: '^\\d{12}$' },
            routingRuleId: { type: 'string', maxLength: 80 },
            findingId: { type: 'string', format: 'uuid' },
            ...pagingProperties,
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: orderSchema }, total: { type: 'integer' } },
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      const scope = requestScope(request);
      if (q.areaCode) await requireAreaInScope(db, 'areaCode', q.areaCode, scope);
      const filter: OrderFilter = {
        ...(q.status ? { status: q.status } : {}),
        ...(q.organisationId ? { organisationId: q.organisationId } : {}),
        ...(q.box === 'mine' ? { involving: request.principal?.organisationId ?? '-' } : {}),
        ...(q.source ? { source: q.source } : {}),
        ...(q.type ? { type: q.type } : {}),
        ...(q.priority ? { priority: q.priority } : {}),
        ...(q.box === 'dispatching' ? { dispatcherOrgId: request.principal?.organisationId ?? '-' } : {}),
        ...(q.overdue !== undefined ? { overdue: { asOf: todayInChina(), is: q.overdue } } : {}),
        ...(q.areaCode ? { areaCode: q.areaCode } : {}),
        ...(q.routingRuleId ? { routingRuleId: q.routingRuleId } : {}),
        ...(q.findingId ? { findingId: q.findingId } : {}),
      };
      const { rows, total } = await listOrders(db, filter, scope, { limit: q.limit, offset: q.offset });
      const today = todayInChina();
      return { items: await Promise.all(rows.map((r) => toOrder(r, today))), total };
    },
  );

  app.get(
    '/work-orders/board',
    {
      config: { access: 'workorder:order:view' },
      schema: {
        tags: ['workorders'],
        summary:
          '派单看板：各承办单位的工单按状态计数，超期数，待派发数 — The dispatch board by organisation',
        response: {
          200: {
            type: 'object',
            properties: {
              organisations: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    organisationId: { type: ['string', 'null'] },
                    name: { type: ['string', 'null'] },
                    kind: { type: ['string', 'null'] },
                    counts: { type: 'object', additionalProperties: { type: 'integer' } },
                    open: { type: 'integer' },
                    overdue: { type: 'integer' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const rows = await countByOrganisation(db, requestScope(request), todayInChina());
      const byOrg = new Map<
        string,
        {
          organisationId: string | null;
          name: string | null;
          kind: string | null;
          counts: Record<string, number>;
          open: number;
          overdue: number;
        }
      >();
      for (const r of rows) {
        const key = r.organisation_id ?? '';
        const o = byOrg.get(key) ?? {
          organisationId: r.organisation_id,
          name: r.organisation_name,
          kind: r.organisation_kind,
          counts: {},
          open: 0,
          overdue: 0,
        };
        o.counts[r.status] = (o.counts[r.status] ?? 0) + r.n;
        // Open is the handler's own work; returned and resolved orders wait for the dispatcher.
        if (['dispatched', 'accepted', 'in_progress', 'paused'].includes(r.status)) o.open += r.n;
        o.overdue += r.late;
        byOrg.set(key, o);
      }
      return {
        organisations: [...byOrg.values()].sort(
          (a, b) => b.open - a.open || (a.name ?? '').localeCompare(b.name ?? ''),
        ),
      };
    },
  );

  app.get<{ Querystring: { from?: string; to?: string } }>(
    '/work-orders/sla',
    {
      config: {
        access: 'workorder:order:view',
        // It lists overdue orders, each about a household: recorded like the orders list.
        audit: { action: 'workorder.sla.view', subjectType: 'work_order', subjectFrom: 'none' },
      },
      schema: {
        tags: ['workorders'],
        summary:
          '时效看板：各单位按期办结率、超期未办结工单、派单规则退回率 — SLA: on-time rate by organisation, overdue orders, returns per routing rule',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              from: { type: 'string' },
              to: { type: 'string' },
              byOrganisation: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    organisationId: { type: ['string', 'null'] },
                    name: { type: ['string', 'null'] },
                    resolved: { type: 'integer' },
                    onTime: { type: 'integer' },
                    rate: { type: ['number', 'null'] },
                  },
                },
              },
              overdue: { type: 'array', items: orderSchema },
              overdueTotal: { type: 'integer' },
              returnsByRule: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    rule: { type: 'string' },
                    name: { type: 'string' },
                    routed: { type: 'integer' },
                    returned: { type: 'integer' },
                    rate: { type: 'number' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const scope = requestScope(request);
      const today = todayInChina();
      const to = request.query.to ?? today;
      const from = request.query.from ?? `${today.slice(0, 4)}-01-01`;
      const { start, end } = chinaDaysAsInstants(from, to);
      const resolved = await resolvedOnTime(db, scope, start, end);
      const overdue = await listOrders(db, { overdue: { asOf: today, is: true } }, scope, {
        limit: 200,
        offset: 0,
      });
      const names = new Map(workOrders.routing.rules.map((r) => [r.id, r.name]));
      return {
        from,
        to,
        byOrganisation: resolved
          .map((r) => ({
            organisationId: r.organisation_id,
            name: r.organisation_name,
            resolved: r.resolved,
            onTime: r.on_time,
            rate: r.resolved ? r.on_time / r.resolved : null,
          }))
          .sort((a, b) => (a.rate ?? 1) - (b.rate ?? 1)),
        overdue: await Promise.all(overdue.rows.map((r) => toOrder(r, today))),
        // The list shows the first 200 (most urgent first); the total counts them all.
        overdueTotal: overdue.total,
        returnsByRule: (await returnsByRule(db, scope))
          .map((r) => ({
            ...r,
            name: names.get(r.rule) ?? r.rule,
            rate: r.routed ? r.returned / r.routed : 0,
          }))
          .sort((a, b) => b.rate - a.rate),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/work-orders/:id',
    {
      config: {
        access: 'workorder:order:view',
        audit: { action: 'workorder.view', subjectType: 'work_order', subjectFrom: 'params' },
      },
      schema: {
        tags: ['workorders'],
        summary:
          '一张工单：状态、时限、协办、处理经过、留言、附件，以及当前用户可做的操作 — One work order with its timeline',
        params: uuidParams,
        response: { 200: open },
      },
    },
    async (request) => {
      const row = await orderInScope(request);
      const actor = actorOfRequest(request);
      const today = todayInChina();
      const [events, parts, comments, attachments] = await Promise.all([
        orderEvents(db, row.id),
        orderParts(db, row.id),
        orderComments(db, row.id),
        orderAttachments(db, row.id),
      ]);
      const handler = row.organisation_id !== null && row.organisation_id === actor.organisationId;
      const canHandle = request.principal?.permissions.includes('workorder:order:handle') ?? false;
      const actions = actionsFrom(row.status).filter((a) =>
        actorOf(a) === 'handler' ? handler && canHandle : actor.canDispatch,
      );
      const myPart = parts.find((p) => p.organisation_id === actor.organisationId) ?? null;
      const policy = row.policy_id ? workOrders.ruleInfo(row.policy_id) : null;
      return {
        ...(await toOrder(row, today)),
        policyName: policy?.name ?? null,
        outcomePolicyName: row.outcome_policy_id
          ? (workOrders.ruleInfo(row.outcome_policy_id)?.name ?? null)
          : null,
        callerName: row.caller_name,
        // The caller's phone stays encrypted at rest and masked on screen.
        callerPhone: row.caller_phone_enc
          ? maskKeeping(context.cipher.decrypt(row.caller_phone_enc), { keepStart: 3, keepEnd: 4 })
          : null,
        actions,
        myPart: myPart ? { status: myPart.status, task: myPart.task } : null,
        parts: parts.map((p) => ({
          organisationId: p.organisation_id,
          organisationName: p.organisation_name,
          task: p.task,
          status: p.status,
          note: p.note,
          updatedAt: p.updated_at,
        })),
        events: events.map((e) => ({
          seq: e.seq,
          at: e.at,
          actor: e.actor,
          actorName: e.actor === 'system' ? '系统' : e.actor_name,
          action: e.action,
          fromStatus: e.from_status,
          toStatus: e.to_status,
          organisationName: e.organisation_name,
          note: e.note,
          detail: e.detail_json ? (JSON.parse(e.detail_json) as unknown) : null,
        })),
        comments: comments.map((c) => ({ id: c.id, at: c.at, authorName: c.author_name, body: c.body })),
        attachments: attachments.map((a) => ({
          id: a.id,
          name: a.name,
          contentType: a.content_type,
          size: a.size,
          uploadedAt: a.uploaded_at,
        })),
      };
    },
  );

  app.post<{
    Body: {
      source: 'hotline' | 'manual';
      type?: string;
      title: string;
      description?: string;
      householdId?: string;
      areaCode: string;
      priority?: WorkOrderPriority;
      slaWorkingDays?: number;
      organisationId?: string;
      callerName?: string;
      callerPhone?: string;
      coHandlers?: { organisationId: string; task: string }[];
    };
  }>(
    '/work-orders',
    {
      config: {
        access: 'workorder:order:dispatch',
        audit: { action: 'workorder.create', subjectType: 'work_order', subjectFrom: 'response' },
      },
      schema: {
        tags: ['workorders'],
        summary: '登记来电或人工创建工单，可同时派发 — Register a hotline call or make an order by hand',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['source', 'title', 'areaCode'],
          properties: {
            source: { type: 'string', enum: ['hotline', 'manual'] },
            type: { type: 'string', maxLength: 40 },
            title: { type: 'string', minLength: 1, maxLength: 200 },
            description: { type: 'string', maxLength: 2000 },
            householdId: { type: 'string', format: 'uuid' },
            areaCode: { type: 'string', pattern: '^\\d{12}$' },
            priority: { type: 'string', enum: priorities },
            slaWorkingDays: { type: 'integer', minimum: 0, maximum: 365 },
            organisationId: { type: 'string', format: 'uuid' },
            callerName: { type: 'string', maxLength: 50 },
            callerPhone: { type: 'string', pattern: '^[0-9+\\- ]{5,20}$' },
            coHandlers: coHandlersSchema,
          },
        },
        response: { 201: orderSchema },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const scope = requestScope(request);
      await requireAreaInScope(db, 'areaCode', b.areaCode, scope);
      if (b.householdId && !(await findHukouHousehold(db, b.householdId, scope)))
        throw new AppError('WORKORDER_SUBJECT_NOT_FOUND');
      const id = await workOrders.create(
        {
          source: b.source,
          type: b.type ?? b.source,
          title: b.title,
          description: b.description ?? null,
          householdId: b.householdId ?? null,
          personId: null,
          areaCode: b.areaCode,
          priority: b.priority ?? 'normal',
          slaWorkingDays: b.slaWorkingDays ?? workOrders.defaultSla,
          organisationId: b.organisationId ?? null,
          callerName: b.callerName ?? null,
          callerPhone: b.callerPhone ?? null,
          coHandlers: b.coHandlers ?? [],
        },
        actorOfRequest(request),
      );
      const row = await findOrder(db, id, scope);
      if (!row) throw new AppError('WORKORDER_NOT_FOUND');
      return reply.code(201).send(await toOrder(row, todayInChina()));
    },
  );

  app.post<{ Body: { findingId: string; organisationId?: string; priority?: WorkOrderPriority } }>(
    '/work-orders/from-finding',
    {
      config: {
        access: 'workorder:order:dispatch',
        audit: {
          action: 'workorder.create_from_finding',
          subjectType: 'work_order',
          subjectFrom: 'response',
        },
      },
      schema: {
        tags: ['workorders'],
        summary:
          '由线索生成工单：派给指定单位，未指定时按派单规则 — Make an order from a finding, to the organisation named or where its rule sends it',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['findingId'],
          properties: {
            findingId: { type: 'string', format: 'uuid' },
            organisationId: { type: 'string', format: 'uuid' },
            priority: { type: 'string', enum: priorities },
          },
        },
        response: { 201: orderSchema },
      },
    },
    async (request, reply) => {
      const scope = requestScope(request);
      const finding = await findFinding(db, request.body.findingId, scope);
      if (!finding) throw new AppError('WORKORDER_SUBJECT_NOT_FOUND');
      if (finding.status !== 'new' && finding.status !== 'assigned')
        throw new AppError('WORKORDER_SUBJECT_NOT_FOUND');
      const id = await workOrders.createFromFinding(
        finding,
        request.body.organisationId ?? null,
        request.body.priority ?? null,
        actorOfRequest(request),
      );
      const row = await findOrder(db, id, scope);
      if (!row) throw new AppError('WORKORDER_NOT_FOUND');
      return reply.code(201).send(await toOrder(row, todayInChina()));
    },
  );

  app.post<{ Params: { id: string }; Body: ActionBody }>(
    '/work-orders/:id/actions',
    {
      config: {
        access: 'workorder:order:handle',
        audit: { action: 'workorder.act', subjectType: 'work_order', subjectFrom: 'params' },
      },
      schema: {
        tags: ['workorders'],
        summary:
          '工单操作：派发、接单、开始、暂停、恢复、办结（结果）、核验、关闭、转派、退回、升级、重新打开、撤销 — One action on a work order',
        params: uuidParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['action'],
          properties: {
            action: { type: 'string', enum: workOrderActions },
            note: { type: 'string', maxLength: 1000 },
            organisationId: { type: 'string', format: 'uuid' },
            outcome: { type: 'string', enum: workOrderOutcomes },
            outcomePolicyId: { type: 'string', maxLength: 80 },
            outcomeProvider: { type: 'string', maxLength: 200 },
            // The version the caller saw: a change since then is refused (409) rather than overwritten.
            version: { type: 'integer', minimum: 1 },
            coHandlers: coHandlersSchema,
          },
        },
        response: { 200: orderSchema },
      },
    },
    async (request) => {
      const row = await orderInScope(request);
      const { version, ...input } = request.body;
      await workOrders.act(row, input, actorOfRequest(request), new Date(), version);
      const updated = await findOrder(db, row.id, requestScope(request));
      if (!updated) throw new AppError('WORKORDER_NOT_FOUND');
      return toOrder(updated, todayInChina());
    },
  );

  app.post<{ Body: { ids: string[]; organisationId: string; note?: string } }>(
    '/work-orders/bulk-dispatch',
    {
      config: {
        access: 'workorder:order:dispatch',
        audit: { action: 'workorder.bulk_dispatch', subjectType: 'work_order', subjectFrom: 'none' },
      },
      schema: {
        tags: ['workorders'],
        summary:
          '批量派发（或转派）到一个单位，逐单报告结果 — Dispatch (or transfer) many orders to one organisation',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['ids', 'organisationId'],
          properties: {
            ids: {
              type: 'array',
              minItems: 1,
              maxItems: 500,
              uniqueItems: true,
              items: { type: 'string', format: 'uuid' },
            },
            organisationId: { type: 'string', format: 'uuid' },
            note: { type: 'string', maxLength: 1000 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              received: { type: 'integer' },
              dispatched: { type: 'integer' },
              failed: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    code: { type: 'string' },
                    message: { type: 'string' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const scope = requestScope(request);
      const actor = actorOfRequest(request);
      const { ids, organisationId, note } = request.body;
      const failed: { id: string; code: string; message: string }[] = [];
      let dispatched = 0;
      for (const id of ids) {
        try {
          const row = await findOrder(db, id, scope);
          if (!row) throw new AppError('WORKORDER_NOT_FOUND');
          // Created or returned orders are dispatched; live ones elsewhere are transferred, with the reason given.
          const action = row.status === 'created' || row.status === 'returned' ? 'dispatch' : 'transfer';
          await workOrders.act(row, { action, organisationId, note: note ?? '批量派发' }, actor);
          dispatched++;
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          failed.push({ id, code: error.code, message: error.message });
        }
      }
      return { received: ids.length, dispatched, failed };
    },
  );

  app.post(
    '/work-orders/route-findings',
    {
      config: {
        access: 'workorder:order:dispatch',
        audit: { action: 'workorder.route_findings', subjectType: 'work_order', subjectFrom: 'none' },
      },
      schema: {
        tags: ['workorders'],
        summary:
          '按派单规则把尚无工单的线索生成工单（服务运行时每分钟自动执行）— Route findings without an order',
        body: { type: 'object', additionalProperties: false, properties: {} },
        response: {
          200: {
            type: 'object',
            properties: {
              considered: { type: 'integer' },
              created: { type: 'integer' },
              dispatched: { type: 'integer' },
              unrouted: { type: 'integer' },
            },
          },
        },
      },
    },
    async (request) => workOrders.routeFindings(requestScope(request)),
  );

  app.post<{ Params: { id: string }; Body: { status: 'accepted' | 'done'; note?: string } }>(
    '/work-orders/:id/parts',
    {
      config: {
        access: 'workorder:order:handle',
        audit: { action: 'workorder.part', subjectType: 'work_order', subjectFrom: 'params' },
      },
      schema: {
        tags: ['workorders'],
        summary: '协办单位接收或完成本单位的协办任务 — A co-handler accepts or completes its part',
        params: uuidParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['status'],
          properties: {
            status: { type: 'string', enum: ['accepted', 'done'] },
            note: { type: 'string', maxLength: 1000 },
          },
        },
        response: { 200: ok },
      },
    },
    async (request) => {
      const row = await orderInScope(request);
      await workOrders.actOnPart(
        row,
        request.body.status,
        request.body.note ?? null,
        actorOfRequest(request),
      );
      return { ok: true };
    },
  );

  app.post<{ Params: { id: string }; Body: { body: string } }>(
    '/work-orders/:id/comments',
    {
      config: {
        access: 'workorder:order:view',
        audit: { action: 'workorder.comment', subjectType: 'work_order', subjectFrom: 'params' },
      },
      schema: {
        tags: ['workorders'],
        summary: '留言 — Comment on a work order',
        params: uuidParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['body'],
          properties: { body: { type: 'string', minLength: 1, maxLength: 2000 } },
        },
        response: { 200: ok },
      },
    },
    async (request) => {
      const row = await orderInScope(request);
      await workOrders.comment(row, request.body.body, actorOfRequest(request));
      return { ok: true };
    },
  );

  app.post<{ Params: { id: string }; Body: { name: string; contentType: string; contentBase64: string } }>(
    '/work-orders/:id/attachments',
    {
      config: {
        access: 'workorder:order:view',
        audit: { action: 'workorder.attach', subjectType: 'work_order', subjectFrom: 'params' },
      },
      schema: {
        tags: ['workorders'],
        summary: '上传附件（图片、PDF，2 MB 以内）— Attach a file (image or PDF, up to 2 MB)',
        params: uuidParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'contentType', 'contentBase64'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            contentType: { type: 'string', enum: ['image/jpeg', 'image/png', 'application/pdf'] },
            contentBase64: {
              type: 'string',
              minLength: 1,
              maxLength: Math.ceil((ATTACHMENT_LIMIT * 4) / 3) + 4,
            },
          },
        },
        response: {
          201: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              name: { type: 'string' },
              contentType: { type: 'string' },
              size: { type: 'integer' },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const row = await orderInScope(request);
      const { name, contentType, contentBase64 } = request.body;
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(contentBase64))
        throw new AppError('WORKORDER_ATTACHMENT_INVALID', { reason: '内容不是 Base64 编码' });
      const bytes = Buffer.from(contentBase64, 'base64');
      if (bytes.length > ATTACHMENT_LIMIT)
        throw new AppError('WORKORDER_ATTACHMENT_INVALID', {
          reason: `超过 ${String(ATTACHMENT_LIMIT / 1024 / 1024)} MB`,
        });
      // The bytes must be what the type says: a renamed executable is not a photo.
      const magic: Record<string, number[]> = {
        'image/jpeg': [0xff, 0xd8, 0xff],
        'image/png': [0x89, 0x50, 0x4e, 0x47],
        'application/pdf': [0x25, 0x50, 0x44, 0x46],
      };
      if (!(magic[contentType] ?? []).every((b, i) => bytes[i] === b))
        throw new AppError('WORKORDER_ATTACHMENT_INVALID', { reason: `内容与类型 ${contentType} 不符` });
      const id = timeOrderedId();
      await addAttachment(db, {
        id,
        order_id: row.id,
        name,
        content_type: contentType,
        size: bytes.length,
        content_base64: bytes.toString('base64'),
        uploaded_by: request.principal?.userId ?? 'unknown',
        uploaded_at: new Date().toISOString(),
      });
      return reply.code(201).send({ id, name, contentType, size: bytes.length });
    },
  );

  app.get<{ Params: { id: string; attachmentId: string } }>(
    '/work-orders/:id/attachments/:attachmentId',
    {
      config: {
        access: 'workorder:order:view',
        audit: {
          action: 'workorder.attachment.view',
          subjectType: 'work_order',
          subjectFrom: 'params',
          durability: 'committed',
        },
      },
      schema: {
        tags: ['workorders'],
        summary: '下载附件 — Download an attachment',
        params: attachmentParams,
        response: { 200: { type: 'string', format: 'binary' } },
      },
    },
    async (request, reply) => {
      const row = await orderInScope(request);
      const file = await findAttachment(db, row.id, request.params.attachmentId);
      if (!file) throw new AppError('WORKORDER_NOT_FOUND');
      reply.header('content-type', file.content_type);
      reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`);
      return reply.send(Buffer.from(file.content_base64, 'base64'));
    },
  );
}
