import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/appContext.ts';
import { requestScope } from '../http/accessHook.ts';
import { AppError } from '../core/appError.ts';
import { todayInChina } from '../core/isoDate.ts';
import { normalizeAreaCode } from '../areas/areaCode.ts';
import { date, labelSchema, uuidParams } from '../registry/registrySchemas.ts';
import { explainSubject, type PolicyResult, type RulePool } from './evaluate/explainPolicies.ts';
import { subjectFromPlain, type RuleSubject } from './evaluate/ruleSubject.ts';
import { personValueProblems, plainValueProblems } from './evaluate/plainValueProblems.ts';
import { registeredHouseholdSubject } from './householdSubject.ts';
import { policyCategories, policyExpressions } from './policies/policyDefinition.ts';
import { parameterView, policyDetail, policySummary } from './ruleViews.ts';
import { policyById } from './policies/policyById.ts';

const open = { type: 'object', additionalProperties: true } as const;
const categoryOrder = Object.keys(policyCategories);
const openList = { type: 'array', items: open } as const;

/** A gap: eligible, and not already receiving it. */
const isGap = (r: PolicyResult) => r.outcome === 'eligible' && r.receiving !== true;

/** Gaps first, then eligible, unknown, error, ineligible. */
const ORDER: Record<string, number> = { gap: 0, eligible: 1, unknown: 2, error: 3, ineligible: 4 };
function sortResults(results: PolicyResult[]) {
  return results
    .map((r) => ({ ...r, gap: isGap(r) }))
    .sort((a, b) => (ORDER[a.gap ? 'gap' : a.outcome] ?? 9) - (ORDER[b.gap ? 'gap' : b.outcome] ?? 9));
}

function tally(results: PolicyResult[]) {
  return {
    total: results.length,
    gaps: results.filter(isGap).length,
    eligible: results.filter((r) => r.outcome === 'eligible').length,
    unknown: results.filter((r) => r.outcome === 'unknown').length,
    ineligible: results.filter((r) => r.outcome === 'ineligible').length,
  };
}

const matchResponse = {
  type: 'object',
  properties: {
    poolVersion: { type: 'string' },
    asOf: { type: 'string' },
    region: { type: 'string' },
    household: open,
    members: openList,
    tally: open,
    results: openList,
    /** The inputs and parameters the results cite by ref, each described once. */
    inputs: open,
    parameters: open,
  },
} as const;

/** A match answer: the explanation, gaps first, with the members it names. */
function matchAnswer(pool: RulePool, subject: RuleSubject, household: Record<string, unknown>) {
  const { results, inputs, parameters } = explainSubject(pool, subject);
  return {
    poolVersion: pool.version,
    asOf: subject.asOf,
    region: subject.region,
    household,
    members: [
      ...subject.members.map((m) => ({ id: m.id, name: m.name ?? null, deceased: false })),
      ...(subject.deceased ?? []).map((m) => ({ id: m.id, name: m.name ?? null, deceased: true })),
    ],
    tally: tally(results),
    results: sortResults(results),
    inputs,
    parameters,
  };
}

/** The welfare pool (issue 5): browse policies and parameters, match a household against all of them. */
export function registerRuleRoutes(app: FastifyInstance, context: AppContext): void {
  const pool = () => context.rules.pool;

  app.get<{ Querystring: { category?: string; department?: string; q?: string } }>(
    '/policies',
    {
      config: { access: 'rules:policy:view' },
      schema: {
        tags: ['rules'],
        summary: '政策库：按部门、类别浏览 — The welfare pool, by department and category',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            category: { type: 'string', enum: Object.keys(policyCategories) },
            department: { type: 'string', maxLength: 64 },
            q: { type: 'string', maxLength: 50, description: '名称、依据中的文字' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              pool: open,
              categories: { type: 'object', additionalProperties: labelSchema },
              counts: open,
              items: openList,
            },
          },
        },
      },
    },
    (request) => {
      const { category, department, q } = request.query;
      const all = pool().policies;
      const items = all.filter(
        (p) =>
          (!category || p.category === category) &&
          (!department || p.department === department) &&
          (!q ||
            p.name.zh.includes(q) ||
            p.name.en.toLowerCase().includes(q.toLowerCase()) ||
            p.legalRef.includes(q)),
      );
      const count = (key: 'category' | 'department') =>
        Object.fromEntries(
          [...new Set(all.map((p) => p[key]))].map((k) => [k, all.filter((p) => p[key] === k).length]),
        );
      return {
        pool: context.rules.status,
        categories: policyCategories,
        counts: { category: count('category'), department: count('department') },
        // By category in the order of the pool's outline (assistance first), then by file.
        items: items
          .map((p, i) => ({ p, i }))
          .sort(
            (a, b) => categoryOrder.indexOf(a.p.category) - categoryOrder.indexOf(b.p.category) || a.i - b.i,
          )
          .map(({ p }) => policySummary(p, context.variables)),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/policies/:id',
    {
      config: { access: 'rules:policy:view' },
      schema: {
        tags: ['rules'],
        summary:
          '一项政策：认定条件、法律依据、参数历史与测试用例 — One policy: criteria, legal basis, parameter history, cases',
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 80 } },
        },
        response: { 200: open },
      },
    },
    (request) => {
      const policy = policyById(pool(), request.params.id);
      if (!policy) throw new AppError('POLICY_NOT_FOUND', { id: request.params.id });
      return policyDetail(pool(), policy, context.variables);
    },
  );

  app.get<{ Querystring: { area?: string; asOf?: string } }>(
    '/parameters',
    {
      config: { access: 'rules:policy:view' },
      schema: {
        tags: ['rules'],
        summary: '政策参数及某地某日的取值 — Parameters, with the value in force for an area on a date',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { area: { type: 'string', format: 'area-code' }, asOf: date },
        },
        response: { 200: { type: 'object', properties: { items: openList } } },
      },
    },
    (request) => {
      const asOf = request.query.asOf ?? todayInChina();
      const area = request.query.area;
      return {
        items: pool()
          .parameters.list()
          .map((d) => ({
            ...parameterView(d),
            current: area ? (pool().parameters.valueAt(d.name, area, asOf) ?? null) : null,
          })),
      };
    },
  );

  app.get<{ Params: { name: string } }>(
    '/parameters/:name',
    {
      config: { access: 'rules:policy:view' },
      schema: {
        tags: ['rules'],
        summary: '一个参数的全部历史取值（按地区）— A parameter with its whole history, by region',
        params: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string', pattern: '^[a-z][a-z0-9_.]*$', maxLength: 120 } },
        },
        response: { 200: open },
      },
    },
    (request) => {
      const definition = pool().parameters.get(request.params.name);
      if (!definition) throw new AppError('PARAMETER_NOT_FOUND', { name: request.params.name });
      const usedBy = pool()
        .policies.filter((p) => policyExpressions(p).some((e) => e.parameters.includes(definition.name)))
        .map((p) => ({ id: p.id, name: p.name }));
      return { ...parameterView(definition), usedBy };
    },
  );

  app.post(
    '/policies/reload',
    {
      config: {
        access: 'rules:policy:manage',
        audit: { action: 'rules.pool.reload', subjectType: 'policy_pool', subjectFrom: 'none' },
      },
      schema: {
        tags: ['rules'],
        summary: '重新加载政策库（有错误时保留上一版本）— Reload the pool; on error the last good one stays',
        body: { type: 'object', additionalProperties: false, properties: {} },
        response: { 200: open },
      },
    },
    () => {
      const result = context.rules.reload();
      if (!result.ok)
        throw new AppError('POLICY_POOL_INVALID', {
          version: context.rules.pool.version,
          message: result.error.message,
        });
      return context.rules.status;
    },
  );

  app.post<{
    Body: {
      region: string;
      asOf?: string;
      h?: Record<string, unknown>;
      members?: Record<string, unknown>[];
      deceased?: Record<string, unknown>[];
    };
  }>(
    '/rules/match',
    {
      config: { access: 'rules:policy:view' },
      schema: {
        tags: ['rules'],
        summary:
          '为一户假设家庭匹配全部政策（不保存）— Match an ad-hoc household against the whole pool (nothing stored)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['region'],
          properties: {
            region: { type: 'string', format: 'area-code', description: '家庭所在区划（参数按此地区取值）' },
            asOf: date,
            h: { type: 'object', additionalProperties: true, maxProperties: 200 },
            members: {
              type: 'array',
              maxItems: 30,
              items: { type: 'object', additionalProperties: true, maxProperties: 200 },
            },
            deceased: {
              type: 'array',
              maxItems: 10,
              description: '近期去世的成员（丧葬类政策用），不计入 members',
              items: { type: 'object', additionalProperties: true, maxProperties: 200 },
            },
          },
        },
        response: { 200: matchResponse },
      },
    },
    (request) => {
      const { region, h = {}, members = [], deceased = [] } = request.body;
      const asOf = request.body.asOf ?? todayInChina();
      // Every unknown name and mistyped value is reported with its path; nothing is coerced.
      const { vocabulary } = pool();
      const problems = [
        ...plainValueProblems(h, vocabulary.household, 'body.h'),
        ...members.flatMap((m, i) => personValueProblems(m, vocabulary.person, `body.members[${String(i)}]`)),
        ...deceased.flatMap((m, i) =>
          personValueProblems(m, vocabulary.person, `body.deceased[${String(i)}]`),
        ),
      ];
      if (problems.length > 0) throw new AppError('VALIDATION_FAILED', {}, problems);
      const subject = subjectFromPlain(pool().vocabulary, {
        region: normalizeAreaCode(region),
        asOf,
        h,
        members,
        deceased,
      });
      return matchAnswer(pool(), subject, {});
    },
  );

  app.get(
    '/rules/vocabulary',
    {
      config: { access: 'rules:policy:view' },
      schema: {
        tags: ['rules'],
        summary:
          '规则可用的家庭与人员变量（试算表单用）— The household and person variables rules read (for the trial form)',
        response: {
          200: {
            type: 'object',
            properties: { household: openList, person: openList },
          },
        },
      },
    },
    () => {
      const { vocabulary } = pool();
      const list = (fields: typeof vocabulary.person) =>
        [...fields].map(([name, info]) => ({
          name,
          label: info.label,
          type: info.type,
          unit: info.unit,
          event: info.event,
          list: info.list,
        }));
      return {
        household: list(vocabulary.household),
        person: list(vocabulary.person),
      };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { asOf?: string } }>(
    '/hukou-households/:id/policy-match',
    {
      config: {
        access: 'registry:household:view',
        audit: { action: 'rules.household.match', subjectType: 'hukou_household', subjectFrom: 'params' },
      },
      schema: {
        tags: ['rules'],
        summary:
          '为已登记家庭匹配全部政策并说明理由（缺口优先）— Match a registered household against the pool, gaps first, with reasons',
        params: uuidParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { asOf: { ...date, description: '按此日期匹配（默认今天）' } },
        },
        response: { 200: matchResponse },
      },
    },
    async (request) => {
      const asOf = request.query.asOf ?? todayInChina();
      const { subject, household } = await registeredHouseholdSubject(
        context,
        request.params.id,
        requestScope(request),
        asOf,
      );
      return matchAnswer(pool(), subject, household);
    },
  );
}
