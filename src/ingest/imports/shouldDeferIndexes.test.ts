import { describe, expect, it } from 'vitest';
import { WRITER_FROM_BYTES } from './importFile.ts';
import { BYTES_PER_RECORD, shouldDeferIndexes } from './shouldDeferIndexes.ts';

describe('shouldDeferIndexes', () => {
  it('defers for a large load into an empty or smaller registry', () => {
    expect(shouldDeferIndexes(3.3 * 2 ** 30, 0)).toBe(true);
    expect(shouldDeferIndexes(WRITER_FROM_BYTES, WRITER_FROM_BYTES / BYTES_PER_RECORD)).toBe(true);
  });

  it('keeps the indexes for a small folder, whatever the registry holds', () => {
    expect(shouldDeferIndexes(WRITER_FROM_BYTES - 1, 0)).toBe(false);
  });

  it('keeps the indexes when the registry holds more facts than the folder brings', () => {
    expect(shouldDeferIndexes(WRITER_FROM_BYTES, WRITER_FROM_BYTES / BYTES_PER_RECORD + 1)).toBe(false);
    expect(shouldDeferIndexes(100 * 2 ** 20, 40_000_000)).toBe(false);
  });
});
