/**
 * A masking rule: how many characters stay visible at the start and at the end of a value;
 * everything between becomes `*`. A value too short to hide anything is masked entirely.
 */
export interface MaskingRule {
  keepStart: number;
  keepEnd: number;
}

export function maskKeeping(value: string, rule: MaskingRule): string {
  const { keepStart, keepEnd } = rule;
  if (value.length <= keepStart + keepEnd) return '*'.repeat(value.length);
  return (
    value.slice(0, keepStart) +
    '*'.repeat(value.length - keepStart - keepEnd) +
    value.slice(value.length - keepEnd)
  );
}
