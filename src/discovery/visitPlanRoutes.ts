import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/appContext.ts';
import { AppError } from '../core/appError.ts';
import { todayInChina } from '../core/isoDate.ts';
import { requestScope } from '../http/accessHook.ts';
import { requestedArea } from '../access/scope/requireAreaInScope.ts';
import { labelSchema, uuidParams } from '../registry/registrySchemas.ts';
import { quarterOf, visitReasons } from './visitPlans.ts';
import {
  findVisitPlan,
  householdsWithTags,
  insertVisitPlans,
  listVisitPlans,
  plannedVillages,
  recordVisit,
  villagesWithin,
  visitPlanItems,
} from './visitPlanRepository.ts';

const quarter = { type: 'string', pattern: '^\\d{4}Q[1-4]$', description: '季度，如 2026Q4' } as const;
const open = { type: 'object', additionalProperties: true } as const;

/** Quarterly visit plans (issue 6, N3): key households per village, and the visits made. */
export function registerVisitPlanRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;
  const reasonLabel = (code: string) =>
    context.portrait.tags.find((t) => t.code === code)?.label ?? { zh: code, en: code };

  app.post<{ Body: { quarter: string; areaCode?: string } }>(
    '/visit-plans',
    {
      config: {
        access: 'discovery:visit:manage',
        audit: { action: 'discovery.visit_plan.create', subjectType: 'visit_plan', subjectFrom: 'none' },
      },
      schema: {
        tags: ['discovery'],
        summary: '制定季度走访计划（每个村一份）— Make the quarter’s visit plans, one per village',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['quarter'],
          properties: {
            quarter,
            areaCode: {
              type: 'string',
              format: 'area-code',
              description: '该区划及以下的村（默认本人辖区）',
            },
          },
        },
        response: {
          201: {
            type: 'object',
            properties: {
              quarter: { type: 'string' },
              plans: { type: 'integer', description: '新建的计划数' },
              households: { type: 'integer', description: '新计划列入的家庭数' },
              alreadyPlanned: { type: 'integer', description: '本季度已有计划的村' },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const scope = requestScope(request);
      // Plans are per village: an unrestricted caller names the area to plan.
      const areaCode = await requestedArea(db, 'body.areaCode', request.body.areaCode, scope);
      if (!areaCode) throw AppError.field('body.areaCode', 'FIELD_REQUIRED');
      const { quarter: q } = request.body;
      const villages = await villagesWithin(db, areaCode);
      const planned = await plannedVillages(db, q, villages);
      const todo = villages.filter((v) => !planned.has(v));
      const reasons = new Map<string, { area: string; tags: string[] }>();
      for (const row of await householdsWithTags(db, todo, visitReasons)) {
        const entry = reasons.get(row.id) ?? { area: row.area_code, tags: [] };
        entry.tags.push(row.tag);
        reasons.set(row.id, entry);
      }
      const at = new Date().toISOString();
      const by = request.principal?.userId ?? 'unknown';
      const planOf = new Map<string, string>();
      for (const { area } of reasons.values()) if (!planOf.has(area)) planOf.set(area, randomUUID());
      await insertVisitPlans(
        db,
        [...planOf].map(([area, id]) => ({
          id,
          area_code: area,
          quarter: q,
          created_by: by,
          created_at: at,
        })),
        [...reasons].map(([householdId, { area, tags }]) => ({
          plan_id: planOf.get(area) ?? '',
          household_id: householdId,
          reasons_json: JSON.stringify(visitReasons.filter((r) => tags.includes(r))),
          visited_at: null,
          visited_by: null,
          note: null,
        })),
      );
      return reply
        .status(201)
        .send({ quarter: q, plans: planOf.size, households: reasons.size, alreadyPlanned: planned.size });
    },
  );

  app.get<{ Querystring: { quarter?: string; area?: string } }>(
    '/visit-plans',
    {
      config: { access: 'discovery:visit:manage' },
      schema: {
        tags: ['discovery'],
        summary: '季度走访计划及完成情况（辖区内）— The quarter’s visit plans in scope, with progress',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { quarter, area: { type: 'string', format: 'area-code', description: '该区划及以下' } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              quarter: { type: 'string' },
              items: { type: 'array', items: open },
              total: { type: 'integer' },
              reasons: { type: 'array', items: open },
            },
          },
        },
      },
    },
    async (request) => {
      const q = request.query.quarter ?? quarterOf(todayInChina());
      const rows = await listVisitPlans(db, requestScope(request), q, request.query.area);
      return {
        quarter: q,
        items: rows.map((r) => ({
          id: r.id,
          areaCode: r.area_code,
          quarter: r.quarter,
          createdAt: r.created_at,
          households: r.households,
          visited: r.visited,
        })),
        total: rows.length,
        reasons: visitReasons.map((code) => ({ code, label: reasonLabel(code) })),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/visit-plans/:id',
    {
      config: {
        access: 'discovery:visit:manage',
        audit: { action: 'discovery.visit_plan.view', subjectType: 'visit_plan', subjectFrom: 'params' },
      },
      schema: {
        tags: ['discovery'],
        summary: '一份走访计划：家庭、列入原因、走访记录 — One visit plan: households, reasons and visits',
        params: uuidParams,
        response: {
          200: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              areaCode: { type: 'string' },
              quarter: { type: 'string' },
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    householdId: { type: 'string' },
                    hukouNumber: { type: 'string' },
                    headName: { type: ['string', 'null'] },
                    reasons: {
                      type: 'array',
                      items: { type: 'object', properties: { code: { type: 'string' }, label: labelSchema } },
                    },
                    visitedAt: { type: ['string', 'null'] },
                    visitedBy: { type: ['string', 'null'] },
                    note: { type: ['string', 'null'] },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const plan = await findVisitPlan(db, request.params.id, requestScope(request));
      if (!plan) throw new AppError('VISIT_PLAN_NOT_FOUND');
      const items = await visitPlanItems(db, plan.id);
      return {
        id: plan.id,
        areaCode: plan.area_code,
        quarter: plan.quarter,
        items: items.map((i) => ({
          householdId: i.household_id,
          hukouNumber: i.hukou_number,
          headName: i.head_name ?? null,
          reasons: (JSON.parse(i.reasons_json) as string[]).map((code) => ({
            code,
            label: reasonLabel(code),
          })),
          visitedAt: i.visited_at,
          visitedBy: i.visited_by_name ?? null,
          note: i.note,
        })),
      };
    },
  );

  app.post<{ Params: { id: string }; Body: { householdId: string; note?: string } }>(
    '/visit-plans/:id/visits',
    {
      config: {
        access: 'discovery:visit:manage',
        audit: { action: 'discovery.visit.record', subjectType: 'visit_plan', subjectFrom: 'params' },
      },
      schema: {
        tags: ['discovery'],
        summary: '登记一次走访 — Record a visit to a household on the plan',
        params: uuidParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['householdId'],
          properties: {
            householdId: { type: 'string', format: 'uuid' },
            note: { type: 'string', maxLength: 500 },
          },
        },
        response: { 200: { type: 'object', properties: { visitedAt: { type: 'string' } } } },
      },
    },
    async (request) => {
      const plan = await findVisitPlan(db, request.params.id, requestScope(request));
      if (!plan) throw new AppError('VISIT_PLAN_NOT_FOUND');
      const at = new Date().toISOString();
      const recorded = await recordVisit(db, plan.id, request.body.householdId, {
        at,
        by: request.principal?.userId ?? 'unknown',
        note: request.body.note ?? null,
      });
      if (!recorded) throw new AppError('VISIT_NOT_ON_PLAN');
      return { visitedAt: at };
    },
  );
}
