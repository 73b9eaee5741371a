import { maskKeeping, type MaskingRule } from '../../core/masking.ts';

/**
 * The default masking of a resident ID number (GB/T 35273): the first 6 and last 4
 * characters stay, so staff can tell people apart without seeing the birth date. The system
 * administrator may make it stricter (setting `masking.idNumber`), never looser.
 */
export const defaultIdNumberMasking: MaskingRule = { keepStart: 6, keepEnd: 4 };

export function maskResidentId(id: string, rule: MaskingRule = defaultIdNumberMasking): string {
  return maskKeeping(id, rule);
}
