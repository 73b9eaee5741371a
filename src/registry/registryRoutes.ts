import type { FastifyInstance } from 'fastify';
import { AppError } from '../core/appError.ts';
import { normalizeAreaCode } from '../areas/areaCode.ts';
import { findArea } from '../areas/areaRepository.ts';
import type { AppContext } from '../http/appContext.ts';
import { relationshipLabel } from './households/relationshipCodes.ts';
import { factHistory, factsAsOf, recordFacts, type FactInput } from './facts/factService.ts';
import { membershipReasons, type MembershipBasis } from './households/assistanceMembership.ts';
import {
  createAssistanceHousehold,
  requireAssistanceHousehold,
  type CreateAssistanceHouseholdBody,
} from './households/assistanceHouseholdService.ts';
import {
  listAssistanceMembers,
  listHukouHouseholdsWithin,
  listHukouMembers,
} from './households/householdRepository.ts';
import {
  createHukouHousehold,
  requireHukouHousehold,
  type CreateHukouHouseholdBody,
} from './households/hukouHouseholdService.ts';
import { personSchema, toPersonDto } from './persons/personDto.ts';
import { findPersonByIdHash, listPersonsWithin } from './persons/personRepository.ts';
import { parseResidentId } from './residentId/index.ts';
import {
  createPerson,
  requirePerson,
  updatePerson,
  type CreatePersonBody,
  type UpdatePersonBody,
} from './persons/personService.ts';
import { ageOn, todayInChina } from '../core/isoDate.ts';
import { requestScope } from '../http/accessHook.ts';
import type { DataScopeFilter } from '../access/scope/dataScope.ts';

const uuidParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

const date = { type: 'string', format: 'date' } as const;
const pagingProperties = {
  limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  offset: { type: 'integer', minimum: 0, default: 0 },
} as const;
const nullableDate = { type: ['string', 'null'], format: 'date' } as const;
const labelSchema = {
  type: 'object',
  properties: { zh: { type: 'string' }, en: { type: 'string' } },
} as const;
const factValue = { type: ['number', 'boolean', 'string'] } as const;

const resolvedFactSchema = {
  type: 'object',
  properties: {
    variable: { type: 'string' },
    label: { type: 'string' },
    value: factValue,
    source: { type: 'string' },
    sourceLabel: { type: 'string' },
    observedAt: { type: 'string' },
    validFrom: { type: 'string' },
    validTo: { type: ['string', 'null'] },
    factId: { type: 'integer' },
    competing: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          value: factValue,
          source: { type: 'string' },
          observedAt: { type: 'string' },
          factId: { type: 'integer' },
        },
      },
    },
  },
} as const;

const factRowSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    variable: { type: 'string' },
    value: factValue,
    source: { type: 'string' },
    observedAt: { type: 'string' },
    validFrom: { type: 'string' },
    validTo: { type: ['string', 'null'] },
    recordedAt: { type: 'string' },
  },
} as const;

const factBody = {
  type: 'object',
  additionalProperties: false,
  required: ['subjectType', 'subjectId', 'variable', 'value', 'source', 'observedAt', 'validFrom'],
  properties: {
    subjectType: { type: 'string', enum: ['person', 'household'] },
    subjectId: { type: 'string', format: 'uuid' },
    variable: { type: 'string', maxLength: 100 },
    value: factValue,
    source: { type: 'string', maxLength: 50, description: '来源部门代码' },
    observedAt: { ...date, description: '数据采集日期' },
    validFrom: { ...date, description: '有效期开始（含）' },
    validTo: { ...nullableDate, description: '有效期结束（不含），空为至今有效' },
  },
} as const;

const asOfQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    asOf: { ...date, description: '按此日期读取（默认今天）' },
    knownAt: { type: 'string', format: 'date-time', description: '只看此时刻前已登记的事实' },
    history: { type: 'boolean', default: false, description: '返回全部历史' },
  },
} as const;

/** Persons, households and facts (X1, N2): the registry's core routes. */
export function registerRegistryRoutes(app: FastifyInstance, context: AppContext): void {
  const { db, cipher, variables } = context;

  /** The `area` query parameter as a 12-digit code of an area we hold. */
  const requireQueryArea = async (raw: string): Promise<string> => {
    const areaCode = normalizeAreaCode(raw);
    if (!(await findArea(db, areaCode)))
      throw AppError.field('query.area', 'UNKNOWN_AREA', { code: areaCode });
    return areaCode;
  };

  const describeFacts = async (
    subjectType: 'person' | 'household',
    id: string,
    q: { asOf?: string; knownAt?: string; history?: boolean },
  ) => {
    if (q.history) {
      const rows = await factHistory(db, subjectType, id);
      return {
        history: rows.map((r) => ({
          id: r.id,
          variable: r.variable,
          value: JSON.parse(r.value_json) as number | boolean | string,
          source: r.source,
          observedAt: r.observed_at,
          validFrom: r.valid_from,
          validTo: r.valid_to,
          recordedAt: r.recorded_at,
        })),
      };
    }
    const asOf = q.asOf ?? todayInChina();
    const facts = await factsAsOf(db, subjectType, id, asOf, q.knownAt);
    return {
      asOf,
      facts: facts.map((f) => ({
        ...f,
        label: variables.get(f.variable)?.label.zh ?? f.variable,
        sourceLabel: variables.department(f.source)?.zh ?? f.source,
      })),
    };
  };

  const factsResponse = {
    200: {
      type: 'object',
      properties: {
        asOf: { type: 'string' },
        facts: { type: 'array', items: resolvedFactSchema },
        history: { type: 'array', items: factRowSchema },
      },
    },
  } as const;

  app.get(
    '/variables',
    {
      config: { access: 'session' },
      schema: {
        tags: ['registry'],
        summary: '变量目录 — The variable catalogue',
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    name: { type: 'string' },
                    type: { type: 'string' },
                    unit: { type: 'string' },
                    entity: { type: 'string' },
                    label: labelSchema,
                    description: { type: 'string' },
                    codes: { type: 'object', additionalProperties: labelSchema },
                  },
                },
              },
            },
          },
        },
      },
    },
    () => ({ items: variables.list() }),
  );

  app.get(
    '/departments',
    {
      config: { access: 'session' },
      schema: {
        tags: ['registry'],
        summary: '数据来源部门 — Source departments',
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { code: { type: 'string' }, zh: { type: 'string' }, en: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    },
    () => ({ items: variables.departments }),
  );

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
      return reply.status(201).send(toPersonDto(row));
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
      const areaCode = await requireQueryArea(request.query.area);
      const { rows, total } = await listPersonsWithin(db, {
        scope: requestScope(request),
        areaCode,
        by: request.query.by ?? 'residence',
        name: request.query.q,
        limit: request.query.limit ?? 50,
        offset: request.query.offset ?? 0,
      });
      return { items: rows.map((r) => toPersonDto(r)), total };
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
      const parsed = parseResidentId(request.body.idNumber);
      if (!parsed.ok) throw new AppError('INTERNAL');
      const row = await findPersonByIdHash(
        db,
        cipher.blindIndex(parsed.value.idNumber),
        requestScope(request),
      );
      if (!row) throw new AppError('PERSON_NOT_FOUND');
      return toPersonDto(row);
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
        summary: '人员详情 — A person',
        params: uuidParams,
        response: { 200: personSchema },
      },
    },
    async (request) => toPersonDto(await requirePerson(db, request.params.id, requestScope(request))),
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
          minProperties: 1,
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
      toPersonDto(await updatePerson(db, cipher, request.params.id, request.body, requestScope(request))),
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
      return describeFacts('person', request.params.id, request.query);
    },
  );

  app.post<{ Body: FactInput }>(
    '/facts',
    {
      config: {
        access: 'registry:fact:edit',
        audit: { action: 'fact.create', subjectType: 'fact', subjectFrom: 'response' },
      },
      schema: {
        tags: ['registry'],
        summary: '登记一条事实（带来源与有效期）— Record a fact with provenance and validity',
        body: factBody,
        response: { 201: factRowSchema },
      },
    },
    async (request, reply) => {
      const [row] = await recordFacts(db, variables, requestScope(request), [request.body]);
      if (!row) throw new AppError('INTERNAL');
      return reply.status(201).send({
        id: row.id,
        variable: row.variable,
        value: JSON.parse(row.value_json) as number | boolean | string,
        source: row.source,
        observedAt: row.observed_at,
        validFrom: row.valid_from,
        validTo: row.valid_to,
        recordedAt: row.recorded_at,
      });
    },
  );

  const memberSchema = {
    type: 'object',
    properties: {
      personId: { type: 'string' },
      name: { type: 'string' },
      sex: { type: 'string' },
      age: { type: 'integer' },
      idNumberMasked: { type: 'string' },
      relationship: { type: 'string' },
      relationshipLabel: { type: 'string' },
      deceased: { type: 'boolean' },
      residenceAreaCode: { type: ['string', 'null'] },
    },
  } as const;

  const hukouHouseholdSchema = {
    type: 'object',
    properties: {
      id: { type: 'string' },
      hukouNumber: { type: 'string' },
      areaCode: { type: 'string' },
      address: { type: ['string', 'null'] },
      memberCount: { type: 'integer' },
      members: { type: 'array', items: memberSchema },
    },
  } as const;

  const showHukouHousehold = async (id: string, scope: DataScopeFilter) => {
    const household = await requireHukouHousehold(db, id, scope);
    const today = todayInChina();
    const members = await listHukouMembers(db, id);
    return {
      id: household.id,
      hukouNumber: household.hukou_number,
      areaCode: household.area_code,
      address: household.address,
      memberCount: members.length,
      members: members.map((m) => ({
        personId: m.person_id,
        name: m.name,
        sex: m.sex,
        age: ageOn(m.birth_date, m.death_date ?? today),
        idNumberMasked: m.id_number_masked,
        relationship: m.relationship,
        relationshipLabel: relationshipLabel(m.relationship) ?? m.relationship,
        deceased: m.death_date !== null,
        residenceAreaCode: m.residence_area_code,
      })),
    };
  };

  app.post<{ Body: CreateHukouHouseholdBody }>(
    '/hukou-households',
    {
      config: {
        access: 'registry:household:edit',
        audit: { action: 'hukou_household.create', subjectType: 'hukou_household', subjectFrom: 'response' },
      },
      schema: {
        tags: ['registry'],
        summary: '登记户籍户 — Register a hukou household',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['hukouNumber', 'areaCode', 'members'],
          properties: {
            hukouNumber: { type: 'string', pattern: '^\\d{6,20}$', description: '户号' },
            areaCode: { type: 'string', format: 'area-code' },
            address: { type: 'string', maxLength: 200 },
            members: {
              type: 'array',
              minItems: 1,
              maxItems: 50,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['personId', 'relationship'],
                properties: {
                  personId: { type: 'string', format: 'uuid' },
                  relationship: {
                    type: 'string',
                    pattern: '^\\d{2}$',
                    description: 'GB/T 4761-2008 与户主关系',
                  },
                  joinedOn: date,
                },
              },
            },
          },
        },
        response: { 201: hukouHouseholdSchema },
      },
    },
    async (request, reply) => {
      const household = await createHukouHousehold(db, request.body, requestScope(request));
      return reply.status(201).send(await showHukouHousehold(household.id, requestScope(request)));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/hukou-households/:id',
    {
      config: {
        access: 'registry:household:view',
        audit: { action: 'hukou_household.view', subjectType: 'hukou_household', subjectFrom: 'params' },
      },
      schema: {
        tags: ['registry'],
        summary: '户籍户及成员 — A hukou household with its members',
        params: uuidParams,
        response: { 200: hukouHouseholdSchema },
      },
    },
    async (request) => showHukouHousehold(request.params.id, requestScope(request)),
  );

  app.get<{ Querystring: { area: string; limit?: number; offset?: number } }>(
    '/hukou-households',
    {
      config: {
        access: 'registry:household:view',
        audit: { action: 'hukou_household.search', subjectType: 'hukou_household', subjectFrom: 'none' },
      },
      schema: {
        tags: ['registry'],
        summary: '区划内户籍户列表 — Hukou households within an area',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['area'],
          properties: {
            area: { type: 'string', format: 'area-code' },
            ...pagingProperties,
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: hukouHouseholdSchema }, total: { type: 'integer' } },
          },
        },
      },
    },
    async (request) => {
      const areaCode = await requireQueryArea(request.query.area);
      const { rows, total } = await listHukouHouseholdsWithin(
        db,
        areaCode,
        request.query.limit ?? 50,
        request.query.offset ?? 0,
        requestScope(request),
      );
      return {
        items: rows.map((r) => ({
          id: r.id,
          hukouNumber: r.hukou_number,
          areaCode: r.area_code,
          address: r.address,
          memberCount: r.member_count,
        })),
        total,
      };
    },
  );

  const assistanceHouseholdSchema = {
    type: 'object',
    properties: {
      id: { type: 'string' },
      areaCode: { type: 'string' },
      applicantPersonId: { type: 'string' },
      establishedOn: { type: 'string' },
      memberCount: { type: 'integer' },
      members: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            personId: { type: 'string' },
            name: { type: 'string' },
            age: { type: 'integer' },
            idNumberMasked: { type: 'string' },
            relation: { type: 'string' },
            included: { type: 'boolean' },
            basis: { type: 'string' },
            reason: { type: 'string' },
          },
        },
      },
    },
  } as const;

  const showAssistanceHousehold = async (id: string, scope: DataScopeFilter) => {
    const household = await requireAssistanceHousehold(db, id, scope);
    const members = await listAssistanceMembers(db, id);
    return {
      id: household.id,
      areaCode: household.area_code,
      applicantPersonId: household.applicant_person_id,
      establishedOn: household.established_on,
      memberCount: members.filter((m) => m.included === 1).length,
      members: members.map((m) => ({
        personId: m.person_id,
        name: m.name,
        age: ageOn(m.birth_date, household.established_on),
        idNumberMasked: m.id_number_masked,
        relation: m.relation,
        included: m.included === 1,
        basis: m.basis,
        reason: membershipReasons[m.basis as MembershipBasis],
      })),
    };
  };

  app.post<{ Body: CreateAssistanceHouseholdBody }>(
    '/assistance-households',
    {
      config: {
        access: 'registry:household:edit',
        audit: { action: 'household.create', subjectType: 'household', subjectFrom: 'response' },
      },
      schema: {
        tags: ['registry'],
        summary: '认定共同生活家庭 — Form an assistance household by the membership rules',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['applicantPersonId', 'establishedOn', 'candidates'],
          properties: {
            applicantPersonId: { type: 'string', format: 'uuid' },
            establishedOn: date,
            candidates: {
              type: 'array',
              maxItems: 50,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['personId', 'relation'],
                properties: {
                  personId: { type: 'string', format: 'uuid' },
                  relation: {
                    type: 'string',
                    enum: [
                      'spouse',
                      'child',
                      'parent',
                      'grandchild',
                      'grandparent',
                      'sibling',
                      'other_relative',
                      'non_relative',
                    ],
                  },
                },
              },
            },
          },
        },
        response: { 201: assistanceHouseholdSchema },
      },
    },
    async (request, reply) => {
      const { household } = await createAssistanceHousehold(db, request.body, requestScope(request));
      return reply.status(201).send(await showAssistanceHousehold(household.id, requestScope(request)));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/assistance-households/:id',
    {
      config: {
        access: 'registry:household:view',
        audit: { action: 'household.view', subjectType: 'household', subjectFrom: 'params' },
      },
      schema: {
        tags: ['registry'],
        summary: '共同生活家庭及成员认定理由 — An assistance household, members and reasons',
        params: uuidParams,
        response: { 200: assistanceHouseholdSchema },
      },
    },
    async (request) => showAssistanceHousehold(request.params.id, requestScope(request)),
  );

  app.get<{ Params: { id: string }; Querystring: { asOf?: string; knownAt?: string; history?: boolean } }>(
    '/assistance-households/:id/facts',
    {
      config: {
        access: 'registry:fact:view',
        audit: { action: 'household.facts.view', subjectType: 'household', subjectFrom: 'params' },
      },
      schema: {
        tags: ['registry'],
        summary: '家庭事实（按日期或全部历史）— A household’s facts as of a date',
        params: uuidParams,
        querystring: asOfQuery,
        response: factsResponse,
      },
    },
    async (request) => {
      await requireAssistanceHousehold(db, request.params.id, requestScope(request));
      return describeFacts('household', request.params.id, request.query);
    },
  );
}
