import { Migrator, sql, type Kysely, type MigrationResultSet } from 'kysely';
import { dialectOf } from './dialectOf.ts';
import { migrations } from './migrations/index.ts';
import { restoreAfterBulkLoads } from './deferredIndexes.ts';
import type { Database } from './schema.ts';

/**
 * Brings the schema to the latest version, and builds any index a killed bulk load left out;
 * throws with the failing migration's name.
 * On PostgreSQL the migration tables are looked for in the connection's current schema only:
 * Kysely otherwise finds them in any schema of the database, and a second schema (another
 * deployment, or a parallel test) would be taken as already migrated.
 */
export async function migrateToLatest<T>(db: Kysely<T>): Promise<string[]> {
  const migrator = await migratorFor(db);
  let result: MigrationResultSet = await migrator.migrateToLatest();
  for (let attempt = 1; attempt < 3 && caughtOtherSchemaChanging(result); attempt++)
    result = await migrator.migrateToLatest();
  const failed = result.results?.find((r) => r.status === 'Error');
  if (result.error !== undefined) {
    const name = failed ? ` (${failed.migrationName})` : '';
    const reason = result.error instanceof Error ? result.error.message : JSON.stringify(result.error);
    throw new Error(`migration failed${name}: ${reason}`, { cause: result.error });
  }
  // Indexes a killed bulk load left unbuilt come back here, at the next start (ADR 0030).
  await restoreAfterBulkLoads(db as unknown as Kysely<Database>);
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Whether migrating failed before any migration ran because a table vanished while Kysely
 * looked for its own: its introspection lists the tables of every schema, resolving each by
 * name, and another schema's table dropped meanwhile (a parallel test's, another deployment's)
 * fails the whole query with "relation … does not exist" (42P01). Nothing was changed: trying
 * again is safe.
 */
export function caughtOtherSchemaChanging(result: MigrationResultSet): boolean {
  const error = result.error as { code?: unknown } | undefined;
  return error?.code === '42P01' && !(result.results ?? []).some((r) => r.status !== 'NotExecuted');
}

/** Kysely's migrator over our migrations, its tables in the connection's current schema (above). */
export async function migratorFor<T>(db: Kysely<T>): Promise<Migrator> {
  let migrationTableSchema: string | undefined;
  if (dialectOf(db) === 'postgres') {
    const result = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    migrationTableSchema = result.rows[0]?.schema;
  }
  return new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
}
