import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFieldCipher, testFieldCipher } from './fieldCipher.ts';

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
});
