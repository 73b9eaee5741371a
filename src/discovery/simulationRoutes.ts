import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/appContext.ts';
import { AppError } from '../core/appError.ts';
import { todayInChina } from '../core/isoDate.ts';
import { requestScope } from '../http/accessHook.ts';
import { requestedArea } from '../access/scope/requireAreaInScope.ts';
import { subjectChunks } from '../rules/householdSubject.ts';
import type { RuleSubject } from '../rules/evaluate/ruleSubject.ts';
import { buildSnapshot, poolFields } from '../rules/batch/populationSnapshot.ts';
import { overlayParameters, type ParameterChange } from '../rules/parameters/overlayParameters.ts';
import { date } from '../registry/registrySchemas.ts';
import { policyById } from '../rules/policies/policyById.ts';
import { householdsToScreen } from './discoveryRepository.ts';
import { emptyTotals } from '../rules/batch/scenarioTotals.ts';
import { policiesReading, simulateSnapshot, townshipsOf } from '../rules/batch/simulateSnapshot.ts';

interface ScenarioBody {
  name: string;
  changes: ParameterChange[];
}

const open = { type: 'object', additionalProperties: true } as const;
const round = (n: number) => Math.round(n * 100) / 100;
const typeWords = { number: '数字', integer: '整数', boolean: '是或否', string: '文字' } as const;

/**
 * What-if simulation (issue 6): one or two scenarios of parameter changes against today's
 * parameters, over the households in the caller's area — gainers and losers by township and
 * policy, the monthly and annual change in money. Computed on request on the batch path (only
 * the policies reading a changed parameter, both parameter sets in lockstep); nothing is stored
 * and no finding changes.
 */
export function registerSimulationRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;
  app.post<{ Body: { areaCode?: string; asOf?: string; scenarios: ScenarioBody[] } }>(
    '/simulations',
    {
      config: {
        access: 'discovery:run:start',
        audit: { action: 'discovery.simulation.run', subjectType: 'policy_pool', subjectFrom: 'none' },
      },
      schema: {
        tags: ['discovery'],
        summary:
          '政策模拟：参数变化后哪些家庭得益、受损，财政资金变化 — What-if: who gains or loses and what it costs',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['scenarios'],
          properties: {
            areaCode: {
              type: 'string',
              format: 'area-code',
              description: '模拟该区划及以下的家庭（默认本人辖区）',
            },
            asOf: { ...date, description: '按此日期模拟（默认今天）' },
            scenarios: {
              type: 'array',
              minItems: 1,
              maxItems: 2,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['name', 'changes'],
                properties: {
                  name: { type: 'string', minLength: 1, maxLength: 50 },
                  changes: {
                    type: 'array',
                    minItems: 1,
                    maxItems: 20,
                    items: {
                      type: 'object',
                      additionalProperties: false,
                      required: ['name', 'region', 'from', 'value'],
                      properties: {
                        name: { type: 'string', maxLength: 100 },
                        region: { type: 'string', pattern: '^(CN|\\d{2}|\\d{4}|\\d{6}|\\d{9}|\\d{12})$' },
                        from: date,
                        value: { type: ['number', 'string', 'boolean'] },
                      },
                    },
                  },
                },
              },
            },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              asOf: { type: 'string' },
              areaCode: { type: ['string', 'null'] },
              households: { type: 'integer' },
              scenarios: { type: 'array', items: open },
            },
          },
        },
      },
    },
    async (request) => {
      const scope = requestScope(request);
      const areaCode = await requestedArea(db, 'body.areaCode', request.body.areaCode, scope);
      const pool = context.rules.pool;
      // Each change names a parameter and a value of its type, or the request says which is wrong.
      request.body.scenarios.forEach((scenario, i) => {
        scenario.changes.forEach((change, j) => {
          const path = `body.scenarios[${String(i)}].changes[${String(j)}]`;
          const definition = pool.parameters.get(change.name);
          if (!definition)
            throw new AppError('SIMULATION_PARAMETER_UNKNOWN', { name: change.name }, [
              { path: `${path}.name`, code: 'SIMULATION_PARAMETER_UNKNOWN', params: { name: change.name } },
            ]);
          const expected = definition.type === 'integer' ? 'number' : definition.type;
          const ok =
            typeof change.value === expected &&
            (definition.type !== 'integer' || Number.isInteger(change.value));
          if (!ok)
            throw new AppError(
              'SIMULATION_VALUE_TYPE',
              { name: change.name, type: typeWords[definition.type] },
              [{ path: `${path}.value`, code: 'SIMULATION_VALUE_TYPE', params: { name: change.name } }],
            );
        });
      });
      const asOf = request.body.asOf ?? todayInChina();
      const scenarios = request.body.scenarios.map((s) => ({
        name: s.name,
        changes: s.changes,
        parameters: overlayParameters(pool.parameters, s.changes),
        totals: emptyTotals(),
      }));
      const households = await householdsToScreen(db, areaCode, null);
      // The households as columns of just the fields the affected policies read.
      const changed = [...new Set(request.body.scenarios.flatMap((s) => s.changes.map((c) => c.name)))];
      const population: RuleSubject[] = [];
      const townships: string[] = [];
      for await (const { households: chunk, subjects } of subjectChunks(context, households, asOf)) {
        for (const household of chunk) {
          const subject = subjects.get(household.id);
          if (!subject) continue;
          population.push(subject);
          townships.push(`${household.area_code.slice(0, 9)}000`);
        }
      }
      const snapshot = buildSnapshot(population, poolFields(policiesReading(pool, changed)));
      const byTownship = townshipsOf(townships);
      for (const s of scenarios)
        simulateSnapshot(
          pool,
          s.parameters,
          s.changes.map((c) => c.name),
          snapshot,
          byTownship,
          s.totals,
        );
      const policyName = (id: string) => policyById(pool, id)?.name ?? { zh: id, en: id };
      return {
        asOf,
        areaCode,
        households: households.length,
        scenarios: scenarios.map(({ name, changes, totals }) => ({
          name,
          changes,
          gainers: totals.gainers,
          losers: totals.losers,
          householdsGaining: totals.householdsGaining,
          householdsLosing: totals.householdsLosing,
          monthlyChange: round(totals.monthlyChange),
          annualChange: round(totals.annualChange),
          byTownship: [...totals.byTownship]
            .sort((a, b) => a[0].localeCompare(b[0]))
            .map(([township, v]) => ({ township, ...v, annualChange: round(v.annualChange) })),
          byPolicy: [...totals.byPolicy]
            .sort(
              (a, b) => Math.abs(b[1].annualChange) - Math.abs(a[1].annualChange) || a[0].localeCompare(b[0]),
            )
            .map(([policyId, v]) => ({
              policyId,
              name: policyName(policyId),
              ...v,
              annualChange: round(v.annualChange),
            })),
        })),
      };
    },
  );
}
