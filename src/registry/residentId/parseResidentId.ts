import { isoDateProblem, todayInChina } from '../../core/isoDate.ts';
import { addressCodeProblem, addressCodeWarning, addressPrefixes } from './addressCode.ts';
import { computeCheckDigit } from './checkDigit.ts';
import type { ResidentIdProblem, ResidentIdResult } from './types.ts';

const EARLIEST_BIRTH = '1800-01-01';
/** 17 digits and a check character, nothing else: the shape nearly every number arrives in. */
export const isWellFormed18 = (text: string): boolean => WELL_FORMED_18.test(text);
const WELL_FORMED_18 = /^[0-9]{17}[0-9Xx]$/;
/** The reference date last found valid: an import checks a million numbers against one date. */
let lastCheckedToday = '';
const graphemes = new Intl.Segmenter('zh', { granularity: 'grapheme' });

/**
 * The characters as the user sees them, so that an emoji or a digit with a combining mark
 * pasted into the field counts as one and positions match the screen. Plain ASCII, nearly
 * every real input, is split directly: segmenting costs ten times the rest of the check.
 */
function characters(text: string): string[] {
  // eslint-disable-next-line no-control-regex -- the range is the whole of ASCII, on purpose
  if (/^[\x00-\x7f]*$/.test(text)) return text.split('');
  return Array.from(graphemes.segment(text), (g) => g.segment);
}

/**
 * Checks a resident ID number (GB 11643-1999), 18 digits or a legacy 15-digit one, and
 * reports every independent problem in Chinese. Structure problems (length, characters)
 * stop the checks, since the positions of the other parts are then unknown.
 */
export function parseResidentId(input: string, options: { today?: string } = {}): ResidentIdResult {
  const today = options.today ?? todayInChina();
  // A bad reference date is the caller's bug, not the number's: comparing against it would
  // silently pass or fail every birth date.
  if (today !== lastCheckedToday) {
    const todayProblem = isoDateProblem(today);
    if (todayProblem !== undefined) throw new Error(`today must be a real YYYY-MM-DD date: ${todayProblem}`);
    lastCheckedToday = today;
  }

  const trimmed = input.trim();
  // Nearly every number a department sends is 17 digits and a check character: those skip the
  // character-by-character structure checks, which cost as much as all the rest (issue 4).
  if (isWellFormed18(trimmed)) return checkParts(trimmed.slice(0, 17), trimmed.charAt(17), false, today);
  const chars = characters(trimmed);
  if (chars.length !== 18 && chars.length !== 15) {
    return {
      ok: false,
      problems: [{ code: 'LENGTH', message: `身份证号码应为18位（或旧版15位），实际为${chars.length}位` }],
    };
  }
  const upgradedFrom15 = chars.length === 15;
  // Only the 18th character may be a letter; the message quotes what was typed, case and all.
  const digitCount = upgradedFrom15 ? 15 : 17;
  for (let i = 0; i < digitCount; i++) {
    const ch = chars[i] ?? '';
    if (!/^[0-9]$/.test(ch)) {
      return {
        ok: false,
        problems: [{ code: 'CHARACTERS', message: `第${i + 1}位应为数字，实际为“${ch}”`, position: i + 1 }],
      };
    }
  }
  const typedCheck = chars[17] ?? '';
  if (!upgradedFrom15 && !/^[0-9Xx]$/.test(typedCheck)) {
    return {
      ok: false,
      problems: [{ code: 'CHARACTERS', message: `第18位应为数字或X，实际为“${typedCheck}”`, position: 18 }],
    };
  }

  return checkParts(chars.slice(0, digitCount).join(''), typedCheck, upgradedFrom15, today);
}

/**
 * The checks of a number whose structure is right: `digits` are its 17 (or 15) digits,
 * `typedCheck` the 18th character as typed ('' for a 15-digit number).
 */
function checkParts(
  digits: string,
  typedCheck: string,
  upgradedFrom15: boolean,
  today: string,
): ResidentIdResult {
  // A 15-digit number has a 2-digit year of the 1900s and no check digit.
  const first17 = upgradedFrom15 ? `${digits.slice(0, 6)}19${digits.slice(6)}` : digits;
  const problems: ResidentIdProblem[] = [];
  const warnings: string[] = [];

  const addressCode = first17.slice(0, 6);
  const addressProblem = addressCodeProblem(addressCode);
  if (addressProblem !== undefined) problems.push({ code: 'ADDRESS', message: addressProblem, position: 1 });
  else {
    const warning = addressCodeWarning(addressCode);
    if (warning !== undefined) warnings.push(warning);
  }

  const compact = first17.slice(6, 14);
  const birthDate = `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;
  const dateProblem = isoDateProblem(birthDate);
  if (dateProblem !== undefined) {
    problems.push({ code: 'BIRTH_DATE', message: `出生日期${compact}不存在（${dateProblem}）`, position: 7 });
  } else if (birthDate > today) {
    problems.push({ code: 'FUTURE_BIRTH', message: `出生日期${compact}晚于今天`, position: 7 });
  } else if (birthDate < EARLIEST_BIRTH) {
    problems.push({ code: 'BIRTH_DATE', message: `出生日期${compact}早于1800年1月1日`, position: 7 });
  }

  const sequence = first17.slice(14, 17);
  if (sequence === '000') {
    // The sequence starts at digit 13 of a 15-digit number, which has no century digits.
    problems.push({ code: 'SEQUENCE', message: '顺序码不能为000', position: upgradedFrom15 ? 13 : 15 });
  }

  const expected = computeCheckDigit(first17);
  const actual = typedCheck.toUpperCase();
  if (!upgradedFrom15 && actual !== expected) {
    problems.push({
      code: 'CHECK_DIGIT',
      message: `第18位校验码应为 ${expected}，实际为 ${actual}`,
      position: 18,
    });
  }

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      idNumber: first17 + expected,
      addressCode,
      addressPrefixes: addressPrefixes(addressCode),
      birthDate,
      sex: Number(sequence.charAt(2)) % 2 === 1 ? 'male' : 'female',
      sequence,
      checkDigit: expected,
      upgradedFrom15,
      warnings,
    },
  };
}
