import { importGeneratedCounty } from '../../src/ingest/testing/importGeneratedCounty.ts';
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase, type TestDatabase } from '../../src/db/testing/eachDatabase.ts';
import { buildTestApp, ensureTestAccounts } from '../../src/http/testing/buildTestApp.ts';
import { todayInChina } from '../../src/core/isoDate.ts';
import { launchBrowser } from './launchBrowser.ts';
import { openSignedIn } from './consolePage.ts';

/**
 * The welfare pool in a real Chromium: a county worker browses the pool by category, reads a
 * policy (criteria, legal basis, parameter history with values still to be confirmed, its
 * cases), then opens a dibao household's policy match and reads why each answer holds.
 */
describe('welfare pool and policy match (browser)', () => {
  let test: TestDatabase & { dispose(): Promise<void> };
  let browser: Browser;
  let app: FastifyInstance | undefined;
  let page: Page | undefined;
  let dir: string;
  let householdId: string;
  const problems: string[] = [];

  beforeAll(async () => {
    test = await openTestDatabase('sqlite');
    await ensureTestAccounts(test);
    dir = await importGeneratedCounty(test, { households: 100, seed: 13, referenceDate: todayInChina() });
    const row = await test.db
      .selectFrom('portrait_tags')
      .select('subject_id')
      .where('subject_type', '=', 'hukou_household')
      .where('tag', '=', 'dibao_household')
      .where('state', '=', 'yes')
      .executeTakeFirstOrThrow();
    householdId = row.subject_id;
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

  it('browses the pool, reads a policy, and explains a household’s match, gaps first', async () => {
    app = await buildTestApp(test, { as: null });
    const p = await openSignedIn(browser, app, problems, 'county');
    page = p;
    await p.getByRole('menuitem', { name: '政策库' }).click();
    const table = p.getByTestId('policy-table');
    await table.locator('tbody tr.ant-table-row').first().waitFor();
    expect(await p.getByTestId('pool-version').textContent()).toMatch(/政策库版本 [0-9a-f]{16}，共 \d+ 项/);

    // Narrow to assistance policies and search by name, then open dibao.
    await p.getByTestId('policy-category').click();
    await p.getByTitle(/^救助政策（\d+）$/).click();
    const search = p.getByTestId('policy-search').locator('input');
    await search.fill('最低生活保障');
    await search.press('Enter');
    await table.getByRole('button', { name: '最低生活保障', exact: true }).click();
    const detail = p.getByTestId('policy-detail');
    await detail.getByText('社会救助暂行办法', { exact: false }).first().waitFor();
    expect(await p.getByTestId('policy-criteria').textContent()).toContain('家庭月人均收入低于当地低保标准');
    // The standard's history by region, with the values still to be confirmed marked.
    const standard = p.getByTestId('parameter-dibao.standard');
    await standard.getByText('2023-07-01').waitFor();
    expect(await standard.textContent()).toContain('待官方核实');
    expect(await p.getByTestId('policy-cases').locator('tbody tr').count()).toBeGreaterThanOrEqual(3);

    // A dibao household from its portrait: the match, receiving dibao, and why.
    await p.evaluate((id) => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = `/portrait?household=${id}`;
    }, householdId);
    await p.getByTestId('open-policy-match').click();
    await p.getByTestId('match-tally').waitFor();
    expect(await p.getByTestId('match-tally').textContent()).toMatch(/共 \d+ 项：可享未享 \d+/);
    const rows = p.getByTestId('match-table').locator('tbody tr.ant-table-row');
    const dibaoRow = rows.filter({ hasText: '最低生活保障' }).first();
    await dibaoRow.waitFor();
    await dibaoRow.locator('.ant-table-row-expand-icon').click();
    const explanation = p.locator('[data-testid^="explain-dibao-household"]');
    await explanation.waitFor();
    const why = (await explanation.textContent()) ?? '';
    expect(why).toContain('家庭月人均收入');
    // The data and parameters each criterion cites, resolved from the match's descriptions.
    expect(why).toMatch(/使用的数据：[^；]*月人均收入/);
    expect(why).toMatch(/使用的参数：[^；]*\d/);
    // Every row says ✓, ✗ or ? in words.
    const outcomes = await p.getByTestId('match-table').locator('[data-outcome]').allTextContents();
    expect(outcomes.length).toBeGreaterThan(0);
    for (const text of outcomes) expect(text).toMatch(/^[✓✗?!] (符合|不符合|待核实|出错)$/);
  });

  it('runs a trial match for a hypothetical household, and names a value of the wrong form', async () => {
    app = await buildTestApp(test, { as: null });
    const p = await openSignedIn(browser, app, problems, 'county');
    page = p;
    await p.evaluate(() => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = '/policy-trial';
    });
    await p.getByTestId('trial-example').click();
    await p.getByTestId('trial-run').click();
    await p.getByTestId('match-tally').waitFor();
    expect(await p.getByTestId('match-tally').textContent()).toMatch(/共 \d+ 项：可享未享 [1-9]\d*/);
    const rows = p.getByTestId('match-table').locator('tbody tr.ant-table-row');
    const dibao = rows.filter({ hasText: '最低生活保障' }).first();
    await dibao.waitFor();
    expect(await dibao.textContent()).toContain('可享未享');
    // The members appear by the names the form gave them.
    expect(await p.getByTestId('match-table').textContent()).toContain('成员 1');

    // A member who died recently, from a tekun household: the funeral waiver is a gap for them alone.
    await p.getByTestId('trial-add-deceased').click();
    await p.getByTestId('trial-d0-value-0').fill('2026-11-01');
    await p.getByTestId('trial-d0-add').click();
    await p.getByTestId('trial-d0-field-1').click();
    await p.keyboard.type('tekun_enrolled');
    await p.keyboard.press('Enter');
    await p.getByTestId('trial-d0-value-1').fill('concentrated');
    await p.getByTestId('trial-run').click();
    const funeral = rows.filter({ hasText: '惠民殡葬' });
    await funeral.first().waitFor();
    expect(await funeral.count()).toBe(1);
    expect(await funeral.first().textContent()).toContain('已故成员 1（已故）');
    expect(await funeral.first().textContent()).toContain('可享未享');

    // A date typed wrongly: the server names the field and the form expected, nothing is matched.
    await p.getByTestId('trial-h-add').click();
    await p.getByTestId('trial-h-field-5').click();
    await p.keyboard.type('dibao_phase_out_since');
    await p.keyboard.press('Enter');
    await p.getByTestId('trial-h-value-5').fill('2026-13-01');
    await p.getByTestId('trial-run').click();
    const error = p.getByTestId('trial-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('body.h.dibao_phase_out_since');
    expect(await error.textContent()).toContain('YYYY-MM-DD');
    expect(await p.getByTestId('match-table').count()).toBe(0);
  });
});
