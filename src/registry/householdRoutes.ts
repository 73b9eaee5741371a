import { residenceOf } from './persons/personDto.ts';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/appContext.ts';
import { relationshipLabel } from './households/relationshipCodes.ts';
import { personMasker } from './persons/personMasking.ts';
import { basisReason } from './households/assistanceMembership.ts';
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
import { ageOn, todayInChina } from '../core/isoDate.ts';
import { requestScope } from '../http/accessHook.ts';
import type { DataScopeFilter } from '../access/scope/dataScope.ts';
import { requireQueryArea, describeFacts } from './registryRouteHelpers.ts';
import { uuidParams, date, pagingProperties, asOfQuery, factsResponse } from './registrySchemas.ts';

/** Hukou households and assistance households with their members (N2). */
export function registerHouseholdRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;
  const masker = async () => personMasker(context.cipher, await context.settings.maskingRules());

  const memberSchema = {
    type: 'object',
    properties: {
      personId: { type: 'string' },
      name: { type: 'string' },
      sex: { type: 'string', enum: ['male', 'female'] },
      birthDate: { type: 'string' },
      age: { type: 'integer' },
      idNumberMasked: { type: 'string', description: '脱敏身份证号' },
      relationship: { type: 'string', description: 'GB/T 4761-2008 与户主关系代码' },
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
      areaCode: { type: 'string', description: '户籍地区划；非本地户籍（流动人口）户为居住地' },
      hukouAreaElsewhere: {
        type: ['string', 'null'],
        description: '非本地户籍户的户籍地区划代码（外县）；本地户籍户为 null',
      },
      address: { type: ['string', 'null'] },
      memberCount: { type: 'integer' },
      members: { type: 'array', items: memberSchema },
    },
  } as const;

  const showHukouHousehold = async (id: string, scope: DataScopeFilter) => {
    const household = await requireHukouHousehold(db, id, scope);
    const today = todayInChina();
    const members = await listHukouMembers(db, id);
    const mask = await masker();
    return {
      id: household.id,
      hukouNumber: household.hukou_number,
      areaCode: household.area_code,
      hukouAreaElsewhere: household.hukou_area_elsewhere ?? null,
      address: household.address,
      memberCount: members.length,
      members: members.map((m) => ({
        personId: m.person_id,
        name: m.name,
        sex: m.sex,
        birthDate: m.birth_date,
        age: ageOn(m.birth_date, m.death_date ?? today),
        idNumberMasked: mask.idNumber(m.id_number_enc),
        relationship: m.relationship,
        relationshipLabel: relationshipLabel(m.relationship) ?? m.relationship,
        deceased: m.death_date !== null,
        residenceAreaCode: residenceOf(m),
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
              // No minItems: an empty list is refused by the head rule, with a clearer message.
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
      const areaCode = await requireQueryArea(db, request.query.area);
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
      caseNumber: { type: ['string', 'null'], description: '民政救助案件编号（由救助名册重建时）' },
      assistanceType: { type: ['string', 'null'], enum: ['dibao', 'tekun', 'nearDibao', null] },
      closedOn: { type: ['string', 'null'], description: '案件终止日期' },
      memberCount: { type: 'integer', description: '当前计入的成员数' },
      members: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            personId: { type: 'string' },
            name: { type: 'string' },
            sex: { type: 'string', enum: ['male', 'female'] },
            birthDate: { type: 'string' },
            age: { type: 'integer', description: '认定日的年龄' },
            idNumberMasked: { type: 'string', description: '脱敏身份证号' },
            relation: { type: 'string', description: '与申请人的关系' },
            included: { type: 'boolean' },
            basis: { type: 'string' },
            reason: { type: 'string' },
            validFrom: { type: 'string' },
            validTo: { type: ['string', 'null'], description: '成员资格终止日期（历史保留）' },
          },
        },
      },
    },
  } as const;

  const showAssistanceHousehold = async (id: string, scope: DataScopeFilter) => {
    const household = await requireAssistanceHousehold(db, id, scope);
    const members = await listAssistanceMembers(db, id);
    const mask = await masker();
    return {
      id: household.id,
      areaCode: household.area_code,
      applicantPersonId: household.applicant_person_id,
      establishedOn: household.established_on,
      caseNumber: household.case_number ?? null,
      assistanceType: household.assistance_type ?? null,
      closedOn: household.closed_on ?? null,
      memberCount: members.filter((m) => m.included === 1 && m.valid_to === null).length,
      members: members.map((m) => ({
        personId: m.person_id,
        name: m.name,
        sex: m.sex,
        birthDate: m.birth_date,
        age: ageOn(m.birth_date, household.established_on),
        idNumberMasked: mask.idNumber(m.id_number_enc),
        relation: m.relation,
        included: m.included === 1,
        basis: m.basis,
        reason: basisReason(m.basis),
        validFrom: m.valid_from,
        validTo: m.valid_to,
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
      return describeFacts(context, 'household', request.params.id, request.query);
    },
  );
}
