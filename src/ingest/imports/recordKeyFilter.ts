/**
 * Which record hashes a feed may already hold, answered in memory: a Bloom filter over every
 * key the feed had when the import began and every key the import has written since (ADR 0029).
 * "No" is certain, so a record the filter has never seen needs no look-up in the database;
 * "maybe" (a key held, or about one in a hundred others) is looked up as before. Probing the
 * key tables for every record cost a tenth of an import's main thread: after each commit of
 * the background writer SQLite drops the reading connection's page cache, so each probe read
 * its B-tree pages anew. Pure: the caller fills it from the database.
 */
export interface RecordKeyFilter {
  add(hash: string): void;
  /** False only if `hash` was never added. */
  mightHold(hash: string): boolean;
  /** Keys added. */
  readonly size: number;
}

/** Bits per key and probes per key: about 0.8 % false "maybe" at full capacity. */
const BITS_PER_KEY = 10;
const PROBES = 7;
const MIN_CAPACITY = 1 << 16;

interface Layer {
  bits: Uint32Array;
  /** Number of bits (a multiple of 32). */
  m: number;
  capacity: number;
  count: number;
}

const newLayer = (capacity: number): Layer => {
  const words = Math.ceil((capacity * BITS_PER_KEY) / 32);
  return { bits: new Uint32Array(words), m: words * 32, capacity, count: 0 };
};

/**
 * Eight hex digits of `hash` from `at` as an unsigned number, NaN if any is not a hex digit (or
 * the text is too short). Read digit by digit: slicing and parsing made three strings and an
 * array a probe, twice for every record imported.
 */
function hexWord(hash: string, at: number): number {
  let value = 0;
  for (let i = at; i < at + 8; i++) {
    const c = hash.charCodeAt(i); // NaN past the end
    const digit =
      c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : NaN;
    value = value * 16 + digit;
  }
  return value;
}

/** The probe's step: odd, never 0, so the probes spread; `>>> 0` keeps it unsigned (`|` makes an int32). */
const oddStep = (h2: number) => (h2 | 1) >>> 0;

/**
 * A filter sized for `expected` keys that grows past it (a new layer of twice the capacity
 * when the last is full, so the false rate stays bounded however wrong the estimate was).
 * Record hashes are hex digests: their first 16 digits are already uniform, and serve as the
 * two hashes of double hashing. Anything else (never written by the importer) is always
 * "maybe".
 */
export function createRecordKeyFilter(expected: number): RecordKeyFilter {
  const layers: Layer[] = [newLayer(Math.max(MIN_CAPACITY, Math.ceil(expected)))];
  let size = 0;
  const has = (layer: Layer, h1: number, h2: number): boolean => {
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + i * h2) % layer.m;
      if (((layer.bits[bit >>> 5] ?? 0) & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  };
  return {
    add(hash) {
      size++;
      const h1 = hexWord(hash, 0);
      const second = hexWord(hash, 8);
      if (Number.isNaN(h1) || Number.isNaN(second)) return;
      const h2 = oddStep(second);
      let layer = layers[layers.length - 1] ?? newLayer(MIN_CAPACITY);
      if (layer.count >= layer.capacity) {
        layer = newLayer(layer.capacity * 2);
        layers.push(layer);
      }
      for (let i = 0; i < PROBES; i++) {
        const bit = (h1 + i * h2) % layer.m;
        const word = bit >>> 5;
        layer.bits[word] = (layer.bits[word] ?? 0) | (1 << (bit & 31));
      }
      layer.count++;
    },
    mightHold(hash) {
      const h1 = hexWord(hash, 0);
      const second = hexWord(hash, 8);
      if (Number.isNaN(h1) || Number.isNaN(second)) return true;
      const h2 = oddStep(second);
      for (const layer of layers) if (has(layer, h1, h2)) return true;
      return false;
    },
    get size() {
      return size;
    },
  };
}
