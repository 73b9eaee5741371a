import type { Kysely } from 'kysely';
import { columnTypes } from '../dialects/columnTypes.ts';

/**
 * `household_screenings`: one row per hukou household, the last run that screened it (ADR 0023).
 * A run used to stamp every finding it saw again — about ten row writes a household, a daily run's
 * largest write — and to read and compare every stored finding. Now it writes this one row, with
 * a digest of the findings the household called for: when the next run's digest is the same, the
 * stored findings are already what the run would write, and neither they nor their comparison are
 * touched. A staff action on a finding clears its household's digest (`findings_digest` null), so
 * the next run compares that household in full.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('household_screenings')
    .addColumn('household_id', 'text', (c) => c.primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('screened_at', t.timestamp, (c) => c.notNull())
    .addColumn('pool_version', 'text', (c) => c.notNull())
    .addColumn('data_version', 'text', (c) => c.notNull())
    // SHA-1 of the findings called for (policy, subject, kind, amount, period) and the area.
    .addColumn('findings_digest', 'text')
    // Its findings that are current (called for and not resolved) after that run.
    .addColumn('findings_current', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('household_screenings').execute();
}
