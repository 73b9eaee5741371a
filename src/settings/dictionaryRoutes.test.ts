import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import { buildTestApp } from '../http/testing/buildTestApp.ts';
import { relationshipCodes } from '../registry/households/relationshipCodes.ts';

interface Dictionary {
  code: string;
  nameZh: string;
  nameEn: string;
  entries: { code: string; nameZh: string; nameEn: string }[];
}

describeEachDatabase('dictionary routes', (getDb) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp(getDb(), { as: 'village' });
  });
  afterAll(async () => {
    await app.close();
  });

  it('serves every code table to any signed-in user, from the same constants the server checks', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/dictionaries' });
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: Dictionary[] }>().items;
    const byCode = new Map(items.map((d) => [d.code, d]));
    for (const code of ['relationship', 'sex', 'area_level', 'area_kind', 'organisation_kind', 'data_scope'])
      expect(byCode.has(code), code).toBe(true);
    expect(byCode.get('relationship')?.entries).toHaveLength(Object.keys(relationshipCodes).length);
    expect(byCode.get('relationship')?.entries).toContainEqual({
      code: '10',
      nameZh: '配偶',
      nameEn: '配偶',
    });
    expect(byCode.get('relationship')?.entries[0]).toEqual({ code: '02', nameZh: '户主', nameEn: '户主' });
    expect(byCode.get('relationship')?.entries.at(-1)?.code).toBe('99');
    expect(byCode.get('sex')?.entries).toEqual([
      { code: 'male', nameZh: '男', nameEn: 'Male' },
      { code: 'female', nameZh: '女', nameEn: 'Female' },
    ]);
    expect(byCode.get('disability_type')?.entries.map((e) => e.nameZh)).toEqual([
      '视力残疾',
      '听力残疾',
      '言语残疾',
      '肢体残疾',
      '智力残疾',
      '精神残疾',
      '多重残疾',
    ]);
    expect(byCode.get('disability_grade')?.entries.map((e) => e.nameZh)).toEqual([
      '一级',
      '二级',
      '三级',
      '四级',
    ]);
    expect(byCode.get('area_level')?.entries.map((e) => e.code)).toEqual([
      'province',
      'city',
      'county',
      'township',
      'village',
    ]);
    for (const d of items) {
      expect(d.nameZh, d.code).toMatch(/[\u4e00-\u9fa5]/);
      expect(d.entries.length, d.code).toBeGreaterThan(0);
    }
    expect(
      (await app.inject({ method: 'GET', url: '/api/dictionaries', headers: { authorization: '' } }))
        .statusCode,
    ).toBe(401);
  });
});
