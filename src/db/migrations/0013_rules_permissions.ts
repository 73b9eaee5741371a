import { sql, type Kysely } from 'kysely';

/**
 * The rules engine (issue 5) adds two permissions. Built-in roles are created from the code's
 * catalogue only when missing (ensureBuiltinRoles), so a database made before this release
 * grants them here to the built-in staff roles it already has — and `registry:person:merge`
 * (issue 4), which such databases' county role lacked for the same reason. Roles the security
 * administrator created are left as they are.
 */
const grants: Record<string, string[]> = {
  county_staff: ['rules:policy:view', 'rules:policy:manage', 'registry:person:merge'],
  township_staff: ['rules:policy:view'],
  village_worker: ['rules:policy:view'],
  department_staff: ['rules:policy:view'],
};

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [code, add] of Object.entries(grants)) {
    const rows = await sql<{ id: string; permissions_json: string }>`
      select id, permissions_json from roles where code = ${code} and builtin = 1`.execute(db);
    for (const row of rows.rows) {
      const permissions = JSON.parse(row.permissions_json) as string[];
      const next = [...permissions, ...add.filter((p) => !permissions.includes(p))];
      await sql`update roles set permissions_json = ${JSON.stringify(next)} where id = ${row.id}`.execute(db);
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [code, remove] of Object.entries(grants)) {
    const rows = await sql<{ id: string; permissions_json: string }>`
      select id, permissions_json from roles where code = ${code} and builtin = 1`.execute(db);
    for (const row of rows.rows) {
      const next = (JSON.parse(row.permissions_json) as string[]).filter(
        (p) => !remove.includes(p) || p === 'registry:person:merge',
      );
      await sql`update roles set permissions_json = ${JSON.stringify(next)} where id = ${row.id}`.execute(db);
    }
  }
}
