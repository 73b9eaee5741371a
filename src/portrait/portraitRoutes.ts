import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/appContext.ts';
import { requestScope } from '../http/accessHook.ts';
import { todayInChina } from '../core/isoDate.ts';
import { AppError } from '../core/appError.ts';
import { requireQueryArea } from '../registry/registryRouteHelpers.ts';
import { date, labelSchema, pagingProperties, uuidParams } from '../registry/registrySchemas.ts';
import { personSchema, toPersonDto } from '../registry/persons/personDto.ts';
import { personMasker } from '../registry/persons/personMasking.ts';
import { householdPortrait, personPortrait } from './portraitView.ts';
import { countPortraitHouseholds, countTags, householdsWithTag, personsWithTag } from './portraitQueries.ts';

const asOfOnly = {
  type: 'object',
  additionalProperties: false,
  properties: { asOf: { ...date, description: '按此日期计算（默认今天）' } },
} as const;

// Portrait payloads are built field by field in portraitView.ts (masked persons only); the
// schemas name the top level and let the nested views through as built.
const open = { type: 'object', additionalProperties: true } as const;
const openList = { type: 'array', items: open } as const;

const definitionSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    label: labelSchema,
    type: { type: 'string' },
    unit: { type: ['string', 'null'] },
    description: { type: ['string', 'null'] },
    expr: { type: 'string' },
    inputs: { type: 'array', items: { type: 'string' } },
  },
} as const;

/** The portrait (issue 4, X2): definitions, tag counts and lists, person and household portraits. */
export function registerPortraitRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  app.get(
    '/portrait/definitions',
    {
      config: { access: 'registry:household:view' },
      schema: {
        tags: ['portrait'],
        summary: '画像定义：派生指标与标签 — Derived variables and tags, as defined',
        response: {
          200: {
            type: 'object',
            properties: {
              version: { type: 'string' },
              categories: { type: 'object', additionalProperties: labelSchema },
              person: { type: 'array', items: definitionSchema },
              household: { type: 'array', items: definitionSchema },
              tags: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    code: { type: 'string' },
                    entity: { type: 'string', enum: ['person', 'household'] },
                    category: { type: 'string' },
                    label: labelSchema,
                    description: { type: ['string', 'null'] },
                    expr: { type: 'string' },
                    inputs: { type: 'array', items: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
      },
    },
    () => {
      const { portrait } = context;
      const derived = (d: (typeof portrait.person)[number]) => ({
        name: d.name,
        label: d.label,
        type: d.type,
        unit: d.unit ?? null,
        description: d.description ?? null,
        expr: d.expr,
        inputs: d.inputs,
      });
      return {
        version: portrait.version,
        categories: portrait.categories,
        person: portrait.person.map(derived),
        household: portrait.household.map(derived),
        tags: portrait.tags.map((t) => ({
          code: t.code,
          entity: t.entity,
          category: t.category,
          label: t.label,
          description: t.description ?? null,
          expr: t.expr,
          inputs: t.inputs,
        })),
      };
    },
  );

  app.get<{ Querystring: { area: string } }>(
    '/portrait/tag-counts',
    {
      config: { access: 'registry:household:view' },
      schema: {
        tags: ['portrait'],
        summary: '区划内各标签的户数、人数 — How many households and persons carry each tag within an area',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['area'],
          properties: { area: { type: 'string', format: 'area-code' } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              total: { type: 'integer', description: '区划内（权限范围内）已计算画像的户数' },
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    tag: { type: 'string' },
                    yes: { type: 'integer' },
                    unknown: { type: 'integer' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const areaCode = await requireQueryArea(db, request.query.area);
      const scope = requestScope(request);
      const counts = await countTags(db, areaCode, scope);
      return {
        total: await countPortraitHouseholds(db, areaCode, scope),
        items: context.portrait.tags.map((t) => ({
          tag: t.code,
          yes: counts.find((c) => c.tag === t.code && c.state === 'yes')?.n ?? 0,
          unknown: counts.find((c) => c.tag === t.code && c.state === 'unknown')?.n ?? 0,
        })),
      };
    },
  );

  app.get<{
    Params: { code: string };
    Querystring: { area: string; state: 'yes' | 'unknown'; limit: number; offset: number };
  }>(
    '/portrait/tags/:code/subjects',
    {
      config: {
        access: 'registry:person:view',
        audit: { action: 'portrait.tag.search', subjectType: 'person', subjectFrom: 'none' },
      },
      schema: {
        tags: ['portrait'],
        summary: '带某标签的家庭或人员（脱敏）— Households or persons carrying a tag (masked)',
        params: {
          type: 'object',
          required: ['code'],
          properties: { code: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 64 } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['area'],
          properties: {
            area: { type: 'string', format: 'area-code' },
            state: { type: 'string', enum: ['yes', 'unknown'], default: 'yes' },
            ...pagingProperties,
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              entity: { type: 'string', enum: ['person', 'household'] },
              total: { type: 'integer' },
              households: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    hukouNumber: { type: 'string' },
                    areaCode: { type: 'string' },
                    address: { type: ['string', 'null'] },
                  },
                },
              },
              persons: { type: 'array', items: personSchema },
            },
          },
        },
      },
    },
    async (request) => {
      const tag = context.portrait.tags.find((t) => t.code === request.params.code);
      if (!tag) throw new AppError('PORTRAIT_TAG_NOT_FOUND', { code: request.params.code });
      const areaCode = await requireQueryArea(db, request.query.area);
      const query = {
        tag: tag.code,
        state: request.query.state,
        areaCode,
        scope: requestScope(request),
        limit: request.query.limit,
        offset: request.query.offset,
      };
      if (tag.entity === 'household') {
        const { rows, total } = await householdsWithTag(db, query);
        return {
          entity: 'household',
          total,
          households: rows.map((r) => ({
            id: r.id,
            hukouNumber: r.hukou_number,
            areaCode: r.area_code,
            address: r.address,
          })),
          persons: [],
        };
      }
      const { rows, total } = await personsWithTag(db, query);
      const mask = personMasker(context.cipher, await context.settings.maskingRules());
      return { entity: 'person', total, households: [], persons: rows.map((r) => toPersonDto(r, mask)) };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { asOf?: string } }>(
    '/persons/:id/portrait',
    {
      config: {
        access: 'registry:person:view',
        audit: { action: 'person.portrait.view', subjectType: 'person', subjectFrom: 'params' },
      },
      schema: {
        tags: ['portrait'],
        summary:
          '个人画像：指标、标签及依据、事实来源、时间线 — A person’s portrait with evidence and timeline',
        params: uuidParams,
        querystring: asOfOnly,
        response: {
          200: {
            type: 'object',
            properties: {
              asOf: { type: 'string' },
              person: personSchema,
              household: { type: ['object', 'null'], additionalProperties: true },
              values: openList,
              tags: openList,
              facts: openList,
              timeline: openList,
            },
          },
        },
      },
    },
    async (request) =>
      personPortrait(context, request.params.id, requestScope(request), request.query.asOf ?? todayInChina()),
  );

  app.get<{ Params: { id: string }; Querystring: { asOf?: string } }>(
    '/hukou-households/:id/portrait',
    {
      config: {
        access: 'registry:household:view',
        audit: {
          action: 'hukou_household.portrait.view',
          subjectType: 'hukou_household',
          subjectFrom: 'params',
        },
      },
      schema: {
        tags: ['portrait'],
        summary: '家庭画像：成员、指标、标签及依据、时间线 — A hukou household’s portrait',
        params: uuidParams,
        querystring: asOfOnly,
        response: {
          200: {
            type: 'object',
            properties: {
              asOf: { type: 'string' },
              household: open,
              values: openList,
              tags: openList,
              members: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    person: personSchema,
                    relationship: { type: 'string' },
                    relationshipLabel: { type: 'string' },
                    values: openList,
                    tags: openList,
                  },
                },
              },
              timeline: openList,
            },
          },
        },
      },
    },
    async (request) =>
      householdPortrait(
        context,
        request.params.id,
        requestScope(request),
        request.query.asOf ?? todayInChina(),
      ),
  );
}
