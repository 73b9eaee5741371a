import { isoDateProblem } from '../../core/isoDate.ts';
import { addressCodeProblem } from './addressCode.ts';
import { computeCheckDigit } from './checkDigit.ts';

/**
 * Builds a valid 18-digit number from its parts (for generated populations and tests);
 * throws rather than build a number parseResidentId would refuse (bar a future birth date,
 * which depends on the day it is checked).
 */
export function makeResidentId(addressCode: string, birthDate: string, sequence: number): string {
  const addressProblem = addressCodeProblem(addressCode);
  if (addressProblem !== undefined) throw new Error(addressProblem);
  const dateProblem = isoDateProblem(birthDate);
  if (dateProblem !== undefined) throw new Error(`birth date ${birthDate}: ${dateProblem}`);
  if (birthDate < '1800-01-01') throw new Error(`birth date before 1800-01-01: ${birthDate}`);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999) {
    throw new Error(`sequence must be 1..999: ${sequence}`);
  }
  const first17 = addressCode + birthDate.replaceAll('-', '') + String(sequence).padStart(3, '0');
  return first17 + computeCheckDigit(first17);
}
