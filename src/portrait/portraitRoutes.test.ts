import { importGeneratedCounty } from '../ingest/testing/importGeneratedCounty.ts';
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import { buildTestApp, injectAs, signIn } from '../http/testing/buildTestApp.ts';
import type { ErrorBody } from '../http/errorHandler.ts';
import { findAuditRecords } from '../access/audit/auditRepository.ts';
import { flushAudit } from '../access/audit/auditWriter.ts';
import type { InputView, TagView, TimelineEvent } from './portraitView.ts';

const county = '371082000000';
const asOf = '2026-11-01';

interface TagCount {
  tag: string;
  yes: number;
  unknown: number;
}

describeEachDatabase('portrait routes', (getDb) => {
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

  it('lists the definitions: at least 47 tags, each with the variables it reads', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/portrait/definitions' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ tags: { code: string; inputs: string[] }[]; household: { name: string }[] }>();
    expect(body.tags.length).toBeGreaterThanOrEqual(47);
    expect(body.tags.find((t) => t.code === 'zero_employment_household')?.inputs).toContain(
      'employment_status',
    );
    expect(body.household.map((d) => d.name)).toContain('monthly_income_per_capita');
  });

  it('counts tags within the caller’s scope: a township sees a part of the county', async () => {
    const all = (await app.inject({ method: 'GET', url: `/api/portrait/tag-counts?area=${county}` })).json<{
      items: TagCount[];
    }>().items;
    const elderly = all.find((c) => c.tag === 'elderly');
    expect(elderly?.yes).toBeGreaterThan(0);
    const township = injectAs(app, await signIn(app, 'township'));
    const part = (await township({ method: 'GET', url: `/api/portrait/tag-counts?area=${county}` })).json<{
      items: TagCount[];
    }>().items;
    for (const count of part) {
      const whole = all.find((c) => c.tag === count.tag);
      expect(count.yes, count.tag).toBeLessThanOrEqual(whole?.yes ?? 0);
    }
    expect(part.find((c) => c.tag === 'elderly')?.yes).toBeLessThan(elderly?.yes ?? 0);
    // The civil-affairs roster's cases make dibao households (seed X2's first tag).
    expect(all.find((c) => c.tag === 'dibao_household')?.yes).toBeGreaterThan(0);
  });

  it('a person’s portrait shows tags with the facts, departments and feed lines behind them, and a timeline', async () => {
    const list = await app.inject({
      method: 'GET',
      url: `/api/portrait/tags/registered_unemployed/subjects?area=${county}&limit=5`,
    });
    expect(list.statusCode).toBe(200);
    const listed = list.json<{
      entity: string;
      total: number;
      persons: { id: string; idNumberMasked: string }[];
    }>();
    expect(listed.entity).toBe('person');
    expect(listed.total).toBeGreaterThan(0);
    expect(listed.persons[0]?.idNumberMasked).toMatch(/\*{8}/);
    const personId = listed.persons[0]?.id ?? '';

    const res = await app.inject({ method: 'GET', url: `/api/persons/${personId}/portrait?asOf=${asOf}` });
    expect(res.statusCode).toBe(200);
    const portrait = res.json<{
      person: { idNumberMasked: string };
      tags: TagView[];
      values: { name: string; value: unknown }[];
      facts: { variable: string; feed: { feedName: string; line: number } | null }[];
      timeline: TimelineEvent[];
    }>();
    const tag = portrait.tags.find((t) => t.code === 'registered_unemployed');
    expect(tag?.state).toBe('yes');
    const evidence = tag?.inputs.find((i: InputView) => i.variable === 'employment_status');
    expect(evidence).toMatchObject({ value: 'registered_unemployed', source: 'human_resources' });
    expect(evidence?.feed?.feedName).toBeTruthy();
    expect(evidence?.feed?.line).toBeGreaterThan(1);
    expect(portrait.values.find((v) => v.name === 'unemployed')?.value).toBe(true);
    expect(portrait.timeline.some((e) => e.kind === 'birth')).toBe(true);
    expect(portrait.timeline.some((e) => e.kind === 'fact' && e.sourceLabel === '人力资源和社会保障')).toBe(
      true,
    );
    await flushAudit(getDb().db);
    const audit = await findAuditRecords(getDb().db, { action: 'person.portrait.view', limit: 10 });
    expect(audit.some((r) => r.subject_id === personId)).toBe(true);
  });

  it('a household’s portrait lists members masked, with per-capita income and tags traced to members', async () => {
    const list = await app.inject({
      method: 'GET',
      url: `/api/portrait/tags/elderly_only_household/subjects?area=${county}&limit=1`,
    });
    const household = list.json<{ entity: string; households: { id: string }[] }>();
    expect(household.entity).toBe('household');
    const id = household.households[0]?.id ?? '';
    const res = await app.inject({ method: 'GET', url: `/api/hukou-households/${id}/portrait?asOf=${asOf}` });
    expect(res.statusCode).toBe(200);
    const portrait = res.json<{
      members: { person: { id: string; idNumberMasked: string }; tags: { code: string }[] }[];
      tags: TagView[];
      values: { name: string; value: unknown }[];
    }>();
    expect(portrait.members.length).toBeGreaterThan(1);
    for (const m of portrait.members) expect(m.person.idNumberMasked).toMatch(/\*{8}/);
    expect(portrait.values.find((v) => v.name === 'member_count')?.value).toBe(portrait.members.length);
    const tag = portrait.tags.find((t) => t.code === 'elderly_only_household');
    expect(tag?.state).toBe('yes');
    // Evidence: each member's birth date from the registry.
    const births = tag?.inputs.filter((i) => i.variable === 'birth_date') ?? [];
    expect(births.map((b) => b.personId).sort()).toEqual(portrait.members.map((m) => m.person.id).sort());
    expect(portrait.members.every((m) => m.tags.some((t) => t.code === 'elderly'))).toBe(true);
  });

  it('refuses a household outside the caller’s scope (404, audited as denied) and an unknown tag', async () => {
    const township = injectAs(app, await signIn(app, 'township'));
    const { db } = getDb();
    const townshipArea = (
      await db
        .selectFrom('users')
        .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
        .select('organisations.area_code')
        .where('users.username', '=', 'township')
        .executeTakeFirstOrThrow()
    ).area_code;
    const outside = await db
      .selectFrom('hukou_households')
      .select('id')
      .where('area_code', 'not like', `${townshipArea.slice(0, 9)}%`)
      .executeTakeFirstOrThrow();
    const res = await township({ method: 'GET', url: `/api/hukou-households/${outside.id}/portrait` });
    expect(res.statusCode).toBe(404);
    await flushAudit(db);
    const denied = await findAuditRecords(db, { action: 'hukou_household.portrait.view', limit: 20 });
    expect(denied.some((r) => r.subject_id === outside.id && r.outcome === 'denied')).toBe(true);
    const unknown = await app.inject({
      method: 'GET',
      url: `/api/portrait/tags/no_such_tag/subjects?area=${county}`,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<ErrorBody>().error.code).toBe('PORTRAIT_TAG_NOT_FOUND');
  });
});
