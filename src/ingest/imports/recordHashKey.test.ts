import { describe, expect, it } from 'vitest';
import { recordHashKey } from './recordHashKey.ts';

describe('recordHashKey', () => {
  it('is the first 47 bits of the hash', () => {
    expect(recordHashKey('00000000000000000000000000000000')).toBe(0);
    expect(recordHashKey('000000000001ffffffffffffffffffff')).toBe(0);
    expect(recordHashKey('000000000002ffffffffffffffffffff')).toBe(1);
    expect(recordHashKey('ffffffffffff00000000000000000000')).toBe(2 ** 47 - 1);
    expect(recordHashKey('8000000000000000ffffffffffffffff')).toBe(2 ** 46);
    expect(recordHashKey('0123456789abcdef0123456789abcdef')).toBe(Math.floor(0x0123456789ab / 2));
  });

  it('keeps the order of the hashes it is made from (a move sorted by hash is sorted by key)', () => {
    // Hashes as recordHash makes them: 32 lowercase hex digits, here from a fixed sequence.
    let state = 12345;
    const hex = () => {
      let out = '';
      for (let i = 0; i < 32; i++) {
        state = (state * 1103515245 + 12345) % 2 ** 31;
        out += (state >>> 16).toString(16).slice(-1);
      }
      return out;
    };
    const hashes = Array.from({ length: 2000 }, hex).sort();
    const keys = hashes.map(recordHashKey);
    for (let i = 1; i < keys.length; i++) expect(keys[i]).toBeGreaterThanOrEqual(keys[i - 1] ?? 0);
    expect(new Set(keys).size).toBeGreaterThan(1990);
  });

  it('gives the same number for the same text, and 0 for a text with no hex digits', () => {
    expect(recordHashKey('abc')).toBe(Math.floor(0xabc / 2));
    expect(recordHashKey('zz')).toBe(0);
  });
});
