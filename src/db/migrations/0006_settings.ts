import type { Kysely } from 'kysely';
import { columnTypes } from '../dialects/columnTypes.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  // Values of the settings declared in src/settings/settingsCatalogue.ts; a missing row means
  // the default. updated_by is the user id of whoever changed it last.
  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();
  // Masks are computed when a person is read, from the decrypted number and the current rule
  // (docs/adr/0009-masking-rules.md); stored copies could only ever disagree with the rule.
  await db.schema.alterTable('persons').dropColumn('id_number_masked').execute();
  await db.schema.alterTable('persons').dropColumn('phone_masked').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // The masked copies cannot be recomputed without the key; down leaves them fully masked.
  await db.schema
    .alterTable('persons')
    .addColumn('id_number_masked', 'text', (c) => c.notNull().defaultTo('******************'))
    .execute();
  await db.schema.alterTable('persons').addColumn('phone_masked', 'text').execute();
  await db.schema.dropTable('settings').execute();
}
