/**
 * Exact fractions for weights, the poverty cutoff k and band lines: a household scoring exactly
 * 1/3 must count as poor at k = 1/3, which 0.1 + 0.1 + … in doubles does not promise (DOMAIN.md,
 * "Hardship assessment"). Always in lowest terms with a positive denominator.
 */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

const abs = (n: bigint) => (n < 0n ? -n : n);

function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function lcm(a: bigint, b: bigint): bigint {
  return (abs(a) / gcd(a, b)) * abs(b);
}

export function rational(num: bigint, den = 1n): Rational {
  if (den === 0n) throw new RangeError('分母不能为 0');
  const sign = den < 0n ? -1n : 1n;
  const g = gcd(num, den) || 1n;
  return { num: (sign * num) / g, den: (sign * den) / g };
}

export const ZERO = rational(0n);
export const ONE = rational(1n);

export const add = (a: Rational, b: Rational): Rational =>
  rational(a.num * b.den + b.num * a.den, a.den * b.den);

/** Negative when a < b, 0 when equal, positive when a > b. */
export const compare = (a: Rational, b: Rational): number => {
  const d = a.num * b.den - b.num * a.den;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
};

export const toNumber = (r: Rational): number => Number(r.num) / Number(r.den);

export const formatRational = (r: Rational): string =>
  r.den === 1n ? r.num.toString() : `${r.num.toString()}/${r.den.toString()}`;

const FRACTION = /^\s*(-?\d+)\s*\/\s*(\d+)\s*$/;
const DECIMAL = /^\s*(-?)(\d*)(?:\.(\d*))?\s*$/;

/**
 * A weight or cutoff as written in a model: "1/6", "0.05", "1", or a YAML number (taken by its
 * shortest decimal form, so 0.05 is exactly 1/20, not the double nearest it). Null when it is
 * not a number.
 */
export function parseRational(input: unknown): Rational | null {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return null;
    const text = String(input);
    // 1e-7 and the like: no model writes weights that small; refuse rather than guess.
    return text.includes('e') ? null : parseRational(text);
  }
  if (typeof input !== 'string') return null;
  const fraction = FRACTION.exec(input);
  if (fraction) {
    const den = BigInt(fraction[2] ?? '0');
    return den === 0n ? null : rational(BigInt(fraction[1] ?? '0'), den);
  }
  const decimal = DECIMAL.exec(input);
  if (!decimal) return null;
  const [, sign = '', whole = '', part = ''] = decimal;
  if (whole === '' && part === '') return null;
  const num = BigInt(`${sign}${whole || '0'}${part}`);
  return rational(num, 10n ** BigInt(part.length));
}
