import type { FastifyInstance } from 'fastify';
import { AppError } from '../core/appError.ts';
import type { AppContext } from '../http/appContext.ts';
import { personSchema, toPersonDto } from './persons/personDto.ts';
import { personMasker } from './persons/personMasking.ts';
import { listPersonsWithin } from './persons/personRepository.ts';
import {
  createPerson,
  findPersonByIdNumber,
  requirePerson,
  resolvePerson,
  updatePerson,
  type CreatePersonBody,
  type UpdatePersonBody,
} from './persons/personService.ts';
import { requestScope } from '../http/accessHook.ts';
import { requireQueryArea, describeFacts } from './registryRouteHelpers.ts';
import {
  uuidParams,
  date,
  pagingProperties,
  nullableDate,
  asOfQuery,
  factsResponse,
} from './registrySchemas.ts';

/** Persons: register, search, look up, view, reveal, update, facts (X1). */
export function registerPersonRoutes(app: FastifyInstance, context: AppContext): void {
  const { db, cipher } = context;
  // Masks follow the system settings in force at the time of each request.
  const masker = async () => personMasker(cipher, await context.settings.maskingRules());

  app.post<{ Body: CreatePersonBody }>(
    '/persons',
    {
      config: {
        access: 'registry:person:edit',
        audit: { action: 'person.create', subjectType: 'person', subjectFrom: 'response' },
      },
      schema: {
        tags: ['registry'],
        summary: '登记人员 — Register a person',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['idNumber', 'name'],
          properties: {
            idNumber: {
              type: 'string',
              format: 'resident-id',
              description: '公民身份号码（18位或旧版15位）',
            },
            name: { type: 'string', minLength: 1, maxLength: 50 },
            sex: { type: 'string', enum: ['male', 'female'] },
            birthDate: date,
            deathDate: nullableDate,
            hukouAreaCode: { type: ['string', 'null'], format: 'area-code', description: '户籍地区划代码' },
            residenceAreaCode: {
              type: ['string', 'null'],
              format: 'area-code',
              description: '经常居住地区划代码',
            },
            phone: { type: ['string', 'null'], maxLength: 20 },
          },
        },
        response: { 201: personSchema },
      },
    },
    async (request, reply) => {
      const row = await createPerson(db, cipher, request.body, requestScope(request));
      return reply.status(201).send(toPersonDto(row, await masker()));
    },
  );

  app.get<{
    Querystring: { area: string; by?: 'residence' | 'hukou'; q?: string; limit?: number; offset?: number };
  }>(
    '/persons',
    {
      config: {
        access: 'registry:person:view',
        audit: { action: 'person.search', subjectType: 'person', subjectFrom: 'none' },
      },
      schema: {
        tags: ['registry'],
        summary: '区划内人员列表（脱敏）— Persons within an area, masked',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['area'],
          properties: {
            area: { type: 'string', format: 'area-code', description: '本区划及以下' },
            by: { type: 'string', enum: ['residence', 'hukou'], default: 'residence' },
            q: { type: 'string', maxLength: 50, description: '姓名包含' },
            ...pagingProperties,
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: personSchema }, total: { type: 'integer' } },
          },
        },
      },
    },
    async (request) => {
      const areaCode = await requireQueryArea(db, request.query.area);
      const { rows, total } = await listPersonsWithin(db, {
        scope: requestScope(request),
        areaCode,
        by: request.query.by ?? 'residence',
        name: request.query.q,
        limit: request.query.limit ?? 50,
        offset: request.query.offset ?? 0,
      });
      const mask = await masker();
      return { items: rows.map((r) => toPersonDto(r, mask)), total };
    },
  );

  app.post<{ Body: { idNumber: string } }>(
    '/persons/lookup',
    {
      config: {
        access: 'registry:person:view',
        audit: { action: 'person.lookup', subjectType: 'person', subjectFrom: 'response' },
      },
      schema: {
        tags: ['registry'],
        summary: '按身份证号码查找人员（号码放在请求体中，不进入网址和日志）— Find a person by ID number',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['idNumber'],
          properties: { idNumber: { type: 'string', format: 'resident-id' } },
        },
        response: { 200: personSchema },
      },
    },
    async (request) => {
      // The ID number never reaches the URL, so it stays out of access logs and metrics labels.
      const row = await findPersonByIdNumber(db, cipher, request.body.idNumber, requestScope(request));
      if (!row) throw new AppError('PERSON_NOT_FOUND');
      return toPersonDto(row, await masker());
    },
  );

  app.get<{ Params: { id: string } }>(
    '/persons/:id',
    {
      config: {
        access: 'registry:person:view',
        audit: { action: 'person.view', subjectType: 'person', subjectFrom: 'params' },
      },
      schema: {
        tags: ['registry'],
        summary: '人员详情（已合并的人员显示保留人员）— A person (a merged record shows its survivor)',
        params: uuidParams,
        response: {
          200: {
            ...personSchema,
            properties: {
              ...personSchema.properties,
              mergedFrom: { type: 'string', description: '所查询的已合并人员' },
              notice: { type: 'string' },
            },
          },
        },
      },
    },
    async (request) => {
      // The id of a merged record shows its survivor, saying so.
      const { person, mergedFrom } = await resolvePerson(db, request.params.id, requestScope(request));
      return {
        ...toPersonDto(person, await masker()),
        ...(mergedFrom ? { mergedFrom, notice: '该人员记录已合并到本人员，显示的是合并后保留的人员' } : {}),
      };
    },
  );

  app.post<{ Params: { id: string }; Body: { fields: ('idNumber' | 'phone')[]; reason: string } }>(
    '/persons/:id/reveal',
    {
      config: {
        access: 'registry:person:sensitive',
        audit: { action: 'person.reveal', subjectType: 'person', subjectFrom: 'params' },
      },
      schema: {
        tags: ['registry'],
        summary: '查看未脱敏的身份证号、手机号（单独授权并记录审计）— Reveal masked numbers',
        params: uuidParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['fields', 'reason'],
          properties: {
            fields: {
              type: 'array',
              minItems: 1,
              uniqueItems: true,
              items: { type: 'string', enum: ['idNumber', 'phone'] },
            },
            reason: { type: 'string', minLength: 2, maxLength: 200, description: '查看事由（记入审计）' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              idNumber: { type: 'string' },
              phone: { type: ['string', 'null'] },
            },
          },
        },
      },
    },
    async (request) => {
      // Every reveal is audited with its fields and reason (the audit hook copies the body's
      // field list; the values themselves never enter the log).
      const person = await requirePerson(db, request.params.id, requestScope(request));
      const fields = new Set(request.body.fields);
      return {
        id: person.id,
        ...(fields.has('idNumber') ? { idNumber: cipher.decrypt(person.id_number_enc) } : {}),
        ...(fields.has('phone')
          ? { phone: person.phone_enc === null ? null : cipher.decrypt(person.phone_enc) }
          : {}),
      };
    },
  );

  app.patch<{ Params: { id: string }; Body: UpdatePersonBody }>(
    '/persons/:id',
    {
      config: {
        access: 'registry:person:edit',
        audit: { action: 'person.update', subjectType: 'person', subjectFrom: 'params' },
      },
      schema: {
        tags: ['registry'],
        summary: '更新人员信息 — Update a person',
        params: uuidParams,
        body: {
          type: 'object',
          additionalProperties: false,
          description: '至少一个字段 — at least one field',
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 50 },
            deathDate: nullableDate,
            residenceAreaCode: { type: ['string', 'null'], format: 'area-code' },
            phone: { type: ['string', 'null'], maxLength: 20 },
          },
        },
        response: { 200: personSchema },
      },
    },
    async (request) =>
      toPersonDto(
        await updatePerson(db, cipher, request.params.id, request.body, requestScope(request)),
        await masker(),
      ),
  );

  app.get<{ Params: { id: string }; Querystring: { asOf?: string; knownAt?: string; history?: boolean } }>(
    '/persons/:id/facts',
    {
      config: {
        access: 'registry:fact:view',
        audit: { action: 'person.facts.view', subjectType: 'person', subjectFrom: 'params' },
      },
      schema: {
        tags: ['registry'],
        summary: '人员事实（按日期或全部历史）— A person’s facts as of a date, or their history',
        params: uuidParams,
        querystring: asOfQuery,
        response: factsResponse,
      },
    },
    async (request) => {
      await requirePerson(db, request.params.id, requestScope(request));
      return describeFacts(context, 'person', request.params.id, request.query);
    },
  );
}
