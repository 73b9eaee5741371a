import type { FastifyInstance } from 'fastify';
import { AppError } from '../core/appError.ts';
import { isoDateProblem } from '../core/isoDate.ts';
import { findArea } from '../areas/areaRepository.ts';
import type { AppContext } from '../http/appContext.ts';
import {
  deleteCalendarOverride,
  listCalendarOverrides,
  upsertCalendarOverride,
} from './workOrderRepository.ts';

const dayKinds = ['holiday', 'workday'] as const;
const ok = { type: 'object', properties: { ok: { type: 'boolean' } } } as const;
const dayInfo = {
  type: 'object',
  properties: {
    day: { type: 'string' },
    working: { type: 'boolean' },
    name: { type: ['string', 'null'] },
    source: { type: 'string' },
    covered: { type: 'boolean' },
  },
} as const;

/**
 * The working-day calendar (issue 8): the statutory holidays and make-up workdays of a year as one
 * area sees them, and the regional overrides administrators keep (e.g. Guangxi's 三月三).
 */
export function registerCalendarRoutes(app: FastifyInstance, context: AppContext): void {
  const { db, workOrders } = context;

  app.get<{ Querystring: { year: number; areaCode: string } }>(
    '/work-calendar',
    {
      config: { access: 'session' },
      schema: {
        tags: ['workorders'],
        summary:
          "某地某年的非常规日：法定节假日、调休上班日、地方调整（其余为周一至周五上班、周末休息）— A year's exceptional days for an area",
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['year', 'areaCode'],
          properties: {
            year: { type: 'integer', minimum: 2000, maximum: 2100 },
            areaCode: { type: 'string', pattern: '^\\d{12}$' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              year: { type: 'integer' },
              areaCode: { type: 'string' },
              covered: { type: 'boolean' },
              days: { type: 'array', items: dayInfo },
            },
          },
        },
      },
    },
    async (request) => {
      const { year, areaCode } = request.query;
      const calendar = await workOrders.calendar();
      const days = [];
      let covered = false;
      for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
        const day = new Date(t).toISOString().slice(0, 10);
        const info = calendar.dayInfo(day, areaCode);
        covered ||= info.covered;
        const weekend = [0, 6].includes(new Date(t).getUTCDay());
        // Only the days that differ from an ordinary week, and every override.
        if (info.source === 'override' || info.working === weekend) days.push(info);
      }
      return { year, areaCode, covered, days };
    },
  );

  app.get(
    '/work-calendar/overrides',
    {
      config: { access: 'session' },
      schema: {
        tags: ['workorders'],
        summary: '地方节假日与调休（管理员维护）— Regional overrides',
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                regionCode: { type: 'string' },
                day: { type: 'string' },
                kind: { type: 'string' },
                name: { type: 'string' },
                createdBy: { type: 'string' },
                createdAt: { type: 'string' },
              },
            },
          },
        },
      },
    },
    async () =>
      (await listCalendarOverrides(db)).map((r) => ({
        regionCode: r.region_code,
        day: r.day,
        kind: r.kind,
        name: r.name,
        createdBy: r.created_by,
        createdAt: r.created_at,
      })),
  );

  app.post<{ Body: { regionCode: string; day: string; kind: (typeof dayKinds)[number]; name: string } }>(
    '/work-calendar/overrides',
    {
      config: {
        access: 'system:calendar:manage',
        audit: { action: 'calendar.override.save', subjectType: 'calendar', subjectFrom: 'none' },
      },
      schema: {
        tags: ['workorders'],
        summary: '新增或修改一地一天的调整（放假或上班）— Save a regional override',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['regionCode', 'day', 'kind', 'name'],
          properties: {
            regionCode: { type: 'string', pattern: '^\\d{12}$' },
            day: { type: 'string', format: 'date' },
            kind: { type: 'string', enum: dayKinds },
            name: { type: 'string', minLength: 1, maxLength: 50 },
          },
        },
        response: { 201: ok },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const problem = isoDateProblem(b.day);
      if (problem) throw new AppError('CALENDAR_OVERRIDE_INVALID', { reason: problem });
      if (!(await findArea(db, b.regionCode)))
        throw new AppError('CALENDAR_OVERRIDE_INVALID', { reason: `区划 ${b.regionCode} 不存在` });
      await upsertCalendarOverride(db, {
        region_code: b.regionCode,
        day: b.day,
        kind: b.kind,
        name: b.name,
        created_by: request.principal?.userId ?? 'unknown',
        created_at: new Date().toISOString(),
      });
      workOrders.calendarChanged();
      return reply.code(201).send({ ok: true });
    },
  );

  app.delete<{ Params: { regionCode: string; day: string } }>(
    '/work-calendar/overrides/:regionCode/:day',
    {
      config: {
        access: 'system:calendar:manage',
        audit: { action: 'calendar.override.delete', subjectType: 'calendar', subjectFrom: 'none' },
      },
      schema: {
        tags: ['workorders'],
        summary: '删除一项地方调整 — Delete a regional override',
        params: {
          type: 'object',
          required: ['regionCode', 'day'],
          properties: {
            regionCode: { type: 'string', pattern: '^\\d{12}$' },
            day: { type: 'string', format: 'date' },
          },
        },
        response: { 200: ok },
      },
    },
    async (request) => {
      if (!(await deleteCalendarOverride(db, request.params.regionCode, request.params.day)))
        throw new AppError('CALENDAR_OVERRIDE_INVALID', { reason: '该调整不存在' });
      workOrders.calendarChanged();
      return { ok: true };
    },
  );
}
