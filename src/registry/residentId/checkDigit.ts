/** GB 11643-1999 weights for the first 17 digits (2^(18-i) mod 11). */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** The check digit ('0'–'9' or 'X') for the first 17 digits of a resident ID number. */
export function computeCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error(`expected 17 digits, got "${first17}"`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] ?? '';
}
