import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface StoredSetting {
  key: string;
  value_json: string;
  updated_at: string;
  updated_by: string | null;
  /** The display name of updated_by, when that user still exists. */
  updated_by_name: string | null;
}

/** Every stored setting value (a small table: one row per changed setting). */
export async function listStoredSettings(db: Kysely<Database>): Promise<StoredSetting[]> {
  return db
    .selectFrom('settings')
    .leftJoin('users', 'users.id', 'settings.updated_by')
    .select([
      'settings.key',
      'settings.value_json',
      'settings.updated_at',
      'settings.updated_by',
      'users.display_name as updated_by_name',
    ])
    .orderBy('settings.key')
    .execute();
}

/** Stores a setting's value, replacing any earlier one. */
export async function saveSetting(
  db: Kysely<Database>,
  row: { key: string; value_json: string; updated_at: string; updated_by: string | null },
): Promise<void> {
  await db
    .insertInto('settings')
    .values(row)
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        value_json: row.value_json,
        updated_at: row.updated_at,
        updated_by: row.updated_by,
      }),
    )
    .execute();
}
