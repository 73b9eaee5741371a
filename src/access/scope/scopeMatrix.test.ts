import { randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../db/testing/eachDatabase.ts';
import {
  buildTestApp,
  ensureTestAccounts,
  injectAs,
  signIn,
  testContext,
  type Inject,
} from '../../http/testing/buildTestApp.ts';
import { listChildren } from '../../areas/areaRepository.ts';
import { testFieldCipher } from '../../core/fieldCipher.ts';
import { makeResidentId } from '../../registry/residentId/index.ts';
import { createPerson } from '../../registry/persons/personService.ts';
import { createHukouHousehold } from '../../registry/households/hukouHouseholdService.ts';
import { createAssistanceHousehold } from '../../registry/households/assistanceHouseholdService.ts';
import { systemScope } from './dataScope.ts';
import { refreshPortraits } from '../../portrait/refreshPortraits.ts';
import { portraitContextOf } from '../../portrait/portraitRefresher.ts';

/**
 * The role × route matrix: for EVERY registered API route, a village worker and a township
 * worker try to reach data outside their area (with real, guessed ids) and must get nothing.
 * A route missing from the table below fails the test, so new routes cannot skip it.
 */
interface Resident {
  personId: string;
  idNumber: string;
  villageCode: string;
  hukouId: string;
  householdId: string;
  findingId: string;
  visitPlanId: string;
  orderId: string;
  notificationId: number;
}

type Probe = (r: Resident) => InjectOptions;
type Expectation = 'refused' | 'list' | 'csv' | 'public' | 'bulk';

describeEachDatabase('scope matrix', (getDb) => {
  let app: FastifyInstance;
  let asVillage: Inject;
  let asTownship: Inject;
  const residents: Record<'own' | 'sameTownship' | 'otherTownship', Resident> = {} as never;

  beforeAll(async () => {
    const test = getDb();
    await ensureTestAccounts(test);
    const { db } = test;
    // The demo village worker serves the first village of the first town; the township
    // worker serves that town.
    const towns = (await listChildren(db, '371082000000')).filter((a) => a.kind === 'town');
    const [town, otherTown] = towns;
    if (!town || !otherTown) throw new Error('Rongcheng has towns');
    const [village, neighbour] = await listChildren(db, town.code);
    const [farVillage] = await listChildren(db, otherTown.code);
    if (!village || !neighbour || !farVillage) throw new Error('villages missing');
    const cipher = testFieldCipher();
    const make = async (villageCode: string, seq: number): Promise<Resident> => {
      const idNumber = makeResidentId('371082', '1975-06-0' + String(seq), seq);
      const person = await createPerson(
        db,
        cipher,
        { idNumber, name: `居民${seq}`, residenceAreaCode: villageCode, hukouAreaCode: villageCode },
        systemScope,
      );
      const hukou = await createHukouHousehold(
        db,
        {
          hukouNumber: `37108290${seq}`,
          areaCode: villageCode,
          members: [{ personId: person.id, relationship: '02' }],
        },
        systemScope,
      );
      const { household } = await createAssistanceHousehold(
        db,
        { applicantPersonId: person.id, establishedOn: '2026-11-01', candidates: [] },
        systemScope,
      );
      // A finding on the household, as a screening run would keep it (discovery routes below).
      const findingId = randomUUID();
      const at = new Date().toISOString();
      await db
        .insertInto('findings')
        .values({
          id: findingId,
          household_id: hukou.id,
          policy_id: 'dibao',
          subject: 'household',
          area_code: villageCode,
          kind: 'gap',
          status: 'new',
          resolution: null,
          assigned_to: null,
          amount: 860,
          amount_period: 'monthly',
          pool_version: 'test',
          data_version: '0',
          first_run_id: 'test',
          last_run_id: 'test',
          first_seen_at: at,
          last_seen_at: at,
          updated_at: at,
        })
        .execute();
      await db
        .insertInto('finding_explanations')
        .values({
          finding_id: findingId,
          explanation_json: '{}',
          run_id: 'test',
          pool_version: 'test',
          data_version: '0',
          explained_at: at,
        })
        .execute();
      // A visit plan for the village, listing the household.
      const visitPlanId = randomUUID();
      await db
        .insertInto('visit_plans')
        .values({
          id: visitPlanId,
          area_code: villageCode,
          quarter: '2026Q4',
          created_by: 'test',
          created_at: at,
        })
        .execute();
      await db
        .insertInto('visit_plan_items')
        .values({
          plan_id: visitPlanId,
          household_id: hukou.id,
          reasons_json: '["elderly_living_alone"]',
          visited_at: null,
          visited_by: null,
          note: null,
        })
        .execute();
      // A work order on the finding, and a message about it to the village's committee.
      const orderId = randomUUID();
      await db
        .insertInto('work_orders')
        .values({
          id: orderId,
          source: 'finding',
          type: 'gap',
          title: '应享未享：最低生活保障',
          description: null,
          finding_id: findingId,
          policy_id: 'dibao',
          household_id: hukou.id,
          person_id: null,
          area_code: villageCode,
          organisation_id: null,
          assignee_id: null,
          dispatcher_org_id: 'test',
          routing_rule_id: 'gap_village',
          priority: 'normal',
          status: 'created',
          outcome: null,
          outcome_policy_id: null,
          outcome_provider: null,
          outcome_note: null,
          caller_name: null,
          caller_phone_enc: null,
          sla_working_days: 10,
          clock_started_on: null,
          due_on: null,
          paused_since: null,
          version: 1,
          created_by: 'test',
          created_at: at,
          updated_at: at,
          resolved_at: null,
          resolved_on: null,
          closed_at: null,
        })
        .execute();
      const notification = await db
        .insertInto('notifications')
        .values({
          organisation_id: `committee-${villageCode}`,
          user_id: null,
          order_id: orderId,
          kind: 'dispatched',
          title: '新工单',
          body: null,
          created_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return {
        personId: person.id,
        idNumber,
        villageCode,
        hukouId: hukou.id,
        householdId: household.id,
        findingId,
        visitPlanId,
        orderId,
        notificationId: notification.id,
      };
    };
    residents.own = await make(village.code, 1);
    residents.sameTownship = await make(neighbour.code, 2);
    residents.otherTownship = await make(farVillage.code, 3);
    // Stored portraits exist, so the tag lists below would leak if scope were not applied.
    await refreshPortraits(portraitContextOf(testContext(test)));
    app = await buildTestApp(test, { as: null });
    asVillage = injectAs(app, await signIn(app, 'village'));
    asTownship = injectAs(app, await signIn(app, 'township'));
  });
  afterAll(async () => {
    await app.close();
  });

  const matrix: Record<string, [Expectation, Probe]> = {
    'POST /api/auth/login': [
      'public',
      () => ({ method: 'POST', url: '/api/auth/login', payload: { username: 'x', password: 'y' } }),
    ],
    'GET /api/auth/me': ['public', () => ({ method: 'GET', url: '/api/auth/me' })],
    'POST /api/auth/logout': ['public', () => ({ method: 'GET', url: '/api/auth/me' })],
    'POST /api/auth/logout-all': ['public', () => ({ method: 'GET', url: '/api/auth/me' })],
    'POST /api/auth/totp/setup': ['public', () => ({ method: 'GET', url: '/api/auth/me' })],
    'POST /api/auth/totp/enable': ['public', () => ({ method: 'GET', url: '/api/auth/me' })],
    'POST /api/auth/password': ['public', () => ({ method: 'GET', url: '/api/auth/me' })],
    'GET /api/audit': ['refused', () => ({ method: 'GET', url: '/api/audit' })],
    'GET /api/audit/export': ['refused', () => ({ method: 'GET', url: '/api/audit/export' })],
    'GET /api/audit/verify': ['refused', () => ({ method: 'GET', url: '/api/audit/verify' })],
    'GET /api/login-log': ['refused', () => ({ method: 'GET', url: '/api/login-log' })],
    'GET /api/users': ['refused', () => ({ method: 'GET', url: '/api/users' })],
    'GET /api/users/role-choices': ['refused', () => ({ method: 'GET', url: '/api/users/role-choices' })],
    'POST /api/users': [
      'refused',
      () => ({
        method: 'POST',
        url: '/api/users',
        payload: {
          username: 'newbie',
          displayName: '新',
          organisationId: '00000000-0000-4000-8000-000000000000',
          roleCodes: ['village_worker'],
        },
      }),
    ],
    'POST /api/users/:id/status': [
      'refused',
      () => ({
        method: 'POST',
        url: '/api/users/00000000-0000-4000-8000-000000000000/status',
        payload: { disabled: true },
      }),
    ],
    'PUT /api/users/:id/roles': [
      'refused',
      () => ({
        method: 'PUT',
        url: '/api/users/00000000-0000-4000-8000-000000000000/roles',
        payload: { roleCodes: ['county_staff'] },
      }),
    ],
    'POST /api/users/:id/reset-password': [
      'refused',
      () => ({
        method: 'POST',
        url: '/api/users/00000000-0000-4000-8000-000000000000/reset-password',
        payload: {},
      }),
    ],
    'GET /api/organisations': ['refused', () => ({ method: 'GET', url: '/api/organisations' })],
    'POST /api/organisations': [
      'refused',
      (r) => ({
        method: 'POST',
        url: '/api/organisations',
        payload: { name: '新机构', kind: 'partner', areaCode: r.villageCode },
      }),
    ],
    'GET /api/roles': ['refused', () => ({ method: 'GET', url: '/api/roles' })],
    'POST /api/roles': [
      'refused',
      () => ({
        method: 'POST',
        url: '/api/roles',
        payload: {
          code: 'helper',
          nameZh: '助手',
          nameEn: 'Helper',
          permissions: ['registry:person:view'],
          dataScope: 'all',
        },
      }),
    ],
    'PATCH /api/roles/:code': [
      'refused',
      () => ({ method: 'PATCH', url: '/api/roles/village_worker', payload: { dataScope: 'all' } }),
    ],
    'GET /api/permissions': ['refused', () => ({ method: 'GET', url: '/api/permissions' })],
    'GET /api/settings/system': ['refused', () => ({ method: 'GET', url: '/api/settings/system' })],
    'GET /api/settings/security': ['refused', () => ({ method: 'GET', url: '/api/settings/security' })],
    'PUT /api/settings/system/:key': [
      'refused',
      () => ({
        method: 'PUT',
        url: '/api/settings/system/masking.idNumber',
        payload: { value: { keepStart: 0, keepEnd: 0 } },
      }),
    ],
    'PUT /api/settings/security/:key': [
      'refused',
      () => ({ method: 'PUT', url: '/api/settings/security/maxFailedLogins', payload: { value: 10 } }),
    ],
    // Department feeds are the county's and the departments' business, not a village's.
    'GET /api/feeds': ['refused', () => ({ method: 'GET', url: '/api/feeds' })],
    'POST /api/feeds/:id/imports': [
      'refused',
      () => ({
        method: 'POST',
        url: '/api/feeds/public_security_population/imports',
        headers: { 'content-type': 'application/octet-stream' },
        payload: Buffer.from('x'),
      }),
    ],
    'GET /api/imports': ['refused', () => ({ method: 'GET', url: '/api/imports' })],
    'GET /api/imports/:id': ['refused', () => ({ method: 'GET', url: '/api/imports/x' })],
    'GET /api/imports/:id/errors.xlsx': [
      'refused',
      () => ({ method: 'GET', url: '/api/imports/x/errors.xlsx' }),
    ],
    'GET /api/feeds/:id/template.xlsx': [
      'refused',
      () => ({ method: 'GET', url: '/api/feeds/public_security_population/template.xlsx' }),
    ],
    'GET /api/link-reviews': ['refused', () => ({ method: 'GET', url: '/api/link-reviews' })],
    'POST /api/link-reviews/:id': [
      'refused',
      (r) => ({ method: 'POST', url: '/api/link-reviews/1', payload: { personId: r.personId } }),
    ],
    // Code tables hold no personal data: every signed-in user reads the same ones.
    'GET /api/dictionaries': ['public', () => ({ method: 'GET', url: '/api/dictionaries' })],
    'GET /api/variables': ['public', () => ({ method: 'GET', url: '/api/variables' })],
    'GET /api/departments': ['public', () => ({ method: 'GET', url: '/api/departments' })],
    // The area tree is published administrative data: readable by every signed-in user.
    'GET /api/areas/:code': ['public', (r) => ({ method: 'GET', url: `/api/areas/${r.villageCode}` })],
    'GET /api/areas/:code/children': [
      'public',
      (r) => ({ method: 'GET', url: `/api/areas/${r.villageCode}/children` }),
    ],
    'GET /api/areas/:code/descendants': [
      'public',
      (r) => ({ method: 'GET', url: `/api/areas/${r.villageCode}/descendants` }),
    ],
    'GET /api/areas/:code/history': [
      'public',
      (r) => ({ method: 'GET', url: `/api/areas/${r.villageCode}/history` }),
    ],
    'POST /api/areas': [
      'refused',
      (r) => ({
        method: 'POST',
        url: '/api/areas',
        payload: {
          code: r.villageCode.slice(0, 9) + '450',
          name: '新',
          parentCode: r.villageCode.slice(0, 9),
          effectiveOn: '2026-01-01',
        },
      }),
    ],
    'PATCH /api/areas/:code': [
      'refused',
      (r) => ({
        method: 'PATCH',
        url: `/api/areas/${r.villageCode}`,
        payload: { name: '改', effectiveOn: '2026-01-01' },
      }),
    ],
    'POST /api/areas/:code/move': [
      'refused',
      (r) => ({
        method: 'POST',
        url: `/api/areas/${r.villageCode}/move`,
        payload: { parentCode: '371082001', effectiveOn: '2026-01-01' },
      }),
    ],
    'POST /api/areas/:code/retire': [
      'refused',
      (r) => ({
        method: 'POST',
        url: `/api/areas/${r.villageCode}/retire`,
        payload: { effectiveOn: '2026-01-01' },
      }),
    ],
    'POST /api/areas/:code/merge': [
      'refused',
      (r) => ({
        method: 'POST',
        url: `/api/areas/${r.villageCode}/merge`,
        payload: { intoCode: '371082001001', effectiveOn: '2026-01-01' },
      }),
    ],
    'POST /api/persons': [
      'refused',
      (r) => ({
        method: 'POST',
        url: '/api/persons',
        payload: {
          idNumber: makeResidentId('371082', '1990-01-01', 77),
          name: '新人',
          residenceAreaCode: r.villageCode,
        },
      }),
    ],
    'GET /api/persons': ['list', (r) => ({ method: 'GET', url: `/api/persons?area=${r.villageCode}` })],
    'POST /api/persons/lookup': [
      'refused',
      (r) => ({ method: 'POST', url: '/api/persons/lookup', payload: { idNumber: r.idNumber } }),
    ],
    'GET /api/persons/:id': ['refused', (r) => ({ method: 'GET', url: `/api/persons/${r.personId}` })],
    'POST /api/persons/:id/reveal': [
      'refused',
      (r) => ({
        method: 'POST',
        url: `/api/persons/${r.personId}/reveal`,
        payload: { fields: ['idNumber'], reason: '核对' },
      }),
    ],
    'PATCH /api/persons/:id': [
      'refused',
      (r) => ({ method: 'PATCH', url: `/api/persons/${r.personId}`, payload: { name: '改名' } }),
    ],
    // Merging is county work: village and township staff hold no merge permission.
    'GET /api/person-merge-candidates': [
      'refused',
      (r) => ({ method: 'GET', url: `/api/person-merge-candidates?area=${r.villageCode}` }),
    ],
    'POST /api/person-merges': [
      'refused',
      (r) => ({
        method: 'POST',
        url: '/api/person-merges',
        payload: {
          survivorId: r.personId,
          duplicateId: r.hukouId,
          reason: '核实',
          confirmDifferentIds: true,
        },
      }),
    ],
    'POST /api/person-merges/:id/split': [
      'refused',
      () => ({
        method: 'POST',
        url: '/api/person-merges/00000000-0000-4000-8000-000000000000/split',
        payload: { reason: '拆分' },
      }),
    ],
    'GET /api/persons/:id/merges': [
      'refused',
      (r) => ({ method: 'GET', url: `/api/persons/${r.personId}/merges` }),
    ],
    'GET /api/persons/:id/facts': [
      'refused',
      (r) => ({ method: 'GET', url: `/api/persons/${r.personId}/facts` }),
    ],
    'POST /api/facts': [
      'refused',
      (r) => ({
        method: 'POST',
        url: '/api/facts',
        payload: {
          subjectType: 'person',
          subjectId: r.personId,
          variable: 'serious_illness',
          value: true,
          source: 'health',
          observedAt: '2026-01-01',
          validFrom: '2026-01-01',
        },
      }),
    ],
    'POST /api/hukou-households': [
      'refused',
      (r) => ({
        method: 'POST',
        url: '/api/hukou-households',
        payload: {
          hukouNumber: '371082999',
          areaCode: r.villageCode,
          members: [{ personId: r.personId, relationship: '02' }],
        },
      }),
    ],
    'GET /api/hukou-households': [
      'list',
      (r) => ({ method: 'GET', url: `/api/hukou-households?area=${r.villageCode}` }),
    ],
    'GET /api/hukou-households/:id': [
      'refused',
      (r) => ({ method: 'GET', url: `/api/hukou-households/${r.hukouId}` }),
    ],
    'POST /api/assistance-households': [
      'refused',
      (r) => ({
        method: 'POST',
        url: '/api/assistance-households',
        payload: { applicantPersonId: r.personId, establishedOn: '2026-11-02', candidates: [] },
      }),
    ],
    'GET /api/assistance-households/:id': [
      'refused',
      (r) => ({ method: 'GET', url: `/api/assistance-households/${r.householdId}` }),
    ],
    // Definitions hold no personal data; counts and lists are filtered by scope (total 0 outside).
    'GET /api/portrait/definitions': ['public', () => ({ method: 'GET', url: '/api/portrait/definitions' })],
    'GET /api/portrait/tag-counts': [
      'list',
      (r) => ({ method: 'GET', url: `/api/portrait/tag-counts?area=${r.villageCode}` }),
    ],
    'GET /api/portrait/tags/:code/subjects': [
      'list',
      (r) => ({
        method: 'GET',
        url: `/api/portrait/tags/no_recorded_income_household/subjects?area=${r.villageCode}`,
      }),
    ],
    'GET /api/persons/:id/portrait': [
      'refused',
      (r) => ({ method: 'GET', url: `/api/persons/${r.personId}/portrait` }),
    ],
    'GET /api/hukou-households/:id/portrait': [
      'refused',
      (r) => ({ method: 'GET', url: `/api/hukou-households/${r.hukouId}/portrait` }),
    ],
    'GET /api/assistance-households/:id/facts': [
      'refused',
      (r) => ({ method: 'GET', url: `/api/assistance-households/${r.householdId}/facts` }),
    ],
    // The pool is law as data, the same for everyone; an ad-hoc match stores and reveals nothing.
    'GET /api/policies': ['public', () => ({ method: 'GET', url: '/api/policies' })],
    'GET /api/policies/:id': ['public', () => ({ method: 'GET', url: '/api/policies/dibao' })],
    'GET /api/parameters': ['public', () => ({ method: 'GET', url: '/api/parameters' })],
    'GET /api/parameters/:name': ['public', () => ({ method: 'GET', url: '/api/parameters/dibao.standard' })],
    'POST /api/policies/reload': ['public', () => ({ method: 'GET', url: '/api/policies' })],
    'POST /api/rules/match': ['public', () => ({ method: 'GET', url: '/api/policies' })],
    'GET /api/rules/vocabulary': ['public', () => ({ method: 'GET', url: '/api/rules/vocabulary' })],
    'GET /api/hukou-households/:id/policy-match': [
      'refused',
      (r) => ({ method: 'GET', url: `/api/hukou-households/${r.hukouId}/policy-match` }),
    ],
    // Screening runs are counts, no person or household: every finding viewer sees them.
    'GET /api/screening-runs': ['public', () => ({ method: 'GET', url: '/api/screening-runs' })],
    'GET /api/screening-runs/:id': ['public', () => ({ method: 'GET', url: '/api/screening-runs' })],
    'POST /api/screening-runs': [
      'refused',
      (r) => ({ method: 'POST', url: '/api/screening-runs', payload: { areaCode: r.villageCode } }),
    ],
    'GET /api/findings': ['list', (r) => ({ method: 'GET', url: `/api/findings?area=${r.villageCode}` })],
    // Counts within the caller's scope only (the test below checks a village worker sees one village).
    'GET /api/discovery/cockpit': ['public', () => ({ method: 'GET', url: '/api/discovery/cockpit' })],
    'POST /api/simulations': [
      'refused',
      (r) => ({
        method: 'POST',
        url: '/api/simulations',
        payload: {
          areaCode: r.villageCode,
          scenarios: [
            { name: 'x', changes: [{ name: 'dibao.standard', region: 'CN', from: '2026-01-01', value: 1 }] },
          ],
        },
      }),
    ],
    'POST /api/visit-plans': [
      'refused',
      (r) => ({
        method: 'POST',
        url: '/api/visit-plans',
        payload: { quarter: '2026Q4', areaCode: r.villageCode },
      }),
    ],
    'GET /api/visit-plans': [
      'list',
      (r) => ({ method: 'GET', url: `/api/visit-plans?quarter=2026Q4&area=${r.villageCode}` }),
    ],
    'GET /api/visit-plans/:id': [
      'refused',
      (r) => ({ method: 'GET', url: `/api/visit-plans/${r.visitPlanId}` }),
    ],
    'POST /api/visit-plans/:id/visits': [
      'refused',
      (r) => ({
        method: 'POST',
        url: `/api/visit-plans/${r.visitPlanId}/visits`,
        payload: { householdId: r.hukouId },
      }),
    ],
    // Models hold no personal data; changing them is the county's (403 below it).
    'GET /api/assessment/models': ['public', () => ({ method: 'GET', url: '/api/assessment/models' })],
    'GET /api/assessment/models/:id/versions/:version': [
      'public',
      () => ({ method: 'GET', url: '/api/assessment/models/default_seven_dimensions/versions/1' }),
    ],
    'POST /api/assessment/models/preview': [
      'refused',
      () => ({ method: 'POST', url: '/api/assessment/models/preview', payload: { definition: {} } }),
    ],
    'POST /api/assessment/models': [
      'refused',
      () => ({ method: 'POST', url: '/api/assessment/models', payload: { definition: {} } }),
    ],
    'POST /api/assessment/models/:id/versions/:version/activate': [
      'refused',
      () => ({
        method: 'POST',
        url: '/api/assessment/models/default_seven_dimensions/versions/1/activate',
        payload: {},
      }),
    ],
    'GET /api/assessment/areas': [
      'refused',
      (r) => ({
        method: 'GET',
        url: `/api/assessment/areas?model=default_seven_dimensions&area=${r.villageCode}`,
      }),
    ],
    'GET /api/hukou-households/:id/assessments': [
      'refused',
      (r) => ({ method: 'GET', url: `/api/hukou-households/${r.hukouId}/assessments` }),
    ],
    'GET /api/findings/export': [
      'csv',
      (r) => ({ method: 'GET', url: `/api/findings/export?area=${r.villageCode}` }),
    ],
    'GET /api/findings/:id': ['refused', (r) => ({ method: 'GET', url: `/api/findings/${r.findingId}` })],
    'POST /api/findings/:id/actions': [
      'refused',
      (r) => ({ method: 'POST', url: `/api/findings/${r.findingId}/actions`, payload: { action: 'assign' } }),
    ],
    // Work orders (issue 8): every order-specific route refuses an order outside the scope.
    'GET /api/work-orders': [
      'refused',
      (r) => ({ method: 'GET', url: `/api/work-orders?areaCode=${r.villageCode}` }),
    ],
    // Counts within the caller's scope only (checked below); no order outside it is named.
    'GET /api/work-orders/board': ['public', () => ({ method: 'GET', url: '/api/work-orders/board' })],
    'GET /api/work-orders/sla': ['public', () => ({ method: 'GET', url: '/api/work-orders/sla' })],
    // Organisations are not personal data: any dispatcher picks from them.
    'GET /api/work-orders/organisations': [
      'public',
      () => ({ method: 'GET', url: '/api/work-orders/organisations' }),
    ],
    'GET /api/work-orders/:id': ['refused', (r) => ({ method: 'GET', url: `/api/work-orders/${r.orderId}` })],
    'POST /api/work-orders': [
      'refused',
      (r) => ({
        method: 'POST',
        url: '/api/work-orders',
        payload: { source: 'manual', title: '越权', areaCode: r.villageCode },
      }),
    ],
    'POST /api/work-orders/from-finding': [
      'refused',
      (r) => ({ method: 'POST', url: '/api/work-orders/from-finding', payload: { findingId: r.findingId } }),
    ],
    'POST /api/work-orders/:id/actions': [
      'refused',
      (r) => ({
        method: 'POST',
        url: `/api/work-orders/${r.orderId}/actions`,
        payload: { action: 'cancel', note: 'x' },
      }),
    ],
    'POST /api/work-orders/bulk-dispatch': [
      'bulk',
      (r) => ({
        method: 'POST',
        url: '/api/work-orders/bulk-dispatch',
        payload: { ids: [r.orderId], organisationId: '00000000-0000-4000-8000-000000000000' },
      }),
    ],
    // Routes only the findings in the caller's own scope (a village worker may not at all).
    'POST /api/work-orders/route-findings': [
      'public',
      () => ({ method: 'POST', url: '/api/work-orders/route-findings', payload: {} }),
    ],
    'POST /api/work-orders/:id/parts': [
      'refused',
      (r) => ({ method: 'POST', url: `/api/work-orders/${r.orderId}/parts`, payload: { status: 'done' } }),
    ],
    'POST /api/work-orders/:id/comments': [
      'refused',
      (r) => ({ method: 'POST', url: `/api/work-orders/${r.orderId}/comments`, payload: { body: 'x' } }),
    ],
    'POST /api/work-orders/:id/attachments': [
      'refused',
      (r) => ({
        method: 'POST',
        url: `/api/work-orders/${r.orderId}/attachments`,
        payload: { name: 'a.pdf', contentType: 'application/pdf', contentBase64: 'JVBERi0=' },
      }),
    ],
    'GET /api/work-orders/:id/attachments/:attachmentId': [
      'refused',
      (r) => ({ method: 'GET', url: `/api/work-orders/${r.orderId}/attachments/${r.orderId}` }),
    ],
    // The caller's own inbox only (checked below).
    'GET /api/inbox': ['public', () => ({ method: 'GET', url: '/api/inbox' })],
    // The caller's own messages only.
    'POST /api/inbox/read-all': [
      'public',
      () => ({ method: 'POST', url: '/api/inbox/read-all', payload: {} }),
    ],
    'POST /api/inbox/:id/read': [
      'refused',
      (r) => ({ method: 'POST', url: `/api/inbox/${String(r.notificationId)}/read`, payload: {} }),
    ],
    'GET /api/work-calendar': [
      'public',
      (r) => ({ method: 'GET', url: `/api/work-calendar?year=2026&areaCode=${r.villageCode}` }),
    ],
    'GET /api/work-calendar/overrides': [
      'public',
      () => ({ method: 'GET', url: '/api/work-calendar/overrides' }),
    ],
    'POST /api/work-calendar/overrides': [
      'refused',
      (r) => ({
        method: 'POST',
        url: '/api/work-calendar/overrides',
        payload: { regionCode: r.villageCode, day: '2026-12-01', kind: 'holiday', name: 'x' },
      }),
    ],
    'DELETE /api/work-calendar/overrides/:regionCode/:day': [
      'refused',
      (r) => ({ method: 'DELETE', url: `/api/work-calendar/overrides/${r.villageCode}/2026-12-01` }),
    ],
  };

  it('covers every registered API route', async () => {
    await app.ready();
    const routes = app.registeredRoutes
      .filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`);
    expect(routes.filter((r) => !(r in matrix))).toEqual([]);
  });

  const expectOutside = async (inject: Inject, outsider: Resident) => {
    for (const [route, [expectation, probe]] of Object.entries(matrix)) {
      if (expectation === 'public') continue;
      const res = await inject(probe(outsider));
      if (expectation === 'refused') {
        expect([400, 403, 404], `${route}: ${res.body}`).toContain(res.statusCode);
      } else if (expectation === 'bulk') {
        // Refused whole (no permission), or each order outside the scope reported as not found.
        if (res.statusCode !== 403) {
          expect(res.statusCode, route).toBe(200);
          expect(res.json<{ dispatched: number }>().dispatched, route).toBe(0);
        }
      } else if (expectation === 'csv') {
        // An export of an area outside the scope: the header and nothing else.
        expect(res.statusCode, route).toBe(200);
        expect(res.body.trim().split('\r\n'), route).toHaveLength(1);
      } else {
        expect(res.statusCode, route).toBe(200);
        expect(res.json<{ total: number }>().total, route).toBe(0);
      }
    }
  };

  it('a village worker reaches nothing outside their village, not even in their own township', async () => {
    await expectOutside(asVillage, residents.sameTownship);
    await expectOutside(asVillage, residents.otherTownship);
    expect(
      (await asVillage({ method: 'GET', url: `/api/persons/${residents.own.personId}` })).statusCode,
    ).toBe(200);
    // Their own village's finding, and only that one.
    expect(
      (await asVillage({ method: 'GET', url: `/api/findings/${residents.own.findingId}` })).statusCode,
    ).toBe(200);
    const cockpit = await asVillage({ method: 'GET', url: '/api/discovery/cockpit' });
    expect(
      cockpit
        .json<{ counts: { n: number }[]; latestWarnings: unknown[] }>()
        .counts.reduce((n, c) => n + c.n, 0),
    ).toBe(1);
    const findings = await asVillage({ method: 'GET', url: '/api/findings' });
    expect(findings.json<{ items: { id: string }[] }>().items.map((f) => f.id)).toEqual([
      residents.own.findingId,
    ]);
    const county = await asVillage({ method: 'GET', url: '/api/persons?area=371082' });
    expect(county.json<{ items: { id: string }[] }>().items.map((p) => p.id)).toEqual([
      residents.own.personId,
    ]);
    // Work orders: their own village's only, in the list and on the board.
    const orders = await asVillage({ method: 'GET', url: '/api/work-orders' });
    expect(orders.json<{ items: { id: string }[] }>().items.map((o) => o.id)).toEqual([
      residents.own.orderId,
    ]);
    const board = await asVillage({ method: 'GET', url: '/api/work-orders/board' });
    const counted = board
      .json<{ organisations: { counts: Record<string, number> }[] }>()
      .organisations.flatMap((o) => Object.values(o.counts));
    expect(counted.reduce((n, c) => n + c, 0)).toBe(1);
    const inbox = await asVillage({ method: 'GET', url: '/api/inbox' });
    expect(inbox.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('a township worker sees all its villages and nothing beyond', async () => {
    await expectOutside(asTownship, residents.otherTownship);
    for (const r of [residents.own, residents.sameTownship]) {
      expect((await asTownship({ method: 'GET', url: `/api/persons/${r.personId}` })).statusCode).toBe(200);
      expect(
        (await asTownship({ method: 'GET', url: `/api/hukou-households/${r.hukouId}` })).statusCode,
      ).toBe(200);
      expect(
        (await asTownship({ method: 'GET', url: `/api/assistance-households/${r.householdId}` })).statusCode,
      ).toBe(200);
    }
    const county = await asTownship({ method: 'GET', url: '/api/persons?area=371082' });
    expect(
      county
        .json<{ items: { id: string }[] }>()
        .items.map((p) => p.id)
        .sort(),
    ).toEqual([residents.own.personId, residents.sameTownship.personId].sort());
  });

  it('anonymous callers reach no API route but sign-in and the published area tree', async () => {
    for (const [route, [, probe]] of Object.entries(matrix)) {
      if (route === 'POST /api/auth/login') continue;
      if (route.startsWith('GET /api/areas/')) {
        expect((await app.inject(probe(residents.own))).statusCode, route).toBe(200);
        continue;
      }
      const res = await app.inject(probe(residents.own));
      expect([400, 401], `${route}: ${res.body}`).toContain(res.statusCode);
    }
  });
});
