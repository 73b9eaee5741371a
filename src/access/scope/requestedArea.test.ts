import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../db/testing/eachDatabase.ts';
import { ensureTestAccounts } from '../../http/testing/buildTestApp.ts';
import { AppError } from '../../core/appError.ts';
import { requestedArea } from './requireAreaInScope.ts';

describe('the area a request acts on', () => {
  let test: TestDatabase & { dispose(): Promise<void> };
  beforeAll(async () => {
    test = await openTestDatabase('sqlite');
    await ensureTestAccounts(test);
  });
  afterAll(async () => {
    await test.dispose();
  });
  const code = async (run: Promise<unknown>) => {
    try {
      await run;
      return null;
    } catch (error) {
      // The code the caller reads: the field's, when a field is named.
      return error instanceof AppError ? (error.problems[0]?.code ?? error.code) : 'other';
    }
  };

  it('is the named area inside the scope, else the caller’s own; every area only for an unrestricted caller', async () => {
    const within = { kind: 'within', areaCode: '371082000000' } as const;
    expect(await requestedArea(test.db, 'body.areaCode', '371082001000', within)).toBe('371082001000');
    expect(await requestedArea(test.db, 'body.areaCode', undefined, within)).toBe('371082000000');
    expect(await requestedArea(test.db, 'body.areaCode', undefined, { kind: 'all' })).toBeNull();
    const [mine, other] = await test.db
      .selectFrom('areas')
      .select('code')
      .where('level', '=', 'village')
      .orderBy('code')
      .limit(2)
      .execute();
    if (!mine || !other) throw new Error('Rongcheng has villages');
    const village = { kind: 'only', areaCode: mine.code } as const;
    expect(await code(requestedArea(test.db, 'body.areaCode', other.code, village))).toBe(
      'AREA_OUT_OF_SCOPE',
    );
    // A caller who sees nothing is never given every area.
    expect(await code(requestedArea(test.db, 'body.areaCode', undefined, { kind: 'none' }))).toBe(
      'FIELD_REQUIRED',
    );
  });
});
