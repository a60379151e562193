import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { fixture } from '../helpers';
import { lastRescore, openEmptyDashboard, rescoredSince, type LoadedExtension } from './extension';
import { taobaoNotesShop } from '../fixtures/make/taobao-notes';

async function pick(page: Page, ...paths: string[]) {
  await page.setInputFiles('#tm-file-input', paths);
}

async function importPicked(page: Page, fileName: string) {
  await page.click('#tm-import-start');
  const result = page.locator(`.tm-result[data-file="${fileName}"]`);
  await result.waitFor({ timeout: 60_000 });
  return result;
}

/** A one-row-per-order file's records, counted with papaparse. */
const recordsOf = (name: string) => Papa.parse(readFileSync(fixture(name), 'utf8'), { header: true, skipEmptyLines: true }).data.length;

const fact = (scope: ReturnType<Page['locator']>, name: string) => scope.locator(`[data-fact="${name}"]`).innerText();

describe('importing through the dashboard', () => {
  let browser: LoadedExtension;
  let page: Page;

  beforeAll(async () => {
    ({ browser, page } = await openEmptyDashboard());
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('imports a GBK Taobao report: detected format and encoding, preview, summary and counts', async () => {
    await pick(page, fixture('taobao-order-report.gbk.csv'));
    const card = page.locator('.tm-file[data-file="taobao-order-report.gbk.csv"]');
    await expect.poll(() => card.locator('.tm-detected-format').innerText()).toBe('Taobao / Tmall order report');
    expect(await card.locator('.tm-detected-encoding').innerText()).toBe('GB18030');
    // The preview shows decoded Chinese, not mojibake.
    expect(await card.locator('.tm-preview tbody tr').first().innerText()).toContain('茶友小王');
    const result = await importPicked(page, 'taobao-order-report.gbk.csv');
    expect(await fact(result, 'rowsRead')).toBe('8');
    expect(await fact(result, 'rowsImported')).toBe('7');
    expect(await fact(result, 'rowsRejected')).toBe('1');
    expect(await fact(result, 'ordersAdded')).toBe('7');
    expect(await result.locator('.tm-rejections').innerText()).toContain('unparseable date in column "订单创建时间"');
    // The rejected rows download as a CSV that Excel opens: BOM, row number, reason, headed in the page's language.
    const [download] = await Promise.all([page.waitForEvent('download'), result.locator('button', { hasText: 'Download rejected rows' }).click()]);
    expect(download.suggestedFilename()).toBe('taobao-order-report.gbk-rejected-rows.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFFRow,Reason\r\n')).toBe(true);
    expect(csv.trimEnd().split('\r\n')).toHaveLength(2);
    expect(csv).toMatch(/\r\n\d+,"?unparseable date in column ""订单创建时间""/);
    await expect.poll(() => page.locator('#tm-count-customers').innerText()).toBe('3');
    expect(await page.locator('#tm-count-orders').innerText()).toBe('7');
  });

  it('imports a Shopify export, then the same file again without duplicates', async () => {
    await pick(page, fixture('shopify-orders-79.csv'));
    await page.locator('.tm-file[data-file="shopify-orders-79.csv"] .tm-detected-format').waitFor();
    // The shop's reading of statuses is shown where the seller chooses the shop: cash on delivery, by default.
    expect(await page.locator('.tm-file[data-file="shopify-orders-79.csv"] .tm-cod-choice').isChecked()).toBe(true);
    const first = await importPicked(page, 'shopify-orders-79.csv');
    expect(await fact(first, 'ordersAdded')).toBe('7');
    await expect.poll(() => page.locator('#tm-count-customers').innerText()).toBe('7');
    expect(await page.locator('#tm-count-orders').innerText()).toBe('14');

    await pick(page, fixture('shopify-orders-79.csv'));
    await page.locator('.tm-file[data-file="shopify-orders-79.csv"] .tm-detected-format').waitFor();
    await page.click('#tm-import-start');
    await page.locator('.tm-result.tm-status-duplicate[data-file="shopify-orders-79.csv"]').waitFor();
    expect(await page.locator('.tm-result.tm-status-duplicate h3').innerText()).toContain('Already imported: nothing new');
    await page.waitForTimeout(300);
    expect(await page.locator('#tm-count-customers').innerText()).toBe('7');
    expect(await page.locator('#tm-count-orders').innerText()).toBe('14');
    // The ledger lists all three imports, newest first.
    expect(await page.locator('.tm-ledger tbody tr').count()).toBe(3);
  });

  it('keeps a second store whose order numbers clash apart: warned in the preview, imported into a new shop, shown one shop or all', async () => {
    await pick(page, fixture('shopify-second-store.csv'));
    const card = page.locator('.tm-file[data-file="shopify-second-store.csv"]');
    // Into the Shopify shop, its #1001–#1004 would be other buyers' orders: the preview says so before anything is saved.
    await expect.poll(() => card.locator('.tm-shop-clash').count()).toBe(1);
    expect(await card.locator('.tm-shop-clash').innerText()).toMatch(/^4 of the first 5 orders have order numbers this shop already has for other buyers \(#1001: ada@example\.com in the shop, jonas@example\.de in this file\)/);
    await card.locator('.tm-shop-choice').selectOption('new');
    await card.locator('.tm-shop-name').fill('EU store');
    await card.locator('.tm-shop-name').press('Enter');
    await expect.poll(() => card.locator('.tm-shop-clash').count()).toBe(0);
    expect(await card.locator('.tm-shop-name').inputValue()).toBe('EU store');
    const before = (await lastRescore(page)).startedAt;
    const result = await importPicked(page, 'shopify-second-store.csv');
    expect(await fact(result, 'shop')).toBe('EU store');
    expect(await fact(result, 'rowsRejected')).toBe('0');
    expect(await fact(result, 'orders')).toBe(String(recordsOf('shopify-second-store.csv')));
    expect(await fact(result, 'ordersAdded')).toBe('5');
    await expect.poll(() => page.locator('#tm-count-customers').innerText()).toBe('10');
    expect(await page.locator('#tm-count-orders').innerText()).toBe('19');
    // The dashboard shows one shop or all; Ada is a customer of each store. The Customers page lists
    // the table the rescore writes: a new currency's (EUR) is a whole rescore, a second or more.
    await rescoredSince(page, before, 'importing the second store');
    await page.click('nav a[href="#customers"]');
    await expect.poll(() => page.locator('#tm-customers-count').innerText()).toBe('10 customers shown');
    expect(await page.locator('.tm-customer-row[data-customer="shopify-2:ada@example.com"] .tm-shop-tag').innerText()).toBe(' · EU store');
    await page.locator('#tm-shop-filter').selectOption({ label: 'EU store' });
    await expect.poll(() => page.locator('#tm-customers-count').innerText()).toBe('3 customers shown');
    expect((await page.locator('.tm-customer-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-customer')))).sort()).toEqual([
      'shopify-2:ada@example.com',
      'shopify-2:jonas@example.de',
      'shopify-2:lea@example.de',
    ]);
    await page.locator('.tm-customer-row[data-customer="shopify-2:ada@example.com"] a').click();
    await expect.poll(() => page.locator('.tm-customer-shop').innerText()).toBe('EU store');
    await page.goBack();
    await page.locator('#tm-shop-filter').selectOption('');
    await expect.poll(() => page.locator('#tm-customers-count').innerText()).toBe('10 customers shown');
    await page.click('nav a[href="#import"]');
    // A newer export of the EU store goes to the EU shop by itself: Shopify's Ids say whose orders they are.
    const eu = readFileSync(fixture('shopify-second-store.csv'), 'utf8');
    const newer = eu.replace('Regenjacke', 'Regenjacke, gelb');
    await page.setInputFiles('#tm-file-input', [{ name: 'eu-newer.csv', mimeType: 'text/csv', buffer: Buffer.from(newer) }]);
    const again = page.locator('.tm-file[data-file="eu-newer.csv"]');
    await expect.poll(() => again.locator('.tm-shop-detected').count()).toBe(1);
    expect(await again.locator('.tm-shop-choice').inputValue()).toBe('shopify-2');
    expect(await again.locator('.tm-shop-clash').count()).toBe(0);
    await again.locator('button', { hasText: 'Remove' }).click();
  });

  it('shows a clear message for a file with a broken quote and imports nothing', async () => {
    await pick(page, fixture('../bad/broken-quote.csv'));
    const card = page.locator('.tm-file[data-file="broken-quote.csv"]');
    await expect.poll(() => card.locator('[role="alert"]').innerText()).toMatch(/Row 3 has a quote \(\"\) that is never closed/);
    expect(await page.locator('#tm-import-start').isDisabled()).toBe(true);
    await card.locator('button', { hasText: 'Remove' }).click();
  });

  it('imports a GBK 订单报表 with multi-line 买家留言 throughout in one batch with another file, and names the file it left out', async () => {
    const shop = taobaoNotesShop(2400, 11);
    expect(shop.bytes.length).toBeGreaterThan(256 * 1024); // past what the preview reads, so its cut falls in the notes
    await page.setInputFiles('#tm-file-input', [
      { name: 'taobao-notes.gbk.csv', mimeType: 'text/csv', buffer: Buffer.from(shop.bytes) },
      { name: 'woocommerce-plugin.csv', mimeType: 'text/csv', buffer: readFileSync(fixture('woocommerce-plugin.csv')) },
      { name: 'broken-quote.csv', mimeType: 'text/csv', buffer: readFileSync(fixture('../bad/broken-quote.csv')) },
    ]);
    const card = page.locator('.tm-file[data-file="taobao-notes.gbk.csv"]');
    await expect.poll(() => card.locator('.tm-detected-format').innerText()).toBe('Taobao / Tmall order report');
    expect(await card.locator('[role="alert"]').count()).toBe(0);
    await page.locator('.tm-file[data-file="woocommerce-plugin.csv"] .tm-detected-format').waitFor();
    await page.click('#tm-import-start');
    const taobao = page.locator('.tm-result[data-file="taobao-notes.gbk.csv"]');
    const woo = page.locator('.tm-result[data-file="woocommerce-plugin.csv"]');
    await taobao.waitFor({ timeout: 60_000 });
    await woo.waitFor({ timeout: 60_000 });
    expect(await fact(taobao, 'rowsRead')).toBe(shop.orders.toLocaleString('en'));
    expect(await fact(taobao, 'rowsImported')).toBe(shop.orders.toLocaleString('en'));
    expect(await fact(taobao, 'rowsRejected')).toBe('0');
    expect(await fact(taobao, 'ordersAdded')).toBe(shop.orders.toLocaleString('en'));
    const skipped = page.locator('.tm-result.tm-status-skipped[data-file="broken-quote.csv"]');
    expect(await skipped.locator('h3').innerText()).toBe('broken-quote.csv: Not imported');
    expect(await skipped.locator('[role="alert"]').innerText()).toMatch(/Row 3 has a quote \("\) that is never closed/);
  });

  it('re-reads a file in the encoding the seller chooses', async () => {
    // A Windows-1252 export (ü = FC, é = E9), as a European shop's Excel saves it.
    const latin = (text: string) => Buffer.from([...text].map((c) => c.charCodeAt(0)));
    await page.setInputFiles('#tm-file-input', [
      { name: 'western.csv', mimeType: 'text/csv', buffer: latin('Order Number,Order Date,Email (Billing),Order Total,Item Name,First Name (Billing)\n7001,2024-03-01,jose@example.es,12.00,Té,José Müller\n') },
    ]);
    const card = page.locator('.tm-file[data-file="western.csv"]');
    await expect.poll(() => card.locator('.tm-detected-encoding').innerText()).toBe('WINDOWS-1252');
    await card.locator('.tm-encoding-choice').selectOption('utf-8');
    await expect.poll(() => card.locator('.tm-detected-encoding').innerText()).toBe('UTF-8');
    // Read as UTF-8, the row's bytes do not decode: refused and named, never imported as garbage.
    await expect.poll(() => card.locator('.tm-rejections').innerText()).toContain('holds bytes that are not UTF-8 text');
    await card.locator('.tm-encoding-choice').selectOption('auto');
    await expect.poll(() => card.locator('.tm-detected-encoding').innerText()).toBe('WINDOWS-1252');
    expect(await card.locator('.tm-rejections').count()).toBe(0);
    await card.locator('button', { hasText: 'Remove' }).click();
  });

  it('makes no network request', () => {
    expect(browser.externalRequests).toEqual([]);
  });
});
