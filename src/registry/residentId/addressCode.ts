import type { AddressPrefixes } from './types.ts';

/**
 * Province-level prefixes in use (plus 81/82/83 of residence permits for Hong Kong, Macao
 * and Taiwan residents, and 91 of foreigners' permanent residence cards). Anything else is
 * only a warning: codes change, and a number must never be refused because today's list
 * lacks its address code.
 */
const KNOWN_PROVINCES = new Set(
  '11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83 91'.split(
    ' ',
  ),
);

/** The province, prefecture and county prefixes of a 6-digit address code. */
export function addressPrefixes(addressCode: string): AddressPrefixes {
  return {
    province: addressCode.slice(0, 2),
    city: addressCode.slice(0, 4),
    county: addressCode.slice(0, 6),
  };
}

/**
 * Why a 6-digit address code cannot be one, in Chinese, or undefined. Only the structure is
 * checked: a code missing from today's list may be a retired one that is still on valid cards.
 */
export function addressCodeProblem(addressCode: string): string | undefined {
  if (!/^\d{6}$/.test(addressCode)) return `地址码应为6位数字，实际为“${addressCode}”`;
  if (addressCode.startsWith('00')) return `地址码${addressCode}无效：省级代码不能为00`;
  return undefined;
}

/** A Chinese warning when the province prefix is not one in use, or undefined. */
export function addressCodeWarning(addressCode: string): string | undefined {
  const province = addressCode.slice(0, 2);
  return KNOWN_PROVINCES.has(province)
    ? undefined
    : `地址码${addressCode}的省级代码${province}不在现行代码表中`;
}
