import { importGeneratedCounty } from '../../src/ingest/testing/importGeneratedCounty.ts';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase, type TestDatabase } from '../../src/db/testing/eachDatabase.ts';
import { buildTestApp, ensureTestAccounts } from '../../src/http/testing/buildTestApp.ts';
import { todayInChina } from '../../src/core/isoDate.ts';
import { testFieldCipher } from '../../src/core/fieldCipher.ts';
import { launchBrowser } from './launchBrowser.ts';
import { openSignedIn } from './consolePage.ts';

/**
 * The portrait in a real Chromium: a county worker sees the tags of the county, opens the
 * people carrying one, finds a person by full ID number, reads why a tag holds (the
 * department, date and feed line behind it), and moves on to the household and its timeline.
 */
describe('portrait (browser)', () => {
  let test: TestDatabase & { dispose(): Promise<void> };
  let browser: Browser;
  let app: FastifyInstance | undefined;
  let page: Page | undefined;
  let dir: string;
  const problems: string[] = [];
  let unemployed: { name: string; idNumber: string };

  beforeAll(async () => {
    test = await openTestDatabase('sqlite');
    await ensureTestAccounts(test);
    dir = await importGeneratedCounty(test, { households: 120, seed: 11, referenceDate: todayInChina() });
    // A registered-unemployed person whose row linked (by ID number, as printed in the truth file).
    const row = await test.db
      .selectFrom('portrait_tags')
      .innerJoin('persons', 'persons.id', 'portrait_tags.subject_id')
      .select(['persons.name', 'persons.id_number_hash'])
      .where('portrait_tags.tag', '=', 'registered_unemployed')
      .where('portrait_tags.state', '=', 'yes')
      .executeTakeFirstOrThrow();
    const truth = fs
      .readFileSync(path.join(dir, 'truth', 'persons.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { name: string; idNumber: string });
    const cipher = testFieldCipher();
    const match = truth.find((p) => cipher.blindIndex(p.idNumber) === row.id_number_hash);
    if (!match) throw new Error('the unemployed person is in the truth file');
    unemployed = { name: row.name, idNumber: match.idNumber };
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser.close();
    await test.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await page?.close();
    await app?.close();
    page = undefined;
    app = undefined;
    expect(problems.splice(0)).toEqual([]);
  });

  it('shows the county’s tags, a person’s evidence by department and feed, and the household with its timeline', async () => {
    app = await buildTestApp(test, { as: null });
    const p = await openSignedIn(browser, app, problems, 'county');
    page = p;
    await p.getByRole('menuitem', { name: '人员家庭画像' }).click();

    // The overview: every tag with its count in the county.
    const overview = p.getByTestId('tag-overview');
    await overview.getByText('登记失业人员').waitFor();
    expect(await overview.locator('tbody tr').count()).toBeGreaterThanOrEqual(47);

    // The people carrying a tag, masked.
    await p.getByTestId('overview-registered_unemployed').click();
    const tagged = p.getByTestId('tagged-persons');
    await tagged.locator('tbody tr').first().waitFor();
    expect(await tagged.textContent()).toMatch(/\*{8}/);
    await p.getByRole('button', { name: /返\s*回/ }).click();

    // Search by the full ID number; the list shows it masked.
    await p.getByTestId('portrait-search').fill(unemployed.idNumber);
    await p.getByRole('button', { name: /查\s*询/ }).click();
    const found = p.getByTestId('portrait-found');
    await found.getByRole('button', { name: unemployed.name }).click();

    // The person's portrait: the tag, and why — department, date, feed line.
    await p.getByTestId('portrait-person').waitFor();
    expect(await p.getByTestId('portrait-person').textContent()).not.toContain(unemployed.idNumber);
    await p.getByTestId('tag-registered_unemployed').first().waitFor();
    await p.getByTestId('evidence-registered_unemployed').click();
    const evidence = p.getByTestId('tag-evidence');
    await evidence.getByText('人力资源和社会保障').first().waitFor();
    expect(await evidence.textContent()).toContain('登记失业');

    await p.getByRole('tab', { name: '事实与来源' }).click();
    await p.getByTestId('portrait-facts').getByText('就业状态').waitFor();

    // On to the household: members masked, its own tags and a timeline.
    await p.getByTestId('open-household').click();
    const members = p.getByTestId('portrait-members');
    await members.getByText(unemployed.name).waitFor();
    expect(await members.textContent()).toMatch(/\*{8}/);
    await p.getByRole('tab', { name: '时间线' }).click();
    await p.getByTestId('timeline').getByText('出生').first().waitFor();
  });
  it('shows a non-local household where it lives, with its hukou county', async () => {
    // Non-local residents (hukou in another county, living here) form their household here (N1).
    const household = await test.db
      .selectFrom('hukou_households')
      .select(['id', 'hukou_area_elsewhere'])
      .where('hukou_area_elsewhere', 'is not', null)
      .executeTakeFirstOrThrow();
    app = await buildTestApp(test, { as: null });
    const p = await openSignedIn(browser, app, problems, 'county');
    page = p;
    await p.goto(`${p.url().replace(/#.*$/, '')}#/portrait?household=${household.id}`);
    const elsewhere = p.getByTestId('hukou-elsewhere');
    await elsewhere.waitFor();
    expect(await elsewhere.textContent()).toBe(`非本地户籍${household.hukou_area_elsewhere ?? ''}`);
    await p.getByTestId('portrait-members').locator('tbody tr').first().waitFor();
  });
});
