import type { Kysely } from 'kysely';
import { columnTypes } from '../dialects/columnTypes.ts';

/**
 * The stored portrait (issue 4, X2): derived variables and tags of persons and hukou
 * households as last computed, and how far the incremental refresh has read the registry.
 * The page computes a portrait live; these tables serve counts, lists and later screening.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('portraits')
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    // Every derived variable by name; null where the inputs were missing (unknown). One row per
    // subject: they are read and replaced whole, never queried by value.
    .addColumn('values_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('portraits_pk', ['subject_type', 'subject_id'])
    .execute();
  await db.schema
    .createTable('portrait_tags')
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    // 'yes' or 'unknown'; a tag that is plainly 'no' is not stored.
    .addColumn('state', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('portrait_tags_pk', ['subject_type', 'subject_id', 'tag'])
    .execute();
  await db.schema.createIndex('portrait_tags_tag').on('portrait_tags').columns(['tag', 'state']).execute();
  await db.schema
    .createTable('portrait_refresh')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    // Facts, memberships and person edits up to these marks are reflected in the stored portrait.
    .addColumn('fact_mark', 'integer', (c) => c.notNull())
    .addColumn('membership_mark', 'integer', (c) => c.notNull())
    .addColumn('person_mark', t.timestamp, (c) => c.notNull())
    .addColumn('as_of', t.date, (c) => c.notNull())
    .addColumn('definitions_version', 'text', (c) => c.notNull())
    .addColumn('refreshed_at', t.timestamp, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('portrait_refresh').execute();
  await db.schema.dropTable('portrait_tags').execute();
  await db.schema.dropTable('portraits').execute();
}
