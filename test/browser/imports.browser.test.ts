import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase, type TestDatabase } from '../../src/db/testing/eachDatabase.ts';
import { buildTestApp, ensureTestAccounts, injectAs, signIn } from '../../src/http/testing/buildTestApp.ts';
import { testFieldCipher } from '../../src/core/fieldCipher.ts';
import { makeResidentId } from '../../src/registry/residentId/index.ts';
import { createPerson } from '../../src/registry/persons/personService.ts';
import { systemScope } from '../../src/access/scope/dataScope.ts';
import { launchBrowser } from './launchBrowser.ts';
import { chooseOption } from './chooseOption.ts';
import { openSignedIn } from './consolePage.ts';

const gbk = new TextDecoder('gbk');
/** GBK bytes for a text, by a reverse table of the decoder (as departments' exports are). */
function encodeGbk(text: string): Buffer {
  const table = new Map<string, number[]>();
  for (let hi = 0x81; hi <= 0xfe; hi++)
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      const ch = gbk.decode(Uint8Array.of(hi, lo));
      if (ch.length === 1 && ch !== '\ufffd' && !table.has(ch)) table.set(ch, [hi, lo]);
    }
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code < 0x80) bytes.push(code);
    else bytes.push(...(table.get(ch) ?? [0x3f]));
  }
  return Buffer.from(bytes);
}

/**
 * Data import in the console, in a real Chromium: a county worker uploads a department's GBK
 * file, watches it import, reads the counts in the history and downloads the rejected rows;
 * then confirms a row that arrived without an ID number and matched two persons.
 */
describe('data import (browser)', () => {
  let test: TestDatabase & { dispose(): Promise<void> };
  let browser: Browser;
  let app: FastifyInstance | undefined;
  let page: Page | undefined;
  const problems: string[] = [];
  const ids = [makeResidentId('371082', '1955-04-01', 11), makeResidentId('371082', '1955-04-01', 12)];

  beforeAll(async () => {
    test = await openTestDatabase('sqlite');
    await ensureTestAccounts(test);
    // Two persons with the same name and birth date: a row without an ID number cannot tell them apart.
    for (const idNumber of ids) {
      await createPerson(
        test.db,
        testFieldCipher(),
        { idNumber, name: '孙桂英', residenceAreaCode: '371082101201', hukouAreaCode: '371082101201' },
        systemScope,
      );
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

  async function open(user: string): Promise<Page> {
    app = await buildTestApp(test, { as: null });
    const p = await openSignedIn(browser, app, problems, user, { acceptDownloads: true });
    page = p;
    return p;
  }

  it('uploads a department file, shows its progress and counts, and hands out the rejected rows', async () => {
    const p = await open('county');
    await p.goto(`${p.url().split('#')[0] ?? ''}#/imports`);
    await chooseOption(p, p.getByTestId('feed-select'), '残疾人证信息');
    const csv =
      '身份证号,姓名,残疾类别,残疾等级,发证日期,有效期至\r\n' +
      `${ids[0] ?? ''},孙桂英,4,二级,2024/5/6,2034/5/6\r\n` +
      `${ids[1] ?? ''},孙桂英,9,一级,2024/5/6,\r\n`;
    await p.locator('input[type=file]').setInputFiles({
      name: '残联2026年11月.csv',
      mimeType: 'text/csv',
      buffer: encodeGbk(csv),
    });
    await expect
      .poll(() => p.getByTestId('import-progress').textContent())
      .toContain('导入完成：收到 2 行，接收 1 行，拒绝 1 行，重复 0 行');
    const history = p.getByTestId('imports-table');
    await expect.poll(() => history.textContent()).toContain('残联2026年11月.csv');
    const [download] = await Promise.all([
      p.waitForEvent('download'),
      history.locator('[data-testid^="errors-"]').first().click(),
    ]);
    expect(download.suggestedFilename()).toBe('残联2026年11月.csv-错误明细.xlsx');
  });

  it('lets staff confirm which person a row without an ID number is about', async () => {
    const p = await open('county');
    if (!app) throw new Error('no app');
    const county = injectAs(app, await signIn(app, 'county'));
    const started = await county({
      method: 'POST',
      url: '/api/feeds/health_disease_registry/imports',
      headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'health.jsonl' },
      payload: Buffer.from(
        `${JSON.stringify({ hzxm: '孙桂英', csrq: '1955-04-01', sfbh: 'SF20261008001', zdjbbz: 'Y', sfrq: '2026-10-08' })}\n`,
      ),
    });
    expect(started.statusCode).toBe(202);
    const id = started.json<{ id: string }>().id;
    await expect
      .poll(
        async () =>
          (await county({ method: 'GET', url: `/api/imports/${id}` })).json<{ status: string }>().status,
      )
      .toBe('completed');
    await p.goto(`${p.url().split('#')[0] ?? ''}#/link-reviews`);
    const table = p.getByTestId('link-reviews-table');
    await expect.poll(() => table.textContent()).toContain('姓名相同、出生日期相同');
    await table.getByRole('button', { name: '确认是此人' }).first().click();
    await expect.poll(() => table.textContent()).toContain('没有待确认的记录');
  });
});
