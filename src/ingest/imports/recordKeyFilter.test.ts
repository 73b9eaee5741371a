import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRecordKeyFilter } from './recordKeyFilter.ts';

// Record hashes as the importer writes them: the first 32 hex digits of a SHA-256.
const hashOf = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

describe('createRecordKeyFilter', () => {
  it('says "maybe" for every key added and "no" for nearly all others, within its estimate', () => {
    const filter = createRecordKeyFilter(100_000);
    const added = Array.from({ length: 100_000 }, (_, i) => hashOf(`in ${String(i)}`));
    for (const h of added) filter.add(h);
    expect(filter.size).toBe(100_000);
    expect(added.every((h) => filter.mightHold(h))).toBe(true);
    const others = Array.from({ length: 100_000 }, (_, i) => hashOf(`out ${String(i)}`));
    const falseMaybe = others.filter((h) => filter.mightHold(h)).length / others.length;
    console.log(`false "maybe" at capacity: ${(falseMaybe * 100).toFixed(2)} %`);
    expect(falseMaybe).toBeLessThan(0.015);
  });

  it('grows past a wrong estimate and keeps the false rate bounded', () => {
    const filter = createRecordKeyFilter(10);
    const added = Array.from({ length: 300_000 }, (_, i) => hashOf(`grown ${String(i)}`));
    for (const h of added) filter.add(h);
    expect(added.every((h) => filter.mightHold(h))).toBe(true);
    const others = Array.from({ length: 50_000 }, (_, i) => hashOf(`other ${String(i)}`));
    // Three layers (65,536, 131,072, 262,144 keys), each under 1 %: under 3 % together.
    expect(others.filter((h) => filter.mightHold(h)).length / others.length).toBeLessThan(0.03);
  });

  it('is empty at first, and says "maybe" for a key it cannot place rather than "no"', () => {
    const filter = createRecordKeyFilter(0);
    expect(filter.mightHold(hashOf('anything'))).toBe(false);
    expect(filter.mightHold('not a hex digest')).toBe(true);
    expect(filter.mightHold('abc')).toBe(true);
    // Either half of the first sixteen digits not hex, or too short: still "maybe".
    expect(filter.mightHold(`0123abcd${'z'.repeat(8)}${'0'.repeat(16)}`)).toBe(true);
    expect(filter.mightHold(`${'z'.repeat(8)}0123abcd${'0'.repeat(16)}`)).toBe(true);
    expect(filter.mightHold('0123abcd0123abc')).toBe(true);
    filter.add('not a hex digest');
    expect(filter.size).toBe(1);
    expect(filter.mightHold(hashOf('anything'))).toBe(false);
  });
});
