import { createHash, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256File } from './readFeedFile.ts';
import { tempDir } from './testSupport.ts';

const dir = tempDir();
afterAll(() => {
  dir.remove();
});

describe('sha256File', () => {
  it('gives the SHA-256 of a file spanning many chunks, and of an empty file', async () => {
    const bytes = randomBytes(300_000);
    const expected = createHash('sha256').update(bytes).digest('hex');
    expect(await sha256File(dir.write('data.bin', bytes))).toBe(expected);
    expect(await sha256File(dir.write('empty.bin', ''))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
});
