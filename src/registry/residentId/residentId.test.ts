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

// A fixed reference date keeps the future-birth checks independent of the clock.
const today = '2026-11-28';
const problemsOf = (result: ResidentIdResult) => (result.ok ? [] : result.problems);
const codesOf = (result: ResidentIdResult) => problemsOf(result).map((p) => p.code);
/** The first 17 digits completed with their correct check digit. */
const withCheck = (first17: string) => first17 + computeCheckDigit(first17);

describe('resident ID numbers (GB 11643-1999)', () => {
  // The two worked examples printed in GB 11643-1999 itself.
  it('accepts the standard examples, one with an X check digit', () => {
    expect(parseResidentId('11010519491231002X', { today })).toEqual({
      ok: true,
      value: {
        idNumber: '11010519491231002X',
        addressCode: '110105',
        addressPrefixes: { province: '11', city: '1101', county: '110105' },
        birthDate: '1949-12-31',
        sex: 'female',
        sequence: '002',
        checkDigit: 'X',
        upgradedFrom15: false,
        warnings: [],
      },
    });
    expect(parseResidentId('440524188001010014', { today })).toMatchObject({
      ok: true,
      value: { birthDate: '1880-01-01', sex: 'male', sequence: '001', checkDigit: '4' },
    });
  });

  it('computes check digits: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, table 10X98765432', () => {
    expect(computeCheckDigit('11010519491231002')).toBe('X');
    expect(computeCheckDigit('44052418800101001')).toBe('4');
    // By hand: 3·7+7·9+1·10+0·5+8·8+2·4+1·2+9·1+9·6+0·3+0·7+1·9+0·10+1·5+0·8+0·4+1·2
    //   = 21+63+10+0+64+8+2+9+54+0+0+9+0+5+0+0+2 = 247; 247 mod 11 = 5 → table[5] = '7'
    expect(computeCheckDigit('37108219900101001')).toBe('7');
    // By hand: 4·7+4·9+0·10+5·5+2·8+4·4+1·2+9·1+8·6+0·3+0·7+1·9+0·10+1·5+0·8+0·4+1·2
    //   = 28+36+0+25+16+16+2+9+48+0+0+9+0+5+0+0+2 = 196; 196 mod 11 = 9 → table[9] = '3'
    expect(computeCheckDigit('44052419800101001')).toBe('3');
    // By hand: 3·7+2·9+0·10+1·5+0·8+2·4+1·2+9·1+8·6+5·3+0·7+6·9+1·10+5·5+0·8+1·4+1·2
    //   = 21+18+0+5+0+8+2+9+48+15+0+54+10+25+0+4+2 = 221; 221 mod 11 = 1 → table[1] = '0'
    expect(computeCheckDigit('32010219850615011')).toBe('0');
    // Same but the last digit 6: the sum grows by 5·2 to 231; 231 mod 11 = 0 → table[0] = '1'
    expect(computeCheckDigit('32010219850615016')).toBe('1');
    expect(() => computeCheckDigit('123')).toThrow();
    expect(() => computeCheckDigit('1101051949123100X')).toThrow();
  });

  it('accepts the hand-checked numbers with digit check digits', () => {
    for (const [id, sex] of [
      ['371082199001010017', 'male'],
      ['440524198001010013', 'male'],
      ['320102198506150110', 'male'],
      ['320102198506150161', 'female'], // sequence 016 is even
    ] as const) {
      const result = parseResidentId(id, { today });
      expect(result).toMatchObject({ ok: true, value: { idNumber: id, sex, checkDigit: id.slice(-1) } });
    }
    expect(makeResidentId('371082', '1990-01-01', 1)).toBe('371082199001010017');
    expect(makeResidentId('320102', '1985-06-15', 16)).toBe('320102198506150161');
  });

  it('says which check digit was expected and which was given', () => {
    expect(problemsOf(parseResidentId('110105194912310021', { today }))).toEqual([
      { code: 'CHECK_DIGIT', message: '第18位校验码应为 X，实际为 1', position: 18 },
    ]);
    expect(problemsOf(parseResidentId('440524188001010015', { today }))).toEqual([
      { code: 'CHECK_DIGIT', message: '第18位校验码应为 4，实际为 5', position: 18 },
    ]);
    // A lower-case x that is wrong is quoted in its normalised form.
    expect(problemsOf(parseResidentId('37108219900101001x', { today }))[0]?.message).toBe(
      '第18位校验码应为 7，实际为 X',
    );
  });

  it('accepts a lower-case x and surrounding whitespace, normalising both', () => {
    const result = parseResidentId('  11010519491231002x\t\n', { today });
    expect(result).toMatchObject({ ok: true, value: { idNumber: '11010519491231002X', checkDigit: 'X' } });
    // Full-width spaces from Chinese input methods are whitespace too.
    expect(parseResidentId('\u300011010519491231002X\u3000', { today }).ok).toBe(true);
  });

  it('refuses impossible birth dates, naming the date and why', () => {
    expect(problemsOf(parseResidentId(withCheck('37108219990230011'), { today }))).toEqual([
      { code: 'BIRTH_DATE', message: '出生日期19990230不存在（1999年2月没有30日）', position: 7 },
    ]);
    // 1900 is not a leap year (divisible by 100 but not by 400); 2000 is.
    expect(problemsOf(parseResidentId(withCheck('37108219000229011'), { today }))).toEqual([
      { code: 'BIRTH_DATE', message: '出生日期19000229不存在（1900年2月没有29日）', position: 7 },
    ]);
    expect(parseResidentId(withCheck('37108220000229011'), { today })).toMatchObject({
      ok: true,
      value: { birthDate: '2000-02-29' },
    });
    expect(problemsOf(parseResidentId(withCheck('37108219901301011'), { today }))[0]?.message).toBe(
      '出生日期19901301不存在（月份13不存在）',
    );
    expect(problemsOf(parseResidentId(withCheck('37108217991231011'), { today }))).toEqual([
      { code: 'BIRTH_DATE', message: '出生日期17991231早于1800年1月1日', position: 7 },
    ]);
    expect(parseResidentId(withCheck('37108218000101011'), { today }).ok).toBe(true);
  });

  it('refuses a birth after today, but not on today', () => {
    expect(problemsOf(parseResidentId(makeResidentId('371082', '2030-01-01', 1), { today }))).toEqual([
      { code: 'FUTURE_BIRTH', message: '出生日期20300101晚于今天', position: 7 },
    ]);
    expect(parseResidentId(makeResidentId('371082', '2026-11-29', 1), { today }).ok).toBe(false);
    expect(parseResidentId(makeResidentId('371082', '2026-11-28', 1), { today }).ok).toBe(true);
    expect(() => parseResidentId('11010519491231002X', { today: '2026/11/28' })).toThrow();
  });

  it('refuses the sequence 000', () => {
    expect(problemsOf(parseResidentId(withCheck('37108219900101000'), { today }))).toEqual([
      { code: 'SEQUENCE', message: '顺序码不能为000', position: 15 },
    ]);
    // In a 15-digit number the sequence starts at digit 13.
    expect(problemsOf(parseResidentId('371082900101000', { today }))).toEqual([
      { code: 'SEQUENCE', message: '顺序码不能为000', position: 13 },
    ]);
  });

  it('reports independent problems together', () => {
    expect(problemsOf(parseResidentId('001082199902300005', { today }))).toEqual([
      { code: 'ADDRESS', message: '地址码001082无效：省级代码不能为00', position: 1 },
      { code: 'BIRTH_DATE', message: '出生日期19990230不存在（1999年2月没有30日）', position: 7 },
      { code: 'SEQUENCE', message: '顺序码不能为000', position: 15 },
      // By hand: 0·7+0·9+1·10+0·5+8·8+2·4+1·2+9·1+9·6+9·3+0·7+2·9+3·10+0+0+0+0 = 222;
      // 222 mod 11 = 2 → table[2] = 'X'
      { code: 'CHECK_DIGIT', message: '第18位校验码应为 X，实际为 5', position: 18 },
    ]);
  });

  it('explains wrong lengths and characters, and stops there', () => {
    expect(problemsOf(parseResidentId('1101051949123100', { today }))).toEqual([
      { code: 'LENGTH', message: '身份证号码应为18位（或旧版15位），实际为16位' },
    ]);
    expect(problemsOf(parseResidentId('', { today }))[0]?.message).toBe(
      '身份证号码应为18位（或旧版15位），实际为0位',
    );
    expect(problemsOf(parseResidentId('110105A9491231002X', { today }))).toEqual([
      { code: 'CHARACTERS', message: '第7位应为数字，实际为“A”', position: 7 },
    ]);
    // The character is quoted as typed, not upper-cased.
    expect(problemsOf(parseResidentId('110105a9491231002X', { today }))[0]?.message).toBe(
      '第7位应为数字，实际为“a”',
    );
    expect(problemsOf(parseResidentId('1101051949123100X2', { today }))[0]?.message).toBe(
      '第17位应为数字，实际为“X”',
    );
    expect(problemsOf(parseResidentId('11010519491231002Y', { today }))).toEqual([
      { code: 'CHARACTERS', message: '第18位应为数字或X，实际为“Y”', position: 18 },
    ]);
    // A 15-digit number has no check digit, so an X there is a wrong character.
    expect(problemsOf(parseResidentId('11010549123100X', { today }))[0]?.code).toBe('CHARACTERS');
    // Characters are counted as the user sees them, an emoji being one.
    expect(problemsOf(parseResidentId('😀1010519491231002X', { today }))).toEqual([
      { code: 'CHARACTERS', message: '第1位应为数字，实际为“😀”', position: 1 },
    ]);
    expect(problemsOf(parseResidentId('１１0105194912310021', { today }))[0]?.code).toBe('CHARACTERS');
    // A keycap digit is a digit with marks attached: one character, and not a plain digit.
    expect(problemsOf(parseResidentId('1\uFE0F\u20E31010519491231002X', { today }))[0]).toMatchObject({
      code: 'CHARACTERS',
      position: 1,
    });
  });

  it('upgrades 15-digit numbers to 18 digits', () => {
    expect(upgradeResidentId15('110105491231002')).toBe('11010519491231002X');
    expect(parseResidentId('440524800101001', { today })).toMatchObject({
      ok: true,
      value: { idNumber: '440524198001010013', birthDate: '1980-01-01', upgradedFrom15: true },
    });
    expect(() => upgradeResidentId15('110105490231002')).toThrow('出生日期19490231不存在');
    expect(() => upgradeResidentId15('11010519491231002X')).toThrow('不是15位身份证号码');
    expect(() => upgradeResidentId15('11010549123100A')).toThrow();
  });

  it('never refuses an address code only because today’s code list lacks it', () => {
    // 371099 is not a county of Weihai, and 99 is no province: both structurally fine.
    expect(parseResidentId(makeResidentId('371099', '1980-05-05', 123), { today })).toMatchObject({
      ok: true,
      value: { addressPrefixes: { province: '37', city: '3710', county: '371099' }, warnings: [] },
    });
    expect(parseResidentId(makeResidentId('990000', '1980-05-05', 123), { today })).toMatchObject({
      ok: true,
      value: { addressCode: '990000', warnings: ['地址码990000的省级代码99不在现行代码表中'] },
    });
    // Residence permits of Hong Kong, Macao and Taiwan residents, foreigners' permanent residence.
    for (const code of ['810000', '820000', '830000', '910000']) {
      expect(parseResidentId(makeResidentId(code, '1980-05-05', 1), { today })).toMatchObject({
        ok: true,
        value: { warnings: [] },
      });
    }
    expect(problemsOf(parseResidentId(withCheck('00108219800505001'), { today }))).toEqual([
      { code: 'ADDRESS', message: '地址码001082无效：省级代码不能为00', position: 1 },
    ]);
  });

  it('builds only numbers that can be valid', () => {
    expect(() => makeResidentId('37108', '1980-05-05', 1)).toThrow();
    expect(() => makeResidentId('001082', '1980-05-05', 1)).toThrow();
    expect(() => makeResidentId('371082', '1999-02-30', 1)).toThrow('1999年2月没有30日');
    expect(() => makeResidentId('371082', '1799-12-31', 1)).toThrow();
    expect(() => makeResidentId('371082', '1980-05-05', 0)).toThrow();
    expect(() => makeResidentId('371082', '1980-05-05', 1000)).toThrow();
    expect(() => makeResidentId('371082', '1980-05-05', 1.5)).toThrow();
  });

  it('masks all but the first 6 and last 4 characters', () => {
    expect(maskResidentId('11010519491231002X')).toBe('110105********002X');
    expect(maskResidentId('110105491231002')).toBe('110105*****1002');
  });
});

describe('resident ID properties', () => {
  const address = fc
    .tuple(fc.integer({ min: 11, max: 65 }), fc.integer({ min: 0, max: 9999 }))
    .map(([p, rest]) => `${p}${String(rest).padStart(4, '0')}`);
  // Every real date 1900-01-01..2025-12-31, each day equally likely.
  const date = fc
    .date({
      min: new Date('1900-01-01T00:00:00Z'),
      max: new Date('2025-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 10));
  const sequence = fc.integer({ min: 1, max: 999 });
  const sexOf = (s: number) => (s % 2 === 1 ? 'male' : 'female');

  it('the date generator only yields real dates', () => {
    fc.assert(
      fc.property(date, (d) => {
        expect(Number(d.slice(8))).toBeLessThanOrEqual(
          daysInMonth(Number(d.slice(0, 4)), Number(d.slice(5, 7))),
        );
      }),
    );
  });

  it('every number built from valid parts validates, with its parts, birth date and sex', () => {
    fc.assert(
      fc.property(address, date, sequence, (a, d, s) => {
        const id = makeResidentId(a, d, s);
        expect(parseResidentId(id, { today })).toMatchObject({
          ok: true,
          value: {
            idNumber: id,
            addressCode: a,
            birthDate: d,
            sex: sexOf(s),
            sequence: String(s).padStart(3, '0'),
          },
        });
      }),
    );
  });

  it('the check digit catches every single-digit substitution in the first 17', () => {
    fc.assert(
      fc.property(
        address,
        date,
        sequence,
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 1, max: 9 }),
        (a, d, s, pos, delta) => {
          const id = makeResidentId(a, d, s);
          const changed = String((Number(id.charAt(pos)) + delta) % 10);
          const altered = id.slice(0, pos) + changed + id.slice(pos + 1);
          // Every weight is non-zero mod the prime 11, so any change moves the sum mod 11:
          // the check digit always objects, whatever else (a bad date) does too.
          expect(codesOf(parseResidentId(altered, { today }))).toContain('CHECK_DIGIT');
        },
      ),
    );
  });

  it('any other check character is refused with the right one named', () => {
    fc.assert(
      fc.property(
        address,
        date,
        sequence,
        fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X'),
        (a, d, s, other) => {
          const id = makeResidentId(a, d, s);
          fc.pre(other !== id.charAt(17));
          expect(problemsOf(parseResidentId(id.slice(0, 17) + other, { today }))).toEqual([
            {
              code: 'CHECK_DIGIT',
              message: `第18位校验码应为 ${id.charAt(17)}，实际为 ${other}`,
              position: 18,
            },
          ]);
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
        expect(upgraded).toHaveLength(18);
        expect(upgraded.slice(0, 6) + upgraded.slice(8, 17)).toBe(id15);
        expect(parseResidentId(upgraded, { today })).toMatchObject({
          ok: true,
          value: { birthDate: d, sex: sexOf(s), upgradedFrom15: false },
        });
        expect(parseResidentId(id15, { today })).toMatchObject({
          ok: true,
          value: { idNumber: upgraded, birthDate: d, sex: sexOf(s), upgradedFrom15: true },
        });
      }),
    );
  });

  it('masking keeps the length, the first 6 and the last 4', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 11, maxLength: 30 }), address, date, sequence, (any, a, d, s) => {
        for (const id of [makeResidentId(a, d, s), any]) {
          const masked = maskResidentId(id);
          expect(masked).toHaveLength(id.length);
          expect(masked.slice(0, 6)).toBe(id.slice(0, 6));
          expect(masked.slice(-4)).toBe(id.slice(-4));
          expect(masked.slice(6, -4)).toMatch(/^\*+$/);
        }
      }),
    );
  });

  it('never throws on arbitrary input, and reports at least one problem when it refuses', () => {
    const input = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 24 }),
      fc.stringMatching(/^\s*[0-9xX]{14,19}\s*$/),
    );
    fc.assert(
      fc.property(input, (s) => {
        const result = parseResidentId(s, { today });
        if (!result.ok) expect(result.problems.length).toBeGreaterThan(0);
        else expect(result.value.idNumber).toMatch(/^\d{17}[\dX]$/);
      }),
    );
  });
});
