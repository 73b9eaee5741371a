import fs from 'node:fs';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildDeferrableIndexes, dropDeferrableIndexes } from '../db/deferredIndexes.ts';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import { testContext } from '../http/testing/buildTestApp.ts';
import { importGeneratedCounty } from '../ingest/testing/importGeneratedCounty.ts';
import { startPortraitRefresher } from './portraitRefresher.ts';

describeEachDatabase('the portrait refresher', (getDb) => {
  let dir = '';
  beforeAll(async () => {
    dir = await importGeneratedCounty(getDb(), {
      households: 20,
      seed: 5,
      referenceDate: '2026-11-01',
      portraits: false,
    });
  }, 120_000);
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const portraits = async () => {
    const row = await getDb()
      .db.selectFrom('portraits')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };

  it('makes no pass while a bulk load holds back the facts index, and catches up once it is built', async () => {
    const { db } = getDb();
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    await dropDeferrableIndexes(db);
    const refresher = startPortraitRefresher(testContext(getDb()), 20, log);
    try {
      // Many ticks go by (the first runs at once): none refreshes anything, none fails.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await portraits()).toBe(0);
      expect(lines.join('')).not.toMatch(/portrait refresh/);

      // The load ends: the next pass brings in everything it wrote.
      await buildDeferrableIndexes(db);
      await expect.poll(portraits, { timeout: 30_000 }).toBeGreaterThan(0);
    } finally {
      await refresher.stop();
    }
    expect(lines.join('')).toMatch(/portraits refreshed/);
    expect(lines.join('')).not.toMatch(/portrait refresh failed/);
  });
});
