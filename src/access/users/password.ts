import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { SecurityPolicy } from '../auth/securityPolicy.ts';

// scrypt with N = 2^15: about 50 ms and 32 MiB per hash, slow for a guesser, fine for sign-in.
const PARAMS = { N: 32768, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

/** A self-describing hash: `scrypt$N$r$p$salt$key`, so parameters can grow later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, saltText, keyText] = stored.split('$');
  if (scheme !== 'scrypt' || !saltText || !keyText) return false;
  const expected = Buffer.from(keyText, 'base64');
  const key = await derive(password, Buffer.from(saltText, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** What is wrong with a new password under the policy, in Chinese (empty when it is fine). */
export function passwordProblems(password: string, policy: SecurityPolicy, username?: string): string[] {
  const problems: string[] = [];
  if (password.length < policy.passwordMinLength) problems.push(`密码至少${policy.passwordMinLength}位`);
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < policy.passwordCharacterClasses) {
    problems.push(`密码须包含小写字母、大写字母、数字、符号中的至少${policy.passwordCharacterClasses}类`);
  }
  if (username && password.toLowerCase().includes(username.toLowerCase()))
    problems.push('密码不能包含用户名');
  return problems;
}

/** A random password that satisfies any policy up to 4 classes, for initial accounts. */
export function generatePassword(length = 16): string {
  const sets = ['abcdefghijkmnpqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '!@#%*-_+='];
  const bytes = randomBytes(length);
  const chars = Array.from(bytes, (b, i) => {
    const set = sets[i % sets.length] ?? '';
    return set[b % set.length] ?? '';
  });
  return chars.join('');
}
