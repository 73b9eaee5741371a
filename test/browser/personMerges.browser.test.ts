import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase, type TestDatabase } from '../../src/db/testing/eachDatabase.ts';
import { buildTestApp, ensureTestAccounts } from '../../src/http/testing/buildTestApp.ts';
import { testFieldCipher } from '../../src/core/fieldCipher.ts';
import { makeResidentId } from '../../src/registry/residentId/index.ts';
import { createPerson } from '../../src/registry/persons/personService.ts';
import { systemScope } from '../../src/access/scope/dataScope.ts';
import { launchBrowser } from './launchBrowser.ts';
import { openSignedIn } from './consolePage.ts';

/**
 * Person merges in the console, in a real Chromium: a county worker finds two records of one
 * name and birth date among the likely duplicates, compares them side by side (masked),
 * confirms the different ID numbers and merges them with a reason, then splits the merge back.
 */
describe('person merges (browser)', () => {
  let test: TestDatabase & { dispose(): Promise<void> };
  let browser: Browser;
  let app: FastifyInstance | undefined;
  let page: Page | undefined;
  const problems: string[] = [];
  const ids = [makeResidentId('371082', '1948-12-03', 31), makeResidentId('371082', '1948-12-03', 33)];
  const personIds: string[] = [];

  beforeAll(async () => {
    test = await openTestDatabase('sqlite');
    await ensureTestAccounts(test);
    for (const idNumber of ids) {
      const person = await createPerson(
        test.db,
        testFieldCipher(),
        { idNumber, name: '于淑珍', residenceAreaCode: '371082101201', hukouAreaCode: '371082101201' },
        systemScope,
      );
      personIds.push(person.id);
    }
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser.close();
    await test.dispose();
  });
  afterEach(async () => {
    await page?.close();
    await app?.close();
    page = undefined;
    app = undefined;
    expect(problems.splice(0)).toEqual([]);
  });

  it('merges two persons after comparing them, and splits them back', async () => {
    app = await buildTestApp(test, { as: null });
    const p = await openSignedIn(browser, app, problems, 'county');
    page = p;
    await p.getByRole('menuitem', { name: '人员合并' }).click();
    const candidates = p.getByTestId('merge-candidates-table');
    await expect.poll(() => candidates.textContent()).toContain('于淑珍');
    // Masked on the page: the full numbers never appear.
    const text = (await candidates.textContent()) ?? '';
    for (const idNumber of ids) expect(text).not.toContain(idNumber);
    await candidates.locator('[data-testid^="compare-"]').first().click();
    const compare = p.getByTestId('merge-compare');
    await expect.poll(() => compare.textContent()).toContain('两人身份证号码不同');

    // Without the confirmation the form does not submit.
    await p.getByTestId('merge-reason').fill('户籍民警核实为同一人');
    await p.getByTestId('merge-submit').click();
    await expect.poll(() => compare.textContent()).toContain('必填');
    await p.getByTestId('merge-confirm').check();
    await p.getByTestId('merge-submit').click();
    const history = p.getByTestId('merge-history-table');
    await expect.poll(() => history.textContent()).toContain('户籍民警核实为同一人');
    await expect.poll(() => candidates.textContent()).toContain('本区划没有疑似重复的人员');
    const merged = await test.db
      .selectFrom('persons')
      .select(['id', 'merged_into'])
      .where('id', 'in', personIds)
      .execute();
    expect(merged.filter((r) => r.merged_into !== null)).toHaveLength(1);

    await history.locator('[data-testid^="split-"]').click();
    await p.getByTestId('split-reason').fill('经核实是两个人');
    await p.getByTestId('split-submit').click();
    await expect.poll(() => history.textContent()).toContain('经核实是两个人');
    await expect.poll(() => candidates.textContent()).toContain('于淑珍');
    const split = await test.db
      .selectFrom('persons')
      .select('merged_into')
      .where('id', 'in', personIds)
      .execute();
    expect(split.every((r) => r.merged_into === null)).toBe(true);
    // Twenty-odd page steps: on a busy two-core machine they need more than the default 30 s.
  }, 90_000);
});
