import fs from 'node:fs';
import path from 'node:path';
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Field encryption for ID and phone numbers (GB/T 39786 commercial cryptography): SM4-CBC
 * with a random IV per value, and a keyed SM3 (HMAC-SM3) blind index so that equality
 * look-ups ("find this ID number") work without decrypting the table.
 */
export interface FieldCipher {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  /** Deterministic keyed hash of a normalised value, for unique indexes and look-ups. */
  blindIndex(plain: string): string;
}

const VERSION = 'v1';

export function createFieldCipher(encryptionKey: Buffer, indexKey: Buffer): FieldCipher {
  if (encryptionKey.length !== 16) throw new Error('SM4 key must be 16 bytes');
  if (indexKey.length < 16) throw new Error('blind-index key must be at least 16 bytes');
  return {
    encrypt(plain) {
      const iv = randomBytes(16);
      const cipher = createCipheriv('sm4-cbc', encryptionKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${VERSION}:${iv.toString('base64')}:${body.toString('base64')}`;
    },
    decrypt(stored) {
      const [version, ivText, bodyText] = stored.split(':');
      if (version !== VERSION || !ivText || !bodyText) throw new Error('unknown ciphertext format');
      const decipher = createDecipheriv('sm4-cbc', encryptionKey, Buffer.from(ivText, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(bodyText, 'base64')), decipher.final()]).toString(
        'utf8',
      );
    },
    blindIndex(plain) {
      return createHmac('sm3', indexKey).update(plain, 'utf8').digest('hex');
    },
  };
}

interface KeyFile {
  sm4: string;
  index: string;
}

/**
 * Keys come from ZHULIAN_FIELD_KEYS (hex "sm4:index", for production key management) or
 * from a key file in the data directory created on first start with owner-only access.
 * Losing the key file makes the encrypted fields unreadable, so backups must include it.
 */
export function loadFieldCipher(dataDir: string, env: NodeJS.ProcessEnv = process.env): FieldCipher {
  const fromEnv = env.ZHULIAN_FIELD_KEYS;
  if (fromEnv) {
    const [sm4, index] = fromEnv.split(':');
    if (!sm4 || !index) throw new Error('ZHULIAN_FIELD_KEYS must be "<32 hex digits>:<64 hex digits>"');
    return createFieldCipher(Buffer.from(sm4, 'hex'), Buffer.from(index, 'hex'));
  }
  const file = path.join(dataDir, 'field-keys.json');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    const keys: KeyFile = { sm4: randomBytes(16).toString('hex'), index: randomBytes(32).toString('hex') };
    fs.writeFileSync(file, JSON.stringify(keys), { mode: 0o600, flag: 'wx' });
  }
  const keys = JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFile;
  return createFieldCipher(Buffer.from(keys.sm4, 'hex'), Buffer.from(keys.index, 'hex'));
}

/** A cipher with fixed keys, for tests only. */
export function testFieldCipher(): FieldCipher {
  return createFieldCipher(Buffer.alloc(16, 7), Buffer.alloc(32, 9));
}
