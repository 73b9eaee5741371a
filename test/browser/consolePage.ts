import { expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD } from '../../src/access/users/setupAccounts.ts';

/**
 * A console page on a listening app, whose page errors and console errors go into `problems`
 * (each browser test fails on any of them, CSP violations included).
 */
export async function openConsolePage(
  browser: Browser,
  app: FastifyInstance,
  problems: string[],
  options: { acceptDownloads?: boolean } = {},
): Promise<Page> {
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const page = await browser.newPage(options);
  // A step that cannot happen fails with its locator named, well before the test's timeout.
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // Refused requests (a wrong password's 401) are the tests' subject, checked by assertions.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      problems.push(`console: ${message.text()}`);
  });
  await page.goto(base);
  return page;
}

/**
 * Fills in the sign-in form and submits it. Under CI's load a page once showed no form for 20 s
 * (the phone-page test failed so): when the form has not appeared after 10 s the page is loaded
 * again, once, as a user would.
 */
export async function signInAs(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  const account = page.getByLabel('账号');
  try {
    await account.waitFor({ timeout: 10_000 });
  } catch {
    await page.reload();
    await account.waitFor();
  }
  await account.fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
}

/**
 * Opens the account menu with `open` (a click on the phone page, a hover in the console) and
 * chooses 退出登录, until the sign-in form shows: a click that lands while the menu is still
 * opening does nothing, so it is tried again rather than waited on.
 */
export async function signOut(page: Page, open: () => Promise<void>): Promise<void> {
  const item = page.getByRole('menuitem', { name: '退出登录' });
  const form = page.getByLabel('账号');
  await expect
    .poll(
      async () => {
        if (await form.isVisible()) return true;
        await open().catch(() => undefined);
        await item.click({ timeout: 3_000 }).catch(() => undefined);
        return form.isVisible();
      },
      { timeout: 30_000 },
    )
    .toBe(true);
}

/** A console page on a listening app, signed in as a user and showing the home page. */
export async function openSignedIn(
  browser: Browser,
  app: FastifyInstance,
  problems: string[],
  username: string,
  options: { acceptDownloads?: boolean } = {},
): Promise<Page> {
  const page = await openConsolePage(browser, app, problems, options);
  await signInAs(page, username);
  await page.getByTestId('welcome').waitFor();
  return page;
}
