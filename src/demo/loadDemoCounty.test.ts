import { expect, it } from 'vitest';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import { testContext } from '../http/testing/buildTestApp.ts';
import { countPersonsWithin } from '../registry/persons/personRepository.ts';
import { listHukouHouseholdsWithin, listHukouMembers } from '../registry/households/householdRepository.ts';
import { loadDemoCounty } from './loadDemoCounty.ts';
import { listImports } from '../ingest/imports/ingestRepository.ts';
import { systemScope } from '../access/scope/dataScope.ts';

describeEachDatabase('demo county', (getDb) => {
  it('imports the real area tree and a generated county through its department feeds once, then reuses it', async () => {
    const context = testContext(getDb());
    const first = await loadDemoCounty(context, {
      countyCode: '371082',
      households: 300,
      seed: 3,
      referenceDate: '2026-11-28',
    });
    expect(first.loaded).toBe(true);
    expect(first.households).toBe(300);
    expect(first.message).toContain('已生成荣成市演示人口：300户');
    expect(first.message).toContain('经15个部门数据源导入');
    const persons = await countPersonsWithin(context.db, '371082000000');
    expect(persons).toBe(first.persons);
    expect(persons).toBeGreaterThan(600);
    // The console's import history is real: one completed import per feed, counts reconciling.
    const { rows: imports } = await listImports(context.db, { limit: 50, offset: 0 });
    expect(imports).toHaveLength(15);
    for (const i of imports) {
      expect(i).toMatchObject({ status: 'completed', started_by: 'demo' });
      expect(i.received).toBe(i.accepted + i.rejected + i.duplicate);
    }
    expect(imports.some((i) => i.rejected > 0)).toBe(true);
    // The civil-affairs roster rebuilt the demo's assistance households.
    const cases = await context.db
      .selectFrom('assistance_households')
      .select('id')
      .where('case_number', 'is not', null)
      .execute();
    expect(cases.length).toBeGreaterThan(0);

    const { rows, total } = await listHukouHouseholdsWithin(context.db, '371082000000', 5, 0, systemScope);
    // Non-local households keep their hukou booklet in their home county.
    expect(total).toBeGreaterThan(250);
    expect(total).toBeLessThanOrEqual(300);
    const members = await listHukouMembers(context.db, rows[0]?.id ?? '');
    expect(members.filter((m) => m.relationship === '02')).toHaveLength(1);

    const second = await loadDemoCounty(context, { countyCode: '371082', households: 300, seed: 3 });
    expect(second.loaded).toBe(false);
    expect(await countPersonsWithin(context.db, '371082000000')).toBe(persons);
  });
});
