import { isCelList, isCelMap } from '@bufbuild/cel';
import { ERR, type Value } from './compileCel.ts';

/**
 * A subject's CEL input (ints as bigint, CEL lists and maps) as the compiled engine's values
 * (numbers, arrays, Maps). Done once per household, not per expression.
 */
export function toValue(v: unknown): Value {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (isCelList(v)) return [...v].map(toValue);
  if (isCelMap(v) || v instanceof Map) {
    const out = new Map<string, Value>();
    // forEach, not for…of: no [key, value] array per entry (an explanation converts ~300).
    (v as ReadonlyMap<unknown, unknown>).forEach((value, key) => {
      out.set(String(key), toValue(value));
    });
    return out;
  }
  if (Array.isArray(v)) return v.map(toValue);
  if (typeof v === 'object' && v !== null) {
    const out = new Map<string, Value>();
    for (const [key, value] of Object.entries(v)) out.set(key, toValue(value));
    return out;
  }
  return ERR;
}
