import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers';
import { importAndScore, openEmptyDashboard, storeRuleFile, THANK_YOU_CALLS, type LoadedExtension } from './extension';

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

  it('lists what is due today, most valuable customer first, keeps done and snooze in the store, and counts who lapsed before a window', async () => {
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#import`);
    // 2024 orders scored today: the shipped win-back rules raise nothing for customers two years
    // gone (they are counted), and the seller's thank-you calls are due today, the day they are raised.
    await storeRuleFile(page, 'thank-you.json', THANK_YOU_CALLS);
    await importAndScore(page, fixture('taobao-order-report.gbk.csv'));
    await open();
    await expect.poll(async () => (await idsIn('today')).length).toBe(3);
    expect(await idsIn('overdue')).toEqual([]);
    // By value: 茶友小王 spent 384, 张三丰 150, lily_2019 89.90.
    const today = await idsIn('today');
    expect(today.map((id) => id!.split('|')[1])).toEqual(['taobao:茶友小王', 'taobao:张三丰', 'taobao:lily_2019']);
    expect(await page.locator('.tm-follow-ups-missed[data-rule="win-back/low-value"]').innerText()).toMatch(/^3 customers lapsed before the window of "Win-back SMS": not raised as follow-ups/);
    const [first, second] = today as [string, string];
    await page.click(`[data-follow-up="${first}"] button[data-action="done"]`);
    await expect.poll(() => idsIn('done')).toEqual([first]);
    await page.click(`[data-follow-up="${second}"] button[data-action="snooze"]`);
    await expect.poll(() => idsIn('snoozed')).toEqual([second]);
    expect(await page.locator(`[data-follow-up="${second}"]`).innerText()).toMatch(/until \d{4}-\d{2}-\d{2}/);
    // Read again from the store: as staff left them.
    await page.reload();
    await expect.poll(() => idsIn('done')).toEqual([first]);
    expect(await idsIn('snoozed')).toEqual([second]);
    expect(await idsIn('today')).not.toContain(first);
    // Reopened, it is due today again.
    await page.click(`[data-follow-up="${second}"] button[data-action="reopen"]`);
    await expect.poll(() => idsIn('today')).toContain(second);
    expect(await page.locator('.tm-follow-up-group[data-group="snoozed"]').count()).toBe(0);
  });

  it('keeps to the team’s daily capacity per channel, set in Settings: the rest wait, most valuable first', async () => {
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#settings`);
    await page.fill('#tm-capacity input[data-channel="phone"]', '1');
    await page.locator('#tm-capacity input[data-channel="phone"]').press('Tab');
    await expect.poll(() => page.evaluate(`chrome.storage.local.get('followUpCapacity').then((v) => v.followUpCapacity.phone)`)).toBe(1);
    await open();
    // Two open calls (one is done): the more valuable is today's, the other waits.
    await expect.poll(async () => (await idsIn('waiting')).length).toBe(1);
    expect((await idsIn('today')).map((id) => id!.split('|')[1])).toEqual(['taobao:张三丰']);
    expect((await idsIn('waiting')).map((id) => id!.split('|')[1])).toEqual(['taobao:lily_2019']);
  });
});
