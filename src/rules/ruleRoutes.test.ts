import { importGeneratedCounty } from '../ingest/testing/importGeneratedCounty.ts';
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import { buildTestApp, injectAs, signIn } from '../http/testing/buildTestApp.ts';
import type { ErrorBody } from '../http/errorHandler.ts';
import { findAuditRecords } from '../access/audit/auditRepository.ts';
import { flushAudit } from '../access/audit/auditWriter.ts';
import type { Explanation, PolicyResult } from './evaluate/explainPolicies.ts';

const county = '371082000000';
const asOf = '2026-11-01';

interface MatchBody {
  poolVersion: string;
  region: string;
  tally: { total: number; gaps: number; eligible: number; unknown: number; ineligible: number };
  members: { id: string; name: string | null }[];
  results: (PolicyResult & { gap: boolean })[];
  inputs: Explanation['inputs'];
  parameters: Explanation['parameters'];
}

describeEachDatabase('rule routes', (getDb) => {
  let app: FastifyInstance;
  let dir: string;
  beforeAll(async () => {
    dir = await importGeneratedCounty(getDb(), { households: 120, seed: 7, referenceDate: asOf });
    app = await buildTestApp(getDb());
  }, 120_000);
  afterAll(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists the pool by category and department, and shows one policy with its parameters’ history', async () => {
    const list = (await app.inject({ method: 'GET', url: '/api/policies?category=assistance_policy' })).json<{
      pool: { version: string; policies: number; lastFailure: unknown };
      counts: { category: Record<string, number> };
      items: { id: string; category: string }[];
    }>();
    expect(list.items.map((p) => p.id)).toContain('dibao');
    expect(list.items.every((p) => p.category === 'assistance_policy')).toBe(true);
    expect(list.pool.lastFailure).toBeNull();
    const detail = (await app.inject({ method: 'GET', url: '/api/policies/dibao' })).json<{
      legalRef: string;
      criteria: { test: string; fail: { zh: string } }[];
      parameters: { name: string; values: { region: string; from: string; value: number }[] }[];
      cases: unknown[];
    }>();
    expect(detail.legalRef).toContain('社会救助暂行办法');
    expect(detail.criteria[0]?.test).toBe('h.monthly_income_per_capita < param.dibao.standard');
    expect(detail.criteria[0]?.fail.zh).toContain('{param.dibao.standard}');
    const standard = detail.parameters.find((p) => p.name === 'dibao.standard');
    expect(standard?.values.filter((v) => v.region === '31').map((v) => v.from)).toEqual([
      '2021-07-01',
      '2022-07-01',
      '2023-07-01',
      '2024-07-01',
    ]);
    expect(detail.cases.length).toBeGreaterThanOrEqual(3);
    // Whom a person policy is for: the funeral waiver is for recently deceased members.
    const funeral = (await app.inject({ method: 'GET', url: '/api/policies/funeral_fee_waiver' })).json<{
      entity: string;
      persons: string;
    }>();
    expect(funeral).toMatchObject({ entity: 'person', persons: 'deceased' });

    const parameter = (await app.inject({ method: 'GET', url: '/api/parameters/dibao.standard' })).json<{
      usedBy: { id: string }[];
    }>();
    expect(parameter.usedBy.map((p) => p.id)).toEqual(
      expect.arrayContaining(['dibao', 'near_dibao', 'tekun']),
    );
    const missing = await app.inject({ method: 'GET', url: '/api/parameters/dibao.nothing' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json<ErrorBody>().error).toMatchObject({
      code: 'PARAMETER_NOT_FOUND',
      message: '没有参数 dibao.nothing',
    });
    const current = (
      await app.inject({ method: 'GET', url: '/api/parameters?area=310104&asOf=2023-07-01' })
    ).json<{
      items: { name: string; current: { value: number; region: string } | null }[];
    }>();
    expect(current.items.find((p) => p.name === 'dibao.standard')?.current).toMatchObject({
      value: 1510,
      region: '31',
    });
  });

  it('matches an ad-hoc household: gaps first, with amounts, and unknowns listing what would decide them', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/rules/match',
      payload: {
        region: '371082',
        asOf,
        h: {
          member_count: 3,
          monthly_income_per_capita: 600.0,
          deposits_total: 1000.0,
          vehicles: 0,
          assistance_types: [],
        },
        members: [{ age: 72, children_unable_to_support: true }, { age: 40 }, { age: 10 }],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<MatchBody>();
    const dibao = body.results.find((r) => r.policyId === 'dibao');
    expect(dibao).toMatchObject({
      outcome: 'eligible',
      receiving: false,
      gap: true,
      amount: { value: 1290, period: 'monthly' },
    });
    expect(body.results[0]?.gap).toBe(true);
    expect(body.tally.total).toBe(body.results.length);
    // Tekun for the 40-year-old: no capacity to work is 'no'; the message names the age.
    const tekun = body.results.filter((r) => r.policyId === 'tekun');
    expect(tekun).toHaveLength(3);
    const adult = tekun.find((r) => r.subject === 'm2');
    expect(adult?.outcome).toBe('ineligible');
    expect(adult?.criteria[0]?.message?.zh).toContain('40岁');
    const bad = await app.inject({ method: 'POST', url: '/api/rules/match', payload: { region: '37108' } });
    expect(bad.statusCode).toBe(400);
  });

  it('refuses unknown variables and mistyped values in a trial match, naming each path and the type', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/rules/match',
      headers: { 'accept-language': 'zh-CN' },
      payload: {
        region: '371082',
        asOf,
        h: { member_count: 2.5, monthly_income: 600, assistance_types: 'dibao', deposits_total: null },
        deceased: [{ death_date: 20261101 }],
        members: [
          { age: '72' },
          {
            age: 40,
            graduation_date: '2026-13-01',
            social_insurance_scheme: [{ on: '2025-01-01', value: 'unemployment' }],
          },
        ],
      },
    });
    expect(res.statusCode).toBe(400);
    const error = res.json<{
      error: { code: string; details: { path: string; code: string; message: string }[] };
    }>().error;
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.map((d) => [d.path, d.code])).toEqual([
      ['body.h.member_count', 'FIELD_TYPE'],
      ['body.h.monthly_income', 'FIELD_UNKNOWN'],
      ['body.h.assistance_types', 'FIELD_TYPE'],
      ['body.members[0].age', 'FIELD_TYPE'],
      ['body.members[1].graduation_date', 'FIELD_TYPE'],
      ['body.deceased[0].death_date', 'FIELD_TYPE'],
    ]);
    expect(error.details[0]?.message).toContain('整数');
    expect(error.details[4]?.message).toContain('YYYY-MM-DD');
  });

  it('lists the variables a trial household may carry, with labels, types and lists', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/rules/vocabulary' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{
      household: { name: string; type: string; list: boolean; label: { zh: string } }[];
      person: { name: string; event: boolean }[];
    }>();
    expect(body.household.find((f) => f.name === 'assistance_types')).toMatchObject({ list: true });
    expect(body.household.find((f) => f.name === 'monthly_income_per_capita')).toMatchObject({
      type: 'money',
    });
    expect(body.person.find((f) => f.name === 'social_insurance_scheme')).toMatchObject({ event: true });
    expect(body.person.length).toBeGreaterThan(50);
  });

  it('matches a registered household from its portrait, audited, and refuses one outside the caller’s area', async () => {
    const tagged = (
      await app.inject({ method: 'GET', url: `/api/portrait/tags/dibao_household/subjects?area=${county}` })
    ).json<{ households: { id: string; areaCode: string }[] }>().households;
    const household = tagged[0];
    expect(household).toBeDefined();
    const res = await app.inject({
      method: 'GET',
      url: `/api/hukou-households/${household?.id ?? ''}/policy-match?asOf=${asOf}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<MatchBody>();
    expect(body.region).toBe(household?.areaCode);
    const dibao = body.results.find((r) => r.policyId === 'dibao');
    // On the roster: receiving it, whatever the data says today.
    expect(dibao?.receiving).toBe(true);
    expect(dibao?.gap).toBe(false);
    // Inputs carry the department and date behind them where a fact holds them.
    const ref = dibao?.criteria[0]?.inputs[0] ?? '';
    expect(ref).toBe('h.monthly_income_per_capita');
    expect(body.inputs.household[ref]?.label.zh).toBeTruthy();
    const described = [
      ...Object.values(body.inputs.household),
      ...Object.values(body.inputs.persons).flatMap((p) => Object.values(p)),
    ];
    expect(described.some((i) => typeof i.source?.source === 'string' && i.source.observedAt)).toBe(true);
    expect(body.parameters['dibao.standard']?.value).toEqual(expect.any(Number));
    // Person policies cite the member's own inputs, described under the member.
    const tekun = body.results.find((r) => r.policyId === 'tekun');
    const personRef = tekun?.criteria.flatMap((c) => c.inputs).find((r) => r.startsWith('p.')) ?? '';
    expect(body.inputs.persons[tekun?.subject ?? '']?.[personRef]?.ref).toBe(personRef);
    expect(body.results.filter((r) => r.policyId === 'tekun')).toHaveLength(body.members.length);
    await flushAudit(getDb().db);
    const audits = await findAuditRecords(getDb().db, { action: 'rules.household.match', limit: 10 });
    expect(audits.some((a) => a.subject_id === household?.id)).toBe(true);

    // A village worker reaches one village: of two households in different villages, at least
    // one is refused.
    const village = injectAs(app, await signIn(app, 'village'));
    const pair = [household, tagged.find((h) => h.areaCode !== household?.areaCode)];
    expect(pair[1]).toBeDefined();
    const statuses = await Promise.all(
      pair.map(
        async (h) =>
          (await village({ method: 'GET', url: `/api/hukou-households/${h?.id ?? ''}/policy-match` }))
            .statusCode,
      ),
    );
    expect(
      statuses.some((s) => s === 403 || s === 404),
      String(statuses),
    ).toBe(true);
  });
});
