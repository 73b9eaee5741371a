import fs from 'node:fs';
import path from 'node:path';
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Field encryption for ID and phone numbers (GB/T 39786 commercial cryptography): SM4-CBC
 * with a random IV per value, and a keyed SM3 (HMAC-SM3) blind index so that equality
 * look-ups ("find this ID number") work without decrypting the table.
 *
 * Keys form a ring: every ciphertext names the key that made it (`k2:iv:body`), new values
 * use the current key, and old keys stay readable until re-encryption has moved every value
 * off them — so a key can be rotated while the system runs.
 */
export interface FieldCipher {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  /** Deterministic keyed hash of a normalised value, for unique indexes and look-ups. */
  blindIndex(plain: string): string;
  /** The key new values are encrypted with. */
  readonly currentKeyId: string;
  /** The key a stored value was encrypted with. */
  keyIdOf(stored: string): string;
}

/** The key ring as stored in the key file or ZHULIAN_FIELD_KEYS (hex keys). */
export interface KeyRing {
  current: string;
  sm4: Record<string, string>;
  index: string;
}

const KEY_ID = /^k\d+$/;

export function validateKeyRing(ring: KeyRing): void {
  if (!KEY_ID.test(ring.current) || !(ring.current in ring.sm4)) {
    throw new Error(`field key ring: current key "${ring.current}" is not in the ring`);
  }
  for (const [id, hex] of Object.entries(ring.sm4)) {
    if (!KEY_ID.test(id) || Buffer.from(hex, 'hex').length !== 16) {
      throw new Error(`field key ring: key "${id}" must be named k<number> and be 32 hex digits`);
    }
  }
  if (Buffer.from(ring.index, 'hex').length < 16)
    throw new Error('field key ring: index key must be ≥ 32 hex digits');
}

/**
 * A cipher over a key ring. `reload` is asked for a fresh ring when a value names a key this
 * process does not know yet (another process rotated), so readers never need a restart.
 */
export function createFieldCipher(
  initial: KeyRing,
  reload?: () => KeyRing,
  /** Whether the ring's source changed since it was read (checked at most every 5 s). */
  changed?: () => boolean,
): FieldCipher {
  validateKeyRing(initial);
  let ring = initial;
  let checkedAt = Date.now();
  // A rotation elsewhere makes a new key current; writers pick it up within seconds.
  const refresh = () => {
    if (!reload || !changed || Date.now() - checkedAt < 5000) return;
    checkedAt = Date.now();
    if (changed()) {
      ring = reload();
      validateKeyRing(ring);
    }
  };
  const indexKey = Buffer.from(ring.index, 'hex');
  // IVs are cut from a pool of random bytes: one call to the CSPRNG per 256 values instead of
  // one per value (that call was a twentieth of an import's time). Each IV is still 16 fresh
  // random bytes, used once.
  let ivPool = Buffer.alloc(0);
  let ivAt = 0;
  const nextIv = (): Buffer => {
    if (ivAt + 16 > ivPool.length) {
      ivPool = randomBytes(16 * 256);
      ivAt = 0;
    }
    ivAt += 16;
    return ivPool.subarray(ivAt - 16, ivAt);
  };
  const keyBuffers = new Map<string, Buffer>();
  const keyFor = (id: string): Buffer => {
    let hex = ring.sm4[id];
    if (hex === undefined && reload) {
      ring = reload();
      validateKeyRing(ring);
      hex = ring.sm4[id];
    }
    if (hex === undefined) throw new Error(`field key ${id} is not in the key ring`);
    let key = keyBuffers.get(hex);
    if (!key) {
      key = Buffer.from(hex, 'hex');
      keyBuffers.set(hex, key);
    }
    return key;
  };
  return {
    get currentKeyId() {
      return ring.current;
    },
    encrypt(plain) {
      refresh();
      const iv = nextIv();
      const cipher = createCipheriv('sm4-cbc', keyFor(ring.current), iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${ring.current}:${iv.toString('base64')}:${body.toString('base64')}`;
    },
    decrypt(stored) {
      const [id, ivText, bodyText] = stored.split(':');
      if (!id || !ivText || !bodyText) throw new Error('unknown ciphertext format');
      const decipher = createDecipheriv('sm4-cbc', keyFor(id), Buffer.from(ivText, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(bodyText, 'base64')), decipher.final()]).toString(
        'utf8',
      );
    },
    blindIndex(plain) {
      return createHmac('sm3', indexKey).update(plain, 'utf8').digest('hex');
    },
    keyIdOf(stored) {
      return stored.slice(0, stored.indexOf(':'));
    },
  };
}

export function keyFilePath(dataDir: string): string {
  return path.join(dataDir, 'field-keys.json');
}

function readKeyFile(file: string): KeyRing {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as KeyRing;
}

/** Writes the ring atomically (temp file + rename) with owner-only access. */
function writeKeyFile(file: string, ring: KeyRing): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(ring, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/**
 * Keys come from ZHULIAN_FIELD_KEYS (the ring as JSON, for production key management) or
 * from a key file in the data directory, created on first start with owner-only access.
 * Losing the keys makes the encrypted fields unreadable, so backups must include them.
 */
export function loadFieldCipher(dataDir: string, env: NodeJS.ProcessEnv = process.env): FieldCipher {
  const fromEnv = env.ZHULIAN_FIELD_KEYS;
  if (fromEnv) return createFieldCipher(JSON.parse(fromEnv) as KeyRing);
  const file = keyFilePath(dataDir);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    const ring: KeyRing = {
      current: 'k1',
      sm4: { k1: randomBytes(16).toString('hex') },
      index: randomBytes(32).toString('hex'),
    };
    fs.writeFileSync(file, JSON.stringify(ring, null, 2), { mode: 0o600, flag: 'wx' });
  }
  let mtime = fs.statSync(file).mtimeMs;
  return createFieldCipher(
    readKeyFile(file),
    () => {
      mtime = fs.statSync(file).mtimeMs;
      return readKeyFile(file);
    },
    () => fs.statSync(file).mtimeMs !== mtime,
  );
}

/** The ring in force: from ZHULIAN_FIELD_KEYS when set, else from the key file. */
export function readKeyRing(dataDir: string, env: NodeJS.ProcessEnv = process.env): KeyRing {
  return env.ZHULIAN_FIELD_KEYS
    ? (JSON.parse(env.ZHULIAN_FIELD_KEYS) as KeyRing)
    : readKeyFile(keyFilePath(dataDir));
}

/** Adds a fresh SM4 key to the key file and makes it current; returns its id. */
export function addFieldKey(dataDir: string): string {
  const file = keyFilePath(dataDir);
  const ring = readKeyFile(file);
  const next = Math.max(...Object.keys(ring.sm4).map((id) => Number(id.slice(1)))) + 1;
  const id = `k${next}`;
  writeKeyFile(file, { ...ring, current: id, sm4: { ...ring.sm4, [id]: randomBytes(16).toString('hex') } });
  return id;
}

/** Removes a key that no stored value uses any more (the caller checks that). */
export function removeFieldKey(dataDir: string, id: string): void {
  const file = keyFilePath(dataDir);
  const ring = readKeyFile(file);
  if (ring.current === id) throw new Error(`key ${id} is the current key`);
  const rest = Object.fromEntries(Object.entries(ring.sm4).filter(([keyId]) => keyId !== id));
  writeKeyFile(file, { ...ring, sm4: rest });
}

/** A cipher with fixed keys, for tests only. */
export function testFieldCipher(): FieldCipher {
  return createFieldCipher({ current: 'k1', sm4: { k1: '07'.repeat(16) }, index: '09'.repeat(32) });
}
