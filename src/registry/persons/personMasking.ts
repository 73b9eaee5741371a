import type { FieldCipher } from '../../core/fieldCipher.ts';
import type { MaskingRule } from '../../core/masking.ts';
import { maskResidentId, defaultIdNumberMasking } from '../residentId/index.ts';
import { defaultPhoneMasking, maskPhone } from './phone.ts';

/** The masking rules in force (system settings `masking.idNumber` and `masking.phone`). */
export interface MaskingRules {
  idNumber: MaskingRule;
  phone: MaskingRule;
}

export const defaultMaskingRules: MaskingRules = {
  idNumber: defaultIdNumberMasking,
  phone: defaultPhoneMasking,
};

/** Masks stored (encrypted) numbers for display: decrypts, then masks by the current rule. */
export interface PersonMasker {
  idNumber(encrypted: string): string;
  phone(encrypted: string | null): string | null;
}

/**
 * Masks are computed on every read rather than stored, so a rule change applies at once to
 * every page and no copy can disagree with it (docs/adr/0009-masking-rules.md). The clear
 * value lives only inside this function; only the reveal route returns it.
 */
export function personMasker(cipher: FieldCipher, rules: MaskingRules): PersonMasker {
  return {
    idNumber: (encrypted) => maskResidentId(cipher.decrypt(encrypted), rules.idNumber),
    phone: (encrypted) => (encrypted === null ? null : maskPhone(cipher.decrypt(encrypted), rules.phone)),
  };
}
