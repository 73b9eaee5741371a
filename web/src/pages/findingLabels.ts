import type { MessageKey } from '../i18n/messages.ts';

/** The kinds of discovery finding, in the order the console shows them, with their words and colours. */
export type FindingKind = 'gap' | 'review' | 'watch' | 'warning' | 'model';
export const findingKinds: FindingKind[] = ['gap', 'review', 'watch', 'warning', 'model'];
export const findingKindKey: Record<FindingKind, MessageKey> = {
  gap: 'kindGap',
  review: 'kindReview',
  watch: 'kindWatch',
  warning: 'kindWarning',
  model: 'kindModel',
};
export const findingKindColor: Record<FindingKind, string> = {
  gap: 'magenta',
  review: 'orange',
  watch: 'blue',
  warning: 'red',
  model: 'purple',
};
