import { maskKeeping, type MaskingRule } from '../../core/masking.ts';

/** Mainland mobile numbers (1[3-9]x, 11 digits) or landlines with an area code (0xx-xxxxxxx). */
const MOBILE = /^1[3-9]\d{9}$/;
const LANDLINE = /^0\d{2,3}-?\d{7,8}$/;

export function phoneProblem(phone: string): string | undefined {
  if (MOBILE.test(phone) || LANDLINE.test(phone)) return undefined;
  return '应为11位手机号或带区号的固定电话，如13800138000、0631-7561234';
}

/** The default phone masking: the first 3 and the last 4 digits stay (setting `masking.phone`). */
export const defaultPhoneMasking: MaskingRule = { keepStart: 3, keepEnd: 4 };

/** Masks a phone number for lists and exports. */
export function maskPhone(phone: string, rule: MaskingRule = defaultPhoneMasking): string {
  return maskKeeping(phone, rule);
}
