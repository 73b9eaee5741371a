import type { FastifyInstance } from 'fastify';
import { AppError } from '../core/appError.ts';
import type { AppContext } from '../http/appContext.ts';
import { pagingProperties } from '../registry/registrySchemas.ts';
import { listInbox, markAllRead, markRead } from './notificationRepository.ts';
import { listOrganisationRefs } from './workOrderRepository.ts';

const notificationSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    orderId: { type: ['string', 'null'] },
    kind: { type: 'string' },
    title: { type: 'string' },
    body: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    readAt: { type: ['string', 'null'] },
  },
} as const;

/** The in-app inbox (issue 8): messages to the user or their organisation; and the organisations orders go to. */
export function registerInboxRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  app.get<{ Querystring: { unread?: boolean; limit: number; offset: number } }>(
    '/inbox',
    {
      config: {
        access: 'workorder:order:view',
        // Messages name the policy or warning behind an order (a serious illness, a disability).
        audit: { action: 'workorder.inbox.view', subjectType: 'notification', subjectFrom: 'none' },
      },
      schema: {
        tags: ['workorders'],
        summary: '我的消息：派单、协办、即将超期、超期、退回、待核验 — My inbox',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { unread: { type: 'boolean' }, ...pagingProperties },
        },
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: notificationSchema }, unread: { type: 'integer' } },
          },
        },
      },
    },
    async (request) => {
      const p = request.principal;
      if (!p) throw new AppError('AUTH_REQUIRED');
      const { rows, unread } = await listInbox(db, p.userId, p.organisationId, {
        unreadOnly: request.query.unread === true,
        limit: request.query.limit,
        offset: request.query.offset,
      });
      return {
        items: rows.map((r) => ({
          id: r.id,
          orderId: r.order_id,
          kind: r.kind,
          title: r.title,
          body: r.body,
          createdAt: r.created_at,
          readAt: r.read_at,
        })),
        unread,
      };
    },
  );

  app.post<{ Params: { id: number } }>(
    '/inbox/:id/read',
    {
      config: {
        access: 'workorder:order:view',
        audit: { action: 'workorder.notification.read', subjectType: 'notification', subjectFrom: 'params' },
      },
      schema: {
        tags: ['workorders'],
        summary: '标记消息已读 — Mark a message read',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
        body: { type: 'object', additionalProperties: false, properties: {} },
        response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } },
      },
    },
    async (request) => {
      const p = request.principal;
      if (!p) throw new AppError('AUTH_REQUIRED');
      if (!(await markRead(db, request.params.id, p.userId, p.organisationId, new Date().toISOString())))
        throw new AppError('NOTIFICATION_NOT_FOUND');
      return { ok: true };
    },
  );

  app.post(
    '/inbox/read-all',
    {
      config: {
        access: 'workorder:order:view',
        audit: {
          action: 'workorder.notification.read_all',
          subjectType: 'notification',
          subjectFrom: 'none',
        },
      },
      schema: {
        tags: ['workorders'],
        summary: '全部标为已读 — Mark every message read',
        body: { type: 'object', additionalProperties: false, properties: {} },
        response: { 200: { type: 'object', properties: { marked: { type: 'integer' } } } },
      },
    },
    async (request) => {
      const p = request.principal;
      if (!p) throw new AppError('AUTH_REQUIRED');
      return { marked: await markAllRead(db, p.userId, p.organisationId, new Date().toISOString()) };
    },
  );

  app.get(
    '/work-orders/organisations',
    {
      config: { access: 'workorder:order:view' },
      schema: {
        tags: ['workorders'],
        summary:
          '可派单的单位：村（居）委会、乡镇（街道）、民政局、协作部门 — Organisations orders can go to',
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                name: { type: 'string' },
                kind: { type: 'string' },
                areaCode: { type: 'string' },
                department: { type: ['string', 'null'] },
              },
            },
          },
        },
      },
    },
    async () =>
      (await listOrganisationRefs(db))
        .map((o) => ({
          id: o.id,
          name: o.name,
          kind: o.kind,
          areaCode: o.area_code,
          department: o.department,
        }))
        .sort((a, b) => a.areaCode.localeCompare(b.areaCode) || a.name.localeCompare(b.name)),
  );
}
