import type { Kysely } from 'kysely';
import { grantToBuiltinRoles, revokeFromBuiltinRoles } from './builtinRoleGrants.ts';
import { columnTypes } from '../dialects/columnTypes.ts';

/**
 * Multidimensional hardship assessment (issue 7, ADR 0024). `assessment_models` keeps every
 * version of every model as written — a draft until activated, then active, then retired when
 * another version of the same model is activated — so a result always names the version it
 * used and that version can be read back. `household_assessments` holds each household's latest
 * result per model, written by the screening run that assessed it; `assessment_snapshots` each
 * full run's totals per township, for the change between two periods.
 */
const grants: Record<string, string[]> = {
  county_staff: ['assessment:result:view', 'assessment:model:manage'],
  township_staff: ['assessment:result:view'],
  village_worker: ['assessment:result:view'],
};

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('assessment_models')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    // The definition as written (checkAssessmentModel.ts), JSON.
    .addColumn('definition_json', 'text', (c) => c.notNull())
    // 'draft' | 'active' | 'retired'
    .addColumn('status', 'text', (c) => c.notNull())
    // 'system' for the models shipped in assessment/.
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('activated_by', 'text')
    .addColumn('activated_at', t.timestamp)
    .addPrimaryKeyConstraint('assessment_models_pk', ['id', 'version'])
    .execute();

  await db.schema
    .createTable('household_assessments')
    .addColumn('household_id', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('model_version', 'integer', (c) => c.notNull())
    // The household's area when assessed: the scope of every query, and the area table's key.
    .addColumn('area_code', t.binaryText, (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('as_of', t.date, (c) => c.notNull())
    .addColumn('assessed_at', t.timestamp, (c) => c.notNull())
    // Living members: the persons the household stands for in H, A and M0.
    .addColumn('population', 'integer', (c) => c.notNull())
    // The weighted deprivation score as an exact fraction ('5/21') and as a number.
    .addColumn('score', 'text', (c) => c.notNull())
    .addColumn('score_value', 'real', (c) => c.notNull())
    .addColumn('poor', 'integer', (c) => c.notNull())
    .addColumn('band', 'text')
    // Each indicator's value in the model's order (null where missing), JSON.
    .addColumn('values_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('household_assessments_pk', ['household_id', 'model_id'])
    .execute();
  await db.schema
    .createIndex('household_assessments_area')
    .on('household_assessments')
    .columns(['model_id', 'area_code'])
    .execute();
  // Each full run's totals per township and model (summed from every household it assessed, not
  // only the changed ones): the areas' history, for the change between two periods.
  await db.schema
    .createTable('assessment_snapshots')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('model_version', 'integer', (c) => c.notNull())
    .addColumn('as_of', t.date, (c) => c.notNull())
    .addColumn('taken_at', t.timestamp, (c) => c.notNull())
    // A township's code (the county's households without one are under the county's code).
    .addColumn('area_code', t.binaryText, (c) => c.notNull())
    .addColumn('households', 'integer', (c) => c.notNull())
    .addColumn('population', 'integer', (c) => c.notNull())
    .addColumn('poor', 'integer', (c) => c.notNull())
    // Σ persons × score over the poor: M0 = score_sum / population.
    .addColumn('score_sum', 'real', (c) => c.notNull())
    // Per indicator, in the model version's order: persons poor and deprived, deprived, missing.
    .addColumn('censored_json', 'text', (c) => c.notNull())
    .addColumn('uncensored_json', 'text', (c) => c.notNull())
    .addColumn('missing_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('assessment_snapshots_pk', ['run_id', 'model_id', 'area_code'])
    .execute();
  await db.schema
    .createIndex('assessment_snapshots_model')
    .on('assessment_snapshots')
    .columns(['model_id', 'area_code'])
    .execute();
  await grantToBuiltinRoles(db, grants);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await revokeFromBuiltinRoles(db, grants);
  await db.schema.dropTable('assessment_snapshots').execute();
  await db.schema.dropTable('household_assessments').execute();
  await db.schema.dropTable('assessment_models').execute();
}
