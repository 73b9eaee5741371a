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
import { findRoleByCode, listOtherRolesOfHolders, updateRole } from './userRepository.ts';

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

/** The administrator family a built-in administrator role stands for, or null for other roles. */
function builtinAdminFamily(code: string): AdminFamily | null {
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
  const permissions = patch.permissions ?? (JSON.parse(role.permissions_json) as string[]);
  const dataScope = patch.dataScope ?? role.data_scope;

  const unknown = permissions.findIndex((p) => !isPermission(p));
  if (patch.permissions && unknown >= 0) {
    throw AppError.field(`body.permissions[${unknown}]`, 'FIELD_NOT_ALLOWED', {
      allowed: Object.keys(permissionCatalogue).join('、'),
    });
  }
  const valid = permissions.filter(isPermission);

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
