import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysInMonth } from '../../core/isoDate.ts';
import {
  computeCheckDigit,
  makeResidentId,
  maskResidentId,
  parseResidentId,
  upgradeResidentId15,
  type ResidentIdResult,
} from './index.ts';

const today = '2026-11-28';
const problemsOf = (result: ResidentIdResult) => (result.ok ? [] : result.problems);

describe('resident ID numbers (GB 11643-1999)', () => {
  // The two worked examples printed in GB 11643-1999 itself.
  it('accepts the standard examples, one with an X check digit', () => {
    const x = parseResidentId('11010519491231002X', { today });
    expect(x).toMatchObject({
      ok: true,
      value: {
        addressCode: '110105',
        birthDate: '1949-12-31',
        sex: 'female',
        sequence: '002',
        checkDigit: 'X',
      },
    });
    const digit = parseResidentId('440524188001010014', { today });
    expect(digit).toMatchObject({
      ok: true,
      value: { birthDate: '1880-01-01', sex: 'male', checkDigit: '4' },
    });
  });

  it('computes check digits: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, table 10X98765432', () => {
    expect(computeCheckDigit('11010519491231002')).toBe('X');
    expect(computeCheckDigit('44052418800101001')).toBe('4');
    // By hand: 3·7+7·9+1·10+0·5+8·8+2·4+1·2+9·1+9·6+0·3+0·7+1·9+0·10+1·5+0·8+0·4+1·2 = 247; 247 mod 11 = 5 → '7'
    expect(computeCheckDigit('37108219900101001')).toBe('7');
    // By hand: 4·7+4·9+0·10+5·5+2·8+4·4+1·2+9·1+8·6+0·3+0·7+1·9+0·10+1·5+0·8+0·4+1·2 = 196; 196 mod 11 = 9 → '3'
    expect(computeCheckDigit('44052419800101001')).toBe('3');
    expect(() => computeCheckDigit('123')).toThrow();
  });

  it('says which check digit was expected', () => {
    const result = parseResidentId('110105194912310021', { today });
    expect(result.ok).toBe(false);
    expect(problemsOf(result)).toEqual([
      { code: 'CHECK_DIGIT', message: '第18位校验码应为 X，实际为 1', position: 18 },
    ]);
  });

  it('accepts a lower-case x and surrounding spaces, normalising both', () => {
    const result = parseResidentId('  11010519491231002x ', { today });
    expect(result.ok && result.value.idNumber).toBe('11010519491231002X');
  });

  it('refuses impossible birth dates, naming the date and why', () => {
    const feb30 = makeResidentId('371082', '1999-02-28', 11).slice(0, 6) + '19990230011';
    const result = parseResidentId(feb30 + computeCheckDigit(feb30), { today });
    expect(problemsOf(result)).toEqual([
      { code: 'BIRTH_DATE', message: '出生日期19990230不存在（1999年2月没有30日）', position: 7 },
    ]);
    const first1900 = '371082190002290110'.slice(0, 17);
    expect(problemsOf(parseResidentId(first1900 + computeCheckDigit(first1900), { today }))[0]?.code).toBe(
      'BIRTH_DATE',
    );
    const first2000 = '37108220000229011';
    expect(parseResidentId(first2000 + computeCheckDigit(first2000), { today }).ok).toBe(true);
  });

  it('refuses a birth after today and the sequence 000', () => {
    const future = makeResidentId('371082', '2030-01-01', 1);
    expect(problemsOf(parseResidentId(future, { today }))).toEqual([
      { code: 'FUTURE_BIRTH', message: '出生日期20300101晚于今天', position: 7 },
    ]);
    const zero = '37108219900101000';
    expect(problemsOf(parseResidentId(zero + computeCheckDigit(zero), { today }))[0]).toMatchObject({
      code: 'SEQUENCE',
      message: '顺序码不能为000',
    });
  });

  it('reports independent problems together', () => {
    const codes = problemsOf(parseResidentId('371082199902300005', { today })).map((p) => p.code);
    expect(codes).toContain('BIRTH_DATE');
    expect(codes).toContain('CHECK_DIGIT');
  });

  it('explains wrong lengths and characters', () => {
    expect(problemsOf(parseResidentId('1101051949123100', { today }))).toEqual([
      { code: 'LENGTH', message: '身份证号码应为18位（或旧版15位），实际为16位' },
    ]);
    expect(problemsOf(parseResidentId('110105A9491231002X', { today }))).toEqual([
      { code: 'CHARACTERS', message: '第7位应为数字，实际为“A”', position: 7 },
    ]);
    expect(problemsOf(parseResidentId('11010519491231002Y', { today }))[0]?.message).toBe(
      '第18位应为数字或X，实际为“Y”',
    );
  });

  it('upgrades 15-digit numbers to 18 digits', () => {
    expect(upgradeResidentId15('110105491231002')).toBe('11010519491231002X');
    const parsed = parseResidentId('440524800101001', { today });
    expect(parsed).toMatchObject({
      ok: true,
      value: { idNumber: '440524198001010013', upgradedFrom15: true },
    });
    expect(() => upgradeResidentId15('110105490231002')).toThrow('出生日期19490231不存在');
  });

  it('never refuses an address code only because today’s code list lacks it', () => {
    const retired = makeResidentId('371099', '1980-05-05', 123);
    expect(parseResidentId(retired, { today }).ok).toBe(true);
    const unknownProvince = parseResidentId(makeResidentId('990101', '1980-05-05', 123), { today });
    expect(unknownProvince.ok && unknownProvince.value.warnings).toEqual([
      '地址码990101的省级代码99不在现行代码表中',
    ]);
    expect(problemsOf(parseResidentId(makeResidentId('001082', '1980-05-05', 1), { today }))[0]?.code).toBe(
      'ADDRESS',
    );
  });

  it('masks all but the first 6 and last 4 characters', () => {
    expect(maskResidentId('11010519491231002X')).toBe('110105********002X');
  });
});

describe('resident ID properties', () => {
  const address = fc
    .tuple(fc.integer({ min: 11, max: 65 }), fc.integer({ min: 0, max: 9999 }))
    .map(([p, rest]) => `${p}${String(rest).padStart(4, '0')}`);
  const date = fc
    .tuple(
      fc.integer({ min: 1900, max: 2025 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 31 }),
    )
    .map(
      ([y, m, d]) =>
        `${y}-${String(m).padStart(2, '0')}-${String(Math.min(d, daysInMonth(y, m))).padStart(2, '0')}`,
    );
  const sequence = fc.integer({ min: 1, max: 999 });

  it('every number built from valid parts validates, with its birth date and sex', () => {
    fc.assert(
      fc.property(address, date, sequence, (a, d, s) => {
        const result = parseResidentId(makeResidentId(a, d, s), { today });
        expect(result.ok).toBe(true);
        if (result.ok) {
          expect(result.value.birthDate).toBe(d);
          expect(result.value.sex).toBe(s % 2 === 1 ? 'male' : 'female');
        }
      }),
    );
  });

  it('the check digit catches every single-digit substitution', () => {
    fc.assert(
      fc.property(
        address,
        date,
        sequence,
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 1, max: 9 }),
        (a, d, s, pos, delta) => {
          const id = makeResidentId(a, d, s);
          const changed = String((Number(id[pos]) + delta) % 10);
          const altered = id.slice(0, pos) + changed + id.slice(pos + 1);
          expect(parseResidentId(altered, { today }).ok).toBe(false);
        },
      ),
    );
  });

  it('every valid 15-digit number upgrades to a valid 18-digit one with the same birth date and sex', () => {
    const date1900s = date.filter((d) => d.startsWith('19'));
    fc.assert(
      fc.property(address, date1900s, sequence, (a, d, s) => {
        const id15 = a + d.slice(2).replaceAll('-', '') + String(s).padStart(3, '0');
        const upgraded = upgradeResidentId15(id15);
        const result = parseResidentId(upgraded, { today });
        expect(result.ok && result.value.birthDate).toBe(d);
        expect(result.ok && result.value.sex).toBe(s % 2 === 1 ? 'male' : 'female');
      }),
    );
  });

  it('masking keeps the length, the first 6 and the last 4', () => {
    fc.assert(
      fc.property(address, date, sequence, (a, d, s) => {
        const id = makeResidentId(a, d, s);
        const masked = maskResidentId(id);
        expect(masked).toHaveLength(18);
        expect(masked.slice(0, 6)).toBe(id.slice(0, 6));
        expect(masked.slice(-4)).toBe(id.slice(-4));
      }),
    );
  });
});
