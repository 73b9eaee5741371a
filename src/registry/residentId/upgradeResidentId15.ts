import { parseResidentId } from './parseResidentId.ts';

/** The 18-digit form of a legacy 15-digit number; throws with the Chinese reasons if it is invalid. */
export function upgradeResidentId15(id15: string): string {
  if (!/^\d{15}$/.test(id15.trim())) throw new Error(`不是15位身份证号码：${id15}`);
  // Upgrading is pure arithmetic on a number of the 1900s, so it must not depend on the
  // clock: the furthest possible reference date keeps the future-birth check out of it.
  const result = parseResidentId(id15, { today: '9999-12-31' });
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('；'));
  return result.value.idNumber;
}
