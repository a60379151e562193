import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers';
import { importAndScore, openEmptyDashboard, type LoadedExtension } from './extension';

describe('the Follow-ups page', () => {
  let browser: LoadedExtension;
  let page: Page;

  beforeAll(async () => {
    ({ browser, page } = await openEmptyDashboard());
  });
  afterAll(async () => {
    await browser?.close();
  });

  const open = () => page.goto(`chrome-extension://${browser.extensionId}/options.html#follow-ups`);
  const idsIn = (group: string) => page.locator(`.tm-follow-up-group[data-group="${group}"] .tm-follow-up-item`).evaluateAll((items) => items.map((i) => i.getAttribute('data-follow-up')));

  it('says what to do first on an empty store', async () => {
    await open();
    expect(await page.locator('.tm-empty').innerText()).toContain('They appear once customers are imported and scored');
  });

  it('lists what the rules ask, overdue first, and keeps done and snooze in the store', async () => {
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#import`);
    // 2024 orders scored today: every follow-up is long overdue.
    await importAndScore(page, fixture('taobao-order-report.gbk.csv'));
    await open();
    await expect.poll(async () => (await idsIn('overdue')).length).toBeGreaterThan(1);
    const overdue = await idsIn('overdue');
    expect(await page.locator(`[data-follow-up="${overdue[0]}"]`).innerText()).toMatch(/茶友小王|lily_2019|张三丰/);
    const [first, second] = overdue as [string, string];
    await page.click(`[data-follow-up="${first}"] button[data-action="done"]`);
    await expect.poll(() => idsIn('done')).toEqual([first]);
    await page.click(`[data-follow-up="${second}"] button[data-action="snooze"]`);
    await expect.poll(() => idsIn('snoozed')).toEqual([second]);
    expect(await page.locator(`[data-follow-up="${second}"]`).innerText()).toMatch(/until \d{4}-\d{2}-\d{2}/);
    // Read again from the store: as staff left them.
    await page.reload();
    await expect.poll(() => idsIn('done')).toEqual([first]);
    expect(await idsIn('snoozed')).toEqual([second]);
    expect(await idsIn('overdue')).not.toContain(first);
    // Reopened, it is overdue again.
    await page.click(`[data-follow-up="${second}"] button[data-action="reopen"]`);
    await expect.poll(() => idsIn('overdue')).toContain(second);
    expect(await page.locator('.tm-follow-up-group[data-group="snoozed"]').count()).toBe(0);
  });
});
