import { isoDateProblem, todayInChina } from '../../core/isoDate.ts';
import { computeCheckDigit } from './checkDigit.ts';
import type { ResidentIdProblem, ResidentIdResult } from './types.ts';

/**
 * Province-level prefixes in use (plus 81/82/83 of residence permits for Hong Kong, Macao
 * and Taiwan residents, and 91 of foreigners' permanent residence cards). Anything else is
 * only a warning: codes change, and a number must never be refused because today's list
 * lacks its address code.
 */
const KNOWN_PROVINCES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
  '83',
  '91',
]);

const EARLIEST_BIRTH = '1800-01-01';

/**
 * Checks a resident ID number (GB 11643-1999), 18 digits or a legacy 15-digit one, and
 * reports every independent problem in Chinese. Structure problems (length, characters)
 * stop the checks, since the positions of the other parts are then unknown.
 */
export function parseResidentId(input: string, options: { today?: string } = {}): ResidentIdResult {
  const raw = input.trim().toUpperCase();
  if (raw.length !== 18 && raw.length !== 15) {
    return {
      ok: false,
      problems: [{ code: 'LENGTH', message: `身份证号码应为18位（或旧版15位），实际为${raw.length}位` }],
    };
  }
  const digitsOnly = raw.length === 15 ? raw : raw.slice(0, 17);
  for (let i = 0; i < digitsOnly.length; i++) {
    const ch = digitsOnly.charAt(i);
    if (ch < '0' || ch > '9') {
      return {
        ok: false,
        problems: [{ code: 'CHARACTERS', message: `第${i + 1}位应为数字，实际为“${ch}”`, position: i + 1 }],
      };
    }
  }
  const last = raw.charAt(17);
  if (raw.length === 18 && !/[0-9X]/.test(last)) {
    return {
      ok: false,
      problems: [{ code: 'CHARACTERS', message: `第18位应为数字或X，实际为“${last}”`, position: 18 }],
    };
  }

  const upgradedFrom15 = raw.length === 15;
  // A 15-digit number has a 2-digit year of the 1900s and no check digit.
  const first17 = upgradedFrom15 ? `${raw.slice(0, 6)}19${raw.slice(6, 15)}` : raw.slice(0, 17);
  const problems: ResidentIdProblem[] = [];
  const warnings: string[] = [];

  const addressCode = first17.slice(0, 6);
  if (addressCode.startsWith('00')) {
    problems.push({ code: 'ADDRESS', message: `地址码${addressCode}无效：省级代码不能为00`, position: 1 });
  } else if (!KNOWN_PROVINCES.has(addressCode.slice(0, 2))) {
    warnings.push(`地址码${addressCode}的省级代码${addressCode.slice(0, 2)}不在现行代码表中`);
  }

  const compact = first17.slice(6, 14);
  const birthDate = `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;
  const dateProblem = isoDateProblem(birthDate);
  const today = options.today ?? todayInChina();
  if (dateProblem) {
    problems.push({ code: 'BIRTH_DATE', message: `出生日期${compact}不存在（${dateProblem}）`, position: 7 });
  } else if (birthDate > today) {
    problems.push({ code: 'FUTURE_BIRTH', message: `出生日期${compact}晚于今天`, position: 7 });
  } else if (birthDate < EARLIEST_BIRTH) {
    problems.push({ code: 'BIRTH_DATE', message: `出生日期${compact}早于1800年，不可能`, position: 7 });
  }

  const sequence = first17.slice(14, 17);
  if (sequence === '000') problems.push({ code: 'SEQUENCE', message: '顺序码不能为000', position: 15 });

  const expected = computeCheckDigit(first17);
  if (!upgradedFrom15 && last !== expected) {
    problems.push({
      code: 'CHECK_DIGIT',
      message: `第18位校验码应为 ${expected}，实际为 ${last}`,
      position: 18,
    });
  }

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      idNumber: first17 + expected,
      addressCode,
      birthDate,
      sex: Number(sequence.charAt(2)) % 2 === 1 ? 'male' : 'female',
      sequence,
      checkDigit: expected,
      upgradedFrom15,
      warnings,
    },
  };
}
