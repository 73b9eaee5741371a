import { randomFillSync } from 'node:crypto';

/*
 * UUID version 7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then a 12-bit counter, then 62
 * random bits. Rows keyed by it (persons, households) are inserted near the end of their B-trees
 * and of every index that leads with the id (`facts_subject`, `ingest_keys_person`, hukou
 * members), where a version-4 id scatters each insert over the whole tree: on a large SQLite
 * import every random insert dirties its own page and each commit wrote them all to the WAL
 * (ADR 0016). The timestamp reveals when a row was created, which `created_at` already says.
 */

const pool = Buffer.alloc(4096);
let poolAt = pool.length;
let lastMs = -1;
let counter = 0;

function randomBytes8(): Buffer {
  if (poolAt + 8 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const bytes = pool.subarray(poolAt, poolAt + 8);
  poolAt += 8;
  return bytes;
}

const hex = (n: number, digits: number) => n.toString(16).padStart(digits, '0');

/**
 * A new UUIDv7, strictly increasing within this process (RFC 9562 §6.2, method 1 with the
 * 12-bit `rand_a` as a counter that starts at a random value below 2048 each millisecond;
 * when it runs out the timestamp moves on by one, so ids never repeat or go backwards even
 * if the clock does).
 */
export function timeOrderedId(now: number = Date.now()): string {
  const random = randomBytes8();
  if (now > lastMs) {
    lastMs = now;
    counter = ((random[6] ?? 0) << 4) | ((random[7] ?? 0) >> 4); // 12 random bits
    counter &= 0x7ff;
  } else if (++counter > 0xfff) {
    lastMs++;
    counter = 0;
  }
  const ms = hex(lastMs, 12);
  const variant = 0x8000 | ((((random[0] ?? 0) << 8) | (random[1] ?? 0)) & 0x3fff);
  const tail = random.subarray(2, 8).toString('hex');
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-${hex(0x7000 | counter, 4)}-${hex(variant, 4)}-${tail}`;
}
