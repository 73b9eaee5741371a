import { sql, type Insertable, type Kysely, type SqlBool, type Transaction, type Updateable } from 'kysely';
import type { DataScopeFilter } from '../access/scope/dataScope.ts';
import { inScope } from '../access/scope/dataScope.ts';
import { AppError } from '../core/appError.ts';
import type {
  CalendarOverrideTable,
  Database,
  FindingKind,
  NotificationTable,
  WorkOrderEventTable,
  WorkOrderPartTable,
  WorkOrderStatus,
  WorkOrderTable,
} from '../db/schema.ts';

/** What one transition writes besides the order itself, all in the order's transaction. */
export interface TransitionWrites {
  event: Insertable<WorkOrderEventTable>;
  parts?: Insertable<WorkOrderPartTable>[];
  notifications?: Insertable<NotificationTable>[];
  /** Work on other modules' rows that must commit with the transition (a finding's resolution). */
  also?: (trx: Transaction<Database>) => Promise<void>;
}

/** New orders with their creation (and routing) events, parts and notifications, together. */
export async function insertOrders(
  db: Kysely<Database>,
  orders: Insertable<WorkOrderTable>[],
  events: Insertable<WorkOrderEventTable>[],
  parts: Insertable<WorkOrderPartTable>[],
  notifications: Insertable<NotificationTable>[],
): Promise<number[]> {
  if (orders.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    for (let i = 0; i < orders.length; i += 200)
      await trx
        .insertInto('work_orders')
        .values(orders.slice(i, i + 200))
        .execute();
    for (let i = 0; i < events.length; i += 200)
      await trx
        .insertInto('work_order_events')
        .values(events.slice(i, i + 200))
        .execute();
    for (let i = 0; i < parts.length; i += 200)
      await trx
        .insertInto('work_order_parts')
        .values(parts.slice(i, i + 200))
        .execute();
    return insertNotifications(trx, notifications);
  });
}

async function insertNotifications(
  trx: Kysely<Database>,
  notifications: Insertable<NotificationTable>[],
): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < notifications.length; i += 200) {
    const rows = await trx
      .insertInto('notifications')
      .values(notifications.slice(i, i + 200))
      .returning('id')
      .execute();
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

/**
 * One transition: the order moves from the version the caller read to the next, or not at all —
 * the compare-and-set on `version` turns a concurrent change into WORKORDER_CONFLICT instead of a
 * lost update; the event's (order, seq) key would refuse a doubled one. Returns the new
 * notifications' ids for the channels.
 */
export async function commitTransition(
  db: Kysely<Database>,
  id: string,
  version: number,
  change: Updateable<WorkOrderTable>,
  writes: TransitionWrites,
): Promise<number[]> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('work_orders')
      .set({ ...change, version: version + 1 })
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      const now = await trx
        .selectFrom('work_orders')
        .select('version')
        .where('id', '=', id)
        .executeTakeFirst();
      throw new AppError('WORKORDER_CONFLICT', { version: now?.version ?? '?' });
    }
    await trx
      .insertInto('work_order_events')
      .values({ ...writes.event, seq: version + 1 })
      .execute();
    for (const part of writes.parts ?? [])
      await trx
        .insertInto('work_order_parts')
        .values(part)
        .onConflict((oc) =>
          oc.columns(['order_id', 'organisation_id']).doUpdateSet({
            task: part.task,
            status: part.status,
            note: part.note ?? null,
            updated_by: part.updated_by ?? null,
            updated_at: part.updated_at,
          }),
        )
        .execute();
    await writes.also?.(trx);
    return insertNotifications(trx, writes.notifications ?? []);
  });
}

/** A co-handler's part changes without moving the order; it still bumps the version and is recorded. */
export async function changePart(
  db: Kysely<Database>,
  id: string,
  version: number,
  part: {
    organisation_id: string;
    status: WorkOrderPartTable['status'];
    note: string | null;
    updated_by: string;
    updated_at: string;
  },
  event: Insertable<WorkOrderEventTable>,
  notifications: Insertable<NotificationTable>[],
): Promise<number[]> {
  return commitTransition(
    db,
    id,
    version,
    { updated_at: part.updated_at },
    {
      event,
      notifications,
      also: async (trx) => {
        await trx
          .updateTable('work_order_parts')
          .set({
            status: part.status,
            note: part.note,
            updated_by: part.updated_by,
            updated_at: part.updated_at,
          })
          .where('order_id', '=', id)
          .where('organisation_id', '=', part.organisation_id)
          .execute();
      },
    },
  );
}

const orderColumns = [
  'work_orders.id',
  'work_orders.source',
  'work_orders.type',
  'work_orders.title',
  'work_orders.description',
  'work_orders.finding_id',
  'work_orders.policy_id',
  'work_orders.household_id',
  'work_orders.person_id',
  'work_orders.area_code',
  'work_orders.organisation_id',
  'work_orders.assignee_id',
  'work_orders.dispatcher_org_id',
  'work_orders.routing_rule_id',
  'work_orders.priority',
  'work_orders.status',
  'work_orders.outcome',
  'work_orders.outcome_policy_id',
  'work_orders.outcome_provider',
  'work_orders.outcome_note',
  'work_orders.caller_name',
  'work_orders.caller_phone_enc',
  'work_orders.sla_working_days',
  'work_orders.clock_started_on',
  'work_orders.due_on',
  'work_orders.paused_since',
  'work_orders.paused_working_days',
  'work_orders.near_due_notified',
  'work_orders.overdue',
  'work_orders.escalation_level',
  'work_orders.version',
  'work_orders.created_by',
  'work_orders.created_at',
  'work_orders.updated_at',
  'work_orders.resolved_at',
  'work_orders.resolved_on',
  'work_orders.closed_at',
  'organisations.name as organisation_name',
  'hukou_households.hukou_number',
] as const;

function ordersQuery(db: Kysely<Database>) {
  return db
    .selectFrom('work_orders')
    .leftJoin('organisations', 'organisations.id', 'work_orders.organisation_id')
    .leftJoin('hukou_households', 'hukou_households.id', 'work_orders.household_id')
    .select(orderColumns);
}

export type OrderRow = Awaited<ReturnType<typeof findOrder>> & object;

export async function findOrder(db: Kysely<Database>, id: string, scope: DataScopeFilter) {
  return ordersQuery(db)
    .where('work_orders.id', '=', id)
    .where(inScope(db, 'work_orders.area_code', scope))
    .executeTakeFirst();
}

export interface OrderFilter {
  status?: WorkOrderStatus[];
  organisationId?: string;
  /** Orders where this organisation is the handler or a co-handler with a part. */
  involving?: string;
  assigneeId?: string;
  source?: string;
  type?: string;
  priority?: string;
  /** Running orders past their due date on this day (true), or every other order (false). */
  overdue?: { asOf: string; is: boolean };
  /** Orders this organisation dispatched (its queue to dispatch and verify). */
  dispatcherOrgId?: string;
  areaCode?: string;
  findingId?: string;
  routingRuleId?: string;
  dueBefore?: string;
}

function filtered(db: Kysely<Database>, filter: OrderFilter, scope: DataScopeFilter) {
  let q = ordersQuery(db).where(inScope(db, 'work_orders.area_code', scope));
  if (filter.status?.length) q = q.where('work_orders.status', 'in', filter.status);
  if (filter.organisationId) q = q.where('work_orders.organisation_id', '=', filter.organisationId);
  if (filter.involving) {
    const org = filter.involving;
    q = q.where((eb) =>
      eb.or([
        eb('work_orders.organisation_id', '=', org),
        eb.exists(
          eb
            .selectFrom('work_order_parts')
            .select('work_order_parts.order_id')
            .whereRef('work_order_parts.order_id', '=', 'work_orders.id')
            .where('work_order_parts.organisation_id', '=', org),
        ),
      ]),
    );
  }
  if (filter.assigneeId) q = q.where('work_orders.assignee_id', '=', filter.assigneeId);
  if (filter.source) q = q.where('work_orders.source', '=', filter.source as WorkOrderTable['source']);
  if (filter.type) q = q.where('work_orders.type', '=', filter.type);
  if (filter.priority)
    q = q.where('work_orders.priority', '=', filter.priority as WorkOrderTable['priority']);
  if (filter.overdue) {
    const late = sql<SqlBool>`(${sql.ref('work_orders.status')} in ('dispatched', 'accepted', 'in_progress') and ${sql.ref('work_orders.due_on')} < ${filter.overdue.asOf})`;
    q = q.where(filter.overdue.is ? late : sql<SqlBool>`not ${late}`);
  }
  if (filter.dispatcherOrgId) q = q.where('work_orders.dispatcher_org_id', '=', filter.dispatcherOrgId);
  if (filter.areaCode)
    q = q.where(inScope(db, 'work_orders.area_code', { kind: 'within', areaCode: filter.areaCode }));
  if (filter.findingId) q = q.where('work_orders.finding_id', '=', filter.findingId);
  if (filter.routingRuleId) q = q.where('work_orders.routing_rule_id', '=', filter.routingRuleId);
  if (filter.dueBefore) q = q.where('work_orders.due_on', '<=', filter.dueBefore);
  return q;
}

export async function listOrders(
  db: Kysely<Database>,
  filter: OrderFilter,
  scope: DataScopeFilter,
  paging: { limit: number; offset: number },
) {
  const rows = await filtered(db, filter, scope)
    .orderBy(
      sql`case work_orders.priority when 'urgent' then 0 when 'high' then 1 when 'normal' then 2 else 3 end`,
    )
    // Orders without a due date last on both databases (SQLite sorts nulls first, PostgreSQL last).
    .orderBy(sql`case when work_orders.due_on is null then 1 else 0 end`)
    .orderBy('work_orders.due_on')
    .orderBy('work_orders.id')
    .limit(paging.limit)
    .offset(paging.offset)
    .execute();
  const total = await filtered(db, filter, scope)
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { rows, total: total.n };
}

export async function orderEvents(db: Kysely<Database>, orderId: string) {
  return db
    .selectFrom('work_order_events')
    .leftJoin('users', 'users.id', 'work_order_events.actor')
    .leftJoin('organisations', 'organisations.id', 'work_order_events.organisation_id')
    .select([
      'work_order_events.seq',
      'work_order_events.at',
      'work_order_events.actor',
      'users.display_name as actor_name',
      'work_order_events.action',
      'work_order_events.from_status',
      'work_order_events.to_status',
      'work_order_events.organisation_id',
      'organisations.name as organisation_name',
      'work_order_events.note',
      'work_order_events.detail_json',
    ])
    .where('work_order_events.order_id', '=', orderId)
    .orderBy('work_order_events.seq')
    .execute();
}

export async function orderParts(db: Kysely<Database>, orderId: string) {
  return db
    .selectFrom('work_order_parts')
    .innerJoin('organisations', 'organisations.id', 'work_order_parts.organisation_id')
    .select([
      'work_order_parts.organisation_id',
      'organisations.name as organisation_name',
      'work_order_parts.task',
      'work_order_parts.status',
      'work_order_parts.note',
      'work_order_parts.updated_at',
    ])
    .where('work_order_parts.order_id', '=', orderId)
    .orderBy('organisations.name')
    .execute();
}

export async function orderComments(db: Kysely<Database>, orderId: string) {
  return db
    .selectFrom('work_order_comments')
    .leftJoin('users', 'users.id', 'work_order_comments.author')
    .select([
      'work_order_comments.id',
      'work_order_comments.at',
      'work_order_comments.author',
      'users.display_name as author_name',
      'work_order_comments.body',
    ])
    .where('work_order_comments.order_id', '=', orderId)
    .orderBy('work_order_comments.id')
    .execute();
}

export async function addComment(
  db: Kysely<Database>,
  comment: { order_id: string; at: string; author: string; body: string },
  notifications: Insertable<NotificationTable>[],
): Promise<number[]> {
  return db.transaction().execute(async (trx) => {
    await trx.insertInto('work_order_comments').values(comment).execute();
    return insertNotifications(trx, notifications);
  });
}

export async function orderAttachments(db: Kysely<Database>, orderId: string) {
  return db
    .selectFrom('work_order_attachments')
    .select(['id', 'name', 'content_type', 'size', 'uploaded_by', 'uploaded_at'])
    .where('order_id', '=', orderId)
    .orderBy('uploaded_at')
    .execute();
}

export async function addAttachment(
  db: Kysely<Database>,
  row: Insertable<Database['work_order_attachments']>,
) {
  await db.insertInto('work_order_attachments').values(row).execute();
}

export async function findAttachment(db: Kysely<Database>, orderId: string, id: string) {
  return db
    .selectFrom('work_order_attachments')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Findings without an open order: the ones routing may turn into work. */
/** Which findings some rule may route: kinds any policy of which a rule takes, and kinds' listed policies. */
export interface RoutingCandidates {
  anyPolicy: readonly FindingKind[];
  policies: readonly { kind: FindingKind; ids: readonly string[] }[];
}

/** Findings some rule may route without an open order, in id order after a cursor (a page at a time). */
export async function findingsWithoutOrder(
  db: Kysely<Database>,
  scope: DataScopeFilter,
  candidates: RoutingCandidates,
  after: string | null,
  limit: number,
) {
  if (candidates.anyPolicy.length === 0 && candidates.policies.length === 0) return [];
  let q = db
    .selectFrom('findings')
    .select([
      'findings.id',
      'findings.household_id',
      'findings.policy_id',
      'findings.subject',
      'findings.area_code',
      'findings.kind',
    ])
    .where('findings.status', 'in', ['new', 'assigned'])
    .where((eb) =>
      eb.or([
        ...(candidates.anyPolicy.length ? [eb('findings.kind', 'in', [...candidates.anyPolicy])] : []),
        ...candidates.policies.map((c) =>
          eb.and([eb('findings.kind', '=', c.kind), eb('findings.policy_id', 'in', [...c.ids])]),
        ),
      ]),
    )
    .where(inScope(db, 'findings.area_code', scope));
  if (after) q = q.where('findings.id', '>', after);
  return q
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('work_orders')
            .select('work_orders.id')
            .whereRef('work_orders.finding_id', '=', 'findings.id')
            .where('work_orders.status', 'not in', ['closed', 'cancelled']),
        ),
      ),
    )
    .orderBy('findings.id')
    .limit(limit)
    .execute();
}

export async function hasOpenOrderForFinding(db: Kysely<Database>, findingId: string): Promise<boolean> {
  const row = await db
    .selectFrom('work_orders')
    .select('id')
    .where('finding_id', '=', findingId)
    .where('status', 'not in', ['closed', 'cancelled'])
    .executeTakeFirst();
  return row !== undefined;
}

/** Sets a clock flag once: true only for the caller that set it (two sweeps never alert twice). */
export async function setClockFlag(
  db: Kysely<Database>,
  id: string,
  column: 'near_due_notified' | 'overdue',
): Promise<boolean> {
  const r = await db
    .updateTable('work_orders')
    .set({ [column]: 1 })
    .where('id', '=', id)
    .where(column, '=', 0)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertNotification(
  db: Kysely<Database>,
  n: Insertable<NotificationTable>,
): Promise<number> {
  const [id] = await insertNotifications(db, [n]);
  if (id === undefined) throw new Error('notification not inserted');
  return id;
}

/** Orders whose clock runs, for the sweep: due within the near-due window or already past. */
export async function runningOrdersDueBy(db: Kysely<Database>, by: string) {
  return db
    .selectFrom('work_orders')
    .select([
      'id',
      'version',
      'status',
      'area_code',
      'organisation_id',
      'title',
      'sla_working_days',
      'clock_started_on',
      'due_on',
      'paused_since',
      'paused_working_days',
      'near_due_notified',
      'overdue',
      'escalation_level',
    ])
    .where('status', 'in', ['dispatched', 'accepted', 'in_progress'])
    .where('due_on', '<=', by)
    .execute();
}

/**
 * Orders in scope counted by handling organisation and status, with how many of them are running
 * past their due date on `asOf`: the dispatch board's columns.
 */
export async function countByOrganisation(db: Kysely<Database>, scope: DataScopeFilter, asOf: string) {
  const late = sql<number>`sum(case when work_orders.status in ('dispatched', 'accepted', 'in_progress') and work_orders.due_on < ${asOf} then 1 else 0 end)`;
  const rows = await db
    .selectFrom('work_orders')
    .leftJoin('organisations', 'organisations.id', 'work_orders.organisation_id')
    .select([
      'work_orders.organisation_id',
      'organisations.name as organisation_name',
      'organisations.kind as organisation_kind',
      'work_orders.status',
      (eb) => eb.fn.countAll<number>().as('n'),
      late.as('late'),
    ])
    .where(inScope(db, 'work_orders.area_code', scope))
    .groupBy([
      'work_orders.organisation_id',
      'organisations.name',
      'organisations.kind',
      'work_orders.status',
    ])
    .execute();
  return rows;
}

/** Resolved orders in a period by organisation, with those resolved by their due date: the on-time rate. */
export async function resolvedOnTime(db: Kysely<Database>, scope: DataScopeFilter, from: string, to: string) {
  const onTime = sql<number>`sum(case when work_orders.due_on is null or work_orders.resolved_on <= work_orders.due_on then 1 else 0 end)`;
  const rows = await db
    .selectFrom('work_orders')
    .leftJoin('organisations', 'organisations.id', 'work_orders.organisation_id')
    .select([
      'work_orders.organisation_id',
      'organisations.name as organisation_name',
      (eb) => eb.fn.countAll<number>().as('resolved'),
      onTime.as('on_time'),
    ])
    .where('work_orders.resolved_at', 'is not', null)
    .where('work_orders.resolved_at', '>=', from)
    .where('work_orders.resolved_at', '<', to)
    .where(inScope(db, 'work_orders.area_code', scope))
    .groupBy(['work_orders.organisation_id', 'organisations.name'])
    .execute();
  return rows.map((r) => ({ ...r, resolved: r.resolved, on_time: r.on_time }));
}

/** Returns (wrongly routed) per routing rule, beside how many orders each rule routed. */
export async function returnsByRule(db: Kysely<Database>, scope: DataScopeFilter) {
  const returned = sql<number>`sum(case when exists (select 1 from work_order_events e where e.order_id = work_orders.id and e.action = 'return') then 1 else 0 end)`;
  const rows = await db
    .selectFrom('work_orders')
    .select([
      'work_orders.routing_rule_id',
      (eb) => eb.fn.countAll<number>().as('routed'),
      returned.as('returned'),
    ])
    .where('work_orders.routing_rule_id', 'is not', null)
    .where(inScope(db, 'work_orders.area_code', scope))
    .groupBy('work_orders.routing_rule_id')
    .execute();
  return rows.map((r) => ({
    rule: r.routing_rule_id ?? '',
    routed: r.routed,
    returned: r.returned,
  }));
}

export async function listCalendarOverrides(db: Kysely<Database>) {
  return db.selectFrom('calendar_overrides').selectAll().orderBy('day').orderBy('region_code').execute();
}

export async function upsertCalendarOverride(db: Kysely<Database>, row: CalendarOverrideTable) {
  await db
    .insertInto('calendar_overrides')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['region_code', 'day']).doUpdateSet({
        kind: row.kind,
        name: row.name,
        created_by: row.created_by,
        created_at: row.created_at,
      }),
    )
    .execute();
}

export async function deleteCalendarOverride(
  db: Kysely<Database>,
  regionCode: string,
  day: string,
): Promise<boolean> {
  const r = await db
    .deleteFrom('calendar_overrides')
    .where('region_code', '=', regionCode)
    .where('day', '=', day)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function listOrganisationRefs(db: Kysely<Database>) {
  return db.selectFrom('organisations').select(['id', 'name', 'kind', 'area_code', 'department']).execute();
}
