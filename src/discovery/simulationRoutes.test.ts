import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import { buildTestApp } from '../http/testing/buildTestApp.ts';
import { importGeneratedCounty } from '../ingest/testing/importGeneratedCounty.ts';
import type { ErrorBody } from '../http/errorHandler.ts';

const asOf = '2026-11-01';

interface Outcome {
  name: string;
  gainers: number;
  losers: number;
  householdsGaining: number;
  annualChange: number;
  monthlyChange: number;
  byTownship: { township: string; gainers: number; annualChange: number }[];
  byPolicy: { policyId: string; gainers: number; losers: number; annualChange: number }[];
}

describeEachDatabase('what-if simulation', (getDb) => {
  let app: FastifyInstance;
  let dir: string;
  beforeAll(async () => {
    dir = await importGeneratedCounty(getDb(), { households: 150, seed: 9, referenceDate: asOf });
    app = await buildTestApp(getDb());
  }, 120_000);
  afterAll(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const simulate = (scenarios: unknown) =>
    app.inject({ method: 'POST', url: '/api/simulations', payload: { asOf, scenarios } });

  it('compares two scenarios: a higher dibao standard gains households and costs money, a lower one loses', async () => {
    const res = await simulate([
      {
        name: '低保标准提高30%',
        changes: [{ name: 'dibao.standard', region: '371082', from: '2026-10-01', value: 1339 }],
      },
      {
        name: '低保标准降低30%',
        changes: [{ name: 'dibao.standard', region: '371082', from: '2026-10-01', value: 721 }],
      },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    const [up, down] = res.json<{ households: number; scenarios: Outcome[] }>().scenarios;
    if (!up || !down) throw new Error('two scenarios expected');
    // Rongcheng's standard is 1,030 (parameters/dibao.yaml): up by 30 % some households qualify
    // for dibao, and every dibao already payable grows; down by 30 % nobody gains it.
    const dibaoUp = up.byPolicy.find((p) => p.policyId === 'dibao');
    expect(dibaoUp?.losers).toBe(0);
    expect(dibaoUp?.annualChange).toBeGreaterThan(0);
    expect(up.annualChange).toBeGreaterThan(0);
    expect(up.gainers).toBeGreaterThanOrEqual(up.householdsGaining);
    const dibaoDown = down.byPolicy.find((p) => p.policyId === 'dibao');
    expect(dibaoDown?.gainers ?? 0).toBe(0);
    expect(dibaoDown?.annualChange ?? 0).toBeLessThanOrEqual(0);
    // The townships add up to the whole.
    expect(up.byTownship.reduce((n, t) => n + t.gainers, 0)).toBe(up.gainers);
    // No finding was touched: scenarios never write.
    expect(await getDb().db.selectFrom('findings').select('id').execute()).toEqual([]);
  });

  it('names an unknown parameter or a value of the wrong type, with its path', async () => {
    const unknown = await simulate([
      { name: 'x', changes: [{ name: 'dibao.nothing', region: '371082', from: '2026-10-01', value: 1 }] },
    ]);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<ErrorBody>().error.details[0]?.path).toBe('body.scenarios[0].changes[0].name');
    const wrongType = await simulate([
      {
        name: 'x',
        changes: [{ name: 'dibao.standard', region: '371082', from: '2026-10-01', value: '很多' }],
      },
    ]);
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json<ErrorBody>().error.code).toBe('SIMULATION_VALUE_TYPE');
  });
});
