import { csvCell } from '../../core/csvCell.ts';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../http/appContext.ts';
import type { AuditLogTable } from '../../db/schema.ts';
import { listLoginLog } from '../auth/sessionRepository.ts';
import { findUserNames } from '../users/userRepository.ts';
import { findAuditRecords, type AuditQuery } from './auditRepository.ts';
import { recordAudit, verifyAudit } from './auditService.ts';
import { flushAudit } from './auditWriter.ts';

const filterProperties = {
  actor: { type: 'string', maxLength: 100 },
  action: { type: 'string', maxLength: 100 },
  subjectType: { type: 'string', maxLength: 50 },
  subjectId: { type: 'string', maxLength: 100 },
  from: { type: 'string', format: 'date-time' },
  to: { type: 'string', format: 'date-time' },
  limit: { type: 'integer', minimum: 1, maximum: 5000, default: 200 },
} as const;

const recordSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    at: { type: 'string' },
    actor: { type: 'string' },
    action: { type: 'string' },
    subjectType: { type: ['string', 'null'] },
    subjectId: { type: ['string', 'null'] },
    areaCode: { type: ['string', 'null'] },
    ip: { type: ['string', 'null'] },
    outcome: { type: 'string' },
    detail: {},
    hash: { type: 'string' },
    actorName: { type: ['string', 'null'], description: '操作人姓名（账号）' },
  },
} as const;

const show = (r: AuditLogTable) => ({
  id: r.id,
  at: r.at,
  actor: r.actor,
  action: r.action,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  areaCode: r.area_code,
  ip: r.ip,
  outcome: r.outcome,
  detail: r.detail_json === null ? null : (JSON.parse(r.detail_json) as unknown),
  hash: r.hash,
});

/** The audit administrator's reading and export of audit records and the login log. */
export function registerAuditRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  app.get<{ Querystring: AuditQuery }>(
    '/audit',
    {
      // The auditor's own searches are audited too: who looked at whose activity, and when.
      config: {
        access: 'audit:record:view',
        audit: { action: 'audit.search', subjectType: 'audit', subjectFrom: 'none' },
      },
      schema: {
        tags: ['access'],
        summary: '审计记录查询 — Search audit records',
        querystring: { type: 'object', additionalProperties: false, properties: filterProperties },
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: recordSchema }, total: { type: 'integer' } },
          },
        },
      },
    },
    async (request) => {
      // Queued records of the last few milliseconds first, so the search sees everything.
      await flushAudit(db);
      const rows = await findAuditRecords(db, { ...request.query, limit: request.query.limit });
      // Records keep the user id (stable across renames); the page shows who that is.
      const names = await findUserNames(
        db,
        rows.map((r) => r.actor),
      );
      return {
        items: rows.map((r) => {
          const name = names.get(r.actor);
          return { ...show(r), actorName: name ? `${name.displayName}（${name.username}）` : null };
        }),
        total: rows.length,
      };
    },
  );

  app.get<{ Querystring: AuditQuery }>(
    '/audit/export',
    {
      config: { access: 'audit:record:export' },
      schema: {
        tags: ['access'],
        summary: '导出审计记录（CSV，导出本身也记入审计）— Export audit records as CSV',
        querystring: { type: 'object', additionalProperties: false, properties: filterProperties },
        response: { 200: { type: 'string' } },
      },
    },
    async (request, reply) => {
      // Queued records of the last few milliseconds first, so the search sees everything.
      await flushAudit(db);
      const rows = await findAuditRecords(db, { ...request.query, limit: request.query.limit });
      // Recorded here, not by the audit hook: the hook sees object responses and this one is text.
      await recordAudit(db, {
        actor: request.principal?.userId ?? 'anonymous',
        action: 'audit.export',
        subjectType: 'audit',
        ip: request.ip,
        detail: { requestId: request.id, query: request.query, resultCount: rows.length },
      });
      const header = [
        '编号',
        '时间',
        '操作人',
        '操作',
        '对象类型',
        '对象',
        '区划',
        '地址',
        '结果',
        '详情',
        'SM3',
      ];
      const lines = rows.map((r) =>
        [
          r.id,
          r.at,
          r.actor,
          r.action,
          r.subject_type,
          r.subject_id,
          r.area_code,
          r.ip,
          r.outcome,
          r.detail_json,
          r.hash,
        ]
          .map(csvCell)
          .join(','),
      );
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', 'attachment; filename="audit.csv"');
      // A BOM so that Excel on Chinese Windows opens the UTF-8 file correctly.
      return `\uFEFF${[header.map(csvCell).join(','), ...lines].join('\r\n')}\r\n`;
    },
  );

  app.get(
    '/audit/verify',
    {
      config: { access: 'audit:record:view' },
      schema: {
        tags: ['access'],
        summary: '校验审计链 — Verify the audit chain',
        response: {
          200: {
            type: 'object',
            properties: {
              ok: { type: 'boolean' },
              checked: { type: 'integer' },
              problem: {
                type: 'object',
                properties: {
                  kind: { type: 'string' },
                  id: { type: 'integer' },
                  message: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
    async () => verifyAudit(db),
  );

  app.get<{ Querystring: { limit?: number } }>(
    '/login-log',
    {
      config: {
        access: 'audit:record:view',
        audit: { action: 'audit.login_log.view', subjectType: 'audit', subjectFrom: 'none' },
      },
      schema: {
        tags: ['access'],
        summary: '登录日志 — Sign-in log',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 5000, default: 200 } },
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
                    at: { type: 'string' },
                    username: { type: 'string' },
                    userId: { type: ['string', 'null'] },
                    ip: { type: ['string', 'null'] },
                    outcome: { type: 'string' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const rows = await listLoginLog(db, request.query.limit ?? 200);
      return {
        items: rows.map((r) => ({
          at: r.at,
          username: r.username,
          userId: r.user_id,
          ip: r.ip,
          outcome: r.outcome,
        })),
      };
    },
  );
}
