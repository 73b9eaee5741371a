import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import { buildTestApp } from '../http/testing/buildTestApp.ts';
import type { ErrorBody } from '../http/errorHandler.ts';
import { readCountyDivisions } from './chinaDivision.ts';
import { importAreaRecords } from './importAreas.ts';
import type { AreaDto } from './areaRoutes.ts';

describeEachDatabase('area routes', (getDb) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    await importAreaRecords(getDb().db, readCountyDivisions('371082'), '2023-12-31');
    app = await buildTestApp(getDb());
  });
  afterAll(async () => {
    await app.close();
  });

  it('GET /api/areas/371082/children returns the 22 townships of Rongcheng', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/areas/371082/children' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ items: AreaDto[]; total: number }>();
    expect(body.total).toBe(22);
    expect(body.items.map((a) => a.name)).toContain('崖头街道');
    expect(body.items.find((a) => a.code === '371082101000')).toMatchObject({
      name: '俚岛镇',
      kind: 'town',
      kindLabel: '镇',
      level: 'township',
    });
  });

  it('shows an area with its ancestors and how many areas lie below it', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/areas/371082101' });
    const body = res.json<AreaDto & { ancestors: AreaDto[]; descendantCounts: Record<string, number> }>();
    expect(body.ancestors.map((a) => a.name)).toEqual(['山东省', '威海市', '荣成市']);
    expect(body.descendantCounts.village).toBeGreaterThan(0);
    const county = await app.inject({ method: 'GET', url: '/api/areas/371082' });
    expect(county.json<{ descendantCounts: Record<string, number> }>().descendantCounts).toEqual({
      township: 22,
      village: 839,
    });
  });

  it('searches below an area by name and level', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/areas/371082/descendants?level=township&q=${encodeURIComponent('街道')}`,
    });
    expect(res.json<{ total: number }>().total).toBe(10);
  });

  it('renames through the API and shows it in the history', async () => {
    const res = await app.inject({
      method: 'PATCH',
      url: '/api/areas/371082102',
      payload: { name: '成山镇（新）', effectiveOn: '2026-10-01', reason: '测试' },
    });
    expect(res.statusCode).toBe(200);
    const history = await app.inject({ method: 'GET', url: '/api/areas/371082102/history' });
    const items = history.json<{ items: { change: string; before: unknown; after: unknown }[] }>().items;
    expect(items.map((i) => i.change)).toEqual(['import', 'rename']);
    expect(items[1]).toMatchObject({ before: { name: '成山镇' }, after: { name: '成山镇（新）' } });
  });

  it('answers a malformed code with 400 and an unknown one with 404, in Chinese', async () => {
    const bad = await app.inject({ method: 'GET', url: '/api/areas/37108/children' });
    expect(bad.statusCode).toBe(400);
    const badBody = bad.json<ErrorBody>();
    expect(badBody.error.code).toBe('VALIDATION_FAILED');
    expect(badBody.error.details[0]).toMatchObject({ path: 'params.code', code: 'INVALID_AREA_CODE' });
    expect(badBody.error.details[0]?.message).toContain('实际为5位');
    const missing = await app.inject({ method: 'GET', url: '/api/areas/371099/children' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json<ErrorBody>().error).toMatchObject({
      code: 'AREA_NOT_FOUND',
      message: '找不到区划371099000000',
    });
  });

  it('refuses an edit naming an unknown parent with the field path', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/areas',
      payload: { code: '371082999001', name: '新村', parentCode: '371082999', effectiveOn: '2026-02-30' },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<ErrorBody>();
    expect(body.error.details).toContainEqual(
      expect.objectContaining({ path: 'body.effectiveOn', code: 'INVALID_DATE' }),
    );
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/areas',
      payload: { code: '371082999001', name: '新村', parentCode: '371082999', effectiveOn: '2026-02-28' },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<ErrorBody>().error.details[0]).toMatchObject({
      path: 'body.parentCode',
      code: 'UNKNOWN_AREA',
    });
  });
});
