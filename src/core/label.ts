/** A text in Chinese and English, as every user-facing name in the catalogues carries. */
export interface Label {
  zh: string;
  en: string;
}

/**
 * Both texts present and nothing else. In YAML's flow style `{ zh: …, en: a, b }` an unquoted
 * comma ends the English text and leaves `b` as a stray key with no value — a label silently
 * cut short — so any key besides zh and en is refused (quote such text: `en: 'a, b'`).
 */
export function isLabel(value: unknown): value is Label {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  const { zh, en } = record;
  return (
    Object.keys(record).every((k) => k === 'zh' || k === 'en') &&
    typeof zh === 'string' &&
    zh.length > 0 &&
    typeof en === 'string' &&
    en.length > 0
  );
}
