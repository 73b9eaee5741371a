// Chinese resident identity numbers (GB 11643-1999): checking, upgrading, building, masking.
export { addressCodeProblem, addressCodeWarning, addressPrefixes } from './addressCode.ts';
export { computeCheckDigit } from './checkDigit.ts';
export { isWellFormed18, parseResidentId } from './parseResidentId.ts';
export { upgradeResidentId15 } from './upgradeResidentId15.ts';
export { makeResidentId } from './makeResidentId.ts';
export { maskResidentId, defaultIdNumberMasking } from './maskResidentId.ts';
export type {
  AddressPrefixes,
  ResidentIdInfo,
  ResidentIdProblem,
  ResidentIdProblemCode,
  ResidentIdResult,
  Sex,
} from './types.ts';
