import { describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/eachDatabase.ts';
import { paddedIds, selectArrays } from './selectArrays.ts';
import { importAreaRecords } from '../../areas/importAreas.ts';
import { readCountyDivisions } from '../../areas/chinaDivision.ts';

describe('paddedIds', () => {
  it('pads with the last id to a power of two, and leaves an empty list empty', () => {
    expect(paddedIds(['a', 'b', 'c'])).toEqual(['a', 'b', 'c', 'c']);
    expect(paddedIds(['a', 'b'])).toEqual(['a', 'b']);
    expect(paddedIds(['a'])).toEqual(['a']);
    expect(paddedIds([])).toEqual([]);
    expect(paddedIds(Array.from({ length: 257 }, (_, i) => String(i)))).toHaveLength(512);
  });
});

describeEachDatabase('selectArrays', (getDb) => {
  it('gives the rows Kysely gives, as arrays in the select order, inside a transaction too', async () => {
    const { db } = getDb();
    await importAreaRecords(db, readCountyDivisions('371082'), '2023-12-31');
    const codes = (await db.selectFrom('areas').select('code').orderBy('code').limit(3).execute()).map(
      (r) => r.code,
    );
    codes.push('999999999999');
    const query = db
      .selectFrom('areas')
      .select(['name', 'code', 'level'])
      .where('code', 'in', paddedIds(codes))
      .orderBy('code');
    const objects = await query.execute();
    const expected = objects.map((r) => [r.name, r.code, r.level]);
    expect(expected).toHaveLength(3);
    const columns = ['name', 'code', 'level'];
    expect(await selectArrays(db, query.compile(), columns)).toEqual(expected);
    // Twice: the second from the statement prepared by the first (on SQLite).
    expect(await selectArrays(db, query.compile(), columns)).toEqual(expected);
    await db.transaction().execute(async (trx) => {
      expect(await selectArrays(trx, query.compile(), columns)).toEqual(expected);
    });
  });
});
