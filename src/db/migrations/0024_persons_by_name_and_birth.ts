import type { Kysely } from 'kysely';

/**
 * Persons by name and birth date (issue 4, ADR 0030). A row without an ID number is linked by
 * name and birth date (`chooseLink`); the look-up by name alone read every holder of the name
 * and their hukou booklets — 45 persons on average for a generated county of 955,000 — for each
 * such row. The new index finds the few with both; it also serves every query by name alone
 * (its first column), so the index on name alone goes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('persons_name_birth').on('persons').columns(['name', 'birth_date']).execute();
  await db.schema.dropIndex('persons_name').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('persons_name').on('persons').column('name').execute();
  await db.schema.dropIndex('persons_name_birth').execute();
}
