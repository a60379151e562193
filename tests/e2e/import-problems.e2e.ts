import Papa from 'papaparse';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { fixture } from '../helpers';
import { generateShopifyRows } from '../bench/generate';
import { openEmptyDashboard, type LoadedExtension } from './extension';

const SHOPIFY = readFileSync(fixture('shopify-orders-79.csv'), 'utf8');
const SHOPIFY_HEADER = SHOPIFY.slice(0, SHOPIFY.indexOf('\n') + 1);

const MIXED_UTF8_PART = Buffer.from(SHOPIFY_HEADER + SHOPIFY.slice(SHOPIFY_HEADER.length).repeat(120), 'utf8');
/** Records per copy of the export, and the row (the header is row 1) of the GBK line after the 120 copies: counted by papaparse, not the importer. */
const RECORDS_PER_COPY = Papa.parse(SHOPIFY, { skipEmptyLines: true }).data.length - 1;
const MIXED_BAD_ROW = Papa.parse(MIXED_UTF8_PART.toString('utf8'), { skipEmptyLines: true }).data.length + 1;

/** The text cut off a few characters into the last quoted cell. */
const truncated = (text: string) => text.slice(0, text.lastIndexOf(',"') + 5);

/** The broken files a seller meets, written fresh for each run. */
function writeBadFiles(dir: string): Record<string, string> {
  const files: Record<string, Uint8Array | string> = {
    'empty.csv': '',
    // A PNG renamed to .csv.
    'orders.png.csv': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0, 0, 1, 0, 8, 6, 0, 0, 0]),
    // Cut off inside a quoted cell, as an interrupted download is: small enough for the preview to see it, and not.
    'truncated.csv': truncated(SHOPIFY),
    'truncated-big.csv': truncated(SHOPIFY_HEADER + SHOPIFY.slice(SHOPIFY_HEADER.length).repeat(200)),
    // UTF-8 for 300 KB, then a row pasted in from a GBK file.
    'mixed-encoding.csv': Buffer.concat([MIXED_UTF8_PART, Buffer.from([0x23, 0x39, 0x39, 0x39, 0x2c, 0xb2, 0xe8, 0xd3, 0xd1, 0x0a])]), // "#999," then 茶友 in GBK
    // One quoted cell of 50 MB.
    'huge-field.csv': `${SHOPIFY_HEADER}#1,"${'x'.repeat(50 * 1024 * 1024)}"\n`,
  };
  const paths: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) writeFileSync((paths[name] = join(dir, name)), content);
  return paths;
}

const countIn = (store: string) => `new Promise((resolve, reject) => {
  const open = indexedDB.open('tiermark');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const db = open.result;
    const request = db.transaction('${store}').objectStore('${store}').count();
    request.onsuccess = () => { db.close(); resolve(request.result); };
  };
})`;

describe('import problems in the dashboard', () => {
  let browser: LoadedExtension;
  let page: Page;
  let dir: string;
  let bad: Record<string, string>;

  const counts = async (on: Page = page) => ({
    customers: await on.locator('#tm-count-customers').innerText(),
    orders: await on.locator('#tm-count-orders').innerText(),
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tiermark-e2e-'));
    bad = writeBadFiles(dir);
    ({ browser, page } = await openEmptyDashboard());
    // Something in the store, to prove that bad files leave it alone.
    await page.setInputFiles('#tm-file-input', fixture('shopify-orders-79.csv'));
    await page.locator('.tm-detected-format').waitFor();
    await page.click('#tm-import-start');
    await page.locator('.tm-result.tm-status-complete').waitFor();
    await page.locator('#tm-count-orders', { hasText: '7' }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['empty.csv', /The file is empty \(0 bytes\)/],
    ['orders.png.csv', /not a text file/],
    ['truncated.csv', /Row \d+ has a quote \("\) that is never closed before the end of the file/],
  ])('refuses %s before importing, saying why', async (name, message) => {
    await page.setInputFiles('#tm-file-input', bad[name]!);
    const card = page.locator(`.tm-file[data-file="${name}"]`);
    await expect.poll(() => card.locator('[role="alert"]').innerText()).toMatch(message);
    expect(await page.locator('#tm-import-start').isDisabled()).toBe(true);
    await card.locator('button', { hasText: 'Remove' }).click();
  });

  it.each([
    ['truncated-big.csv', /Row 1,?\d{3} has a quote \("\) that is never closed before the end of the file/],
    ['huge-field.csv', /Row 2 runs past 16 MB/],
  ])('fails %s with a clear message and saves nothing from it', async (name, message) => {
    await page.setInputFiles('#tm-file-input', bad[name]!);
    await page.locator(`.tm-file[data-file="${name}"] .tm-detected-format`).waitFor();
    if (name === 'huge-field.csv') expect(await page.locator('.tm-file .tm-warning').innerText()).toMatch(/longer than the preview reads/);
    await page.click('#tm-import-start');
    const result = page.locator(`.tm-result.tm-status-failed[data-file="${name}"]`);
    await result.waitFor({ timeout: 60_000 });
    const alert = await result.locator('[role="alert"]').innerText();
    if (typeof message === 'string') expect(alert).toContain(message);
    else expect(alert).toMatch(message);
    expect(await counts()).toEqual({ customers: '4', orders: '7' });
    expect(await page.locator(`.tm-ledger tr.tm-status-failed`, { hasText: name }).innerText()).toContain('Failed');
    expect(await page.evaluate(countIn('staged'))).toBe(0);
  });

  it('imports mixed-encoding.csv but for the row that is not UTF-8, which it names, and counts the pasted copies once', async () => {
    await page.setInputFiles('#tm-file-input', bad['mixed-encoding.csv']!);
    await page.locator('.tm-file[data-file="mixed-encoding.csv"] .tm-detected-format').waitFor();
    await page.click('#tm-import-start');
    const result = page.locator('.tm-result.tm-status-complete[data-file="mixed-encoding.csv"]');
    await result.waitFor({ timeout: 60_000 });
    expect(await result.locator('[data-fact="rowsRejected"]').innerText()).toBe('1');
    expect(await result.locator('[data-fact="duplicateRows"]').innerText()).toBe((RECORDS_PER_COPY * 119).toLocaleString('en'));
    const rejection = await result.locator('.tm-rejections tbody tr').innerText();
    expect(rejection).toContain(String(MIXED_BAD_ROW));
    expect(rejection).toContain('holds bytes that are not UTF-8 text');
    // The export's orders were in the store already: nothing new, and nothing from the broken row.
    expect(await counts()).toEqual({ customers: '4', orders: '7' });
  });

  it('marks an import whose tab was closed as incomplete and keeps the customers as they were', async () => {
    const big = join(dir, 'big-shopify-export.csv');
    await generateShopifyRows(big, 120_000);
    const reading = await browser.openOptions();
    await reading.setInputFiles('#tm-file-input', big);
    await reading.locator('.tm-detected-format').waitFor();
    await reading.click('#tm-import-start');
    await reading.locator('.tm-progress', { hasText: 'Reading' }).waitFor();
    const read = () => reading.locator('.tm-progress progress').evaluate((bar) => (bar as HTMLProgressElement).value);
    await expect.poll(read, { timeout: 30_000 }).toBeGreaterThan(0.2);
    expect(await read()).toBeLessThan(0.9);
    await reading.close();

    const after = await browser.openOptions();
    const row = after.locator('.tm-ledger tr.tm-status-interrupted', { hasText: 'big-shopify-export.csv' });
    await row.waitFor();
    expect(await row.innerText()).toContain('Incomplete (interrupted)');
    expect(await row.locator('td[title]').getAttribute('title')).toMatch(/the tab was closed.*import the file again/i);
    expect(await counts(after)).toEqual({ customers: '4', orders: '7' });
    expect(await after.evaluate(countIn('staged'))).toBe(0);
    await after.close();
  });

  it('cancels an import on request and keeps the customers as they were', async () => {
    const big = join(dir, 'cancelled-shopify-export.csv');
    await generateShopifyRows(big, 120_000);
    await page.setInputFiles('#tm-file-input', big);
    await page.locator('.tm-file[data-file="cancelled-shopify-export.csv"] .tm-detected-format').waitFor();
    await page.click('#tm-import-start');
    const progress = page.locator('.tm-progress', { hasText: 'Reading' });
    await progress.waitFor();
    expect(await progress.innerText()).toMatch(/rows\/s · .* left/);
    await progress.locator('button', { hasText: 'Cancel' }).click();
    await page.locator('.tm-result.tm-status-cancelled[data-file="cancelled-shopify-export.csv"]').waitFor();
    expect(await counts()).toEqual({ customers: '4', orders: '7' });
    expect(await page.locator('.tm-ledger tr.tm-status-cancelled').innerText()).toContain('Cancelled');
  });

  it('lets the seller map the columns of any table, and imports with that mapping', async () => {
    await page.setInputFiles('#tm-file-input', fixture('generic-retail.csv'));
    const card = page.locator('.tm-file[data-file="generic-retail.csv"]');
    // Its columns are an invoice-line export's; this seller wants to choose them.
    await expect.poll(() => card.locator('.tm-detected-format').innerText()).toMatch(/^Invoice lines/);
    await card.locator('.tm-file-head select').selectOption('generic');
    await expect.poll(() => card.locator('.tm-detected-format').innerText()).toBe('Any table (choose the columns)');
    // Guessed from the header words: buyers are the CustomerID column.
    expect(await card.locator('select[name="map-customer"]').inputValue()).toBe('CustomerID');
    expect(await card.locator('.tm-preview tbody tr').first().innerText()).toContain('12583');
    // This seller counts each country as one account.
    await card.locator('select[name="map-customer"]').selectOption('Country');
    await expect.poll(() => card.locator('.tm-preview tbody tr').first().innerText()).toContain('France');
    await page.click('#tm-import-start');
    const result = page.locator('.tm-result.tm-status-complete[data-file="generic-retail.csv"]');
    await result.waitFor();
    // Every row is French now, the one with no CustomerID too: one customer, four orders (a bad row rejected).
    expect(await result.locator('[data-fact="customersTouched"]').innerText()).toBe('1');
    expect(await result.locator('[data-fact="ordersAdded"]').innerText()).toBe('4');
    // The result says which columns it read, with the seller's choice among them.
    expect(await result.locator('[data-fact="mapping"]').innerText()).toMatch(/^customer = Country; order = InvoiceNo; date = InvoiceDate; /);
    await expect.poll(() => counts()).toEqual({ customers: '5', orders: '11' });
  });

  it('reads a space-separated file with no header once the seller says which column is which', async () => {
    await page.setInputFiles('#tm-file-input', fixture('generic-whitespace.txt'));
    const card = page.locator('.tm-file[data-file="generic-whitespace.txt"]');
    // Read with its first line as a header, no column says when an order was placed: the editor stays up beside the message.
    await expect.poll(() => card.locator('[role="alert"]').innerText()).toMatch(/Choose the date column/);
    expect(await card.locator('select[name="delimiter"]').inputValue()).toBe('auto');
    await card.locator('input[name="has-header"]').uncheck();
    await card.locator('select[name="map-customer"] option', { hasText: 'Column 1' }).waitFor({ state: 'attached' });
    for (const [field, column] of [['customer', '1'], ['date', '3'], ['quantity', '4'], ['amount', '5']] as const) {
      await card.locator(`select[name="map-${field}"]`).selectOption(column);
    }
    await card.locator('input[name="date-format"]').fill('yyyyMMdd');
    await card.locator('input[name="date-format"]').press('Enter');
    await card.locator('input[name="date-format"]').blur();
    await expect.poll(() => card.locator('.tm-preview tbody tr').count()).toBe(4);
    expect(await card.locator('.tm-preview tbody tr').first().innerText()).toContain('00004');
    await page.click('#tm-import-start');
    const result = page.locator('.tm-result.tm-status-complete[data-file="generic-whitespace.txt"]');
    await result.waitFor();
    expect(await result.locator('[data-fact="rowsRead"]').innerText()).toBe('6');
    expect(await result.locator('[data-fact="rowsImported"]').innerText()).toBe('5');
    expect(await result.locator('.tm-rejections').innerText()).toContain('unparseable date in column "3": "19970132"');
  });

  it('makes no network request', () => {
    expect(browser.externalRequests).toEqual([]);
  });
});
