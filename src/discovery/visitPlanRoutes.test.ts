import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import { buildTestApp, injectAs, signIn } from '../http/testing/buildTestApp.ts';
import { importGeneratedCounty } from '../ingest/testing/importGeneratedCounty.ts';
import type { ErrorBody } from '../http/errorHandler.ts';
import { visitReasons } from './visitPlans.ts';

const asOf = '2026-11-01';

interface Plan {
  id: string;
  areaCode: string;
  households: number;
  visited: number;
}
interface PlanDetail {
  items: {
    householdId: string;
    hukouNumber: string;
    reasons: { code: string; label: { zh: string } }[];
    visitedAt: string | null;
  }[];
}

describeEachDatabase('visit plans', (getDb) => {
  let app: FastifyInstance;
  let dir: string;
  beforeAll(async () => {
    dir = await importGeneratedCounty(getDb(), { households: 150, seed: 5, referenceDate: asOf });
    app = await buildTestApp(getDb());
  }, 120_000);
  afterAll(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('plans each village’s key households once a quarter, and records visits', async () => {
    const made = await app.inject({
      method: 'POST',
      url: '/api/visit-plans',
      payload: { quarter: '2026Q4' },
    });
    expect(made.statusCode, made.body).toBe(201);
    const result = made.json<{ plans: number; households: number; alreadyPlanned: number }>();
    expect(result.plans).toBeGreaterThan(0);
    expect(result.alreadyPlanned).toBe(0);
    // Exactly the households carrying one of the reasons' tags.
    const tagged = await getDb()
      .db.selectFrom('portrait_tags')
      .select('subject_id')
      .distinct()
      .where('subject_type', '=', 'hukou_household')
      .where('state', '=', 'yes')
      .where('tag', 'in', [...visitReasons])
      .execute();
    expect(result.households).toBe(tagged.length);

    // Once a quarter: a second run plans nothing new.
    const again = (
      await app.inject({ method: 'POST', url: '/api/visit-plans', payload: { quarter: '2026Q4' } })
    ).json<{
      plans: number;
      alreadyPlanned: number;
    }>();
    expect(again).toMatchObject({ plans: 0, alreadyPlanned: result.plans });

    const list = (await app.inject({ method: 'GET', url: '/api/visit-plans?quarter=2026Q4' })).json<{
      items: Plan[];
    }>();
    expect(list.items.reduce((n, p) => n + p.households, 0)).toBe(result.households);
    const plan = list.items[0];
    const detail = (
      await app.inject({ method: 'GET', url: `/api/visit-plans/${plan?.id ?? ''}` })
    ).json<PlanDetail>();
    const first = detail.items[0];
    expect(first?.reasons.length).toBeGreaterThan(0);
    expect(first?.reasons[0]?.label.zh).toBeTruthy();

    const visit = await app.inject({
      method: 'POST',
      url: `/api/visit-plans/${plan?.id ?? ''}/visits`,
      payload: { householdId: first?.householdId, note: '老人身体尚可，需要助餐' },
    });
    expect(visit.statusCode, visit.body).toBe(200);
    const after = (await app.inject({ method: 'GET', url: '/api/visit-plans?quarter=2026Q4' })).json<{
      items: Plan[];
    }>();
    expect(after.items.find((p) => p.id === plan?.id)?.visited).toBe(1);
    // A household that is not on this plan is refused with the reason.
    const stranger = await app.inject({
      method: 'POST',
      url: `/api/visit-plans/${plan?.id ?? ''}/visits`,
      payload: { householdId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json<ErrorBody>().error.code).toBe('VISIT_NOT_ON_PLAN');

    // A village worker sees only their village's plan (if it has one).
    const village = injectAs(app, await signIn(app, 'village'));
    const theirs = (await village({ method: 'GET', url: '/api/visit-plans?quarter=2026Q4' })).json<{
      items: Plan[];
    }>();
    expect(new Set(theirs.items.map((p) => p.areaCode)).size).toBeLessThanOrEqual(1);
    expect(theirs.items.length).toBeLessThan(list.items.length);
    // A malformed quarter is refused by the schema, naming the field.
    const bad = await app.inject({
      method: 'POST',
      url: '/api/visit-plans',
      payload: { quarter: '2026-Q5' },
    });
    expect(bad.statusCode).toBe(400);
  });
});
