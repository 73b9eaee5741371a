import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/appContext.ts';
import { requestScope } from '../http/accessHook.ts';
import { listOf, pagingProperties } from '../http/listSchema.ts';
import type { PersonMergeTable } from '../db/schema.ts';
import { personSchema, toPersonDto } from './persons/personDto.ts';
import { personMasker } from './persons/personMasking.ts';
import { candidateKindLabels } from './merges/mergeRules.ts';
import { movedCounts, type MovedRows } from './merges/movedRows.ts';
import {
  listMergeCandidates,
  listPersonMerges,
  mergePersons,
  splitMerge,
  type MergeBody,
} from './merges/personMergeService.ts';
import { requireQueryArea } from './registryRouteHelpers.ts';
import { uuidParams } from './registrySchemas.ts';

const mergeSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    survivorId: { type: 'string' },
    duplicateId: { type: 'string' },
    survivorName: { type: 'string' },
    duplicateName: { type: 'string' },
    reason: { type: 'string' },
    confirmedDifferentIds: { type: 'boolean', description: '两人身份证号码不同，经确认后合并' },
    mergedBy: { type: 'string' },
    mergedByName: { type: ['string', 'null'] },
    mergedAt: { type: 'string' },
    moved: {
      type: 'object',
      description: '转移到保留人员的记录数',
      additionalProperties: { type: 'integer' },
    },
    status: { type: 'string', enum: ['merged', 'split'] },
    splitBy: { type: ['string', 'null'] },
    splitByName: { type: ['string', 'null'] },
    splitAt: { type: ['string', 'null'] },
    splitReason: { type: ['string', 'null'] },
  },
} as const;

function mergeDto(
  row: PersonMergeTable & {
    survivor_name?: string;
    duplicate_name?: string;
    merged_by_name?: string | null;
    split_by_name?: string | null;
  },
) {
  return {
    id: row.id,
    survivorId: row.survivor_id,
    duplicateId: row.duplicate_id,
    ...(row.survivor_name !== undefined ? { survivorName: row.survivor_name } : {}),
    ...(row.duplicate_name !== undefined ? { duplicateName: row.duplicate_name } : {}),
    reason: row.reason,
    confirmedDifferentIds: row.confirmed_different_ids === 1,
    mergedBy: row.merged_by,
    mergedByName: row.merged_by_name ?? null,
    mergedAt: row.merged_at,
    moved: movedCounts(JSON.parse(row.moved_json) as MovedRows),
    status: row.split_at ? ('split' as const) : ('merged' as const),
    splitBy: row.split_by,
    splitByName: row.split_by_name ?? null,
    splitAt: row.split_at,
    splitReason: row.split_reason,
  };
}

/**
 * Person merges (resolution): likely duplicates, merge with reason, split, history. Merging
 * and splitting need `registry:person:merge` (county staff: a merge rewrites which human a
 * record's facts from every department describe, across township lines); the history of a
 * person is shown to whoever may view the person.
 */
export function registerPersonMergeRoutes(app: FastifyInstance, context: AppContext): void {
  const { db, cipher } = context;
  const masker = async () => personMasker(cipher, await context.settings.maskingRules());

  app.get<{ Querystring: { area: string; limit?: number; offset?: number } }>(
    '/person-merge-candidates',
    {
      config: {
        access: 'registry:person:merge',
        audit: { action: 'person.merge.candidates', subjectType: 'person', subjectFrom: 'none' },
      },
      schema: {
        tags: ['registry'],
        summary: '疑似重复人员（脱敏）— Likely duplicate persons, masked',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['area'],
          properties: {
            area: { type: 'string', format: 'area-code', description: '至少一人在本区划及以下' },
            ...pagingProperties,
          },
        },
        response: {
          200: listOf({
            type: 'object',
            properties: {
              kind: { type: 'string', enum: ['id_upgrade', 'name_birth'] },
              kindLabel: { type: 'string' },
              differentIdNumbers: { type: 'boolean', description: '合并时需要确认身份证号码不同' },
              first: personSchema,
              second: personSchema,
            },
          }),
        },
      },
    },
    async (request) => {
      const areaCode = await requireQueryArea(db, request.query.area);
      const { items, total } = await listMergeCandidates(
        db,
        cipher,
        { scope: requestScope(request), areaCode },
        request.query.limit ?? 50,
        request.query.offset ?? 0,
      );
      const mask = await masker();
      return {
        items: items.map((c) => ({
          kind: c.kind,
          kindLabel: candidateKindLabels[c.kind],
          differentIdNumbers: c.differentIdNumbers,
          first: toPersonDto(c.first, mask),
          second: toPersonDto(c.second, mask),
        })),
        total,
      };
    },
  );

  app.post<{ Body: MergeBody }>(
    '/person-merges',
    {
      config: {
        access: 'registry:person:merge',
        audit: { action: 'person.merge', subjectType: 'person_merge', subjectFrom: 'response' },
      },
      schema: {
        tags: ['registry'],
        summary: '合并重复人员（保留人员 ← 被合并人员）— Merge a duplicate person into a survivor',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['survivorId', 'duplicateId', 'reason'],
          properties: {
            survivorId: { type: 'string', format: 'uuid', description: '保留人员' },
            duplicateId: { type: 'string', format: 'uuid', description: '被合并人员' },
            reason: {
              type: 'string',
              minLength: 2,
              maxLength: 200,
              description: '合并理由（记入历史和审计）',
            },
            confirmDifferentIds: {
              type: 'boolean',
              description: '两人身份证号码不同时，确认确属同一人',
            },
          },
        },
        response: { 201: mergeSchema },
      },
    },
    async (request, reply) => {
      const userId = request.principal?.userId ?? 'anonymous';
      const row = await mergePersons(db, cipher, request.body, userId, requestScope(request));
      return reply.status(201).send(mergeDto(row));
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/person-merges/:id/split',
    {
      config: {
        access: 'registry:person:merge',
        audit: { action: 'person.merge.split', subjectType: 'person_merge', subjectFrom: 'params' },
      },
      schema: {
        tags: ['registry'],
        summary: '拆分一次合并（撤销）— Split a merge back into two persons',
        params: uuidParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['reason'],
          properties: { reason: { type: 'string', minLength: 2, maxLength: 200, description: '拆分理由' } },
        },
        response: { 200: mergeSchema },
      },
    },
    async (request) => {
      const userId = request.principal?.userId ?? 'anonymous';
      return mergeDto(
        await splitMerge(db, request.params.id, request.body.reason, userId, requestScope(request)),
      );
    },
  );

  app.get<{ Params: { id: string } }>(
    '/persons/:id/merges',
    {
      config: {
        access: 'registry:person:view',
        audit: { action: 'person.merges.view', subjectType: 'person', subjectFrom: 'params' },
      },
      schema: {
        tags: ['registry'],
        summary: '人员的合并与拆分历史 — A person’s merges and splits',
        params: uuidParams,
        response: { 200: listOf(mergeSchema) },
      },
    },
    async (request) => {
      const rows = await listPersonMerges(db, request.params.id, requestScope(request));
      return { items: rows.map(mergeDto), total: rows.length };
    },
  );
}
