import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import { buildTestApp, injectAs, signIn, testContext } from '../http/testing/buildTestApp.ts';
import { importGeneratedCounty } from '../ingest/testing/importGeneratedCounty.ts';
import { screenedHouseholds } from '../rules/householdSubject.ts';
import type { ErrorBody } from '../http/errorHandler.ts';
import { assessHousehold } from './assessHousehold.ts';

const asOf = '2026-11-01';
const MODEL = 'default_seven_dimensions';

interface Measures {
  households: number;
  population: number;
  poor: number;
  H: number;
  A: number;
  M0: number;
  contributions: number[];
  dimensions: { id: string; contribution: number }[];
}
interface AreaResult {
  model: { id: string; version: number; k: string; indicators: { id: string }[] };
  history: { modelVersion: number; H: number; M0: number; population: number }[];
  byTag: { groups: (Measures & { state: string; populationShare: number })[] } | null;
  change: { H: { absolute: number }; M0: { absolute: number } } | null;
  areaCode: string | null;
  pending: number;
  total: Measures;
  bands: { band: string | null; households: number; persons: number }[];
  areas: (Measures & { code: string; name: string; populationShare: number; contribution: number })[];
}
interface View {
  model: { id: string; version: number; active: boolean };
  score: string;
  poor: boolean;
  band: string | null;
  indicators: { id: string; state: string; reason: { zh: string } | null }[];
  dimensions: { id: string; deprivedShare: number }[];
}

describeEachDatabase('assessment routes', (getDb) => {
  let app: FastifyInstance;
  let dir: string;
  beforeAll(async () => {
    dir = await importGeneratedCounty(getDb(), { households: 120, seed: 11, referenceDate: asOf });
    app = await buildTestApp(getDb());
  }, 120_000);
  afterAll(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const screen = async () => {
    const started = await app.inject({ method: 'POST', url: '/api/screening-runs', payload: { asOf } });
    expect(started.statusCode, started.body).toBe(202);
    const { id } = started.json<{ id: string }>();
    for (;;) {
      const run = (await app.inject({ method: 'GET', url: `/api/screening-runs/${id}` })).json<{
        status: string;
      }>();
      if (run.status !== 'running') return run;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const areas = async (query = '') => {
    const res = await app.inject({ method: 'GET', url: `/api/assessment/areas?model=${MODEL}${query}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<AreaResult>();
  };

  it('assesses every household in a screening run, and decomposes the county by township', async () => {
    const models = (await app.inject({ method: 'GET', url: '/api/assessment/models' })).json<{
      models: { id: string; active: { version: number; indicators: unknown[] } | null }[];
    }>().models;
    expect(models.map((m) => [m.id, m.active?.version])).toEqual([
      ['changning_needs', 1],
      [MODEL, 1],
    ]);
    expect(models.find((m) => m.id === MODEL)?.active?.indicators.length).toBeGreaterThanOrEqual(20);
    // Nothing assessed before a run.
    expect((await areas()).total.households).toBe(0);

    expect((await screen()).status).toBe('completed');
    const households = await getDb().db.selectFrom('hukou_households').select(['id', 'area_code']).execute();
    const county = await areas();
    expect(county.total.households).toBe(households.length);
    expect(county.pending).toBe(0);
    expect(county.total.M0).toBeCloseTo(county.total.H * county.total.A, 12);
    // The townships add up to the county: households, people, and M0 weighted by population.
    expect(county.areas.reduce((s, a) => s + a.households, 0)).toBe(households.length);
    expect(county.areas.reduce((s, a) => s + a.populationShare * a.M0, 0)).toBeCloseTo(county.total.M0, 12);
    if (county.total.M0 > 0) {
      expect(county.areas.reduce((s, a) => s + a.contribution, 0)).toBeCloseTo(1, 12);
      expect(county.total.dimensions.reduce((s, d) => s + d.contribution, 0)).toBeCloseTo(1, 12);
    }
    expect(county.bands.reduce((s, b) => s + b.households, 0)).toBe(households.length);
    // Decomposed by a household tag instead: with it, without it, not known — adding up again.
    const tagged = await getDb()
      .db.selectFrom('portrait_tags')
      .select(['tag', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('subject_type', '=', 'hukou_household')
      .where('state', '=', 'yes')
      .groupBy('tag')
      .orderBy('tag')
      .executeTakeFirst();
    if (!tagged) throw new Error('the county has no household tag');
    const byTag = (await areas(`&tag=${tagged.tag}`)).byTag;
    expect(byTag?.groups.map((g) => g.state)).toEqual(['yes', 'no', 'unknown']);
    expect(byTag?.groups[0]?.households).toBe(Number(tagged.n));
    expect(byTag?.groups.reduce((s, g) => s + g.households, 0)).toBe(households.length);
    expect(byTag?.groups.reduce((s, g) => s + g.populationShare * g.M0, 0)).toBeCloseTo(county.total.M0, 12);
    const unknownTag = await app.inject({
      method: 'GET',
      url: `/api/assessment/areas?model=${MODEL}&tag=no_such_tag`,
    });
    expect(unknownTag.statusCode).toBe(404);

    // A second run with nothing changed rewrites no assessment: each row keeps the run that wrote it.
    const written = async () =>
      (
        await getDb()
          .db.selectFrom('household_assessments')
          .select(['household_id', 'model_id', 'run_id'])
          .execute()
      )
        .map((r) => `${r.household_id}/${r.model_id}/${r.run_id}`)
        .sort();
    const before = await written();
    expect((await screen()).status).toBe('completed');
    expect(await written()).toEqual(before);
    // Each full run keeps the county's totals: two periods, nothing changed between them.
    const again = await areas();
    expect(again.history.map((h) => h.modelVersion)).toEqual([1, 1]);
    expect(again.history.at(-1)?.H).toBeCloseTo(again.total.H, 12);
    expect(again.history.at(-1)?.M0).toBeCloseTo(again.total.M0, 12);
    expect(again.history.at(-1)?.population).toBe(again.total.population);
    expect([again.change?.H.absolute, again.change?.M0.absolute]).toEqual([0, 0]);
  });

  it('holds the stored results equal to judging each household’s portrait again, with reasons in words', async () => {
    const context = testContext(getDb());
    const [active] = (await context.assessment.active()).filter((m) => m.model.id === MODEL);
    if (!active) throw new Error('model not active');
    const households = await getDb().db.selectFrom('hukou_households').select(['id', 'area_code']).execute();
    const screened = await screenedHouseholds(context, households, asOf);
    // Judged again here from each portrait, independently of the rows the run stored.
    const live = households.map((h) => {
      const values = screened.get(h.id)?.values() ?? never();
      return { h, persons: values.members.length, live: assessHousehold(active.model, values) };
    });
    const county = await areas();
    expect(county.total.poor).toBe(live.reduce((s, x) => s + (x.live.poor ? x.persons : 0), 0));
    for (const band of county.bands)
      expect(band.households, String(band.band)).toBe(live.filter((x) => x.live.band === band.band).length);
    // The household most deprived, as its portrait shows it.
    const [top] = [...live].sort((a, b) => b.live.scoreValue - a.live.scoreValue);
    if (!top || top.live.scoreValue === 0) throw new Error('no household is deprived in anything');
    const res = await app.inject({ method: 'GET', url: `/api/hukou-households/${top.h.id}/assessments` });
    expect(res.statusCode, res.body).toBe(200);
    const view = res.json<{ assessments: View[] }>().assessments.find((a) => a.model.id === MODEL);
    expect(view).toMatchObject({
      model: { version: 1, active: true },
      score: top.live.score,
      poor: top.live.poor,
    });
    expect(view?.band).toBe(top.live.band);
    const deprived = view?.indicators.filter((i) => i.state === 'deprived') ?? [];
    expect(deprived.map((i) => i.id)).toEqual(
      top.live.indicators.filter((i) => i.state === 'deprived').map((i) => i.id),
    );
    for (const i of deprived) expect(i.reason?.zh).toMatch(/\S/);
    expect(view?.dimensions.some((d) => d.deprivedShare > 0)).toBe(true);
  });

  it('refuses an invalid model whole, previews and saves a valid one, and assesses with it once activated', async () => {
    const current = (
      await app.inject({ method: 'GET', url: `/api/assessment/models/${MODEL}/versions/1` })
    ).json<{
      definition: Record<string, unknown>;
    }>().definition;
    // Weights no longer summing to 1, k out of range, an unknown variable: all said at once.
    const dimensions = structuredClone(current.dimensions) as { indicators: Record<string, unknown>[] }[];
    const first = dimensions[0]?.indicators[0];
    if (first) {
      first.weight = '1/7';
      first.value = 'h.monthly_incom_per_capita';
    }
    const broken = { ...current, k: '0', dimensions };
    const refused = await app.inject({
      method: 'POST',
      url: '/api/assessment/models',
      payload: { definition: broken },
    });
    expect(refused.statusCode, refused.body).toBe(422);
    const body = refused.json<ErrorBody>();
    expect(body.error.code).toBe('ASSESSMENT_MODEL_INVALID');
    expect(body.error.details.map((p) => p.code).sort()).toEqual(
      ['ASSESSMENT_K_RANGE', 'ASSESSMENT_UNKNOWN_VARIABLE', 'ASSESSMENT_WEIGHTS_SUM'].sort(),
    );
    expect(body.error.details.find((p) => p.code === 'ASSESSMENT_WEIGHTS_SUM')?.message).toBe(
      '各指标权重之和为 23/21，应恰好为 1',
    );
    const preview = await app.inject({
      method: 'POST',
      url: '/api/assessment/models/preview',
      payload: { definition: broken },
    });
    expect(preview.json<{ problems: unknown[]; preview: null }>()).toMatchObject({ preview: null });
    expect(preview.json<{ problems: unknown[] }>().problems).toHaveLength(3);
    // Nothing was saved.
    expect(
      (await getDb().db.selectFrom('assessment_models').select('version').where('id', '=', MODEL).execute())
        .length,
    ).toBe(1);

    // A lower poverty cutoff: previewed, saved as version 2, activated, assessed by the next run.
    const lower = { ...current, k: '1/5' };
    const tried = await app.inject({
      method: 'POST',
      url: '/api/assessment/models/preview',
      payload: { definition: lower, asOf },
    });
    expect(tried.statusCode, tried.body).toBe(200);
    const triedBody = tried.json<{ preview: { sample: number; households: number; total: Measures } }>()
      .preview;
    expect(triedBody.sample).toBe(triedBody.households);
    const before = await areas();
    expect(triedBody.total.H).toBeGreaterThanOrEqual(before.total.H);

    const saved = await app.inject({
      method: 'POST',
      url: '/api/assessment/models',
      payload: { definition: lower },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    expect(saved.json()).toEqual({ id: MODEL, version: 2 });
    const activated = await app.inject({
      method: 'POST',
      url: `/api/assessment/models/${MODEL}/versions/2/activate`,
      payload: {},
    });
    expect(activated.statusCode, activated.body).toBe(200);
    // Until the next run, the households were assessed by version 1: pending, not mixed in.
    const waiting = await areas();
    expect([waiting.model.version, waiting.model.k, waiting.total.households, waiting.pending]).toEqual([
      2,
      '1/5',
      0,
      before.total.households,
    ]);
    expect((await screen()).status).toBe('completed');
    const after = await areas();
    expect([after.pending, after.total.households]).toEqual([0, before.total.households]);
    // The new version's first period: in the history, not yet compared with anything.
    expect(after.history.map((h) => h.modelVersion)).toEqual([1, 1, 2]);
    expect(after.change).toBeNull();
    // The preview read the same households as the run: the same figures.
    expect(after.total.H).toBeCloseTo(triedBody.total.H, 12);
    expect(after.total.H).toBeGreaterThanOrEqual(before.total.H);
    // Discovery lists the households poor under the active version that are in no assistance case.
    const context = testContext(getDb());
    const [v2] = (await context.assessment.active()).filter((m) => m.model.id === MODEL);
    if (!v2) throw new Error('version 2 not active');
    const households = await getDb().db.selectFrom('hukou_households').select(['id', 'area_code']).execute();
    const screened = await screenedHouseholds(context, households, asOf);
    const poorUnassisted = households
      .filter((h) => {
        const values = screened.get(h.id)?.values() ?? never();
        const types = (values.household as ReadonlyMap<string, unknown>).get('assistance_types');
        return assessHousehold(v2.model, values).poor && Array.isArray(types) && types.length === 0;
      })
      .map((h) => h.id)
      .sort();
    expect(poorUnassisted.length).toBeGreaterThan(0);
    const listed = await getDb()
      .db.selectFrom('findings')
      .select('household_id')
      .where('policy_id', '=', 'multidimensional_poverty_unassisted')
      .where('status', 'in', ['new', 'assigned'])
      .execute();
    expect(listed.map((f) => f.household_id).sort()).toEqual(poorUnassisted);
    const versions = (await app.inject({ method: 'GET', url: '/api/assessment/models' })).json<{
      models: { id: string; versions: { version: number; status: string }[] }[];
    }>();
    expect(versions.models.find((m) => m.id === MODEL)?.versions.map((v) => [v.version, v.status])).toEqual([
      [1, 'retired'],
      [2, 'active'],
    ]);
  });

  it('shows a village worker only their village, and refuses them models and other areas', async () => {
    const village = injectAs(app, await signIn(app, 'village'));
    const mine = (
      await village({ method: 'GET', url: `/api/assessment/areas?model=${MODEL}` })
    ).json<AreaResult>();
    const own = await getDb()
      .db.selectFrom('users')
      .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
      .select('organisations.area_code')
      .where('users.username', '=', 'village')
      .executeTakeFirstOrThrow();
    const inVillage = await getDb()
      .db.selectFrom('hukou_households')
      .select('id')
      .where('area_code', '=', own.area_code)
      .execute();
    expect(mine.total.households).toBe(inVillage.length);
    const save = await village({
      method: 'POST',
      url: '/api/assessment/models',
      payload: { definition: {} },
    });
    expect(save.statusCode).toBe(403);
  });
});

function never(): never {
  throw new Error('household not read');
}
