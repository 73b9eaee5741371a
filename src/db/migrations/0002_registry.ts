import type { Kysely } from 'kysely';
import { columnTypes } from '../dialects/columnTypes.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('persons')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('id_number_enc', 'text', (c) => c.notNull())
    .addColumn('id_number_hash', 'text', (c) => c.notNull().unique())
    .addColumn('id_number_masked', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('sex', 'text', (c) => c.notNull())
    .addColumn('birth_date', t.date, (c) => c.notNull())
    .addColumn('death_date', t.date)
    // Hukou may lie outside every area we hold (non-local residents), so no foreign key.
    .addColumn('hukou_area_code', 'text')
    .addColumn('residence_area_code', 'text', (c) => c.references('areas.code'))
    .addColumn('phone_enc', 'text')
    .addColumn('phone_masked', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('persons_residence').on('persons').column('residence_area_code').execute();
  await db.schema.createIndex('persons_hukou').on('persons').column('hukou_area_code').execute();
  await db.schema.createIndex('persons_name').on('persons').column('name').execute();

  await db.schema
    .createTable('hukou_households')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('hukou_number', 'text', (c) => c.notNull().unique())
    .addColumn('area_code', 'text', (c) => c.notNull().references('areas.code'))
    .addColumn('address', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('hukou_households_area').on('hukou_households').column('area_code').execute();

  await db.schema
    .createTable('hukou_members')
    .addColumn('id', t.serial, (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.notNull().references('hukou_households.id'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('relationship', 'text', (c) => c.notNull())
    .addColumn('joined_on', t.date)
    .addColumn('left_on', t.date)
    .execute();
  await db.schema.createIndex('hukou_members_household').on('hukou_members').column('household_id').execute();
  await db.schema.createIndex('hukou_members_person').on('hukou_members').column('person_id').execute();

  await db.schema
    .createTable('assistance_households')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('area_code', 'text', (c) => c.notNull().references('areas.code'))
    .addColumn('applicant_person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('established_on', t.date, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('assistance_households_area')
    .on('assistance_households')
    .column('area_code')
    .execute();

  await db.schema
    .createTable('assistance_members')
    .addColumn('id', t.serial, (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.notNull().references('assistance_households.id'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('relation', 'text', (c) => c.notNull())
    .addColumn('included', 'integer', (c) => c.notNull())
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('valid_from', t.date, (c) => c.notNull())
    .addColumn('valid_to', t.date)
    .execute();
  await db.schema
    .createIndex('assistance_members_household')
    .on('assistance_members')
    .column('household_id')
    .execute();
  await db.schema
    .createIndex('assistance_members_person')
    .on('assistance_members')
    .column('person_id')
    .execute();

  await db.schema
    .createTable('facts')
    .addColumn('id', t.serial, (c) => c.primaryKey())
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('variable', 'text', (c) => c.notNull())
    .addColumn('value_json', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('observed_at', t.date, (c) => c.notNull())
    .addColumn('valid_from', t.date, (c) => c.notNull())
    .addColumn('valid_to', t.date)
    .addColumn('recorded_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('facts_subject')
    .on('facts')
    .columns(['subject_type', 'subject_id', 'variable', 'valid_from'])
    .execute();
  await db.schema.createIndex('facts_variable').on('facts').columns(['variable', 'valid_from']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'facts',
    'assistance_members',
    'assistance_households',
    'hukou_members',
    'hukou_households',
    'persons',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
