import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase, type TestDatabase } from '../../src/db/testing/eachDatabase.ts';
import { buildTestApp } from '../../src/http/testing/buildTestApp.ts';
import { launchBrowser } from './launchBrowser.ts';

describe('API documentation page (browser)', () => {
  let test: TestDatabase & { dispose(): Promise<void> };
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    test = await openTestDatabase('sqlite');
    app = await buildTestApp(test);
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser.close();
    await app.close();
    await test.dispose();
  });

  it('renders the OpenAPI document in Chromium, with the area endpoints listed', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/docs`);
    await page.getByText('助联 Zhulian API').first().waitFor({ timeout: 15_000 });
    await page.getByText('/api/areas/{code}/children').first().waitFor();
    expect(await page.title()).toBeTruthy();
    await page.close();
  });
});
