import { importGeneratedCounty } from '../../src/ingest/testing/importGeneratedCounty.ts';
import fs from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase, type TestDatabase } from '../../src/db/testing/eachDatabase.ts';
import { buildTestApp, ensureTestAccounts } from '../../src/http/testing/buildTestApp.ts';
import { todayInChina } from '../../src/core/isoDate.ts';
import { launchBrowser } from './launchBrowser.ts';
import { chooseOption } from './chooseOption.ts';
import { openSignedIn } from './consolePage.ts';

/** The kinds of the findings the list shows. */
const kindsShown = async (p: Page) =>
  Promise.all(
    (await p.getByTestId('findings-table').locator('[data-kind]').all()).map((tag) =>
      tag.getAttribute('data-kind'),
    ),
  );

/** Expands the list's first finding into its explanation and history. */
async function openFirstFinding(p: Page): Promise<Locator> {
  await p
    .getByTestId('findings-table')
    .locator('tbody tr.ant-table-row')
    .first()
    .locator('.ant-table-row-expand-icon')
    .click();
  const panel = p.locator('[data-testid^="finding-panel-"]').first();
  await panel.getByText('处理经过').waitFor();
  return panel;
}

/** A warning or a model's listing explains itself: every criterion it shows held. */
async function expectEveryCriterionHeld(panel: Locator): Promise<void> {
  expect(await panel.locator('[data-state]').evaluateAll((items) => items.length)).toBeGreaterThan(0);
  expect(
    await Promise.all(
      (await panel.locator('[data-state]').all()).map((item) => item.getAttribute('data-state')),
    ),
  ).not.toContain('no');
}

/**
 * Policy finds people in a real Chromium: a county worker screens the county from the findings
 * page, watches the run finish, narrows to gaps, opens one into its explanation and history,
 * claims it and resolves it as enrolled.
 */
describe('findings (browser)', () => {
  let test: TestDatabase & { dispose(): Promise<void> };
  let browser: Browser;
  let app: FastifyInstance | undefined;
  let page: Page | undefined;
  let dir: string;
  const problems: string[] = [];

  beforeAll(async () => {
    test = await openTestDatabase('sqlite');
    await ensureTestAccounts(test);
    dir = await importGeneratedCounty(test, { households: 100, seed: 13, referenceDate: todayInChina() });
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

  it('screens the county, opens a gap with its explanation, claims it and resolves it', async () => {
    app = await buildTestApp(test, { as: null });
    const p = await openSignedIn(browser, app, problems, 'county');
    page = p;
    await p.getByRole('menuitem', { name: '主动发现' }).click();
    const lastRun = p.getByTestId('last-run');
    await expect.poll(() => lastRun.getAttribute('data-status')).toBe('none');
    await p.getByTestId('run-screening').click();
    // The page follows the run until it ends.
    await expect.poll(() => lastRun.getAttribute('data-status')).toBe('completed');
    expect(await lastRun.textContent()).toMatch(/最近一次筛查：.*，\d+ 户，新发现 \d+/);

    // The masked export of what the list shows.
    const [file] = await Promise.all([p.waitForEvent('download'), p.getByTestId('export-findings').click()]);
    expect(file.suggestedFilename()).toBe('findings.csv');
    const csv = fs.readFileSync(await file.path(), 'utf8');
    expect(csv).toContain('"户号"');
    expect(csv).toMatch(/"\d{4}\*+\d{2}"/);

    await p.getByTestId('finding-kind').getByText('缺口', { exact: true }).click();
    const rows = p.getByTestId('findings-table').locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    const kinds = await kindsShown(p);
    expect(kinds.length).toBeGreaterThan(0);
    expect(new Set(kinds)).toEqual(new Set(['gap']));

    const panel = await openFirstFinding(p);
    const text = (await panel.textContent()) ?? '';
    // The explanation kept with the finding: every criterion met (a gap), with the data it used.
    expect(text).toContain('使用的数据');
    expect(text).toMatch(/发现 · 系统筛查/);
    // The explanation is the snapshot of when it was found, with the pool that made it.
    expect(await panel.getByTestId('finding-explained-at').textContent()).toMatch(
      /^依据为 \d{4}\/\d{1,2}\/\d{1,2} [\d:]+ 发现或变化时的数据快照（政策库版本 [0-9a-f+]+）/,
    );
    // …and when a screening run last confirmed it (its household's last screening).
    expect(await panel.getByTestId('finding-last-seen').textContent()).toMatch(
      /^最近一次筛查确认：\d{4}\/\d{1,2}\/\d{1,2} [\d:]+$/,
    );
    const findingId = ((await panel.getAttribute('data-testid')) ?? '').replace('finding-panel-', '');

    await panel.getByTestId('claim-finding').click();
    await expect.poll(async () => (await panel.textContent()) ?? '').toMatch(/认领 · /);
    // The claim reloads the list too; choose once it has settled.
    await expect.poll(() => p.getByTestId('findings-table').locator('.ant-spin-spinning').count()).toBe(0);
    await chooseOption(p, panel.getByTestId('finding-resolution'), '已纳入保障');
    await panel.getByTestId('resolve-finding').click();
    await expect
      .poll(async () => {
        const row = await test.db
          .selectFrom('findings')
          .select(['status', 'resolution'])
          .where('id', '=', findingId)
          .executeTakeFirst();
        return row && `${row.status}/${row.resolution ?? ''}`;
      })
      .toBe('resolved/enrolled');
  });

  it('leads from a warning, with its cause, to the household and its explanation', async () => {
    app = await buildTestApp(test, { as: null });
    const p = await openSignedIn(browser, app, problems, 'county');
    page = p;
    await p.getByRole('menuitem', { name: '主动发现' }).click();
    // The county was screened by the test before; the warnings are among its findings.
    await p.getByTestId('finding-kind').getByText('预警', { exact: true }).click();
    const rows = p.getByTestId('findings-table').locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    expect(await rows.first().getByTestId('finding-cause').textContent()).toMatch(
      /^(因病|因残|因学|因失业|因灾、因意外|失去主要劳动力|因老|其他)$/,
    );
    const panel = await openFirstFinding(p);
    // Why it fired: every criterion of the warning held.
    await expectEveryCriterionHeld(panel);
    await panel.getByRole('button', { name: '查看家庭政策匹配' }).click();
    await p.getByTestId('match-tally').waitFor();
    expect(await p.getByTestId('match-tally').textContent()).toMatch(/共 \d+ 项：可享未享 \d+/);
  });

  it('lists whom a discovery model found, under the model’s name, with why', async () => {
    app = await buildTestApp(test, { as: null });
    const p = await openSignedIn(browser, app, problems, 'county');
    page = p;
    await p.getByRole('menuitem', { name: '主动发现' }).click();
    // The county was screened by the first test; the models' lists are among its findings.
    await p.getByTestId('finding-kind').getByText('发现模型', { exact: true }).click();
    const rows = p.getByTestId('findings-table').locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    const kinds = await kindsShown(p);
    expect(new Set(kinds)).toEqual(new Set(['model']));
    // Each row names its model in Chinese.
    expect(await p.getByTestId('findings-table').textContent()).toMatch(
      /困境儿童发现|低保家庭高校毕业生就业帮扶|残疾人两项补贴应享未享|重病支出型临时救助发现/,
    );
    const panel = await openFirstFinding(p);
    await expectEveryCriterionHeld(panel);
    // A dispatcher makes a work order from it (issue 8): routed by its rule, opened in the orders page.
    const findingId = ((await panel.getAttribute('data-testid')) ?? '').replace('finding-panel-', '');
    await panel.getByTestId('finding-to-order').click();
    await expect
      .poll(
        async () =>
          (
            await test.db
              .selectFrom('work_orders')
              .select(['status', 'routing_rule_id'])
              .where('finding_id', '=', findingId)
              .executeTakeFirst()
          )?.routing_rule_id,
      )
      .toBe('model_lists');
    await expect.poll(() => p.url()).toContain('#/work-orders');
  });

  it('shows the cockpit: open findings, the ledger, charts, and a warning that leads to the household', async () => {
    app = await buildTestApp(test, { as: null });
    const p = await openSignedIn(browser, app, problems, 'county');
    page = p;
    await p.getByRole('menuitem', { name: '驾驶舱' }).click();
    const warnings = p.getByTestId('latest-warnings').locator('tbody tr.ant-table-row');
    await warnings.first().waitFor();
    // The gap resolved as enrolled in the first test is in the ledger.
    await expect.poll(async () => p.getByTestId('gaps-filled').textContent()).toMatch(/已填补缺口\s*1$/);
    expect(
      Number((await p.getByTestId('open-warning').locator('.ant-statistic-content').textContent()) ?? 0),
    ).toBeGreaterThan(0);
    // …in its township, and beside it the gaps the runs found.
    await expect
      .poll(() => p.getByTestId('ledger-townships').locator('tbody tr.ant-table-row').count())
      .toBe(1);
    expect(
      Number((await p.getByTestId('gaps-found').locator('.ant-statistic-content').textContent()) ?? 0),
    ).toBeGreaterThan(0);
    // The period: this year by default, this month on request (the gap was filled today).
    const today = todayInChina();
    expect(await p.getByTestId('ledger-period-text').textContent()).toContain(`${today.slice(0, 4)}-01-01`);
    await p.getByTestId('ledger-period').getByText('本月', { exact: true }).click();
    await expect
      .poll(async () => p.getByTestId('ledger-period-text').textContent())
      .toContain(`${today.slice(0, 7)}-01 至 ${today}`);
    await expect.poll(async () => p.getByTestId('gaps-filled').textContent()).toMatch(/已填补缺口\s*1$/);
    // Every chart is drawn (ECharts paints a canvas).
    for (const chart of ['chart-townships', 'chart-causes', 'chart-departments', 'chart-ledger'])
      await p.getByTestId(chart).locator('canvas').first().waitFor();
    await warnings.first().getByRole('button', { name: '查看家庭政策匹配' }).click();
    await p.getByTestId('match-tally').waitFor();
    expect(await p.getByTestId('match-tally').textContent()).toMatch(/共 \d+ 项：可享未享 \d+/);
  });

  it('makes the quarter’s visit plans and records a visit on a village’s list', async () => {
    app = await buildTestApp(test, { as: null });
    const p = await openSignedIn(browser, app, problems, 'county');
    page = p;
    await p.getByRole('menuitem', { name: '走访计划' }).click();
    await p.getByTestId('make-visit-plans').click();
    const plans = p.getByTestId('visit-plans-table').locator('tbody tr.ant-table-row');
    await plans.first().waitFor();
    expect(await p.getByTestId('visit-progress').textContent()).toMatch(
      /共 [1-9]\d* 个村（社区）的计划，已走访 0 \/ [1-9]\d* 户/,
    );
    await plans.first().locator('.ant-table-row-expand-icon').click();
    const items = p.locator('[data-testid^="plan-items-"]').locator('tbody tr.ant-table-row');
    await items.first().waitFor();
    const button = items.first().locator('[data-testid^="visit-"]');
    const householdId = ((await button.getAttribute('data-testid')) ?? '').replace('visit-', '');
    await items.first().locator('input').fill('老人身体尚可，需要助餐');
    await button.click();
    await p.getByTestId(`visited-${householdId}`).waitFor();
    expect(await p.getByTestId(`visited-${householdId}`).textContent()).toContain('老人身体尚可，需要助餐');
    await expect.poll(async () => p.getByTestId('visit-progress').textContent()).toMatch(/已走访 1 \//);
  });

  it('simulates a higher dibao standard: who gains, and what it costs a year', async () => {
    app = await buildTestApp(test, { as: null });
    const p = await openSignedIn(browser, app, problems, 'county');
    page = p;
    await p.getByRole('menuitem', { name: '政策模拟' }).click();
    const scenario = p.getByTestId('scenario-0');
    await scenario.locator('.ant-select').click();
    await p.keyboard.type('dibao.standard');
    await p.keyboard.press('Enter');
    await expect.poll(async () => (await scenario.textContent()) ?? '').toMatch(/现行取值：1030/);
    await scenario.locator('.ant-input-number input').fill('1339');
    await p.getByTestId('run-simulation').click();
    const outcome = p.getByTestId('simulation-result');
    await outcome.waitFor({ timeout: 60_000 });
    const text = (await outcome.textContent()) ?? '';
    expect(text).toContain('方案一');
    expect(text).toMatch(/每年资金变化[\d,.]+元/);
    expect(text).toContain('最低生活保障');
  });
});
