import type { AreaKind, AreaLevel } from '../db/schema.ts';

/**
 * 12-digit statistical area codes: 2 province + 2 city + 2 county + 3 township + 3 village.
 * Shorter forms (2, 4, 6 or 9 digits) are padded with zeros, the way the codes are published.
 * A zero part may sit above a non-zero one: Dongguan (4419) has towns but no counties.
 */
export const AREA_CODE_LENGTH = 12;

const levelPrefixLength: Record<AreaLevel, number> = {
  province: 2,
  city: 4,
  county: 6,
  township: 9,
  village: 12,
};

/** Why a string is not an area code (Chinese), or undefined when it is one. */
export function areaCodeProblem(input: string): string | undefined {
  if (!/^\d+$/.test(input)) return `“${input}”应只含数字`;
  if (![2, 4, 6, 9, 12].includes(input.length)) return `应为2、4、6、9或12位数字，实际为${input.length}位`;
  if (input.startsWith('00')) return '省级代码不能为00';
  return undefined;
}

/** The 12-digit form of a valid area code; throws on an invalid one (check with areaCodeProblem first). */
export function normalizeAreaCode(input: string): string {
  const problem = areaCodeProblem(input);
  if (problem) throw new Error(`invalid area code ${input}: ${problem}`);
  return input.padEnd(AREA_CODE_LENGTH, '0');
}

/** The level a 12-digit code names, read from which of its parts are non-zero. */
export function areaLevelOf(code: string): AreaLevel {
  if (code.slice(9) !== '000') return 'village';
  if (code.slice(6, 9) !== '000') return 'township';
  if (code.slice(4, 6) !== '00') return 'county';
  if (code.slice(2, 4) !== '00') return 'city';
  return 'province';
}

/** The significant prefix of a code at its level (e.g. '371082' for a county). */
export function areaCodePrefix(code: string, level: AreaLevel = areaLevelOf(code)): string {
  return code.slice(0, levelPrefixLength[level]);
}

/** The code's structural parent (the next level up), or null for a province. */
export function structuralParentCode(code: string): string | null {
  const level = areaLevelOf(code);
  if (level === 'province') return null;
  const parentLevel = areaLevels[areaLevels.indexOf(level) - 1] ?? 'province';
  return areaCodePrefix(code, parentLevel).padEnd(AREA_CODE_LENGTH, '0');
}

export const areaLevels: AreaLevel[] = ['province', 'city', 'county', 'township', 'village'];

/**
 * The type of a township or village from its code range (national statistical coding rules):
 * township 001–099 sub-district, 100–199 town, 200–299 township, 400+ similar units
 * (development zones, farms); village 001–199 residents' committee, 200–399 village
 * committee, 400+ similar units.
 */
export function areaKindOf(code: string, level: AreaLevel = areaLevelOf(code)): AreaKind | null {
  if (level === 'township') {
    const n = Number(code.slice(6, 9));
    if (n < 100) return 'subdistrict';
    if (n < 200) return 'town';
    if (n < 300) return 'township';
    return 'township_other';
  }
  if (level === 'village') {
    const n = Number(code.slice(9, 12));
    if (n < 200) return 'residents_committee';
    if (n < 400) return 'village_committee';
    return 'village_other';
  }
  return null;
}

/** Chinese labels for levels and kinds, for pages and messages. */
export const areaLevelLabels: Record<AreaLevel, string> = {
  province: '省',
  city: '市',
  county: '县（区）',
  township: '乡镇（街道）',
  village: '村（社区）',
};

export const areaLevelLabelsEn: Record<AreaLevel, string> = {
  province: 'Province',
  city: 'Prefecture-level city',
  county: 'County (district)',
  township: 'Township (subdistrict)',
  village: 'Village (community)',
};

export const areaKindLabels: Record<AreaKind, string> = {
  subdistrict: '街道',
  town: '镇',
  township: '乡',
  township_other: '类似乡级单位',
  residents_committee: '居民委员会',
  village_committee: '村民委员会',
  village_other: '类似村级单位',
};

export const areaKindLabelsEn: Record<AreaKind, string> = {
  subdistrict: 'Subdistrict',
  town: 'Town',
  township: 'Township',
  township_other: 'Township-level unit',
  residents_committee: 'Residents’ committee',
  village_committee: 'Villagers’ committee',
  village_other: 'Village-level unit',
};
