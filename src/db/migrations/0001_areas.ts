import type { Kysely } from 'kysely';
import { columnTypes } from '../dialects/columnTypes.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('areas')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('kind', 'text')
    .addColumn('parent_code', 'text', (c) => c.references('areas.code'))
    .addColumn('path', t.binaryText, (c) => c.notNull())
    .addColumn('established_on', t.date)
    .addColumn('retired_on', t.date)
    .addColumn('successor_code', 'text', (c) => c.references('areas.code'))
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('areas_path').on('areas').column('path').execute();
  await db.schema.createIndex('areas_parent').on('areas').column('parent_code').execute();

  await db.schema
    .createTable('area_changes')
    .addColumn('id', t.serial, (c) => c.primaryKey())
    .addColumn('area_code', 'text', (c) => c.notNull().references('areas.code'))
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('effective_on', t.date, (c) => c.notNull())
    .addColumn('before_json', 'text')
    .addColumn('after_json', 'text')
    .addColumn('reason', 'text')
    .addColumn('recorded_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('area_changes_area').on('area_changes').columns(['area_code', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('area_changes').execute();
  await db.schema.dropTable('areas').execute();
}
