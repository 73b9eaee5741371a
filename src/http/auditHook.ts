import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { recordAudit } from '../access/audit/auditService.ts';

/** What a route declares to be audited: the action, and where its subject's id is found. */
export interface AuditRouteConfig {
  /** `entity.verb`, e.g. `person.view`, `person.search`, `area.rename`. */
  action: string;
  subjectType: 'person' | 'household' | 'hukou_household' | 'area' | 'fact' | 'audit';
  /** Read the subject id from the path (`:id` or `:code`) or from the response body's `id`. */
  subjectFrom: 'params' | 'response' | 'none';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    audit?: AuditRouteConfig;
  }
}

/** For reveals: which fields and why — never the revealed values. */
function revealDetail(requestBody: unknown): Record<string, unknown> {
  if (typeof requestBody !== 'object' || requestBody === null) return {};
  const { fields, reason } = requestBody as { fields?: unknown; reason?: unknown };
  return Array.isArray(fields) && typeof reason === 'string' ? { fields, reason } : {};
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * Audits every successful call of a route that declares `config.audit`, in one place, just
 * before the response is serialised: if the record cannot be written the response fails
 * rather than personal data leaving unlogged (PIPL; MLPS level 3 audit).
 */
export function registerAuditHook(app: FastifyInstance, db: Kysely<Database>): void {
  app.addHook('preSerialization', async (request, reply, payload: unknown) => {
    const audit = request.routeOptions.config.audit;
    if (!audit || reply.statusCode >= 400) return payload;
    const body = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
    const params = (request.params ?? {}) as Record<string, unknown>;
    const query = (request.query ?? {}) as Record<string, unknown>;
    const subjectId =
      audit.subjectFrom === 'params'
        ? (text(params.id) ?? text(params.code))
        : audit.subjectFrom === 'response'
          ? (text(body.id) ?? (typeof body.id === 'number' ? String(body.id) : text(body.code)))
          : null;
    await recordAudit(db, {
      actor: request.principal?.userId ?? 'anonymous',
      action: audit.action,
      subjectType: audit.subjectType,
      subjectId,
      areaCode: text(body.residenceAreaCode) ?? text(body.areaCode) ?? text(query.area),
      ip: request.ip,
      detail: {
        requestId: request.id,
        route: request.routeOptions.url ?? '',
        ...(Object.keys(query).length > 0 ? { query } : {}),
        ...(typeof body.total === 'number' ? { resultCount: body.total } : {}),
        ...revealDetail(request.body),
      },
    });
    return payload;
  });
}
