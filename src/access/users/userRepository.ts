import type { Kysely } from 'kysely';
import type { Database, OrganisationTable, RoleTable, UserTable } from '../../db/schema.ts';

/** Organisations, roles, users and their role assignments. */

export async function insertOrganisation(db: Kysely<Database>, row: OrganisationTable): Promise<void> {
  await db.insertInto('organisations').values(row).execute();
}

export async function insertOrganisations(db: Kysely<Database>, rows: OrganisationTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('organisations')
      .values(rows.slice(i, i + 200))
      .execute();
}

export async function findOrganisation(db: Kysely<Database>, id: string) {
  return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findOrganisationByArea(
  db: Kysely<Database>,
  areaCode: string,
  kind: OrganisationTable['kind'],
) {
  return db
    .selectFrom('organisations')
    .selectAll()
    .where('area_code', '=', areaCode)
    .where('kind', '=', kind)
    .executeTakeFirst();
}

export async function upsertRole(db: Kysely<Database>, row: RoleTable): Promise<void> {
  const existing = await db.selectFrom('roles').select('id').where('code', '=', row.code).executeTakeFirst();
  if (existing) {
    await db
      .updateTable('roles')
      .set({
        name_zh: row.name_zh,
        name_en: row.name_en,
        permissions_json: row.permissions_json,
        data_scope: row.data_scope,
      })
      .where('id', '=', existing.id)
      .execute();
  } else {
    await db.insertInto('roles').values(row).execute();
  }
}

export async function findRolesByCodes(db: Kysely<Database>, codes: string[]) {
  if (codes.length === 0) return [];
  return db.selectFrom('roles').selectAll().where('code', 'in', codes).execute();
}

export async function insertUser(db: Kysely<Database>, user: UserTable, roleIds: string[]): Promise<void> {
  await db.insertInto('users').values(user).execute();
  if (roleIds.length > 0) {
    await db
      .insertInto('user_roles')
      .values(roleIds.map((role_id) => ({ user_id: user.id, role_id })))
      .execute();
  }
}

export async function findUserByUsername(db: Kysely<Database>, username: string) {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function findUserById(db: Kysely<Database>, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function countUsers(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

export async function listRolesOfUser(db: Kysely<Database>, userId: string) {
  return db
    .selectFrom('user_roles')
    .innerJoin('roles', 'roles.id', 'user_roles.role_id')
    .selectAll('roles')
    .where('user_roles.user_id', '=', userId)
    .execute();
}

export async function updateUser(
  db: Kysely<Database>,
  id: string,
  changes: Partial<
    Pick<
      UserTable,
      | 'password_hash'
      | 'password_changed_at'
      | 'must_change_password'
      | 'failed_attempts'
      | 'locked_until'
      | 'disabled'
      | 'totp_secret_enc'
      | 'totp_enabled'
    >
  >,
): Promise<void> {
  await db.updateTable('users').set(changes).where('id', '=', id).execute();
}

export async function listUsers(db: Kysely<Database>, limit: number, offset: number) {
  const rows = await db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select([
      'users.id',
      'users.username',
      'users.display_name',
      'users.organisation_id',
      'organisations.name as organisation_name',
      'organisations.area_code',
      'users.must_change_password',
      'users.locked_until',
      'users.disabled',
      'users.created_at',
    ])
    .orderBy('users.username')
    .limit(limit)
    .offset(offset)
    .execute();
  const roles = rows.length
    ? await db
        .selectFrom('user_roles')
        .innerJoin('roles', 'roles.id', 'user_roles.role_id')
        .select(['user_roles.user_id', 'roles.code'])
        .where(
          'user_roles.user_id',
          'in',
          rows.map((r) => r.id),
        )
        .execute()
    : [];
  return rows.map((r) => ({ ...r, roles: roles.filter((x) => x.user_id === r.id).map((x) => x.code) }));
}

export async function listRoles(db: Kysely<Database>) {
  return db.selectFrom('roles').selectAll().orderBy('builtin', 'desc').orderBy('code').execute();
}

export async function listOrganisations(db: Kysely<Database>) {
  return db.selectFrom('organisations').selectAll().orderBy('area_code').orderBy('name').execute();
}

export async function findRoleByCode(db: Kysely<Database>, code: string) {
  return db.selectFrom('roles').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function updateRole(
  db: Kysely<Database>,
  id: string,
  patch: Partial<Pick<RoleTable, 'name_zh' | 'name_en' | 'permissions_json' | 'data_scope'>>,
): Promise<void> {
  await db.updateTable('roles').set(patch).where('id', '=', id).execute();
}

/**
 * For every user holding a role, the permissions of their OTHER roles (JSON per role), so a
 * change to the role can be checked against each holder's combined permissions.
 */
export async function listOtherRolesOfHolders(db: Kysely<Database>, roleId: string) {
  const holders = await db
    .selectFrom('user_roles')
    .innerJoin('users', 'users.id', 'user_roles.user_id')
    .select(['users.id', 'users.username'])
    .where('user_roles.role_id', '=', roleId)
    .execute();
  if (holders.length === 0) return [];
  const others = await db
    .selectFrom('user_roles')
    .innerJoin('roles', 'roles.id', 'user_roles.role_id')
    .select(['user_roles.user_id', 'roles.permissions_json'])
    .where(
      'user_roles.user_id',
      'in',
      holders.map((h) => h.id),
    )
    .where('user_roles.role_id', '!=', roleId)
    .execute();
  return holders.map((h) => ({
    userId: h.id,
    username: h.username,
    permissionsJson: others.filter((o) => o.user_id === h.id).map((o) => o.permissions_json),
  }));
}

/** Account and display names for user ids (the audit log records ids). */
export async function findUserNames(
  db: Kysely<Database>,
  ids: string[],
): Promise<Map<string, { username: string; displayName: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, { username: r.username, displayName: r.display_name }]));
}

/** Replaces a user's roles in one transaction. */
export async function replaceUserRoles(
  db: Kysely<Database>,
  userId: string,
  roleIds: string[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('user_roles').where('user_id', '=', userId).execute();
    if (roleIds.length > 0) {
      await trx
        .insertInto('user_roles')
        .values(roleIds.map((role_id) => ({ user_id: userId, role_id })))
        .execute();
    }
  });
}

/** How many enabled users other than `exceptUserId` hold a role. */
export async function countOtherHolders(
  db: Kysely<Database>,
  roleId: string,
  exceptUserId: string,
): Promise<number> {
  const row = await db
    .selectFrom('user_roles')
    .innerJoin('users', 'users.id', 'user_roles.user_id')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('user_roles.role_id', '=', roleId)
    .where('users.id', '!=', exceptUserId)
    .where('users.disabled', '=', 0)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
