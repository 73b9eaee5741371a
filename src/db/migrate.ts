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
  const result = await migrator.migrateToLatest();
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
 * Whether migrating failed before any migration ran because a table or column vanished while
 * Kysely looked for its own tables: its introspection lists the tables and columns of every
 * schema, resolving each by name, and another schema's table or column dropped meanwhile (a
 * parallel test's, another deployment's) fails the whole query with "relation … does not exist"
 * (42P01) or "column … does not exist" (42703). Nothing was changed: trying again is safe.
 */
export function caughtOtherSchemaChanging(result: MigrationResultSet): boolean {
  const error = result.error as { code?: unknown } | undefined;
  return (
    (error?.code === '42P01' || error?.code === '42703') &&
    !(result.results ?? []).some((r) => r.status !== 'NotExecuted')
  );
}

/** Kysely's migrator, trying a step again (twice at most) when another schema changed under it (above). */
class RetryingMigrator extends Migrator {
  private async retried(step: () => Promise<MigrationResultSet>): Promise<MigrationResultSet> {
    let result = await step();
    for (let attempt = 1; attempt < 3 && caughtOtherSchemaChanging(result); attempt++) result = await step();
    return result;
  }
  override migrateToLatest() {
    return this.retried(() => super.migrateToLatest());
  }
  override migrateTo(target: Parameters<Migrator['migrateTo']>[0]) {
    return this.retried(() => super.migrateTo(target));
  }
  override migrateUp() {
    return this.retried(() => super.migrateUp());
  }
  override migrateDown() {
    return this.retried(() => super.migrateDown());
  }
}

/** Kysely's migrator over our migrations, its tables in the connection's current schema (above). */
export async function migratorFor<T>(db: Kysely<T>): Promise<Migrator> {
  let migrationTableSchema: string | undefined;
  if (dialectOf(db) === 'postgres') {
    const result = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    migrationTableSchema = result.rows[0]?.schema;
  }
  return new RetryingMigrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
}
