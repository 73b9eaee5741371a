import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/appContext.ts';
import { AppError } from '../core/appError.ts';
import { csvCell } from '../core/csvCell.ts';
import { maskKeeping } from '../core/masking.ts';
import { recordAudit } from '../access/audit/auditService.ts';
import { flushAudit } from '../access/audit/auditWriter.ts';
import { requestScope } from '../http/accessHook.ts';
import { requestedArea } from '../access/scope/requireAreaInScope.ts';
import type { FindingKind, FindingResolution, FindingStatus } from '../db/schema.ts';
import { date, labelSchema, pagingProperties, uuidParams } from '../registry/registrySchemas.ts';
import { hardshipCauses, policyCategories } from '../rules/policies/policyDefinition.ts';
import { policyById } from '../rules/policies/policyById.ts';
import { nextStatus, resolutions, type FindingAction } from './findingLifecycle.ts';
import { byDepartmentAndCause, outcomesLedger } from './outcomesLedger.ts';
import { chinaDaysAsInstants, todayInChina } from '../core/isoDate.ts';
import {
  type FindingFilter,
  changeFinding,
  countFindings,
  countFindingsByRule,
  countFindingsByTownship,
  countGapsFound,
  filledGaps,
  latestWarnings,
  findFinding,
  findingEvents,
  findRun,
  listFindings,
  listRuns,
} from './discoveryRepository.ts';
import { runInProgress, startScreening } from './screeningRun.ts';

const open = { type: 'object', additionalProperties: true } as const;
const kinds: FindingKind[] = ['gap', 'review', 'watch', 'warning', 'model'];
const statuses: FindingStatus[] = ['new', 'assigned', 'resolved', 'superseded'];
/** Rows one export may carry; narrower filters for more. */
const EXPORT_LIMIT = 20_000;

const runSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    trigger: { type: 'string', enum: ['scheduled', 'manual', 'incremental'] },
    status: { type: 'string', enum: ['running', 'completed', 'failed'] },
    areaCode: { type: ['string', 'null'] },
    asOf: { type: 'string' },
    poolVersion: { type: 'string' },
    dataVersion: { type: 'string' },
    startedBy: { type: 'string' },
    startedAt: { type: 'string' },
    finishedAt: { type: ['string', 'null'] },
    householdsTotal: { type: 'integer' },
    householdsDone: { type: 'integer' },
    results: { type: 'integer' },
    findingsNew: { type: 'integer' },
    findingsChanged: { type: 'integer' },
    findingsSuperseded: { type: 'integer' },
    findingsCurrent: { type: 'integer' },
    error: { type: ['string', 'null'] },
  },
} as const;

const findingSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    householdId: { type: 'string' },
    hukouNumber: { type: 'string' },
    policyId: { type: 'string' },
    policyName: labelSchema,
    department: { type: 'string' },
    cause: { type: ['string', 'null'], description: '预警的致困原因（仅预警）' },
    causeLabel: { anyOf: [labelSchema, { type: 'null' }] },
    subject: { type: 'string' },
    personName: { type: ['string', 'null'] },
    areaCode: { type: 'string' },
    kind: { type: 'string', enum: kinds },
    status: { type: 'string', enum: statuses },
    resolution: { type: ['string', 'null'] },
    assignedTo: { type: ['string', 'null'] },
    amount: { type: ['number', 'null'] },
    amountPeriod: { type: ['string', 'null'] },
    firstSeenAt: { type: 'string' },
    lastSeenAt: {
      type: 'string',
      description:
        '最近一次筛查确认的时间：未办结的线索取其家庭最近一次筛查；已办结或已失效的取筛查最后写入它的时间 — When last seen: an open finding, its household’s last screening; a resolved or superseded one, when a run last wrote it',
    },
    updatedAt: { type: 'string' },
  },
} as const;

/** The filters of the findings list, its export alike. */
const findingFilterProperties = {
  kind: { type: 'string', enum: kinds },
  status: { type: 'string', enum: [...statuses, 'open'] },
  policyId: { type: 'string', maxLength: 64 },
  area: { type: 'string', format: 'area-code', description: '该区划及以下' },
  householdId: { type: 'string', format: 'uuid' },
} as const;

interface FindingQuery {
  kind?: FindingKind;
  status?: FindingStatus | 'open';
  policyId?: string;
  area?: string;
  householdId?: string;
}

function filterOf(q: FindingQuery): FindingFilter {
  const filter: FindingFilter = {};
  if (q.kind) filter.kind = q.kind;
  if (q.status) filter.status = q.status;
  if (q.policyId) filter.policyId = q.policyId;
  if (q.area) filter.areaCode = q.area;
  if (q.householdId) filter.householdId = q.householdId;
  return filter;
}

type RunRow = NonNullable<Awaited<ReturnType<typeof findRun>>>;
const toRun = (r: RunRow) => ({
  id: r.id,
  trigger: r.trigger,
  status: r.status,
  areaCode: r.area_code,
  asOf: r.as_of,
  poolVersion: r.pool_version,
  dataVersion: r.data_version,
  startedBy: r.started_by,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  householdsTotal: r.households_total,
  householdsDone: r.households_done,
  results: r.results,
  findingsNew: r.findings_new,
  findingsChanged: r.findings_changed,
  findingsSuperseded: r.findings_superseded,
  findingsCurrent: r.findings_current,
  error: r.error,
});

/** Discovery (issue 6): screening runs, and the findings they keep — gaps, reviews, watches. */
export function registerDiscoveryRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;
  // Policies and warnings have distinct ids (warningCases.test.ts checks it).
  const policyOf = (id: string) =>
    policyById(context.rules.pool, id) ??
    policyById(context.warnings.pool, id) ??
    policyById(context.models.pool, id);
  type FindingRow = Awaited<ReturnType<typeof listFindings>>['rows'][number];
  const toFinding = (f: FindingRow) => {
    const rule = policyOf(f.policy_id);
    return {
      id: f.id,
      householdId: f.household_id,
      hukouNumber: f.hukou_number,
      policyId: f.policy_id,
      policyName: rule?.name ?? { zh: f.policy_id, en: f.policy_id },
      department: rule?.department ?? '',
      cause: rule?.cause ?? null,
      causeLabel: rule?.cause ? hardshipCauses[rule.cause] : null,
      subject: f.subject,
      personName: f.person_name ?? null,
      areaCode: f.area_code,
      kind: f.kind,
      status: f.status,
      resolution: f.resolution,
      assignedTo: f.assigned_to,
      amount: f.amount,
      amountPeriod: f.amount_period,
      firstSeenAt: f.first_seen_at,
      lastSeenAt: f.last_seen_at,
      updatedAt: f.updated_at,
    };
  };

  app.post<{ Body: { areaCode?: string; asOf?: string } }>(
    '/screening-runs',
    {
      config: {
        access: 'discovery:run:start',
        audit: { action: 'discovery.run.start', subjectType: 'screening_run', subjectFrom: 'response' },
      },
      schema: {
        tags: ['discovery'],
        summary:
          '发起政策筛查：辖区内每户对照政策库 — Start a screening run: every household in scope against the pool',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            areaCode: {
              type: 'string',
              format: 'area-code',
              description: '筛查该区划及以下（默认本人辖区）',
            },
            asOf: { ...date, description: '按此日期筛查（默认今天）' },
          },
        },
        response: { 202: runSchema },
      },
    },
    async (request, reply) => {
      const scope = requestScope(request);
      const areaCode = await requestedArea(db, 'body.areaCode', request.body.areaCode, scope);
      const { run, done } = await startScreening(context, {
        trigger: 'manual',
        startedBy: request.principal?.userId ?? 'unknown',
        areaCode,
        ...(request.body.asOf ? { asOf: request.body.asOf } : {}),
      });
      done.catch((error: unknown) => {
        request.log.error({ err: error }, 'screening run failed');
      });
      return reply.status(202).send(toRun(run));
    },
  );

  app.get<{ Querystring: { limit?: number; incremental?: boolean } }>(
    '/screening-runs',
    {
      config: { access: 'discovery:finding:view' },
      schema: {
        tags: ['discovery'],
        summary: '政策筛查记录 — Screening runs, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
            incremental: {
              type: 'boolean',
              default: true,
              description: '是否包括增量筛查（事实变化后只筛查受影响的家庭）',
            },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: runSchema },
              running: { type: ['string', 'null'] },
            },
          },
        },
      },
    },
    async (request) => ({
      items: (await listRuns(db, request.query.limit ?? 20, request.query.incremental ?? true)).map(toRun),
      running: runInProgress()?.id ?? null,
    }),
  );

  app.get<{ Params: { id: string } }>(
    '/screening-runs/:id',
    {
      config: { access: 'discovery:finding:view' },
      schema: {
        tags: ['discovery'],
        summary: '一次政策筛查的进度与结果 — One screening run: progress and counts',
        params: uuidParams,
        response: { 200: runSchema },
      },
    },
    async (request) => {
      const run = await findRun(db, request.params.id);
      if (!run) throw new AppError('SCREENING_RUN_NOT_FOUND');
      return toRun(run);
    },
  );

  app.get<{ Querystring: FindingQuery & { limit?: number; offset?: number } }>(
    '/findings',
    {
      config: {
        access: 'discovery:finding:view',
        audit: { action: 'discovery.finding.search', subjectType: 'finding', subjectFrom: 'none' },
      },
      schema: {
        tags: ['discovery'],
        summary: '主动发现的线索（辖区内）— Findings in scope: gaps, reviews, watches, warnings',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...findingFilterProperties, ...pagingProperties },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: findingSchema },
              total: { type: 'integer' },
              counts: { type: 'array', items: open },
              categories: { type: 'object', additionalProperties: labelSchema },
            },
          },
        },
      },
    },
    async (request) => {
      const scope = requestScope(request);
      const q = request.query;
      const { rows, total } = await listFindings(db, scope, filterOf(q), q.limit ?? 50, q.offset ?? 0);
      return {
        items: rows.map(toFinding),
        total,
        counts: await countFindings(db, scope),
        categories: policyCategories,
      };
    },
  );

  app.get<{ Querystring: { from?: string; to?: string } }>(
    '/discovery/cockpit',
    {
      config: {
        access: 'discovery:finding:view',
        audit: { action: 'discovery.cockpit.view', subjectType: 'finding', subjectFrom: 'none' },
      },
      schema: {
        tags: ['discovery'],
        summary:
          '主动发现驾驶舱：线索按类型、乡镇、部门、致困原因统计，成效台账，最新预警 — The cockpit: findings by kind, township, department and cause; the outcomes ledger; the latest warnings',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: { ...date, description: '成效台账起始日期（含，默认本年1月1日）' },
            to: { ...date, description: '成效台账截止日期（含，默认今天）' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              counts: { type: 'array', items: open },
              byTownship: { type: 'array', items: open },
              byDepartment: { type: 'array', items: open },
              byCause: { type: 'array', items: open },
              ledger: open,
              period: open,
              latestWarnings: { type: 'array', items: findingSchema },
            },
          },
        },
      },
    },
    async (request) => {
      const scope = requestScope(request);
      const today = todayInChina();
      const from = request.query.from ?? `${today.slice(0, 4)}-01-01`;
      const to = request.query.to ?? today;
      const { start, end } = chinaDaysAsInstants(from, to);
      const { byDepartment, byCause } = byDepartmentAndCause(await countFindingsByRule(db, scope), policyOf);
      const ledger = outcomesLedger(await filledGaps(db, scope, start, end));
      const found = await countGapsFound(db, scope, start, end);
      return {
        counts: await countFindings(db, scope),
        byTownship: await countFindingsByTownship(db, scope),
        byDepartment: byDepartment.map((d) => {
          const department = context.variables.department(d.department);
          return {
            ...d,
            label: department
              ? { zh: department.zh, en: department.en }
              : { zh: d.department, en: d.department },
          };
        }),
        byCause: byCause.map((c) => ({ ...c, label: hardshipCauses[c.cause] })),
        ledger: {
          ...ledger,
          byPolicy: ledger.byPolicy.map((p) => ({
            ...p,
            name: policyOf(p.policyId)?.name ?? { zh: p.policyId, en: p.policyId },
          })),
          gapsFound: found.gaps,
          householdsFound: found.households,
          // Social money (charity) is matched in a later issue; nothing is recorded yet.
          socialCommitted: null,
        },
        period: { from, to },
        latestWarnings: (await latestWarnings(db, scope, 10)).map(toFinding),
      };
    },
  );

  app.get<{
    Querystring: FindingQuery;
  }>(
    '/findings/export',
    {
      config: { access: 'discovery:finding:view' },
      schema: {
        tags: ['discovery'],
        summary:
          '导出线索（CSV，姓名、户号脱敏；导出本身记入审计）— Export findings as CSV, names and hukou numbers masked',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: findingFilterProperties,
        },
        response: { 200: { type: 'string' } },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const { rows } = await listFindings(db, requestScope(request), filterOf(q), EXPORT_LIMIT, 0);
      // Recorded here and committed before the file leaves: the hook sees object answers only.
      await recordAudit(db, {
        actor: request.principal?.userId ?? 'anonymous',
        action: 'discovery.finding.export',
        subjectType: 'finding',
        ip: request.ip,
        detail: { requestId: request.id, query: q, resultCount: rows.length },
      });
      await flushAudit(db);
      const header = [
        '类型',
        '政策或预警',
        '致困原因',
        '户号',
        '对象',
        '区划代码',
        '金额',
        '状态',
        '办理结果',
        '首次发现',
      ];
      const lines = rows.map((row) => {
        const f = toFinding(row);
        return [
          f.kind,
          f.policyName.zh,
          f.causeLabel?.zh ?? '',
          // A list leaves the system: a hukou number keeps its first four and last two digits,
          // a name its surname.
          maskKeeping(f.hukouNumber, { keepStart: 4, keepEnd: 2 }),
          f.subject === 'household' ? '本户' : maskKeeping(f.personName ?? '', { keepStart: 1, keepEnd: 0 }),
          f.areaCode,
          f.amount,
          f.status,
          f.resolution,
          f.firstSeenAt,
        ]
          .map(csvCell)
          .join(',');
      });
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', 'attachment; filename="findings.csv"');
      return `\uFEFF${[header.map(csvCell).join(','), ...lines].join('\r\n')}\r\n`;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/findings/:id',
    {
      config: {
        access: 'discovery:finding:view',
        audit: { action: 'discovery.finding.view', subjectType: 'finding', subjectFrom: 'params' },
      },
      schema: {
        tags: ['discovery'],
        summary:
          '一条线索：当时的说明与处理经过 — One finding: its explanation when last seen, and its history',
        params: uuidParams,
        response: {
          200: {
            type: 'object',
            properties: {
              ...findingSchema.properties,
              explanation: open,
              // The snapshot's: the run that explained the finding (found, changed, reappeared).
              poolVersion: { type: 'string' },
              dataVersion: { type: 'string' },
              explainedAt: { type: 'string' },
              events: { type: 'array', items: open },
            },
          },
        },
      },
    },
    async (request) => {
      const row = await findFinding(db, request.params.id, requestScope(request));
      if (!row) throw new AppError('FINDING_NOT_FOUND');
      const events = await findingEvents(db, row.id);
      return {
        ...toFinding(row),
        explanation: JSON.parse(row.explanation_json) as unknown,
        poolVersion: row.pool_version,
        dataVersion: row.data_version,
        explainedAt: row.explained_at,
        events: events.map((e) => ({
          at: e.at,
          actor: e.actor,
          actorName: e.actor === 'system' ? null : (e.actor_name ?? null),
          runId: e.run_id,
          action: e.action,
          fromStatus: e.from_status,
          toStatus: e.to_status,
          kind: e.kind,
          note: e.note,
        })),
      };
    },
  );

  app.post<{
    Params: { id: string };
    Body: { action: FindingAction; resolution?: FindingResolution; note?: string };
  }>(
    '/findings/:id/actions',
    {
      config: {
        access: 'discovery:finding:handle',
        audit: { action: 'discovery.finding.handle', subjectType: 'finding', subjectFrom: 'params' },
      },
      schema: {
        tags: ['discovery'],
        summary: '认领、办结或重新打开线索 — Claim, resolve or reopen a finding',
        params: uuidParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['action'],
          properties: {
            action: { type: 'string', enum: ['assign', 'resolve', 'reopen'] },
            resolution: { type: 'string', enum: resolutions },
            note: { type: 'string', maxLength: 500 },
          },
        },
        response: { 200: findingSchema },
      },
    },
    async (request) => {
      const scope = requestScope(request);
      const row = await findFinding(db, request.params.id, scope);
      if (!row) throw new AppError('FINDING_NOT_FOUND');
      const { action, note } = request.body;
      const resolution = action === 'resolve' ? (request.body.resolution ?? null) : null;
      const status = nextStatus(row.status, action, resolution);
      const at = new Date().toISOString();
      const userId = request.principal?.userId ?? 'unknown';
      await changeFinding(
        db,
        row.id,
        {
          status,
          resolution,
          ...(action === 'assign' ? { assigned_to: userId } : {}),
          ...(action === 'reopen' ? { assigned_to: null } : {}),
          updated_at: at,
        },
        {
          finding_id: row.id,
          at,
          actor: userId,
          run_id: null,
          action: action === 'assign' ? 'assigned' : action === 'resolve' ? 'resolved' : 'reopened',
          from_status: row.status,
          to_status: status,
          kind: row.kind,
          note: [resolution, note].filter(Boolean).join('：') || null,
        },
      );
      const updated = await findFinding(db, row.id, scope);
      if (!updated) throw new AppError('FINDING_NOT_FOUND');
      return toFinding(updated);
    },
  );
}
