import { sql, type Kysely } from 'kysely';

/**
 * Permissions a release adds to built-in roles a database already has. Built-in roles are made
 * from the code's catalogue only when missing (ensureBuiltinRoles), so an older database gets the
 * new permissions here; roles the security administrator made are left as they are.
 */
export async function grantToBuiltinRoles(
  db: Kysely<unknown>,
  grants: Record<string, string[]>,
): Promise<void> {
  await changeBuiltinRoles(db, grants, (held, add) => [...held, ...add.filter((p) => !held.includes(p))]);
}

/** The reverse of grantToBuiltinRoles, for a migration's `down`. */
export async function revokeFromBuiltinRoles(
  db: Kysely<unknown>,
  grants: Record<string, string[]>,
): Promise<void> {
  await changeBuiltinRoles(db, grants, (held, remove) => held.filter((p) => !remove.includes(p)));
}

async function changeBuiltinRoles(
  db: Kysely<unknown>,
  grants: Record<string, string[]>,
  change: (held: string[], listed: string[]) => string[],
): Promise<void> {
  for (const [code, listed] of Object.entries(grants)) {
    const rows = await sql<{ id: string; permissions_json: string }>`
      select id, permissions_json from roles where code = ${code} and builtin = 1`.execute(db);
    for (const row of rows.rows) {
      const next = change(JSON.parse(row.permissions_json) as string[], listed);
      await sql`update roles set permissions_json = ${JSON.stringify(next)} where id = ${row.id}`.execute(db);
    }
  }
}
