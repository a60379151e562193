import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importAndScore, openEmptyDashboard, storedRecord, type LoadedExtension } from './extension';

const HEADER = 'Order Number,Order Date,Email (Billing),First Name (Billing),Last Name (Billing),Order Total';
const FIRST = `${HEADER}
1,2026-10-01,a@example.com,Wei,Wang,10.00
2,2026-10-02,b@example.com,Li,Na,20.00
3,2026-10-05,marie@example.org,Marie,Curie,500.00
4,2026-11-01,marie@example.org,Marie,Curie,30.00
5,2026-11-02,ada@example.com,Ada,Lovelace,15.00
`;
// The day's orders: Ada buys big, Grace and Hedy are new.
const DAY = `${HEADER}
6,2026-11-20,ada@example.com,Ada,Lovelace,400.00
7,2026-11-20,grace@example.com,Grace,Hopper,50.00
8,2026-11-20,hedy@example.net,Hedy,Lamarr,25.00
`;

/** Distinct buyers of the files, counted from their text. */
const buyers = (...texts: string[]) => new Set(texts.flatMap((text) => text.trim().split('\n').slice(1).map((line) => line.split(',')[2]))).size;

describe('a day’s import into a scored shop', () => {
  let browser: LoadedExtension;
  let dashboard: Page;
  const folder = mkdtempSync(join(tmpdir(), 'tiermark-day-'));

  beforeAll(async () => {
    ({ browser, page: dashboard } = await openEmptyDashboard());
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('is rescored by its customers alone, and every page shows it at once', async () => {
    writeFileSync(join(folder, 'first.csv'), FIRST);
    writeFileSync(join(folder, 'day.csv'), DAY);
    await importAndScore(dashboard, join(folder, 'first.csv'));
    const whole = await storedRecord<{ phases?: object; touched?: unknown }>(dashboard, 'meta', 'rescore');
    // The first import has no whole rescore to stand on: one ran.
    expect(whole?.phases).toBeDefined();

    await importAndScore(dashboard, join(folder, 'day.csv'));
    const day = await storedRecord<{ phases?: object; touched?: { state: string; customers: number; complete: boolean }; customers: number }>(dashboard, 'meta', 'rescore');
    // Its customers were rescored over the whole rescore, which it stands for: none ran after it.
    expect(day).toMatchObject({ touched: { state: 'done', customers: 3, complete: true }, customers: buyers(FIRST, DAY) });
    expect(day?.phases).toBeUndefined();

    // The Customers page lists the day's new buyers, with no "not listed yet" notice; Ada's spend is the new one.
    await dashboard.goto(`chrome-extension://${browser.extensionId}/options.html#customers`);
    await expect.poll(() => dashboard.locator('#tm-customers-count').innerText()).toMatch(new RegExp(`^${buyers(FIRST, DAY)}\\b`));
    expect(await dashboard.locator('#tm-customers-not-listed').count()).toBe(0);
    expect(await dashboard.locator('.tm-customer-row[data-customer="woocommerce:grace@example.com"]').count()).toBe(1);
    await dashboard.fill('#tm-customer-search', 'hedy');
    await expect.poll(() => dashboard.locator('#tm-customers-count').innerText()).toMatch(/^1\b/);
    // The Overview counts them.
    await dashboard.goto(`chrome-extension://${browser.extensionId}/options.html#overview`);
    await expect.poll(() => dashboard.locator('.tm-kpi[data-kpi="customers"] strong').innerText()).toBe(String(buyers(FIRST, DAY)));

    // While such a rescore runs, the dashboard says how many customers it scores (set here: on a
    // small shop it ends before a page reads it), in both languages.
    const showStatus = (status: object) =>
      dashboard.evaluate(
        `new Promise((ok) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => { const db = r.result; const tx = db.transaction('meta', 'readwrite'); tx.objectStore('meta').put(${JSON.stringify(status)}); tx.oncomplete = () => { db.close(); chrome.storage.local.set({ rescoreProgress: { shown: Date.now() } }).then(ok); }; }; })`,
      );
    await showStatus({ ...day, state: 'running', finishedAt: null, touched: undefined, touching: 3 });
    const indicator = dashboard.locator('.tm-rescore[data-state="running"]');
    await expect.poll(() => indicator.innerText().catch(() => '')).toMatch(/^Scoring the 3 changed customers…\s*$/);
    await dashboard.click('.tm-lang');
    await expect.poll(() => indicator.innerText().catch(() => '')).toMatch(/^正在为 3 位有变动的客户评分…\s*$/);
    await dashboard.click('.tm-lang');
    await showStatus(day!);
    await expect.poll(() => dashboard.locator('.tm-rescore').getAttribute('data-state')).toBe('done');
  });
});
