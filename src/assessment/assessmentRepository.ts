import type { Insertable, Kysely } from 'kysely';
import type {
  AssessmentModelTable,
  AssessmentSnapshotTable,
  Database,
  HouseholdAssessmentTable,
} from '../db/schema.ts';
import { insertChunked } from '../registry/insertChunked.ts';
import { inScope, type DataScopeFilter } from '../access/scope/dataScope.ts';
import { areaCodesWithin } from '../areas/areaRepository.ts';

export type ModelVersionRow = AssessmentModelTable;

export async function modelVersions(db: Kysely<Database>, id?: string): Promise<ModelVersionRow[]> {
  let query = db.selectFrom('assessment_models').selectAll();
  if (id !== undefined) query = query.where('id', '=', id);
  return query.orderBy('id').orderBy('version').execute();
}

export async function modelVersion(
  db: Kysely<Database>,
  id: string,
  version: number,
): Promise<ModelVersionRow | undefined> {
  return db
    .selectFrom('assessment_models')
    .selectAll()
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
}

export async function activeModelRows(db: Kysely<Database>): Promise<ModelVersionRow[]> {
  return db
    .selectFrom('assessment_models')
    .selectAll()
    .where('status', '=', 'active')
    .orderBy('id')
    .execute();
}

/** Adds the next version of a model (1 for a new one); the version number is returned. */
export async function insertModelVersion(
  db: Kysely<Database>,
  row: Omit<Insertable<AssessmentModelTable>, 'version'>,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const last = await trx
      .selectFrom('assessment_models')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('id', '=', row.id)
      .executeTakeFirst();
    const version = (last?.v ?? 0) + 1;
    await trx
      .insertInto('assessment_models')
      .values({ ...row, version })
      .execute();
    return version;
  });
}

/** Makes one version the model's active one; the one active before is retired. */
export async function activateModelVersion(
  db: Kysely<Database>,
  id: string,
  version: number,
  by: string,
  at: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('assessment_models')
      .set({ status: 'retired' })
      .where('id', '=', id)
      .where('status', '=', 'active')
      .execute();
    await trx
      .updateTable('assessment_models')
      .set({ status: 'active', activated_by: by, activated_at: at })
      .where('id', '=', id)
      .where('version', '=', version)
      .execute();
  });
}

/** Households' latest results under a model, within the caller's scope (and an area's subtree). */
export async function householdAssessmentRows(
  db: Kysely<Database>,
  modelId: string,
  scope: DataScopeFilter,
  areaCode: string | null,
): Promise<HouseholdAssessmentTable[]> {
  let query = db
    .selectFrom('household_assessments')
    .selectAll()
    .where('model_id', '=', modelId)
    .where(inScope(db, 'household_assessments.area_code', scope));
  if (areaCode !== null) query = query.where('area_code', 'in', areaCodesWithin(db, areaCode));
  return query.orderBy('household_id').execute();
}

export async function householdAssessments(
  db: Kysely<Database>,
  householdId: string,
): Promise<HouseholdAssessmentTable[]> {
  return db
    .selectFrom('household_assessments')
    .selectAll()
    .where('household_id', '=', householdId)
    .orderBy('model_id')
    .execute();
}

/** A full run's totals by township and model. */
export async function insertSnapshots(db: Kysely<Database>, rows: AssessmentSnapshotTable[]): Promise<void> {
  await insertChunked(db, 'assessment_snapshots', rows, 40);
}

/**
 * Every run's totals under a model for the townships in scope (and within an area), oldest
 * first, each with the area the run screened (null: every household).
 */
export async function snapshotRows(
  db: Kysely<Database>,
  modelId: string,
  scope: DataScopeFilter,
  areaCode: string | null,
): Promise<(AssessmentSnapshotTable & { run_area: string | null })[]> {
  let query = db
    .selectFrom('assessment_snapshots')
    .innerJoin('screening_runs', 'screening_runs.id', 'assessment_snapshots.run_id')
    .selectAll('assessment_snapshots')
    .select('screening_runs.area_code as run_area')
    .where('model_id', '=', modelId)
    .where(inScope(db, 'assessment_snapshots.area_code', scope));
  if (areaCode !== null)
    query = query.where('assessment_snapshots.area_code', 'in', areaCodesWithin(db, areaCode));
  return query.orderBy('taken_at').orderBy('assessment_snapshots.area_code').execute();
}

/**
 * Each hukou household's state for a portrait tag: 'yes' or 'unknown' (absent: no). A person tag
 * holds for a household when it holds for a current member (yes before unknown).
 */
export async function householdTagStates(
  db: Kysely<Database>,
  tag: string,
  entity: 'person' | 'household',
): Promise<Map<string, 'yes' | 'unknown'>> {
  const rows =
    entity === 'household'
      ? await db
          .selectFrom('portrait_tags')
          .select(['subject_id as household_id', 'state'])
          .where('subject_type', '=', 'hukou_household')
          .where('tag', '=', tag)
          .execute()
      : await db
          .selectFrom('portrait_tags')
          .innerJoin('hukou_members', 'hukou_members.person_id', 'portrait_tags.subject_id')
          .select(['hukou_members.household_id as household_id', 'portrait_tags.state as state'])
          .where('portrait_tags.subject_type', '=', 'person')
          .where('portrait_tags.tag', '=', tag)
          .where('hukou_members.left_on', 'is', null)
          .execute();
  const out = new Map<string, 'yes' | 'unknown'>();
  for (const r of rows) if (out.get(r.household_id) !== 'yes') out.set(r.household_id, r.state);
  return out;
}
