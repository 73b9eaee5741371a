/**
 * A seeded pseudo-random generator for the demo population: xoshiro128** (fast, 2^128 − 1
 * period, good statistical quality with 32-bit integer arithmetic only), seeded through a
 * murmur3 finaliser. The generator never touches Math.random, so a seed reproduces a
 * population exactly on every machine and Node version.
 *
 * Streams are identified by a 64-bit key (the seed, then one mix per `fork` label). A fork is
 * derived from the key alone, never from how far the parent has been consumed: a generator
 * stage can draw as much as it likes without shifting the numbers any other stage sees.
 */

const TWO_POW_32 = 4294967296;

/** murmur3's 32-bit finaliser: full avalanche, so neighbouring seeds give unrelated streams. */
function fmix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units: labels are short ASCII or Chinese strings. */
function hashLabel(label: string, offset: number): number {
  let h = offset >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export class Random {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  // The stream's identity, kept apart from the moving state so that forks ignore consumption.
  private key0 = 0;
  private key1 = 0;

  /** A stream for a seed: any safe integer (negative and > 2^32 seeds are distinct too). */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    const low = seed >>> 0;
    const high = Math.floor(seed / TWO_POW_32) >>> 0;
    this.reset(fmix32(low ^ 0x5bd1e995), fmix32(high + 0x9e3779b9));
  }

  private reset(key0: number, key1: number): void {
    this.key0 = key0;
    this.key1 = key1;
    // splitmix-style expansion of the 64-bit key into the 128-bit state.
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      words.push(fmix32((key0 + Math.imul(i + 1, 0x9e3779b9)) ^ fmix32(key1 + Math.imul(i + 1, 0x7f4a7c15))));
    }
    const [a = 0, b = 0, c = 0, d = 0] = words;
    // xoshiro's only forbidden state is all zeros.
    this.s0 = a === 0 && b === 0 && c === 0 && d === 0 ? 1 : a;
    this.s1 = b;
    this.s2 = c;
    this.s3 = d;
  }

  /**
   * An independent stream for `label`, determined by this stream's seed and label path only.
   * `rng.fork('a').fork('b')` and `rng.fork('b')` are different streams.
   */
  fork(label: string): Random {
    const h0 = hashLabel(label, 0x811c9dc5);
    const h1 = hashLabel(label, 0x050c5d1f);
    const child = new Random(0);
    child.reset(
      fmix32(this.key0 ^ h0 ^ rotl(this.key1, 13)),
      fmix32(this.key1 + h1 + Math.imul(this.key0, 5)),
    );
    return child;
  }

  /** The next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** An integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`int(${min}, ${max}): need integers with min ≤ max`);
    }
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A float in [min, max). */
  uniform(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** True with probability p (p ≤ 0 never, p ≥ 1 always). */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }

  /**
   * One item chosen with probability proportional to its weight. A linear scan: for long
   * lists drawn from many times, build a WeightedTable once instead.
   */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, weight] of items) {
      if (!(weight >= 0) || !Number.isFinite(weight)) throw new RangeError(`invalid weight ${weight}`);
      total += weight;
    }
    if (total <= 0) throw new RangeError('weighted pick needs a positive total weight');
    let target = this.next() * total;
    for (const [item, weight] of items) {
      if (target < weight) return item;
      target -= weight;
    }
    // Floating-point rounding can leave target a hair above the last weight: take the last
    // item that has any weight.
    for (let i = items.length - 1; i >= 0; i--) {
      const entry = items[i];
      if (entry && entry[1] > 0) return entry[0];
    }
    throw new RangeError('unreachable: positive total without a positive weight');
  }

  /** A normally distributed float (Box–Muller; one draw pair per call keeps the state simple). */
  normal(mean: number, sd: number): number {
    const u1 = 1 - this.next(); // (0, 1]: log(0) is never taken
    const u2 = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /**
   * A normal draw kept inside [min, max]: redrawn a few times, then uniform in the range, so
   * the tails are cut without piling probability onto the bounds.
   */
  normalBetween(mean: number, sd: number, min: number, max: number): number {
    if (max < min) throw new RangeError(`normalBetween: max ${max} < min ${min}`);
    for (let attempt = 0; attempt < 8; attempt++) {
      const value = this.normal(mean, sd);
      if (value >= min && value <= max) return value;
    }
    return this.uniform(min, max);
  }
}
