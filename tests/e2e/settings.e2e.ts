import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, fixture } from '../helpers';
import { importAndScore, lastRescore, openEmptyDashboard, type LoadedExtension } from './extension';

describe('Settings: the shop, storage, backup, restore and delete all', () => {
  let browser: LoadedExtension;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tiermark-settings-'));
    ({ browser, page } = await openEmptyDashboard());
    await importAndScore(page, join(FIXTURES, 'demo/ExportOrderList202611201200.csv'));
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#settings`);
    await page.locator('#tm-time-zone').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const counts = async () => ({ customers: await page.locator('#tm-count-customers').innerText(), orders: await page.locator('#tm-count-orders').innerText() });

  it('says on its Privacy page, linked from every page, what is kept and how to delete it, in both languages', async () => {
    for (let round = 0; round < 2; round += 1) {
      // The way to delete everything, as Settings names it in this language.
      await page.goto(`chrome-extension://${browser.extensionId}/options.html#settings`);
      const deleteAll = await page.locator('.tm-danger h2').innerText();
      await page.click('.tm-footer a[href="#privacy"]');
      await page.locator('#privacy-title').waitFor();
      const sections = await page.locator('.tm-privacy [data-privacy]').evaluateAll((cards) => cards.map((card) => card.getAttribute('data-privacy')));
      expect(sections).toEqual(['nothing-sent', 'stored', 'how-long', 'permissions', 'pages']);
      expect(await page.locator('[data-privacy="how-long"]').innerText()).toContain(deleteAll);
      expect(await page.locator('#privacy-title').innerText()).toBe(round === 0 ? 'Privacy' : '隐私');
      await page.click('.tm-lang');
    }
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#settings`);
    await page.locator('#tm-time-zone').waitFor();
  });

  it('saves the CLV discount rate and rescores every customer, and refuses a rate out of range', async () => {
    expect(await page.locator('#tm-clv-rate').inputValue()).toBe('1');
    await page.fill('#tm-clv-rate', '25');
    await page.click('#tm-settings-save');
    expect(await page.locator('#tm-settings-message').innerText()).toContain('Enter a rate from 0 to 10');
    const before = (await lastRescore(page)).startedAt;
    await page.fill('#tm-clv-rate', '2');
    await page.click('#tm-settings-save');
    await expect.poll(async () => (await lastRescore(page)).startedAt, { timeout: 30_000 }).toBeGreaterThan(before);
    await expect.poll(async () => (await lastRescore(page)).state, { timeout: 30_000 }).toBe('done');
    expect((await lastRescore(page)).reason).toBe('manual');
    await page.reload();
    expect(await page.locator('#tm-clv-rate').inputValue()).toBe('2');
    expect(await page.locator('#tm-storage').innerText()).toMatch(/MB used of about [\d,.]+ MB/);
  });

  it('gives the Overview’s totals in the shop currency the seller chooses', async () => {
    const netSales = async () => {
      await page.goto(`chrome-extension://${browser.extensionId}/options.html#overview`);
      return page.locator('[data-kpi="net-sales"]').innerText();
    };
    expect(await netSales()).toMatch(/¥[\d,]+\.\d\d/);
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#settings`);
    await page.selectOption('#tm-currency', 'USD');
    await page.click('#tm-settings-save');
    // The demo shop sells in yuan: nothing in dollars, and every customer counted apart.
    await expect.poll(netSales).toMatch(/\$0\.00[\s\S]*320 customers in other currencies/);
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#settings`);
    await page.selectOption('#tm-currency', '');
    await page.click('#tm-settings-save');
    await expect.poll(netSales).toMatch(/¥[\d,]+\.\d\d/);
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#settings`);
    await expect.poll(async () => (await lastRescore(page)).state, { timeout: 30_000 }).toBe('done');
  });

  it('backs up, deletes everything, and restores the same shop from the backup', async () => {
    const before = await counts();
    expect(before.customers).toBe('320');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#tm-backup')]);
    expect(download.suggestedFilename()).toMatch(/^tiermark-backup-\d{4}-\d{2}-\d{2}\.json\.gz$/);
    const backup = join(dir, download.suggestedFilename());
    await download.saveAs(backup);
    // Delete all asks for DELETE first.
    expect(await page.locator('#tm-delete-all').isDisabled()).toBe(true);
    await page.fill('#tm-delete-confirm', 'delete');
    expect(await page.locator('#tm-delete-all').isDisabled()).toBe(true);
    await page.fill('#tm-delete-confirm', 'DELETE');
    await page.click('#tm-delete-all');
    await expect.poll(counts).toEqual({ customers: '0', orders: '0' });
    // A file that is not a backup is refused with what to do.
    const notBackup = join(dir, 'orders.csv.gz');
    copyFileSync(fixture('shopify-orders-79.csv'), notBackup);
    await page.setInputFiles('#tm-restore-file', notBackup);
    expect(await page.locator('#tm-settings-message[role=alert]').innerText()).toContain('orders.csv.gz: line 1: not a Tiermark backup');
    expect(await page.locator('#tm-restore').count()).toBe(0);
    await page.setInputFiles('#tm-restore-file', backup);
    expect(await page.locator('#tm-restore-customers').innerText()).toBe('320');
    await page.click('#tm-restore');
    await expect.poll(counts, { timeout: 30_000 }).toEqual(before);
    await page.click('a[href="#customers"]');
    // Listed once the rescore after the restore has written the customer table (until then the page says how many wait for it).
    await expect.poll(() => page.locator('#tm-customers-count').innerText(), { timeout: 30_000 }).toBe('320 customers shown');
    // The settings came back with it.
    await page.click('a[href="#settings"]');
    expect(await page.locator('#tm-clv-rate').inputValue()).toBe('2');
  });

  it('says a restore that did not finish, on Settings and where the rescore reports, and scores nobody until the shop is whole', async () => {
    // As a restore leaves the store when its page is closed midway: part of a backup, and its mark.
    await page.evaluate(`new Promise((ok) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => { const tx = r.result.transaction('meta', 'readwrite'); tx.objectStore('meta').put({ id: 'restoring', fileName: 'tiermark-backup-2026-12-01.json.gz', startedAt: Date.now(), records: 900 }); tx.oncomplete = () => { r.result.close(); ok(); }; }; })`);
    await page.reload();
    const unfinished = page.locator('#tm-restore-unfinished[role=alert]');
    expect(await unfinished.innerText()).toContain('The restore of tiermark-backup-2026-12-01.json.gz started');
    // Saving the settings rescores everyone: refused, with what to do, in the status every page shows.
    const before = (await lastRescore(page)).startedAt;
    await page.click('#tm-settings-save');
    await expect.poll(async () => { const last = await lastRescore(page); return last.startedAt > before ? last.state : null; }, { timeout: 30_000 }).toBe('failed');
    await expect.poll(() => page.locator('.tm-rescore').innerText()).toContain('did not finish, so the shop holds only part of the backup');
    // Deleting everything ends it: the shop is empty and whole.
    await page.fill('#tm-delete-confirm', 'DELETE');
    await page.click('#tm-delete-all');
    await expect.poll(() => unfinished.count()).toBe(0);
    await expect.poll(async () => (await lastRescore(page)).state, { timeout: 30_000 }).toBe('done');
  });
});
