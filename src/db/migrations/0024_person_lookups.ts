import type { Kysely } from 'kysely';

/**
 * Two indexes on persons that made look-ups read the whole table at a county's size (issue 4,
 * ADR 0030).
 *
 * `persons_merged_into` held every person, nearly all with no survivor. Queries that keep
 * unmerged persons (`merged_into is null`) are many, and without statistics SQLite took that
 * condition, an equality on an indexed column, for the most selective one: the look-up of link
 * candidates by name read all 955,000 persons of a generated county through it, about 0.3 s a
 * batch (measured by timing each statement of a running import). The index now holds only the
 * merged (`where merged_into is not null`): it still finds who was merged into a survivor, and
 * `is null` can no longer pick it.
 *
 * Persons by name and birth date. A row without an ID number is linked by
 * name and birth date (`chooseLink`); the look-up by name alone read every holder of the name
 * and their hukou booklets — 45 persons on average for a generated county of 955,000 — for each
 * such row. The new index finds the few with both; it also serves every query by name alone
 * (its first column), so the index on name alone goes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('persons_merged_into').execute();
  await db.schema
    .createIndex('persons_merged_into')
    .on('persons')
    .column('merged_into')
    .where('merged_into', 'is not', null)
    .execute();
  await db.schema.createIndex('persons_name_birth').on('persons').columns(['name', 'birth_date']).execute();
  await db.schema.dropIndex('persons_name').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('persons_merged_into').execute();
  await db.schema.createIndex('persons_merged_into').on('persons').column('merged_into').execute();
  await db.schema.createIndex('persons_name').on('persons').column('name').execute();
  await db.schema.dropIndex('persons_name_birth').execute();
}
