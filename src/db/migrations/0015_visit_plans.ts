import type { Kysely } from 'kysely';
import { grantToBuiltinRoles, revokeFromBuiltinRoles } from './builtinRoleGrants.ts';
import { columnTypes } from '../dialects/columnTypes.ts';

/**
 * Quarterly visit plans (issue 6, N3): one plan per village and quarter listing the key
 * households to visit, each with the reasons it is on the list and whether it was visited.
 */
const grants: Record<string, string[]> = {
  county_staff: ['discovery:visit:manage'],
  township_staff: ['discovery:visit:manage'],
  village_worker: ['discovery:visit:manage'],
};

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('visit_plans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('area_code', 'text', (c) => c.notNull())
    // '2026Q4'
    .addColumn('quarter', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('visit_plans_area_quarter')
    .on('visit_plans')
    .columns(['area_code', 'quarter'])
    .unique()
    .execute();
  await db.schema
    .createTable('visit_plan_items')
    .addColumn('plan_id', 'text', (c) => c.notNull())
    .addColumn('household_id', 'text', (c) => c.notNull())
    // The portrait tags that put the household on the list, as a JSON array of codes.
    .addColumn('reasons_json', 'text', (c) => c.notNull())
    .addColumn('visited_at', t.timestamp)
    .addColumn('visited_by', 'text')
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('visit_plan_items_pk', ['plan_id', 'household_id'])
    .execute();
  await grantToBuiltinRoles(db, grants);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await revokeFromBuiltinRoles(db, grants);
  await db.schema.dropTable('visit_plan_items').execute();
  await db.schema.dropTable('visit_plans').execute();
}
