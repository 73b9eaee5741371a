import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '../../core/appError.ts';
import type { Database, OrganisationTable, UserTable } from '../../db/schema.ts';
import type { SecurityPolicy } from '../auth/securityPolicy.ts';
import { hashPassword, passwordProblems } from './password.ts';
import {
  adminFamilyOf,
  builtinRoles,
  isPermission,
  separationProblem,
  type Permission,
} from './permissions.ts';
import {
  findRolesByCodes,
  findUserByUsername,
  insertOrganisation,
  insertUser,
  upsertRole,
  findRoleByCode,
  updateRole,
} from './userRepository.ts';

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
  const roles = await findRolesByCodes(db, input.roleCodes);
  const permissions: Permission[] = roles.flatMap((r) =>
    (JSON.parse(r.permissions_json) as string[]).filter(isPermission),
  );
  const separation = separationProblem(permissions);
  if (separation) throw new AppError('ROLE_SEPARATION', { reason: separation });
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
