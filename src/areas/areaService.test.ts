import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import type { AppError } from '../core/appError.ts';
import { readCountyDivisions } from './chinaDivision.ts';
import { importAreaRecords } from './importAreas.ts';
import {
  areaCodesWithin,
  findArea,
  listAreaChanges,
  listChildren,
  listDescendants,
} from './areaRepository.ts';
import { addArea, mergeArea, moveArea, renameArea, retireArea } from './areaService.ts';

const RONGCHENG = '371082';

describeEachDatabase('areas', (getDb) => {
  beforeAll(async () => {
    await importAreaRecords(getDb().db, readCountyDivisions(RONGCHENG), '2023-12-31');
  });

  it('imports Rongcheng: 22 townships and 839 villages, typed from their codes', async () => {
    const { db } = getDb();
    const townships = await listChildren(db, '371082000000');
    expect(townships).toHaveLength(22);
    expect(townships.filter((t) => t.kind === 'subdistrict')).toHaveLength(10);
    expect(townships.filter((t) => t.kind === 'town')).toHaveLength(12);
    const county = await findArea(db, '371082000000');
    expect(county?.name).toBe('荣成市');
    if (!county) throw new Error('county not imported');
    const villages = await listDescendants(db, county, { level: 'village' });
    expect(villages).toHaveLength(839);
    expect(
      villages.every(
        (v) =>
          v.kind === 'residents_committee' || v.kind === 'village_committee' || v.kind === 'village_other',
      ),
    ).toBe(true);
    expect((await findArea(db, '370000000000'))?.name).toBe('山东省');
  });

  it('importing again inserts nothing and keeps local edits', async () => {
    const { db } = getDb();
    await renameArea(db, '371082101000', { name: '俚岛镇（本地改名）', effectiveOn: '2024-01-01' });
    const report = await importAreaRecords(db, readCountyDivisions(RONGCHENG), '2024-01-02');
    expect(report.inserted).toBe(0);
    expect(report.differing).toEqual([
      { code: '371082101000', ours: '俚岛镇（本地改名）', source: '俚岛镇' },
    ]);
    expect(report.received.village + report.received.township + 3).toBe(
      report.unchanged + report.differing.length,
    );
    await renameArea(db, '371082101000', { name: '俚岛镇', effectiveOn: '2024-01-03', reason: '恢复' });
  });

  it('answers "this area and everything below it" with one subquery', async () => {
    const { db } = getDb();
    const township = await listChildren(db, '371082101000');
    const codes = await db
      .selectFrom('areas')
      .select('code')
      .where('code', 'in', areaCodesWithin(db, '371082101000'))
      .execute();
    expect(codes).toHaveLength(township.length + 1);
    const all = await db
      .selectFrom('areas')
      .select('code')
      .where('code', 'in', areaCodesWithin(db, '371082000000'))
      .execute();
    expect(all).toHaveLength(1 + 22 + 839);
  });

  it('adds, renames, moves and retires areas, keeping a dated history', async () => {
    const { db } = getDb();
    const added = await addArea(db, {
      code: '371082101450',
      name: '新设社区',
      parentCode: '371082101',
      effectiveOn: '2026-03-01',
      reason: '荣政字〔2026〕1号',
    });
    expect(added.kind).toBe('village_other');
    expect(added.path).toBe('370000000000371000000000371082000000371082101000371082101450');
    await renameArea(db, added.code, { name: '新设社区居委会', effectiveOn: '2026-04-01' });
    const moved = await moveArea(db, added.code, { parentCode: '371082102', effectiveOn: '2026-05-01' });
    expect(moved.parent_code).toBe('371082102000');
    const within = await db
      .selectFrom('areas')
      .select('code')
      .where('code', 'in', areaCodesWithin(db, '371082102000'))
      .execute();
    expect(within.map((r) => r.code)).toContain(added.code);
    const retired = await retireArea(db, added.code, { effectiveOn: '2026-06-30', reason: '撤销' });
    expect(retired.retired_on).toBe('2026-06-30');
    expect((await listChildren(db, '371082102000')).map((a) => a.code)).not.toContain(added.code);
    const history = await listAreaChanges(db, added.code);
    expect(history.map((h) => h.change)).toEqual(['add', 'rename', 'move', 'retire']);
    expect(history[1]?.before_json).toBe(JSON.stringify({ name: '新设社区' }));
  });

  it('refuses edits that would break the tree, saying why', async () => {
    const { db } = getDb();
    await expect(
      addArea(db, { code: '371082101201', name: '重复', parentCode: '371082101', effectiveOn: '2026-01-01' }),
    ).rejects.toMatchObject({ code: 'AREA_CONFLICT' });
    await expect(
      addArea(db, {
        code: '371082999001',
        name: '无上级',
        parentCode: '371082999',
        effectiveOn: '2026-01-01',
      }),
    ).rejects.toSatisfy(
      (e: AppError) => e.problems[0]?.code === 'UNKNOWN_AREA' && e.problems[0].path === 'body.parentCode',
    );
    await expect(retireArea(db, '371082101000', { effectiveOn: '2026-01-01' })).rejects.toThrow(/下级区划/);
    await expect(
      moveArea(db, '371082101000', { parentCode: '371082101201', effectiveOn: '2026-01-01' }),
    ).rejects.toMatchObject({ code: 'AREA_CONFLICT' });
    await expect(
      mergeArea(db, '371082101000', { intoCode: '371082101201', effectiveOn: '2026-01-01' }),
    ).rejects.toMatchObject({ code: 'AREA_CONFLICT' });
  });

  it('merges a township into another: children move, old records stay in scope', async () => {
    const { db } = getDb();
    const before = await listChildren(db, '371082112000');
    const targetBefore = await listChildren(db, '371082111000');
    const merged = await mergeArea(db, '371082112000', {
      intoCode: '371082111000',
      effectiveOn: '2026-09-01',
      reason: '撤并',
    });
    expect(merged.retired_on).toBe('2026-09-01');
    expect(merged.successor_code).toBe('371082111000');
    const after = await listChildren(db, '371082111000');
    expect(after).toHaveLength(targetBefore.length + before.length);
    const scope = await db
      .selectFrom('areas')
      .select('code')
      .where('code', 'in', areaCodesWithin(db, '371082111000'))
      .execute();
    const codes = scope.map((r) => r.code);
    expect(codes).toContain('371082112000');
    for (const child of before) expect(codes).toContain(child.code);
    expect(await listChildren(db, '371082000000')).toHaveLength(21);
  });
});
