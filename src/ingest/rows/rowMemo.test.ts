import { describe, expect, it } from 'vitest';
import { makeResidentId } from '../../registry/residentId/index.ts';
import { createRowMemo, NO_MEMO } from './rowMemo.ts';

describe('createRowMemo', () => {
  it('gives the same answers as working each text out, the second time too', () => {
    const memo = createRowMemo();
    const formats = ['YYYYMMDD', 'YYYY/M/D'];
    const id = makeResidentId('371082', '1970-05-06', 31);
    const texts = ['20250301', '2025/3/1', '20250230', '1 March 2025', '2025-03-01 00:00:00 extra text'];
    const ids = [id, id.slice(0, 17) + (id.endsWith('0') ? '1' : '0'), '12345', `${id} `];
    for (let round = 0; round < 2; round++) {
      for (const text of texts) expect(memo.date(text, formats)).toBe(NO_MEMO.date(text, formats));
      for (const text of ids)
        expect(memo.residentId(text, '2026-11-29')).toEqual(NO_MEMO.residentId(text, '2026-11-29'));
    }
    // Another list of formats answers for itself.
    expect(memo.date('20250301', ['YYYY-MM-DD'])).toBeUndefined();
  });

  it('stays correct past the number of answers it keeps', () => {
    const memo = createRowMemo();
    const formats = ['YYYYMMDD'];
    for (let n = 0; n < 60_000; n++) memo.date(`x${String(n)}`, formats);
    expect(memo.date('19000101', formats)).toBe('1900-01-01');
    expect(memo.date('x1', formats)).toBeUndefined();
    // 110,000 distinct numbers: a birth year and a sequence number each.
    for (let n = 0; n < 110_000; n++)
      memo.residentId(
        makeResidentId('371082', `${String(1900 + Math.floor(n / 999))}-01-01`, 1 + (n % 999)),
        '2026-11-29',
      );
    expect(memo.residentId(makeResidentId('371082', '1980-01-02', 7), '2026-11-29')).toMatchObject({
      ok: true,
      value: { birthDate: '1980-01-02' },
    });
  });
});
