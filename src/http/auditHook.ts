import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { queueAudit, recordAudit, type AuditEntry } from '../access/audit/auditService.ts';
import { auditUnavailable, flushAudit, type AuditDurability } from '../access/audit/auditWriter.ts';
import { AppError } from '../core/appError.ts';

/** What a route declares to be audited: the action, and where its subject's id is found. */
export interface AuditRouteConfig {
  /** `entity.verb`, e.g. `person.view`, `person.search`, `area.rename`. */
  action: string;
  subjectType:
    | 'person'
    | 'person_merge'
    | 'household'
    | 'hukou_household'
    | 'area'
    | 'fact'
    | 'audit'
    | 'policy_pool'
    | 'finding'
    | 'screening_run'
    | 'visit_plan'
    | 'assessment_model'
    | 'work_order'
    | 'notification'
    | 'calendar';
  /** Read the subject id from the path (`:id` or `:code`) or from the response body's `id`. */
  subjectFrom: 'params' | 'response' | 'none';
  /**
   * Whether the answer waits for the record's commit. By default reads (GET) are answered
   * once the record is queued and everything else after it is committed (ADR 0011); a GET
   * that hands out data in bulk (an export) says `committed`.
   */
  durability?: AuditDurability;
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

function subjectOf(audit: AuditRouteConfig, params: Record<string, unknown>, body: Record<string, unknown>) {
  return audit.subjectFrom === 'params'
    ? (text(params.id) ?? text(params.code))
    : audit.subjectFrom === 'response'
      ? (text(body.id) ?? (typeof body.id === 'number' ? String(body.id) : text(body.code)))
      : null;
}

/** Refusals worth an auditor's eye: out of scope or unknown (guessed ids), and failures. */
function failureOutcome(status: number): AuditEntry['outcome'] | undefined {
  if (status === 403 || status === 404) return 'denied';
  if (status >= 500) return 'error';
  return undefined;
}

/**
 * Audits every call of a route that declares `config.audit`, in one place. A successful
 * call is recorded just before the response is serialised: a change waits for its record's
 * commit, so that if it cannot be written the response fails; a read waits until the record
 * is queued, and while queued records cannot be written every audited route is refused
 * (fail closed: no personal data leaves unlogged). Refused calls (403, 404) and failures are
 * recorded too, with their outcome.
 */
export function registerAuditHook(app: FastifyInstance, db: Kysely<Database>): void {
  app.addHook('preHandler', (request, _reply, done) => {
    done(
      request.routeOptions.config.audit && auditUnavailable(db)
        ? new AppError('AUDIT_UNAVAILABLE')
        : undefined,
    );
  });

  app.addHook('preSerialization', async (request, reply, payload: unknown) => {
    const audit = request.routeOptions.config.audit;
    if (!audit || reply.statusCode >= 400) return payload;
    const body = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
    const params = (request.params ?? {}) as Record<string, unknown>;
    const query = (request.query ?? {}) as Record<string, unknown>;
    const entry: AuditEntry = {
      actor: request.principal?.userId ?? 'anonymous',
      action: audit.action,
      subjectType: audit.subjectType,
      subjectId: subjectOf(audit, params, body),
      areaCode: text(body.residenceAreaCode) ?? text(body.areaCode) ?? text(query.area),
      ip: request.ip,
      detail: {
        requestId: request.id,
        route: request.routeOptions.url ?? '',
        ...(Object.keys(query).length > 0 ? { query } : {}),
        ...(typeof body.total === 'number' ? { resultCount: body.total } : {}),
        ...revealDetail(request.body),
      },
    };
    const durability = audit.durability ?? (request.method === 'GET' ? 'queued' : 'committed');
    if (durability === 'queued') await queueAudit(db, entry);
    else await recordAudit(db, entry);
    return payload;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const audit = request.routeOptions.config.audit;
    const outcome = failureOutcome(reply.statusCode);
    // Without a signed-in caller there is nobody to hold to account (the login log covers
    // sign-in attempts), and while the log is failing there is nowhere to write.
    if (!audit || !outcome || !request.principal || auditUnavailable(db)) return payload;
    const params = (request.params ?? {}) as Record<string, unknown>;
    const query = (request.query ?? {}) as Record<string, unknown>;
    try {
      await queueAudit(db, {
        actor: request.principal.userId,
        action: audit.action,
        subjectType: audit.subjectType,
        subjectId: subjectOf(audit, params, {}),
        ip: request.ip,
        outcome,
        detail: {
          requestId: request.id,
          route: request.routeOptions.url ?? '',
          status: reply.statusCode,
          ...(Object.keys(query).length > 0 ? { query } : {}),
        },
      });
    } catch (error) {
      request.log.error({ err: error }, 'audit record of a refused call could not be queued');
    }
    return payload;
  });

  // Queued records are written before the server lets go of the database.
  app.addHook('onClose', async () => {
    await flushAudit(db);
  });
}
