import { describe, expect, it } from 'vitest';
import { plainNumber } from './plainNumber.ts';

describe('plainNumber', () => {
  it('writes numbers without exponent', () => {
    expect(plainNumber(12.5)).toBe('12.5');
    expect(plainNumber(110101199003070000)).toBe('110101199003070000');
    expect(plainNumber(1e21)).toBe('1000000000000000000000');
    expect(plainNumber(1.2345e22)).toBe('12345000000000000000000');
    expect(plainNumber(-1e-7)).toBe('-0.0000001');
    expect(plainNumber(1.5e-10)).toBe('0.00000000015');
    expect(plainNumber(0)).toBe('0');
  });
});
