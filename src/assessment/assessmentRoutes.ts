import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/appContext.ts';
import { todayInChina } from '../core/isoDate.ts';
import { formatMessage } from '../core/appError.ts';
import { requestLanguage } from '../http/language.ts';
import { requestScope } from '../http/accessHook.ts';
import { requestedArea } from '../access/scope/requireAreaInScope.ts';
import { uuidParams } from '../registry/registrySchemas.ts';
import { areaAssessment, householdAssessmentViews, modelSummary, previewModel } from './assessmentViews.ts';

const open = { type: 'object', additionalProperties: true } as const;
const openList = { type: 'array', items: open } as const;
const modelId = { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 64 } as const;
const versionParams = {
  type: 'object',
  required: ['id', 'version'],
  properties: { id: modelId, version: { type: 'integer', minimum: 1 } },
} as const;
const definitionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['definition'],
  // The definition is checked by checkAssessmentModel, which names every problem by its path.
  properties: { definition: { ...open, description: '模型定义（与 assessment/*.yaml 同构）' } },
} as const;

/**
 * Multidimensional hardship assessment (issue 7): the models and their versions, checking and
 * previewing a model before it is saved or activated, an area's M0 decomposed over the areas
 * below it, and a household's assessment with its reasons.
 */
export function registerAssessmentRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  app.get(
    '/assessment/models',
    {
      config: { access: 'assessment:result:view' },
      schema: {
        tags: ['assessment'],
        summary:
          '评估模型及其各版本（启用中的版本附结构）— Assessment models, their versions and the active structure',
        response: { 200: { type: 'object', properties: { models: openList } } },
      },
    },
    async () => {
      const active = await context.assessment.active();
      const versions = await context.assessment.versions();
      const ids = [...new Set(versions.map((v) => v.id))];
      return {
        models: ids.map((id) => {
          const current = active.find((a) => a.model.id === id);
          return {
            id,
            active: current ? modelSummary(current.model, current.version) : null,
            versions: versions
              .filter((v) => v.id === id)
              .map((v) => ({
                version: v.version,
                status: v.status,
                name: { zh: v.name_zh, en: v.name_en },
                createdBy: v.created_by,
                createdAt: v.created_at,
                activatedBy: v.activated_by,
                activatedAt: v.activated_at,
              })),
          };
        }),
      };
    },
  );

  app.get<{ Params: { id: string; version: number } }>(
    '/assessment/models/:id/versions/:version',
    {
      config: { access: 'assessment:result:view' },
      schema: {
        tags: ['assessment'],
        summary: '评估模型的一个版本：定义原文与结构 — One version of a model: its definition and structure',
        params: versionParams,
        response: {
          200: {
            type: 'object',
            properties: { status: { type: 'string' }, definition: open, model: open },
          },
        },
      },
    },
    async (request) => {
      const { row, model } = await context.assessment.version(request.params.id, request.params.version);
      return {
        status: row.status,
        definition: JSON.parse(row.definition_json) as unknown,
        model: modelSummary(model, row.version),
      };
    },
  );

  app.post<{ Body: { definition: unknown; asOf?: string } }>(
    '/assessment/models/preview',
    {
      config: {
        access: 'assessment:model:manage',
        audit: { action: 'assessment.model.preview', subjectType: 'assessment_model', subjectFrom: 'none' },
      },
      schema: {
        tags: ['assessment'],
        summary:
          '校验并试算模型（辖区内家庭的均匀抽样）：问题清单，或 H、A、M0 与分档 — Check and try a model on an even sample of the households in scope',
        body: {
          ...definitionBody,
          properties: {
            ...definitionBody.properties,
            asOf: { type: 'string', format: 'date', description: '按哪一天的画像试算（默认今天）' },
          },
        },
        response: {
          200: { type: 'object', properties: { problems: openList, preview: { ...open, nullable: true } } },
        },
      },
    },
    async (request) => {
      const { problems, preview } = await previewModel(
        context,
        request.body.definition,
        requestScope(request),
        request.body.asOf ?? todayInChina(),
      );
      // Each problem as the error body's details are: where, its code, and what is wrong in words.
      const lang = requestLanguage(request);
      return {
        problems: problems.map((p) => ({
          path: p.path,
          code: p.code,
          message: formatMessage(p.code, lang, p.params),
        })),
        preview,
      };
    },
  );

  app.post<{ Body: { definition: unknown } }>(
    '/assessment/models',
    {
      config: {
        access: 'assessment:model:manage',
        audit: { action: 'assessment.model.create', subjectType: 'assessment_model', subjectFrom: 'none' },
      },
      schema: {
        tags: ['assessment'],
        summary: '保存模型为新版本（草稿；有任何问题则整体拒绝）— Save a model as its next version, a draft',
        body: definitionBody,
        response: {
          201: { type: 'object', properties: { id: { type: 'string' }, version: { type: 'integer' } } },
        },
      },
    },
    async (request, reply) => {
      const saved = await context.assessment.saveDraft(
        request.body.definition,
        request.principal?.userId ?? 'unknown',
      );
      return reply.status(201).send(saved);
    },
  );

  app.post<{ Params: { id: string; version: number } }>(
    '/assessment/models/:id/versions/:version/activate',
    {
      config: {
        access: 'assessment:model:manage',
        audit: { action: 'assessment.model.activate', subjectType: 'assessment_model', subjectFrom: 'none' },
      },
      schema: {
        tags: ['assessment'],
        summary:
          '启用模型的一个版本（此前启用的版本停用；下次筛查起按新版本评估）— Activate a version; households are assessed with it from the next screening run',
        params: versionParams,
        body: { type: 'object', additionalProperties: false, properties: {} },
        response: {
          200: { type: 'object', properties: { id: { type: 'string' }, version: { type: 'integer' } } },
        },
      },
    },
    async (request) => {
      const { id, version } = request.params;
      await context.assessment.activate(id, version, request.principal?.userId ?? 'unknown');
      return { id, version };
    },
  );

  app.get<{ Querystring: { model: string; area?: string; tag?: string } }>(
    '/assessment/areas',
    {
      config: {
        access: 'assessment:result:view',
        audit: { action: 'assessment.area.view', subjectType: 'area', subjectFrom: 'none' },
      },
      schema: {
        tags: ['assessment'],
        summary:
          '区域多维困难：H、A、M0、各指标贡献，按下一级区划分解（人口加权）— An area’s H, A, M0 and contributions, decomposed over the areas below it',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['model'],
          properties: {
            model: modelId,
            area: { type: 'string', format: 'area-code', description: '该区划及以下（默认本人辖区）' },
            tag: {
              type: 'string',
              pattern: '^[a-z][a-z0-9_]*$',
              maxLength: 64,
              description: '再按画像标签分解：有、无、未知（人员标签：有成员带此标签）',
            },
          },
        },
        response: { 200: open },
      },
    },
    async (request) => {
      const scope = requestScope(request);
      const area = await requestedArea(db, 'querystring.area', request.query.area, scope);
      return areaAssessment(context, request.query.model, scope, area, request.query.tag ?? null);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/hukou-households/:id/assessments',
    {
      config: {
        access: 'assessment:result:view',
        audit: {
          action: 'hukou_household.assessment.view',
          subjectType: 'hukou_household',
          subjectFrom: 'params',
        },
      },
      schema: {
        tags: ['assessment'],
        summary:
          '家庭的多维困难评估：得分、分档、各维度剥夺与原因 — A household’s assessments: score, band, deprivations and reasons',
        params: uuidParams,
        response: { 200: { type: 'object', properties: { assessments: openList } } },
      },
    },
    async (request) => ({
      assessments: await householdAssessmentViews(context, request.params.id, requestScope(request)),
    }),
  );
}
