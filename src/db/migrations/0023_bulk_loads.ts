import type { Kysely } from 'kysely';
import { columnTypes } from '../dialects/columnTypes.ts';

/**
 * Bulk loads in progress (ADR 0030). A folder import that drops the indexes no import reads
 * says so here, with the process doing it and when it last moved on, and removes its row once
 * it has built them again. A start that finds the indexes missing builds them only when no live
 * process holds a row: a load killed midway leaves its row behind, a running one must not be
 * raced (a build holds the write lock for minutes at a county's size).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('bulk_loads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // host:pid, as an import's `worker`.
    .addColumn('worker', 'text', (c) => c.notNull())
    .addColumn('started_at', t.timestamp, (c) => c.notNull())
    .addColumn('touched_at', t.timestamp, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('bulk_loads').execute();
}
