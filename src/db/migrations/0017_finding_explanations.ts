import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../dialects/columnTypes.ts';

/**
 * A finding's explanation moves to its own table, `finding_explanations` (ADR 0022). It is the
 * snapshot of why the finding was called for, made when the finding was found, changed kind,
 * amount or area, or reappeared — with the run, pool and data versions that made it. The
 * findings row keeps only what lists, filters and the run's comparison read: every run stamps
 * each finding it sees again, and a row carrying a kilobyte or more of explanation made each
 * stamp rewrite it (the largest part of a daily run's writing).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('finding_explanations')
    .addColumn('finding_id', 'text', (c) => c.primaryKey().references('findings.id'))
    .addColumn('explanation_json', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('pool_version', 'text', (c) => c.notNull())
    .addColumn('data_version', 'text', (c) => c.notNull())
    .addColumn('explained_at', t.timestamp, (c) => c.notNull())
    .execute();
  await sql`insert into finding_explanations (finding_id, explanation_json, run_id, pool_version, data_version, explained_at)
    select id, explanation_json, last_run_id, pool_version, data_version, updated_at from findings`.execute(
    db,
  );
  await db.schema.alterTable('findings').dropColumn('explanation_json').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('findings').addColumn('explanation_json', 'text').execute();
  await sql`update findings set explanation_json = (select e.explanation_json from finding_explanations e where e.finding_id = findings.id)`.execute(
    db,
  );
  await db.schema.dropTable('finding_explanations').execute();
}
