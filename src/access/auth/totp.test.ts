import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, otpauthUri, totpMatches } from './totp.ts';

// RFC 4226 appendix D and RFC 6238 appendix B (SHA1 seed "12345678901234567890").
const seed = Buffer.from('12345678901234567890', 'ascii');

describe('TOTP', () => {
  it('reproduces the RFC 4226 HOTP test values', () => {
    expect([0, 1, 2, 3, 9].map((c) => hotp(seed, c))).toEqual([
      '755224',
      '287082',
      '359152',
      '969429',
      '520489',
    ]);
  });

  it('reproduces the RFC 6238 TOTP test values (8 digits, SHA1)', () => {
    const cases: [number, string][] = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
    ];
    for (const [seconds, code] of cases) expect(totpMatches(seed, code, seconds * 1000, 8)).toBe(true);
    expect(totpMatches(seed, '94287081', 59_000, 8)).toBe(false);
  });

  it('accepts one step of clock drift either side, not two', () => {
    const code = hotp(seed, 1000);
    expect(totpMatches(seed, code, 1001 * 30_000)).toBe(true);
    expect(totpMatches(seed, code, 999 * 30_000)).toBe(true);
    expect(totpMatches(seed, code, 1002 * 30_000)).toBe(false);
  });

  it('round-trips base32 (RFC 4648 vector) and builds an otpauth URI', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('MZXW6YTBOI').toString()).toBe('foobar');
    expect(otpauthUri('MZXW6YTBOI', 'secadmin')).toContain('otpauth://totp/');
  });
});
