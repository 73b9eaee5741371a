import { describe, expect, it } from 'vitest';
import { timeOrderedId } from './timeOrderedId.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('timeOrderedId', () => {
  it('makes RFC 9562 version-7 ids carrying the millisecond', () => {
    const at = Date.UTC(2026, 10, 29, 8, 0, 0);
    const id = timeOrderedId(at + 10_000);
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at + 10_000);
  });

  it('is strictly increasing and unique, within one millisecond and when the clock steps back', () => {
    const start = Date.now() + 60_000;
    const ids = [
      ...Array.from({ length: 10_000 }, () => timeOrderedId(start)),
      ...Array.from({ length: 100 }, () => timeOrderedId(start - 5_000)),
      timeOrderedId(start + 1),
    ];
    for (const id of ids) expect(id).toMatch(UUID_V7);
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
