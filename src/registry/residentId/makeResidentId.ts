import { computeCheckDigit } from './checkDigit.ts';

/** Builds a valid 18-digit number from its parts (for generated populations and tests). */
export function makeResidentId(addressCode: string, birthDate: string, sequence: number): string {
  if (!/^\d{6}$/.test(addressCode)) throw new Error(`address code must be 6 digits: ${addressCode}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) throw new Error(`birth date must be YYYY-MM-DD: ${birthDate}`);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999) {
    throw new Error(`sequence must be 1..999: ${sequence}`);
  }
  const first17 = addressCode + birthDate.replaceAll('-', '') + String(sequence).padStart(3, '0');
  return first17 + computeCheckDigit(first17);
}
