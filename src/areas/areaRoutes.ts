import type { FastifyInstance, FastifyRequest } from 'fastify';
import { listOf } from '../http/listSchema.ts';
import { requestScope } from '../http/accessHook.ts';
import { requireAreaInScope } from '../access/scope/requireAreaInScope.ts';
import { AppError } from '../core/appError.ts';
import type { AreaRow } from '../db/schema.ts';
import type { AppContext } from '../http/appContext.ts';
import { areaKindLabels, areaLevelLabels, areaLevels, normalizeAreaCode } from './areaCode.ts';
import {
  countDescendantsByLevel,
  findArea,
  findAreas,
  listAreaChanges,
  listChildren,
  listDescendants,
  searchAreasByName,
} from './areaRepository.ts';
import { addArea, mergeArea, moveArea, renameArea, retireArea } from './areaService.ts';

/** An area as the API shows it. */
export interface AreaDto {
  code: string;
  name: string;
  level: AreaRow['level'];
  levelLabel: string;
  kind: AreaRow['kind'];
  kindLabel: string | null;
  parentCode: string | null;
  establishedOn: string | null;
  retiredOn: string | null;
  successorCode: string | null;
}

export function toAreaDto(row: AreaRow): AreaDto {
  return {
    code: row.code,
    name: row.name,
    level: row.level,
    levelLabel: areaLevelLabels[row.level],
    kind: row.kind,
    kindLabel: row.kind === null ? null : areaKindLabels[row.kind],
    parentCode: row.parent_code,
    establishedOn: row.established_on,
    retiredOn: row.retired_on,
    successorCode: row.successor_code,
  };
}

const nullableString = { type: ['string', 'null'] } as const;
export const areaSchema = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    name: { type: 'string' },
    level: { type: 'string', enum: areaLevels },
    levelLabel: { type: 'string' },
    kind: nullableString,
    kindLabel: nullableString,
    parentCode: nullableString,
    establishedOn: nullableString,
    retiredOn: nullableString,
    successorCode: nullableString,
  },
} as const;

const codeParams = {
  type: 'object',
  required: ['code'],
  properties: { code: { type: 'string', format: 'area-code', description: '区划代码（2、4、6、9或12位）' } },
} as const;

const changeMeta = {
  effectiveOn: { type: 'string', format: 'date', description: '生效日期' },
  reason: { type: 'string', maxLength: 500, description: '调整依据或原因' },
} as const;

async function requireArea(context: AppContext, rawCode: string): Promise<AreaRow> {
  const code = normalizeAreaCode(rawCode);
  const area = await findArea(context.db, code);
  if (!area) throw new AppError('AREA_NOT_FOUND', { code });
  return area;
}

/** Reading and editing the area tree (Y1: the city → town → village network). */
export function registerAreaRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;
  // The tree itself is published administrative data (国家统计局 codes), readable without
  // signing in; editing an area (and whatever it is moved or merged into) needs the edit
  // permission and must stay within the editor's scope.
  const editableArea = async (request: FastifyRequest<{ Params: { code: string } }>): Promise<string> => {
    const code = normalizeAreaCode(request.params.code);
    if (!(await findArea(db, code))) throw new AppError('AREA_NOT_FOUND', { code });
    await requireAreaInScope(db, 'params.code', code, requestScope(request));
    return code;
  };

  app.get<{ Params: { code: string } }>(
    '/areas/:code',
    {
      config: { access: 'public' },
      schema: {
        tags: ['areas'],
        summary: '查看区划及其上级链 — An area with its ancestors',
        params: codeParams,
        response: {
          200: {
            type: 'object',
            properties: {
              ...areaSchema.properties,
              ancestors: { type: 'array', items: areaSchema },
              descendantCounts: {
                type: 'object',
                additionalProperties: { type: 'integer' },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const area = await requireArea(context, request.params.code);
      const ancestorCodes: string[] = [];
      for (let i = 0; i + 12 < area.path.length; i += 12) ancestorCodes.push(area.path.slice(i, i + 12));
      const ancestors = (await findAreas(db, ancestorCodes)).sort((a, b) => a.path.length - b.path.length);
      const counts = await countDescendantsByLevel(db, area);
      return {
        ...toAreaDto(area),
        ancestors: ancestors.map(toAreaDto),
        descendantCounts: Object.fromEntries(counts.map((c) => [c.level, c.count])),
      };
    },
  );

  app.get<{ Params: { code: string }; Querystring: { includeRetired?: boolean } }>(
    '/areas/:code/children',
    {
      config: { access: 'public' },
      schema: {
        tags: ['areas'],
        summary: '下级区划 — Direct children of an area',
        params: codeParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { includeRetired: { type: 'boolean', default: false } },
        },
        response: { 200: listOf(areaSchema) },
      },
    },
    async (request) => {
      const area = await requireArea(context, request.params.code);
      const items = await listChildren(db, area.code, {
        includeRetired: request.query.includeRetired ?? false,
      });
      return { items: items.map(toAreaDto), total: items.length };
    },
  );

  app.get<{
    Params: { code: string };
    Querystring: { level?: AreaRow['level']; q?: string; limit?: number };
  }>(
    '/areas/:code/descendants',
    {
      config: { access: 'public' },
      schema: {
        tags: ['areas'],
        summary: '本区划及以下的全部区划 — Everything below an area',
        params: codeParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            level: { type: 'string', enum: areaLevels },
            q: { type: 'string', maxLength: 50, description: '名称包含' },
            limit: { type: 'integer', minimum: 1, maximum: 5000, default: 1000 },
          },
        },
        response: { 200: listOf(areaSchema) },
      },
    },
    async (request) => {
      const area = await requireArea(context, request.params.code);
      const limit = request.query.limit ?? 1000;
      const items = request.query.q
        ? (await searchAreasByName(db, request.query.q, area, limit)).filter(
            (a) => a.code !== area.code && (!request.query.level || a.level === request.query.level),
          )
        : await listDescendants(db, area, {
            limit,
            ...(request.query.level ? { level: request.query.level } : {}),
          });
      return { items: items.map(toAreaDto), total: items.length };
    },
  );

  app.get<{ Params: { code: string } }>(
    '/areas/:code/history',
    {
      config: { access: 'public' },
      schema: {
        tags: ['areas'],
        summary: '区划变更历史 — The change history of an area',
        params: codeParams,
        response: {
          200: listOf({
            type: 'object',
            properties: {
              change: { type: 'string' },
              effectiveOn: { type: 'string' },
              before: {},
              after: {},
              reason: nullableString,
              recordedAt: { type: 'string' },
            },
          }),
        },
      },
    },
    async (request) => {
      const area = await requireArea(context, request.params.code);
      const rows = await listAreaChanges(db, area.code);
      const items = rows.map((r) => ({
        change: r.change,
        effectiveOn: r.effective_on,
        before: r.before_json === null ? null : (JSON.parse(r.before_json) as unknown),
        after: r.after_json === null ? null : (JSON.parse(r.after_json) as unknown),
        reason: r.reason,
        recordedAt: r.recorded_at,
      }));
      return { items, total: items.length };
    },
  );

  app.post<{
    Body: { code: string; name: string; parentCode: string; effectiveOn: string; reason?: string };
  }>(
    '/areas',
    {
      config: {
        access: 'areas:area:edit',
        audit: { action: 'area.add', subjectType: 'area', subjectFrom: 'response' },
      },
      schema: {
        tags: ['areas'],
        summary: '新增区划 — Add an area',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['code', 'name', 'parentCode', 'effectiveOn'],
          properties: {
            code: { type: 'string', format: 'area-code' },
            name: { type: 'string', minLength: 1, maxLength: 100 },
            parentCode: { type: 'string', format: 'area-code' },
            ...changeMeta,
          },
        },
        response: { 201: areaSchema },
      },
    },
    async (request, reply) => {
      await requireAreaInScope(
        db,
        'body.parentCode',
        normalizeAreaCode(request.body.parentCode),
        requestScope(request),
      );
      const area = await addArea(db, request.body);
      return reply.status(201).send(toAreaDto(area));
    },
  );

  app.patch<{ Params: { code: string }; Body: { name: string; effectiveOn: string; reason?: string } }>(
    '/areas/:code',
    {
      config: {
        access: 'areas:area:edit',
        audit: { action: 'area.rename', subjectType: 'area', subjectFrom: 'params' },
      },
      schema: {
        tags: ['areas'],
        summary: '区划更名 — Rename an area',
        params: codeParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'effectiveOn'],
          properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, ...changeMeta },
        },
        response: { 200: areaSchema },
      },
    },
    async (request) => toAreaDto(await renameArea(db, await editableArea(request), request.body)),
  );

  app.post<{ Params: { code: string }; Body: { parentCode: string; effectiveOn: string; reason?: string } }>(
    '/areas/:code/move',
    {
      config: {
        access: 'areas:area:edit',
        audit: { action: 'area.move', subjectType: 'area', subjectFrom: 'params' },
      },
      schema: {
        tags: ['areas'],
        summary: '调整隶属关系 — Move an area under another parent',
        params: codeParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['parentCode', 'effectiveOn'],
          properties: { parentCode: { type: 'string', format: 'area-code' }, ...changeMeta },
        },
        response: { 200: areaSchema },
      },
    },
    async (request) => {
      const code = await editableArea(request);
      await requireAreaInScope(
        db,
        'body.parentCode',
        normalizeAreaCode(request.body.parentCode),
        requestScope(request),
      );
      return toAreaDto(await moveArea(db, code, request.body));
    },
  );

  app.post<{ Params: { code: string }; Body: { effectiveOn: string; reason?: string } }>(
    '/areas/:code/retire',
    {
      config: {
        access: 'areas:area:edit',
        audit: { action: 'area.retire', subjectType: 'area', subjectFrom: 'params' },
      },
      schema: {
        tags: ['areas'],
        summary: '撤销区划 — Retire an area from a date',
        params: codeParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['effectiveOn'],
          properties: { ...changeMeta },
        },
        response: { 200: areaSchema },
      },
    },
    async (request) => toAreaDto(await retireArea(db, await editableArea(request), request.body)),
  );

  app.post<{ Params: { code: string }; Body: { intoCode: string; effectiveOn: string; reason?: string } }>(
    '/areas/:code/merge',
    {
      config: {
        access: 'areas:area:edit',
        audit: { action: 'area.merge', subjectType: 'area', subjectFrom: 'params' },
      },
      schema: {
        tags: ['areas'],
        summary: '合并区划 — Merge an area into another',
        params: codeParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['intoCode', 'effectiveOn'],
          properties: { intoCode: { type: 'string', format: 'area-code' }, ...changeMeta },
        },
        response: { 200: areaSchema },
      },
    },
    async (request) => {
      const code = await editableArea(request);
      await requireAreaInScope(
        db,
        'body.intoCode',
        normalizeAreaCode(request.body.intoCode),
        requestScope(request),
      );
      return toAreaDto(await mergeArea(db, code, request.body));
    },
  );
}
