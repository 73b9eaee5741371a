import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/appContext.ts';
import type { Permission } from '../access/users/permissions.ts';
import type { SettingGroup } from './settingsCatalogue.ts';
import { changeSetting, type EffectiveSetting } from './settingsService.ts';

const boundsSchema = {
  type: 'object',
  properties: { min: { type: 'integer' }, max: { type: 'integer' } },
} as const;

export const settingSchema = {
  type: 'object',
  properties: {
    key: { type: 'string' },
    group: { type: 'string', enum: ['system', 'security'] },
    nameZh: { type: 'string' },
    nameEn: { type: 'string' },
    descriptionZh: { type: 'string' },
    descriptionEn: { type: 'string' },
    type: { type: 'string', enum: ['integer', 'boolean', 'string', 'object'] },
    value: {},
    defaultValue: {},
    min: { type: 'integer', description: '整数的最小值，或文字的最少字数' },
    max: { type: 'integer', description: '整数的最大值，或文字的最多字数' },
    properties: {
      type: 'object',
      description: '对象各属性（整数）的取值范围',
      additionalProperties: boundsSchema,
    },
    updatedAt: { type: ['string', 'null'] },
    updatedBy: { type: ['string', 'null'], description: '最后修改人的用户ID' },
    updatedByName: { type: ['string', 'null'], description: '最后修改人的姓名' },
  },
} as const;

export function toSettingDto(setting: EffectiveSetting): Record<string, unknown> {
  const d = setting.definition;
  return {
    key: d.key,
    group: d.group,
    nameZh: d.nameZh,
    nameEn: d.nameEn,
    descriptionZh: d.descriptionZh,
    descriptionEn: d.descriptionEn,
    type: d.type,
    value: setting.value,
    defaultValue: setting.defaultValue,
    ...(d.min !== undefined ? { min: d.min } : {}),
    ...(d.max !== undefined ? { max: d.max } : {}),
    ...(d.properties ? { properties: d.properties } : {}),
    updatedAt: setting.updatedAt,
    updatedBy: setting.updatedBy,
    updatedByName: setting.updatedByName,
  };
}

/** Which administrator edits which group (三员分立: neither may touch the other's). */
const groupPermission: Record<SettingGroup, Permission> = {
  system: 'system:config:manage',
  security: 'security:policy:manage',
};

const groupLabel: Record<SettingGroup, string> = {
  system: '系统参数 — System settings',
  security: '安全策略 — Security policy',
};

/**
 * Settings: each group is read and changed by its own administrator. `PUT
 * /settings/:group/:key` is registered once per group so that the access hook checks the
 * group's permission like any other route's.
 */
export function registerSettingsRoutes(app: FastifyInstance, context: AppContext): void {
  const { db, settings } = context;
  for (const group of ['system', 'security'] as const) {
    app.get(
      `/settings/${group}`,
      {
        config: { access: groupPermission[group] },
        schema: {
          tags: ['settings'],
          summary: groupLabel[group],
          response: {
            200: { type: 'object', properties: { items: { type: 'array', items: settingSchema } } },
          },
        },
      },
      async () => ({ items: (await settings.list(group)).map(toSettingDto) }),
    );

    app.put<{ Params: { key: string }; Body: { value: unknown } }>(
      `/settings/${group}/:key`,
      {
        config: { access: groupPermission[group] },
        schema: {
          tags: ['settings'],
          summary: `修改${groupLabel[group].split(' — ')[0]}（记录审计）— Change a setting`,
          params: {
            type: 'object',
            required: ['key'],
            properties: { key: { type: 'string', maxLength: 100 } },
          },
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['value'],
            properties: { value: { description: '新值，类型见设置项的 type' } },
          },
          response: { 200: settingSchema },
        },
      },
      async (request) =>
        toSettingDto(
          await changeSetting(db, settings, {
            group,
            key: request.params.key,
            value: request.body.value,
            actor: request.principal?.userId ?? 'anonymous',
            ip: request.ip,
          }),
        ),
    );
  }
}
