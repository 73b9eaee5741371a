import type { Kysely } from 'kysely';
import { areaCodesWithin } from '../areas/areaRepository.ts';
import { inScope, type DataScopeFilter } from '../access/scope/dataScope.ts';
import type { Database, VisitPlanItemTable, VisitPlanTable } from '../db/schema.ts';
import { insertChunked } from '../registry/insertChunked.ts';

/** Villages (and communities) within an area. */
export async function villagesWithin(db: Kysely<Database>, areaCode: string): Promise<string[]> {
  const rows = await db
    .selectFrom('areas')
    .select('code')
    .where('level', '=', 'village')
    .where('code', 'in', areaCodesWithin(db, areaCode))
    .execute();
  return rows.map((r) => r.code);
}

/** Hukou households of the villages carrying any of the tags (stored portraits), with their tags. */
export async function householdsWithTags(db: Kysely<Database>, villages: string[], tags: readonly string[]) {
  if (villages.length === 0) return [];
  const out: { id: string; area_code: string; tag: string }[] = [];
  for (let i = 0; i < villages.length; i += 400)
    out.push(
      ...(await db
        .selectFrom('portrait_tags')
        .innerJoin('hukou_households', 'hukou_households.id', 'portrait_tags.subject_id')
        .select(['hukou_households.id', 'hukou_households.area_code', 'portrait_tags.tag'])
        .where('portrait_tags.subject_type', '=', 'hukou_household')
        .where('portrait_tags.state', '=', 'yes')
        .where('portrait_tags.tag', 'in', [...tags])
        .where('hukou_households.area_code', 'in', villages.slice(i, i + 400))
        .execute()),
    );
  return out;
}

export async function plannedVillages(db: Kysely<Database>, quarter: string, villages: string[]) {
  const out = new Set<string>();
  for (let i = 0; i < villages.length; i += 400)
    for (const r of await db
      .selectFrom('visit_plans')
      .select('area_code')
      .where('quarter', '=', quarter)
      .where('area_code', 'in', villages.slice(i, i + 400))
      .execute())
      out.add(r.area_code);
  return out;
}

export async function insertVisitPlans(
  db: Kysely<Database>,
  plans: VisitPlanTable[],
  items: VisitPlanItemTable[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await insertChunked(trx, 'visit_plans', plans, 100);
    await insertChunked(trx, 'visit_plan_items', items, 100);
  });
}

/** Plans in scope for a quarter, with how many households each lists and how many were visited. */
export async function listVisitPlans(
  db: Kysely<Database>,
  scope: DataScopeFilter,
  quarter: string,
  areaCode?: string,
) {
  let query = db
    .selectFrom('visit_plans')
    .leftJoin('visit_plan_items', 'visit_plan_items.plan_id', 'visit_plans.id')
    .select((eb) => [
      'visit_plans.id',
      'visit_plans.area_code',
      'visit_plans.quarter',
      'visit_plans.created_at',
      eb.fn.count<number>('visit_plan_items.household_id').as('households'),
      eb.fn.count<number>('visit_plan_items.visited_at').as('visited'),
    ])
    .where('visit_plans.quarter', '=', quarter)
    .where(inScope(db, 'visit_plans.area_code', scope));
  if (areaCode) query = query.where('visit_plans.area_code', 'in', areaCodesWithin(db, areaCode));
  const rows = await query
    .groupBy(['visit_plans.id', 'visit_plans.area_code', 'visit_plans.quarter', 'visit_plans.created_at'])
    .orderBy('visit_plans.area_code')
    .execute();
  return rows;
}

export async function findVisitPlan(db: Kysely<Database>, id: string, scope: DataScopeFilter) {
  return db
    .selectFrom('visit_plans')
    .selectAll()
    .where('id', '=', id)
    .where(inScope(db, 'visit_plans.area_code', scope))
    .executeTakeFirst();
}

/** A plan's households with their number, the head's name and what was recorded. */
export async function visitPlanItems(db: Kysely<Database>, planId: string) {
  return db
    .selectFrom('visit_plan_items')
    .innerJoin('hukou_households', 'hukou_households.id', 'visit_plan_items.household_id')
    .leftJoin('users', 'users.id', 'visit_plan_items.visited_by')
    .select((eb) => [
      'visit_plan_items.household_id',
      'visit_plan_items.reasons_json',
      'visit_plan_items.visited_at',
      'visit_plan_items.note',
      'users.display_name as visited_by_name',
      'hukou_households.hukou_number',
      eb
        .selectFrom('hukou_members')
        .innerJoin('persons', 'persons.id', 'hukou_members.person_id')
        .select('persons.name')
        .whereRef('hukou_members.household_id', '=', 'visit_plan_items.household_id')
        .where('hukou_members.relationship', '=', '02')
        .where('hukou_members.left_on', 'is', null)
        .limit(1)
        .as('head_name'),
    ])
    .where('visit_plan_items.plan_id', '=', planId)
    .orderBy('hukou_households.hukou_number')
    .execute();
}

/** Records a visit; false when the household is not on the plan. */
export async function recordVisit(
  db: Kysely<Database>,
  planId: string,
  householdId: string,
  visit: { at: string; by: string; note: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable('visit_plan_items')
    .set({ visited_at: visit.at, visited_by: visit.by, note: visit.note })
    .where('plan_id', '=', planId)
    .where('household_id', '=', householdId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
