import type { Kysely } from 'kysely';
import { grantToBuiltinRoles, revokeFromBuiltinRoles } from './builtinRoleGrants.ts';
import { columnTypes } from '../dialects/columnTypes.ts';

/**
 * Work orders (issue 8, ADR 0025). `work_orders` holds each order's current state with a
 * version that every transition bumps under a compare-and-set, so two people acting at once
 * cannot both move it; `work_order_events` records every transition with that version as its
 * sequence (unique per order), so the history replays to the current state and a lost or
 * doubled transition shows. Parts are the co-handlers' shares of a joint order (联席).
 * `calendar_overrides` is the administrators' regional holiday table over the statutory
 * calendar; `notifications` the in-app inbox, `notification_deliveries` what each channel did.
 */
const grants: Record<string, string[]> = {
  county_staff: ['workorder:order:view', 'workorder:order:handle', 'workorder:order:dispatch'],
  township_staff: ['workorder:order:view', 'workorder:order:handle', 'workorder:order:dispatch'],
  village_worker: ['workorder:order:view', 'workorder:order:handle'],
  department_staff: ['workorder:order:view', 'workorder:order:handle'],
  system_admin: ['system:calendar:manage'],
};

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('work_orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // 'finding' | 'hotline' | 'manual' | 'application'
    .addColumn('source', 'text', (c) => c.notNull())
    // What the work is: a finding's kind (gap, review, warning, watch, model) or hotline / manual.
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('finding_id', 'text')
    // The policy, warning or model the finding is about.
    .addColumn('policy_id', 'text')
    .addColumn('household_id', 'text')
    .addColumn('person_id', 'text')
    // The subject's area (or the caller's for a hotline call without a household): the scope.
    .addColumn('area_code', t.binaryText, (c) => c.notNull())
    // Null until routed or dispatched by hand.
    .addColumn('organisation_id', 'text')
    .addColumn('assignee_id', 'text')
    // The organisation that dispatched it: it verifies the result.
    .addColumn('dispatcher_org_id', 'text', (c) => c.notNull())
    .addColumn('routing_rule_id', 'text')
    // 'urgent' | 'high' | 'normal' | 'low'
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    // 'enrolled' | 'referred' | 'not_eligible', with the policy, provider or reason.
    .addColumn('outcome', 'text')
    .addColumn('outcome_policy_id', 'text')
    .addColumn('outcome_provider', 'text')
    .addColumn('outcome_note', 'text')
    // Hotline callers: the name as given, the phone SM4-encrypted like every phone number.
    .addColumn('caller_name', 'text')
    .addColumn('caller_phone_enc', 'text')
    // The clock in working days: started at dispatch, stopped while paused (waiting for the applicant).
    .addColumn('sla_working_days', 'integer', (c) => c.notNull())
    .addColumn('clock_started_on', t.date)
    .addColumn('due_on', t.date)
    .addColumn('paused_since', t.date)
    .addColumn('paused_working_days', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('near_due_notified', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('overdue', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('escalation_level', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('resolved_at', t.timestamp)
    // The Beijing civil date of the resolution, compared with due_on for the on-time rate.
    .addColumn('resolved_on', t.date)
    .addColumn('closed_at', t.timestamp)
    .execute();
  await db.schema
    .createIndex('work_orders_organisation')
    .on('work_orders')
    .columns(['organisation_id', 'status'])
    .execute();
  await db.schema.createIndex('work_orders_area').on('work_orders').columns(['area_code']).execute();
  await db.schema.createIndex('work_orders_finding').on('work_orders').columns(['finding_id']).execute();
  await db.schema.createIndex('work_orders_due').on('work_orders').columns(['status', 'due_on']).execute();

  await db.schema
    .createTable('work_order_events')
    .addColumn('id', t.serial, (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull())
    // The order's version after this transition: 1 for its creation, then one more each time.
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', t.timestamp, (c) => c.notNull())
    // A user's id, or 'system' for routing, the clock and escalation.
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    // The responsible organisation after the transition.
    .addColumn('organisation_id', 'text')
    .addColumn('note', 'text')
    // The action's own fields (outcome, target organisation, part), JSON.
    .addColumn('detail_json', 'text')
    .execute();
  await db.schema
    .createIndex('work_order_events_seq')
    .on('work_order_events')
    .columns(['order_id', 'seq'])
    .unique()
    .execute();

  await db.schema
    .createTable('work_order_parts')
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('task', 'text', (c) => c.notNull())
    // 'pending' | 'accepted' | 'done'
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('updated_by', 'text')
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('work_order_parts_pk', ['order_id', 'organisation_id'])
    .execute();

  await db.schema
    .createTable('work_order_comments')
    .addColumn('id', t.serial, (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('at', t.timestamp, (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('work_order_comments_order')
    .on('work_order_comments')
    .column('order_id')
    .execute();

  await db.schema
    .createTable('work_order_attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    // Base64, so one column type serves both databases; the route caps the size.
    .addColumn('content_base64', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('uploaded_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('work_order_attachments_order')
    .on('work_order_attachments')
    .column('order_id')
    .execute();

  await db.schema
    .createTable('calendar_overrides')
    // The region the override applies to and everything within it (a 12-digit area code).
    .addColumn('region_code', t.binaryText, (c) => c.notNull())
    .addColumn('day', t.date, (c) => c.notNull())
    // 'holiday' | 'workday'
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('calendar_overrides_pk', ['region_code', 'day'])
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', t.serial, (c) => c.primaryKey())
    // Addressed to an organisation (everyone in it sees it) or to one user.
    .addColumn('organisation_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('order_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('read_at', t.timestamp)
    .addColumn('read_by', 'text')
    .execute();
  await db.schema
    .createIndex('notifications_organisation')
    .on('notifications')
    .columns(['organisation_id', 'id'])
    .execute();
  await db.schema.createIndex('notifications_user').on('notifications').columns(['user_id', 'id']).execute();

  await db.schema
    .createTable('notification_deliveries')
    .addColumn('id', t.serial, (c) => c.primaryKey())
    .addColumn('notification_id', 'integer', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    // 'logged' for the logging channel: nothing was sent, and the row says so.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('recipients', 'integer', (c) => c.notNull())
    .addColumn('at', t.timestamp, (c) => c.notNull())
    .execute();

  await grantToBuiltinRoles(db, grants);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await revokeFromBuiltinRoles(db, grants);
  for (const table of [
    'notification_deliveries',
    'notifications',
    'calendar_overrides',
    'work_order_attachments',
    'work_order_comments',
    'work_order_parts',
    'work_order_events',
    'work_orders',
  ])
    await db.schema.dropTable(table).execute();
}
