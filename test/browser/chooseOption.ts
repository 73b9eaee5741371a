import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';

/**
 * Opens an antd select and picks the option showing `label`, typing it first into a searchable
 * select when `search` is set.
 * Under CI's load a click on an option can land while the list is still opening and pick nothing
 * (the work-order and findings tests failed so in CI): this waits until the select shows the
 * choice, clicking the option again while it is still offered, as a user would.
 */
export async function chooseOption(
  page: Page,
  select: Locator,
  label: string,
  options: { search?: boolean } = {},
): Promise<void> {
  await select.click();
  if (options.search) await select.locator('input').fill(label);
  const option = page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: label })
    .first();
  await option.click();
  await expect
    .poll(async () => {
      const shown = (await select.textContent()) ?? '';
      if (!shown.includes(label) && (await option.isVisible())) await option.click({ timeout: 2_000 });
      return shown;
    })
    .toContain(label);
}
