import type { FastifyInstance } from 'fastify';
import { AppError } from '../../core/appError.ts';
import type { AppContext } from '../../http/appContext.ts';
import type { DataScope, OrganisationKind, RoleTable } from '../../db/schema.ts';
import { logoutEverywhere } from '../auth/authService.ts';
import { recordAudit } from '../audit/auditService.ts';
import { generatePassword, hashPassword } from './password.ts';
import { adminFamilyOf, permissionCatalogue, type Permission } from './permissions.ts';
import { changeRole, saveCustomRole, type RolePatch } from './roleService.ts';
import {
  findOrganisation,
  findUserById,
  listOrganisations,
  listRoles,
  listUsers,
  updateUser,
} from './userRepository.ts';
import { changeUserRoles, createOrganisation, createUser } from './userService.ts';
import { dataScopes, organisationKinds } from './accessLabels.ts';
import { findArea } from '../../areas/areaRepository.ts';
import { normalizeAreaCode } from '../../areas/areaCode.ts';

const uuidParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;
const okSchema = { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } } as const;

/**
 * Accounts and organisations (system administrator) and roles (security administrator).
 * Neither can do the other's job: the routes need different permissions, and the
 * separation rule refuses any role or user that would join them.
 */
export function registerUserRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;
  const actor = (request: { principal: { userId: string } | null }) =>
    request.principal?.userId ?? 'anonymous';

  app.get<{ Querystring: { limit?: number; offset?: number } }>(
    '/users',
    {
      config: { access: 'system:user:manage' },
      schema: {
        tags: ['access'],
        summary: '用户列表 — Users',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
            offset: { type: 'integer', minimum: 0, default: 0 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    username: { type: 'string' },
                    displayName: { type: 'string' },
                    organisation: { type: 'string' },
                    areaCode: { type: 'string' },
                    roles: { type: 'array', items: { type: 'string' } },
                    locked: { type: 'boolean' },
                    disabled: { type: 'boolean' },
                    mustChangePassword: { type: 'boolean' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const now = new Date().toISOString();
      const rows = await listUsers(db, request.query.limit ?? 100, request.query.offset ?? 0);
      return {
        items: rows.map((u) => ({
          id: u.id,
          username: u.username,
          displayName: u.display_name,
          organisation: u.organisation_name,
          areaCode: u.area_code,
          roles: u.roles,
          locked: u.locked_until !== null && u.locked_until > now,
          disabled: u.disabled === 1,
          mustChangePassword: u.must_change_password === 1,
        })),
      };
    },
  );

  app.post<{ Body: { username: string; displayName: string; organisationId: string; roleCodes: string[] } }>(
    '/users',
    {
      config: { access: 'system:user:manage' },
      schema: {
        tags: ['access'],
        summary: '新建用户（返回一次性初始密码，首次登录须修改）— Create a user',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['username', 'displayName', 'organisationId', 'roleCodes'],
          properties: {
            username: { type: 'string', pattern: '^[a-z][a-z0-9_.-]{2,31}$' },
            displayName: { type: 'string', minLength: 1, maxLength: 50 },
            organisationId: { type: 'string', format: 'uuid' },
            roleCodes: { type: 'array', minItems: 1, maxItems: 10, items: { type: 'string', maxLength: 50 } },
          },
        },
        response: {
          201: {
            type: 'object',
            properties: { id: { type: 'string' }, initialPassword: { type: 'string' } },
          },
        },
      },
    },
    async (request, reply) => {
      if (!(await findOrganisation(db, request.body.organisationId))) {
        throw AppError.field('body.organisationId', 'FIELD_NOT_ALLOWED', { allowed: '已登记的组织机构' });
      }
      const initialPassword = generatePassword();
      const user = await createUser(db, await context.settings.securityPolicy(), {
        ...request.body,
        password: initialPassword,
        mustChangePassword: true,
      });
      await recordAudit(db, {
        actor: actor(request),
        action: 'user.create',
        subjectType: 'user',
        subjectId: user.id,
        ip: request.ip,
        detail: { username: user.username, roles: request.body.roleCodes },
      });
      return reply.status(201).send({ id: user.id, initialPassword });
    },
  );

  app.post<{ Params: { id: string }; Body: { disabled: boolean } }>(
    '/users/:id/status',
    {
      config: { access: 'system:user:manage' },
      schema: {
        tags: ['access'],
        summary: '停用或启用用户（停用即结束其全部会话）— Disable or enable a user',
        params: uuidParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['disabled'],
          properties: { disabled: { type: 'boolean' } },
        },
        response: okSchema,
      },
    },
    async (request) => {
      if (!(await findUserById(db, request.params.id))) throw new AppError('USER_NOT_FOUND');
      await updateUser(db, request.params.id, { disabled: request.body.disabled ? 1 : 0 });
      if (request.body.disabled) await logoutEverywhere(db, request.params.id);
      await recordAudit(db, {
        actor: actor(request),
        action: request.body.disabled ? 'user.disable' : 'user.enable',
        subjectType: 'user',
        subjectId: request.params.id,
        ip: request.ip,
      });
      return { ok: true };
    },
  );

  app.put<{ Params: { id: string }; Body: { roleCodes: string[] } }>(
    '/users/:id/roles',
    {
      config: { access: 'system:user:manage' },
      schema: {
        tags: ['access'],
        summary: '调整用户角色（三员分立校验；不能收回最后一位管理员的角色）— Change a user’s roles',
        params: uuidParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['roleCodes'],
          properties: {
            roleCodes: {
              type: 'array',
              minItems: 1,
              maxItems: 10,
              uniqueItems: true,
              items: { type: 'string', maxLength: 50 },
            },
          },
        },
        response: okSchema,
      },
    },
    async (request) => {
      const change = await changeUserRoles(db, request.params.id, request.body.roleCodes);
      await recordAudit(db, {
        actor: actor(request),
        action: 'user.roles.change',
        subjectType: 'user',
        subjectId: request.params.id,
        ip: request.ip,
        detail: change,
      });
      return { ok: true };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/users/:id/reset-password',
    {
      config: { access: 'system:user:manage' },
      schema: {
        tags: ['access'],
        summary: '重置密码并解锁（一次性密码，须立即修改）— Reset a password and unlock',
        params: uuidParams,
        body: { type: 'object', additionalProperties: false, properties: {} },
        response: { 200: { type: 'object', properties: { initialPassword: { type: 'string' } } } },
      },
    },
    async (request) => {
      if (!(await findUserById(db, request.params.id))) throw new AppError('USER_NOT_FOUND');
      const initialPassword = generatePassword();
      await updateUser(db, request.params.id, {
        password_hash: await hashPassword(initialPassword),
        password_changed_at: new Date().toISOString(),
        must_change_password: 1,
        failed_attempts: 0,
        locked_until: null,
      });
      await logoutEverywhere(db, request.params.id);
      await recordAudit(db, {
        actor: actor(request),
        action: 'user.password.reset',
        subjectType: 'user',
        subjectId: request.params.id,
        ip: request.ip,
      });
      return { initialPassword };
    },
  );

  const organisationSchema = {
    type: 'object',
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      kind: { type: 'string' },
      areaCode: { type: 'string' },
      department: { type: ['string', 'null'] },
    },
  } as const;

  app.get(
    '/organisations',
    {
      config: { access: 'system:organisation:manage' },
      schema: {
        tags: ['access'],
        summary: '组织机构 — Organisations',
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: organisationSchema } } },
        },
      },
    },
    async () => ({
      items: (await listOrganisations(db)).map((o) => ({
        id: o.id,
        name: o.name,
        kind: o.kind,
        areaCode: o.area_code,
        department: o.department,
      })),
    }),
  );

  app.post<{ Body: { name: string; kind: OrganisationKind; areaCode: string; department?: string } }>(
    '/organisations',
    {
      config: { access: 'system:organisation:manage' },
      schema: {
        tags: ['access'],
        summary: '新建组织机构 — Create an organisation',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'kind', 'areaCode'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100 },
            kind: { type: 'string', enum: organisationKinds },
            areaCode: { type: 'string', format: 'area-code' },
            department: { type: 'string', maxLength: 50 },
          },
        },
        response: { 201: organisationSchema },
      },
    },
    async (request, reply) => {
      const areaCode = normalizeAreaCode(request.body.areaCode);
      if (!(await findArea(db, areaCode)))
        throw AppError.field('body.areaCode', 'UNKNOWN_AREA', { code: areaCode });
      const department = request.body.department ?? null;
      if (department !== null && !context.variables.department(department)) {
        throw AppError.field('body.department', 'FIELD_NOT_ALLOWED', {
          allowed: context.variables.departments.map((d) => d.code).join('、'),
        });
      }
      const o = await createOrganisation(db, {
        name: request.body.name,
        kind: request.body.kind,
        area_code: areaCode,
        department,
      });
      await recordAudit(db, {
        actor: actor(request),
        action: 'organisation.create',
        subjectType: 'organisation',
        subjectId: o.id,
        ip: request.ip,
      });
      return reply
        .status(201)
        .send({ id: o.id, name: o.name, kind: o.kind, areaCode: o.area_code, department: o.department });
    },
  );

  const toRoleDto = (r: RoleTable) => ({
    code: r.code,
    nameZh: r.name_zh,
    nameEn: r.name_en,
    permissions: JSON.parse(r.permissions_json) as string[],
    dataScope: r.data_scope,
    builtin: r.builtin === 1,
  });

  const roleSchema = {
    type: 'object',
    properties: {
      code: { type: 'string' },
      nameZh: { type: 'string' },
      nameEn: { type: 'string' },
      permissions: { type: 'array', items: { type: 'string' } },
      dataScope: { type: 'string' },
      builtin: { type: 'boolean' },
    },
  } as const;

  app.get(
    '/roles',
    {
      config: { access: 'security:role:manage' },
      schema: {
        tags: ['access'],
        summary: '角色与权限 — Roles and the permission catalogue',
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: roleSchema },
              permissions: { type: 'object', additionalProperties: { type: 'string' } },
            },
          },
        },
      },
    },
    async () => ({
      items: (await listRoles(db)).map(toRoleDto),
      permissions: permissionCatalogue,
    }),
  );

  app.post<{
    Body: { code: string; nameZh: string; nameEn: string; permissions: string[]; dataScope: DataScope };
  }>(
    '/roles',
    {
      config: { access: 'security:role:manage' },
      schema: {
        tags: ['access'],
        summary: '新建或修改自定义角色（三员分立校验）— Create or change a custom role',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['code', 'nameZh', 'nameEn', 'permissions', 'dataScope'],
          properties: {
            code: { type: 'string', pattern: '^[a-z][a-z0-9_]{2,49}$' },
            nameZh: { type: 'string', minLength: 1, maxLength: 50 },
            nameEn: { type: 'string', minLength: 1, maxLength: 100 },
            permissions: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 100 } },
            dataScope: { type: 'string', enum: dataScopes },
          },
        },
        response: okSchema,
      },
    },
    async (request) => {
      const { code, permissions, dataScope } = request.body;
      await saveCustomRole(db, request.body);
      await recordAudit(db, {
        actor: actor(request),
        action: 'role.save',
        subjectType: 'role',
        subjectId: code,
        ip: request.ip,
        detail: { permissions, dataScope },
      });
      return { ok: true };
    },
  );

  app.patch<{ Params: { code: string }; Body: RolePatch }>(
    '/roles/:code',
    {
      config: { access: 'security:role:manage' },
      schema: {
        tags: ['access'],
        summary: '修改角色（三员分立校验；内置管理员角色只能改名）— Change a role',
        params: {
          type: 'object',
          required: ['code'],
          properties: { code: { type: 'string', maxLength: 50 } },
        },
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            nameZh: { type: 'string', minLength: 1, maxLength: 50 },
            nameEn: { type: 'string', minLength: 1, maxLength: 100 },
            permissions: {
              type: 'array',
              maxItems: 100,
              uniqueItems: true,
              items: { type: 'string', maxLength: 100 },
            },
            dataScope: { type: 'string', enum: dataScopes },
          },
        },
        response: { 200: roleSchema },
      },
    },
    async (request) => {
      const { before, after } = await changeRole(db, request.params.code, request.body);
      await recordAudit(db, {
        actor: actor(request),
        action: 'role.update',
        subjectType: 'role',
        subjectId: after.code,
        ip: request.ip,
        detail: { before: toRoleDto(before), after: toRoleDto(after) },
      });
      return toRoleDto(after);
    },
  );

  app.get(
    '/permissions',
    {
      config: { access: 'security:role:manage' },
      schema: {
        tags: ['access'],
        summary: '权限目录（三员分立的归属）— The permission catalogue',
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    permission: { type: 'string' },
                    labelZh: { type: 'string' },
                    family: { type: ['string', 'null'], enum: ['system', 'security', 'audit', null] },
                  },
                },
              },
            },
          },
        },
      },
    },
    () => ({
      items: (Object.keys(permissionCatalogue) as Permission[]).map((permission) => ({
        permission,
        labelZh: permissionCatalogue[permission],
        family: adminFamilyOf(permission),
      })),
    }),
  );
}
