import type { Kysely } from 'kysely';
import { columnTypes } from '../dialects/columnTypes.ts';

/**
 * Resolution (issue 4): two person records found to be one human are merged — the duplicate
 * stays, marked as merged into the survivor, and `person_merges` records who, when, why and
 * exactly which rows moved, so a wrong merge can be split back. Assistance households gain
 * the civil-affairs case they come from (the roster's case number and assistance type) and
 * the date the case closed, so a roster import can rebuild them idempotently.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('persons').addColumn('merged_into', 'text').execute();
  await db.schema.createIndex('persons_merged_into').on('persons').column('merged_into').execute();

  await db.schema
    .createTable('person_merges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('survivor_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('duplicate_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    // 1 when the two records carried different valid ID numbers and the caller confirmed.
    .addColumn('confirmed_different_ids', 'integer', (c) => c.notNull())
    // The ids of every row that moved (facts, memberships, ingest keys, …): what a split undoes.
    .addColumn('moved_json', 'text', (c) => c.notNull())
    .addColumn('merged_by', 'text', (c) => c.notNull())
    .addColumn('merged_at', t.timestamp, (c) => c.notNull())
    .addColumn('split_by', 'text')
    .addColumn('split_at', t.timestamp)
    .addColumn('split_reason', 'text')
    .execute();
  await db.schema.createIndex('person_merges_survivor').on('person_merges').column('survivor_id').execute();
  await db.schema.createIndex('person_merges_duplicate').on('person_merges').column('duplicate_id').execute();

  await db.schema.alterTable('assistance_households').addColumn('case_number', 'text').execute();
  await db.schema.alterTable('assistance_households').addColumn('assistance_type', 'text').execute();
  await db.schema.alterTable('assistance_households').addColumn('closed_on', t.date).execute();
  await db.schema
    .createIndex('assistance_households_case')
    .unique()
    .on('assistance_households')
    .column('case_number')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('assistance_households_case').execute();
  for (const column of ['closed_on', 'assistance_type', 'case_number'])
    await db.schema.alterTable('assistance_households').dropColumn(column).execute();
  await db.schema.dropTable('person_merges').execute();
  await db.schema.dropIndex('persons_merged_into').execute();
  await db.schema.alterTable('persons').dropColumn('merged_into').execute();
}
