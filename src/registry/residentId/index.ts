export { computeCheckDigit } from './checkDigit.ts';
export { parseResidentId } from './parseResidentId.ts';
export { upgradeResidentId15 } from './upgradeResidentId15.ts';
export { makeResidentId } from './makeResidentId.ts';
export { maskResidentId } from './maskResidentId.ts';
export type {
  ResidentIdInfo,
  ResidentIdProblem,
  ResidentIdProblemCode,
  ResidentIdResult,
  Sex,
} from './types.ts';
