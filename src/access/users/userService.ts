import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '../../core/appError.ts';
import type { Database, OrganisationTable, RoleTable, UserTable } from '../../db/schema.ts';
import type { SecurityPolicy } from '../auth/securityPolicy.ts';
import { hashPassword, passwordProblems } from './password.ts';
import { adminFamilyOf, builtinRoles, separationProblem } from './permissions.ts';
import {
  countOtherHolders,
  findRolesByCodes,
  findUserById,
  findUserByUsername,
  listRolesOfUser,
  replaceUserRoles,
  insertOrganisation,
  insertUser,
  upsertRole,
  findRoleByCode,
  updateRole,
} from './userRepository.ts';
import { builtinAdminFamily, rolePermissions } from './roleService.ts';

/**
 * Creates the built-in roles that are missing. Existing ones keep what the security
 * administrator made of them (PATCH /roles/:code), except that the three administrator roles
 * always hold exactly their family's permissions from the code's catalogue (三员分立).
 */
export async function ensureBuiltinRoles(db: Kysely<Database>): Promise<void> {
  for (const role of builtinRoles) {
    const existing = await findRoleByCode(db, role.code);
    if (!existing) {
      await upsertRole(db, {
        id: `role_${role.code}`,
        code: role.code,
        name_zh: role.nameZh,
        name_en: role.nameEn,
        permissions_json: JSON.stringify(role.permissions),
        data_scope: role.dataScope,
        builtin: 1,
      });
    } else if (role.permissions.every((p) => adminFamilyOf(p) !== null)) {
      await updateRole(db, existing.id, {
        permissions_json: JSON.stringify(role.permissions),
        data_scope: role.dataScope,
      });
    }
  }
}

export async function createOrganisation(
  db: Kysely<Database>,
  input: Omit<OrganisationTable, 'id' | 'created_at'>,
  now = new Date().toISOString(),
): Promise<OrganisationTable> {
  const row = { ...input, id: randomUUID(), created_at: now };
  await insertOrganisation(db, row);
  return row;
}

export interface NewUser {
  username: string;
  displayName: string;
  organisationId: string;
  roleCodes: string[];
  password: string;
  /** Initial passwords set by someone else must be changed at first sign-in. */
  mustChangePassword: boolean;
}

/**
 * Creates a user after checking the password policy and the separation of the three
 * administrators across all the roles the user would hold together.
 */
export async function createUser(
  db: Kysely<Database>,
  policy: SecurityPolicy,
  input: NewUser,
  now = new Date().toISOString(),
): Promise<UserTable> {
  if (await findUserByUsername(db, input.username))
    throw new AppError('USER_EXISTS', { username: input.username });
  const problems = passwordProblems(input.password, policy, input.username);
  if (problems.length > 0) throw new AppError('PASSWORD_POLICY', { reason: problems.join('；') });
  const roles = await rolesToGrant(db, input.roleCodes);
  const user: UserTable = {
    id: randomUUID(),
    username: input.username,
    display_name: input.displayName,
    organisation_id: input.organisationId,
    password_hash: await hashPassword(input.password),
    password_changed_at: now,
    must_change_password: input.mustChangePassword ? 1 : 0,
    failed_attempts: 0,
    locked_until: null,
    disabled: 0,
    created_at: now,
    totp_secret_enc: null,
    totp_enabled: 0,
  };
  await insertUser(
    db,
    user,
    roles.map((r) => r.id),
  );
  return user;
}

/**
 * The roles behind codes a user is to hold: every code must exist (the first unknown one is
 * named with its place in the request), and together they must respect 三员分立.
 */
async function rolesToGrant(db: Kysely<Database>, codes: string[]): Promise<RoleTable[]> {
  const roles = await findRolesByCodes(db, codes);
  const unknown = codes.findIndex((code) => !roles.some((r) => r.code === code));
  if (unknown >= 0) {
    throw AppError.field(`body.roleCodes[${unknown}]`, 'ROLE_NOT_FOUND', { code: codes[unknown] ?? '' });
  }
  const separation = separationProblem(roles.flatMap(rolePermissions));
  if (separation) throw new AppError('ROLE_SEPARATION', { reason: separation });
  return roles;
}

/**
 * Gives a user a new set of roles. Refused when it would break 三员分立, or take away the last
 * enabled holder of one of the three administrator roles (the system would then have nobody
 * to do that job, and no all-powerful account exists to step in).
 */
export async function changeUserRoles(
  db: Kysely<Database>,
  userId: string,
  codes: string[],
): Promise<{ before: string[]; after: string[] }> {
  if (!(await findUserById(db, userId))) throw new AppError('USER_NOT_FOUND');
  const roles = await rolesToGrant(db, codes);
  const current = await listRolesOfUser(db, userId);
  for (const role of current) {
    const isAdministratorRole = role.builtin === 1 && builtinAdminFamily(role.code) !== null;
    if (
      isAdministratorRole &&
      !codes.includes(role.code) &&
      (await countOtherHolders(db, role.id, userId)) === 0
    ) {
      throw new AppError('ROLE_LAST_HOLDER', { role: role.name_zh });
    }
  }
  await replaceUserRoles(
    db,
    userId,
    roles.map((r) => r.id),
  );
  return { before: current.map((r) => r.code), after: roles.map((r) => r.code) };
}
