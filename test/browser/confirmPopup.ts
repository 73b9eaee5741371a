import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';

/**
 * Clicks `trigger` (a button behind an antd Popconfirm), then the popup's `confirm` button, and
 * waits until `gone` has left the page. Under CI's load the click on the confirm button can land
 * while the popup is still zooming in and do nothing (the work-calendar test failed so): while
 * `gone` is still there it clicks the confirm button again, or the trigger when the popup closed
 * without confirming, as a user would.
 */
export async function confirmPopup(
  page: Page,
  trigger: Locator,
  confirm: RegExp,
  gone: Locator,
): Promise<void> {
  const button = page.locator('.ant-popconfirm:visible').getByRole('button', { name: confirm });
  await trigger.click();
  await button.click();
  await expect
    .poll(async () => {
      const left = await gone.count();
      if (left > 0) {
        if (await button.isVisible()) await button.click({ timeout: 2_000 }).catch(() => undefined);
        else if (await trigger.isVisible()) await trigger.click({ timeout: 2_000 }).catch(() => undefined);
      }
      return left;
    })
    .toBe(0);
}
