import type { Kysely } from 'kysely';
import { grantToBuiltinRoles, revokeFromBuiltinRoles } from './builtinRoleGrants.ts';
import { columnTypes } from '../dialects/columnTypes.ts';

/**
 * Discovery (issue 6): screening runs and the findings they keep. A finding's identity is its
 * household, policy and subject ('household' or the member's person id) — stable across runs,
 * so a gap found on Monday is the same finding on Tuesday, with one history. The events table is
 * append-only by convention: every change of kind, status or explanation is a row.
 */
const grants: Record<string, string[]> = {
  county_staff: ['discovery:finding:view', 'discovery:finding:handle', 'discovery:run:start'],
  township_staff: ['discovery:finding:view', 'discovery:finding:handle'],
  village_worker: ['discovery:finding:view', 'discovery:finding:handle'],
};

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('screening_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // 'scheduled' | 'manual' | 'incremental'
    .addColumn('trigger', 'text', (c) => c.notNull())
    // 'running' | 'completed' | 'failed'
    .addColumn('status', 'text', (c) => c.notNull())
    // The area screened (a subtree), null for every household.
    .addColumn('area_code', 'text')
    .addColumn('as_of', t.date, (c) => c.notNull())
    .addColumn('pool_version', 'text', (c) => c.notNull())
    // The registry as read: the highest fact id at the start (facts are append-only).
    .addColumn('data_version', 'text', (c) => c.notNull())
    .addColumn('started_by', 'text', (c) => c.notNull())
    .addColumn('started_at', t.timestamp, (c) => c.notNull())
    .addColumn('finished_at', t.timestamp)
    .addColumn('households_total', 'integer', (c) => c.notNull())
    .addColumn('households_done', 'integer', (c) => c.notNull())
    .addColumn('results', 'integer', (c) => c.notNull())
    .addColumn('findings_new', 'integer', (c) => c.notNull())
    .addColumn('findings_changed', 'integer', (c) => c.notNull())
    .addColumn('findings_superseded', 'integer', (c) => c.notNull())
    .addColumn('findings_current', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('screening_runs_started').on('screening_runs').column('started_at').execute();

  await db.schema
    .createTable('findings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.notNull())
    .addColumn('policy_id', 'text', (c) => c.notNull())
    // 'household' or the person's id (person policies).
    .addColumn('subject', 'text', (c) => c.notNull())
    // The household's area when last screened: the scope of every query.
    .addColumn('area_code', 'text', (c) => c.notNull())
    // 'gap' | 'review' | 'watch' | 'warning' (an early-warning rule that fired; policy_id is its id)
    .addColumn('kind', 'text', (c) => c.notNull())
    // 'new' | 'assigned' | 'resolved' | 'superseded'
    .addColumn('status', 'text', (c) => c.notNull())
    // When resolved: 'enrolled' | 'not_eligible' | 'declined'
    .addColumn('resolution', 'text')
    .addColumn('assigned_to', 'text')
    // Monthly (or yearly, once) amount when the explanation computed one.
    .addColumn('amount', t.isPostgres ? 'double precision' : 'real')
    .addColumn('amount_period', 'text')
    // The explanation when last seen: the policy result with the inputs and parameters it cites.
    .addColumn('explanation_json', 'text', (c) => c.notNull())
    .addColumn('pool_version', 'text', (c) => c.notNull())
    .addColumn('data_version', 'text', (c) => c.notNull())
    .addColumn('first_run_id', 'text', (c) => c.notNull())
    .addColumn('last_run_id', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', t.timestamp, (c) => c.notNull())
    .addColumn('last_seen_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('findings_identity')
    .on('findings')
    .columns(['household_id', 'policy_id', 'subject'])
    .unique()
    .execute();
  await db.schema.createIndex('findings_area').on('findings').columns(['area_code', 'status']).execute();

  await db.schema
    .createTable('finding_events')
    .addColumn('id', t.serial, (c) => c.primaryKey())
    .addColumn('finding_id', 'text', (c) => c.notNull())
    .addColumn('at', t.timestamp, (c) => c.notNull())
    // A user's id, or 'system' for a screening run.
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text')
    // found | changed | assigned | resolved | superseded | reappeared | reopened
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('finding_events_finding').on('finding_events').column('finding_id').execute();

  await grantToBuiltinRoles(db, grants);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await revokeFromBuiltinRoles(db, grants);
  await db.schema.dropTable('finding_events').execute();
  await db.schema.dropTable('findings').execute();
  await db.schema.dropTable('screening_runs').execute();
}
