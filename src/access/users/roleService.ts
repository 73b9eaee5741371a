import type { Kysely } from 'kysely';
import { AppError } from '../../core/appError.ts';
import type { Database, DataScope, RoleTable } from '../../db/schema.ts';
import {
  adminFamilyOf,
  builtinRoles,
  isPermission,
  permissionCatalogue,
  separationProblem,
  type AdminFamily,
  type Permission,
} from './permissions.ts';
import { findRoleByCode, listOtherRolesOfHolders, updateRole, upsertRole } from './userRepository.ts';

export interface RolePatch {
  nameZh?: string;
  nameEn?: string;
  permissions?: string[];
  dataScope?: DataScope;
}

/** Every permission of one administrator family, in catalogue order. */
function familyPermissions(family: AdminFamily): Permission[] {
  return (Object.keys(permissionCatalogue) as Permission[]).filter((p) => adminFamilyOf(p) === family);
}

/** The permissions a stored role carries (anything no longer in the catalogue is ignored). */
export function rolePermissions(role: RoleTable): Permission[] {
  return (JSON.parse(role.permissions_json) as string[]).filter(isPermission);
}

/** Requested permissions, all from the catalogue, or a field error naming the first that is not. */
function cataloguedPermissions(permissions: string[]): Permission[] {
  const unknown = permissions.findIndex((p) => !isPermission(p));
  if (unknown >= 0) {
    throw AppError.field(`body.permissions[${unknown}]`, 'FIELD_NOT_ALLOWED', {
      allowed: Object.keys(permissionCatalogue).join('、'),
    });
  }
  return permissions.filter(isPermission);
}

/** The administrator family a built-in administrator role stands for, or null for other roles. */
export function builtinAdminFamily(code: string): AdminFamily | null {
  const definition = builtinRoles.find((r) => r.code === code);
  if (!definition) return null;
  const families = new Set(definition.permissions.map(adminFamilyOf));
  const [family] = families;
  return families.size === 1 && family ? family : null;
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x) => b.includes(x));

/**
 * Changes a role (security administrator). Refused when the role alone, or any holder's
 * roles together, would break the separation of the three administrators; the three
 * built-in administrator roles keep exactly their family's permissions and the whole data
 * scope, so each administrator exists and none can be emptied or widened. Names may change.
 */
export async function changeRole(
  db: Kysely<Database>,
  code: string,
  patch: RolePatch,
): Promise<{ before: RoleTable; after: RoleTable }> {
  const role = await findRoleByCode(db, code);
  if (!role) throw new AppError('ROLE_NOT_FOUND', { code });
  const valid = patch.permissions ? cataloguedPermissions(patch.permissions) : rolePermissions(role);
  const dataScope = patch.dataScope ?? role.data_scope;

  const family = role.builtin === 1 ? builtinAdminFamily(code) : null;
  if (family) {
    const required = familyPermissions(family);
    if (!sameSet(valid, required)) {
      throw new AppError('BUILTIN_ROLE_PROTECTED', {
        role: role.name_zh,
        reason: `三员分立要求该角色恰好拥有本类管理权限（${required.map((p) => permissionCatalogue[p]).join('、')}）`,
      });
    }
    if (dataScope !== 'all') {
      throw new AppError('BUILTIN_ROLE_PROTECTED', {
        role: role.name_zh,
        reason: '管理员角色的数据范围须为全部',
      });
    }
  }

  const separation = separationProblem(valid);
  if (separation) throw new AppError('ROLE_SEPARATION', { reason: separation });
  // A user may hold this role together with others: their combination must stay separated.
  for (const holder of await listOtherRolesOfHolders(db, role.id)) {
    const combined = [
      ...valid,
      ...holder.permissionsJson.flatMap((json) => (JSON.parse(json) as string[]).filter(isPermission)),
    ];
    const problem = separationProblem(combined);
    if (problem) throw new AppError('ROLE_SEPARATION', { reason: `用户${holder.username}：${problem}` });
  }

  const changes = {
    ...(patch.nameZh !== undefined ? { name_zh: patch.nameZh } : {}),
    ...(patch.nameEn !== undefined ? { name_en: patch.nameEn } : {}),
    ...(patch.permissions !== undefined ? { permissions_json: JSON.stringify([...new Set(valid)]) } : {}),
    ...(patch.dataScope !== undefined ? { data_scope: patch.dataScope } : {}),
  };
  if (Object.keys(changes).length > 0) await updateRole(db, role.id, changes);
  const after = await findRoleByCode(db, code);
  if (!after) throw new AppError('ROLE_NOT_FOUND', { code });
  return { before: role, after };
}

export interface CustomRole {
  code: string;
  nameZh: string;
  nameEn: string;
  permissions: string[];
  dataScope: DataScope;
}

/**
 * Creates a custom role, or changes an existing one through `changeRole`, so that a change
 * made this way is checked against its holders' other roles like any other. Built-in role
 * codes are refused here (they are changed with PATCH).
 */
export async function saveCustomRole(db: Kysely<Database>, input: CustomRole): Promise<void> {
  const existing = await findRoleByCode(db, input.code);
  if (existing?.builtin === 1) {
    throw AppError.field('body.code', 'FIELD_NOT_ALLOWED', { allowed: '非内置角色编码' });
  }
  if (existing) {
    await changeRole(db, input.code, input);
    return;
  }
  const permissions = cataloguedPermissions(input.permissions);
  const separation = separationProblem(permissions);
  if (separation) throw new AppError('ROLE_SEPARATION', { reason: separation });
  await upsertRole(db, {
    id: `role_${input.code}`,
    code: input.code,
    name_zh: input.nameZh,
    name_en: input.nameEn,
    permissions_json: JSON.stringify(permissions),
    data_scope: input.dataScope,
    builtin: 0,
  });
}
