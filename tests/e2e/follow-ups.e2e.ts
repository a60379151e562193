import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers';
import { importAndScore, openEmptyDashboard, storedRecords, storeRuleFile, THANK_YOU_CALLS, type LoadedExtension } from './extension';

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

describe('the Follow-ups page of a shop with hundreds due', () => {
  let browser: LoadedExtension;
  let page: Page;
  const dir = mkdtempSync(join(tmpdir(), 'tiermark-follow-ups-'));

  beforeAll(async () => {
    ({ browser, page } = await openEmptyDashboard());
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const group = (name: string) => page.locator(`.tm-follow-up-group[data-group="${name}"]`);
  const shownIn = (name: string) => group(name).locator('.tm-follow-up-item').count();
  const countOf = async (name: string) => Number((await group(name).locator('.tm-group-count').innerText()).replace(/\D/g, ''));

  it('counts each group whole and lists twenty of it at first, a hundred more each time the seller asks', async () => {
    // 260 Shopify buyers, each thanked by a call due today.
    const [header, template] = readFileSync(fixture('shopify-orders-73.csv'), 'utf8').split('\n') as [string, string];
    const cells = template.split(',');
    const orderId = cells.indexOf('4373824887817');
    const rows = Array.from({ length: 260 }, (_, i) => {
      const row = [...cells];
      [row[0], row[1], row[24], row[orderId]] = [`#${5000 + i}`, `buyer${i}@example.com`, `Buyer ${i}`, String(4_400_000_000_000 + i)];
      return row.join(',');
    });
    const file = join(dir, 'shopify-many.csv');
    writeFileSync(file, `${header}\n${rows.join('\n')}\n`);
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#import`);
    await storeRuleFile(page, 'thank-you.json', THANK_YOU_CALLS);
    await importAndScore(page, file);
    // Counted from the store, one bucket record at a time.
    const open = (await storedRecords<{ json: string }>(page, 'followups')).flatMap((stored) => Object.values(JSON.parse(stored.json) as Record<string, { status: string; action: string }>)).filter((f) => f.status === 'open' && f.action === 'thank-you');
    expect(open).toHaveLength(260);

    await page.goto(`chrome-extension://${browser.extensionId}/options.html#follow-ups`);
    // Thirty calls a day by default (Settings): the rest wait; twenty of each group listed at first.
    await expect.poll(() => shownIn('waiting')).toBe(20);
    expect(await countOf('today')).toBe(30);
    expect(await shownIn('today')).toBe(20);
    expect(await countOf('waiting')).toBe(open.length - 30);
    await group('today').getByRole('button', { name: 'Show more' }).click();
    await expect.poll(() => shownIn('today')).toBe(30);
    expect(await group('today').getByRole('button', { name: 'Show more' }).count()).toBe(0);
    await group('waiting').getByRole('button', { name: 'Show more' }).click();
    await expect.poll(() => shownIn('waiting')).toBe(120);
    await group('waiting').getByRole('button', { name: 'Show more' }).click();
    await expect.poll(() => shownIn('waiting')).toBe(220);
    await group('waiting').getByRole('button', { name: 'Show more' }).click();
    await expect.poll(() => shownIn('waiting')).toBe(230);
    expect(await group('waiting').getByRole('button', { name: 'Show more' }).count()).toBe(0);
    const ids = await page.locator('.tm-follow-up-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-follow-up')));
    expect(new Set(ids).size).toBe(260);
  });

  it('keeps to a daily capacity with the rest waiting, each group counted whole', async () => {
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#settings`);
    await page.fill('#tm-capacity input[data-channel="phone"]', '150');
    await page.locator('#tm-capacity input[data-channel="phone"]').press('Tab');
    await expect.poll(() => page.evaluate(`chrome.storage.local.get('followUpCapacity').then((v) => v.followUpCapacity.phone)`)).toBe(150);
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#follow-ups`);
    await expect.poll(() => countOf('waiting')).toBe(110);
    expect(await countOf('today')).toBe(150);
    await expect.poll(() => shownIn('today')).toBe(20);
    expect(await shownIn('waiting')).toBe(20);
  });
});
