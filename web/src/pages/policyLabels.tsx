import { Tag } from 'antd';
import type { MessageKey } from '../i18n/messages.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import type { Label, PolicyResult } from '../api/types.ts';

export const periodKey: Record<'monthly' | 'yearly' | 'once', MessageKey> = {
  monthly: 'periodMonthly',
  yearly: 'periodYearly',
  once: 'periodOnce',
};

const outcomeKey: Record<PolicyResult['outcome'], MessageKey> = {
  eligible: 'outcomeEligible',
  ineligible: 'outcomeIneligible',
  unknown: 'outcomeUnknown',
  error: 'outcomeError',
};
const outcomeMark: Record<PolicyResult['outcome'], string> = {
  eligible: '✓',
  ineligible: '✗',
  unknown: '?',
  error: '!',
};
const outcomeColor: Record<PolicyResult['outcome'], string> = {
  eligible: 'green',
  ineligible: 'default',
  unknown: 'gold',
  error: 'red',
};

/** ✓ / ✗ / ? with the word, coloured: the three-valued answer at a glance. */
export function OutcomeTag({ outcome }: { outcome: PolicyResult['outcome'] }) {
  const { t } = useLanguage();
  return (
    <Tag color={outcomeColor[outcome]} data-outcome={outcome}>
      {outcomeMark[outcome]} {t(outcomeKey[outcome])}
    </Tag>
  );
}

export function useLabel() {
  const { language } = useLanguage();
  return (label: Label | null | undefined) => (label ? label[language] : '');
}

/** A value from a policy input or parameter, as text. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.map(valueText).join('、');
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'number') return value.toLocaleString('zh-CN', { maximumFractionDigits: 2 });
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
