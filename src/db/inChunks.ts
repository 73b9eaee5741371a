/**
 * Splits ids for `IN (…)` lists: 500 keeps every statement well under SQLite's bound-parameter
 * limit (32,766) and PostgreSQL's (65,535) even with a few other parameters beside them.
 */
export const IN_CHUNK = 500;

export function inChunks<T>(items: readonly T[], size = IN_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
