import type { Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers';
import { E2E_HOSTS_DIR, importAndScore, lastRescore, openEmptyDashboard, storeRuleFile, THANK_YOU_CALLS, type LoadedExtension } from './extension';

describe('the daily reminder of follow-ups', () => {
  let browser: LoadedExtension;
  let page: Page;
  let worker: Worker;

  beforeAll(async () => {
    // The end-to-end build holds the notifications permission: Chromium's prompt cannot be answered in automation.
    ({ browser, page } = await openEmptyDashboard({ extensionDir: E2E_HOSTS_DIR }));
    // 2024 orders scored today, and the seller's thank-you calls: due today.
    await storeRuleFile(page, 'thank-you.json', THANK_YOU_CALLS);
    await importAndScore(page, fixture('taobao-order-report.gbk.csv'));
    worker = browser.context.serviceWorkers()[0]!;
  });
  afterAll(async () => {
    await browser?.close();
  });

  const notifications = () => worker.evaluate(`chrome.notifications.getAll()`) as Promise<Record<string, boolean>>;
  const daily = async () => {
    const before = (await lastRescore(page)).startedAt;
    await worker.evaluate(`chrome.alarms.create('daily-rescore', { when: Date.now() })`);
    await expect.poll(async () => { const r = await lastRescore(page); return r.startedAt > before && r.state === 'done' && r.reason === 'daily'; }, { timeout: 30_000 }).toBe(true);
  };

  it('stays quiet until the seller switches it on', async () => {
    await daily();
    await page.waitForTimeout(500);
    expect(await notifications()).toEqual({});
  });

  it('notifies of what is due after the daily rescore once switched on in Settings', async () => {
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#settings`);
    await page.check('#tm-daily-reminder');
    await expect.poll(() => page.evaluate(`chrome.storage.local.get('dailyReminder').then((v) => v.dailyReminder)`)).toBe(true);
    await daily();
    await expect.poll(notifications, { timeout: 15_000 }).toEqual({ 'tiermark-follow-ups': true });
    // Switched off again: the next day stays quiet.
    await worker.evaluate(`chrome.notifications.clear('tiermark-follow-ups')`);
    await page.uncheck('#tm-daily-reminder');
    await expect.poll(() => page.evaluate(`chrome.storage.local.get('dailyReminder').then((v) => v.dailyReminder)`)).toBe(false);
    await daily();
    await page.waitForTimeout(500);
    expect(await notifications()).toEqual({});
  });
});
