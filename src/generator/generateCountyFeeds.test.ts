import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_DEFECTS } from './feedDefects.ts';
import { generateCountyFeeds, readCountyVillages } from './generateCountyFeeds.ts';

describe('generateCountyFeeds', () => {
  it('reads Rongcheng’s 839 villages from the area tree without a database', () => {
    const { countyName, villages } = readCountyVillages('371082');
    expect(countyName).toBe('荣成市');
    expect(villages).toHaveLength(839);
    for (const v of villages) {
      expect(v.code).toMatch(/^371082\d{6}$/);
      expect(v.townshipCode).toBe(v.code.slice(0, 9) + '000');
    }
    expect(villages.some((v) => v.kind === 'residents_committee')).toBe(true);
    expect(villages.some((v) => v.kind === 'village_committee')).toBe(true);
  });

  it('refuses an unknown county', () => {
    expect(() => readCountyVillages('999999')).toThrow(/没有区划代码 999999/);
  });

  it('writes a small county end to end, without defects when asked', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-county-'));
    try {
      const report = await generateCountyFeeds({
        countyCode: '371082',
        households: 200,
        seed: 3,
        outDir,
        referenceDate: '2025-06-30',
        defects: NO_DEFECTS,
      });
      expect(report.households).toBe(200);
      expect(report.defects).toBe(0);
      expect(report.feeds).toHaveLength(15);
      for (const feed of report.feeds) expect(fs.existsSync(path.join(outDir, feed.file))).toBe(true);
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });
});
