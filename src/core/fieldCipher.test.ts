import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addFieldKey,
  createFieldCipher,
  loadFieldCipher,
  removeFieldKey,
  testFieldCipher,
} from './fieldCipher.ts';

describe('fieldCipher', () => {
  const cipher = testFieldCipher();

  it('round-trips and never stores the plain value', () => {
    const stored = cipher.encrypt('11010519491231002X');
    expect(stored).not.toContain('11010519491231002X');
    expect(cipher.decrypt(stored)).toBe('11010519491231002X');
  });

  it('uses a fresh IV, so equal values encrypt differently but index equally', () => {
    expect(cipher.encrypt('13800138000')).not.toBe(cipher.encrypt('13800138000'));
    expect(cipher.blindIndex('13800138000')).toBe(cipher.blindIndex('13800138000'));
    expect(cipher.blindIndex('13800138000')).not.toBe(cipher.blindIndex('13800138001'));
  });

  it('creates a key file once and reads the same keys afterwards', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-keys-'));
    const first = loadFieldCipher(dir, {});
    const stored = first.encrypt('abc');
    expect(loadFieldCipher(dir, {}).decrypt(stored)).toBe('abc');
    expect(fs.statSync(path.join(dir, 'field-keys.json')).mode & 0o777).toBe(0o600);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names the key in every ciphertext and reads values of older keys after a rotation', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-keys-'));
    const running = loadFieldCipher(dir, {});
    const old = running.encrypt('13800138000');
    expect(running.keyIdOf(old)).toBe('k1');
    expect(addFieldKey(dir)).toBe('k2');
    const rotated = loadFieldCipher(dir, {});
    expect(rotated.currentKeyId).toBe('k2');
    const fresh = rotated.encrypt('13800138000');
    expect(rotated.keyIdOf(fresh)).toBe('k2');
    expect(rotated.decrypt(old)).toBe('13800138000');
    // A process started before the rotation meets a k2 value and reloads the ring by itself.
    expect(running.decrypt(fresh)).toBe('13800138000');
    expect(rotated.blindIndex('x')).toBe(running.blindIndex('x'));
    expect(() => {
      removeFieldKey(dir, 'k2');
    }).toThrow('current key');
    removeFieldKey(dir, 'k1');
    expect(() => loadFieldCipher(dir, {}).decrypt(old)).toThrow('k1 is not in the key ring');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a malformed key ring', () => {
    expect(() =>
      createFieldCipher({ current: 'k2', sm4: { k1: '00'.repeat(16) }, index: '00'.repeat(32) }),
    ).toThrow('not in the ring');
    expect(() => createFieldCipher({ current: 'k1', sm4: { k1: 'abcd' }, index: '00'.repeat(32) })).toThrow(
      '32 hex digits',
    );
  });
});
