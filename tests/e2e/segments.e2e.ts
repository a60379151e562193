import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers';
import { importAndScore, openEmptyDashboard, type LoadedExtension } from './extension';

describe('the Segments page: counts, CSV exports and A/B splits', () => {
  let browser: LoadedExtension;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tiermark-segments-'));
    ({ browser, page } = await openEmptyDashboard());
    await importAndScore(page, join(FIXTURES, 'demo/ExportOrderList202611201200.csv'));
    // A second shop's buyer whose name is a spreadsheet formula.
    const hostile = join(dir, 'woo-orders.csv');
    writeFileSync(hostile, 'Order Number,Order Date,Email (Billing),First Name (Billing),Last Name (Billing),Order Total\n9001,2024-01-01,evil@example.com,"=HYPERLINK(""http://x.example"")",Evil,10.00\n');
    await importAndScore(page, hostile);
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#segments`);
    await page.locator('.tm-segment').first().waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const text = async (download: Download) => readFileSync((await download.path())!, 'utf8');
  const lines = (csv: string) => csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
  const countOf = async (ref: string) => Number((await page.locator(`.tm-segment[data-segment="${ref}"] .tm-segment-count`).innerText()).replace(/\D/g, ''));

  it('counts each tier, and the tiers add up to every customer with one', async () => {
    const tiers = page.locator('.tm-segment[data-kind="tier"]');
    // The page reads the customers again after each rescore.
    await expect.poll(() => tiers.count()).toBe(4);
    const counts = await tiers.locator('.tm-segment-count').allInnerTexts();
    const total = counts.map((c) => Number(c.replace(/\D/g, ''))).reduce((a, b) => a + b, 0);
    // 320 demo buyers and the one from the second shop; a buyer with no successful trade has no tier.
    expect(total).toBeGreaterThan(300);
    expect(total).toBeLessThanOrEqual(321);
    expect(await page.locator('.tm-segment[data-kind="badge"]').count()).toBeGreaterThan(3);
  });

  it('exports a segment that Excel opens: a BOM, a row per customer, and formulas made text', async () => {
    const ref = 'member-ladder/member';
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`.tm-segment[data-segment="${ref}"] .tm-segment-export`)]);
    expect(download.suggestedFilename()).toBe('Member.csv');
    const csv = await text(download);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const rows = lines(csv);
    expect(rows[0]).toBe('Buyer id,Names,Emails,Phones,Tier,Orders,Net spend,Average order,Last order,RFM,Churn risk');
    expect(rows).toHaveLength((await countOf(ref)) + 1);
    const evil = rows.find((row) => row.startsWith('evil@example.com'))!;
    expect(evil).toContain(`"'=HYPERLINK(""http://x.example"") Evil"`);
    expect(rows.some((row) => /^[^,]*,"?[=+\-@]/.test(row))).toBe(false);
  });

  it('exports GBK for older Chinese Excel when asked: no BOM, the buyers’ Chinese names intact', async () => {
    const ref = 'member-ladder/member';
    await page.selectOption('#tm-csv-encoding', 'gbk');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`.tm-segment[data-segment="${ref}"] .tm-segment-export`)]);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const rows = lines(new TextDecoder('gbk').decode(bytes));
    expect(rows).toHaveLength((await countOf(ref)) + 1);
    // The demo shop's buyers are named like 云深万7134.
    expect(rows.slice(1).filter((row) => /^[\u4e00-\u9fff]+\d+,/.test(row)).length).toBeGreaterThan(100);
    await page.selectOption('#tm-csv-encoding', 'utf-8');
  });

  it('splits a segment at random into groups of the sizes asked, the same again for the same seed', async () => {
    const ref = 'member-ladder/member';
    const members = await countOf(ref);
    expect(members).toBeGreaterThan(100);
    const form = page.locator(`.tm-split[data-segment="${ref}"]`);
    await page.click(`.tm-segment[data-segment="${ref}"] .tm-segment-split`);
    const split = async (seed: string, sizes = '50, 50') => {
      await form.locator('.tm-split-sizes').fill(sizes);
      await form.locator('.tm-split-seed').fill(seed);
      const downloads: Download[] = [];
      const got = new Promise<void>((done) => page.on('download', (d) => (downloads.push(d) === 2 ? done() : undefined)));
      await form.locator('.tm-split-export').click();
      await got;
      page.removeAllListeners('download');
      expect(await form.locator('.tm-split-done').innerText()).toContain(sizes.split(', ').map((n, i) => `${'AB'[i]} ${n}`).join(' · '));
      return Promise.all(downloads.sort((a, b) => a.suggestedFilename().localeCompare(b.suggestedFilename())).map(text));
    };
    const [a, b] = await split('win-back-test');
    const buyers = (csv: string) => lines(csv).slice(1).map((row) => row.split(',')[1]);
    expect(lines(a!)[0]!.startsWith('Group,Buyer id')).toBe(true);
    expect(lines(a!).slice(1).every((row) => row.startsWith('A,'))).toBe(true);
    expect(buyers(a!)).toHaveLength(50);
    expect(buyers(b!)).toHaveLength(50);
    expect(new Set([...buyers(a!), ...buyers(b!)]).size).toBe(100);
    expect(await split('win-back-test')).toEqual([a, b]);
    const [other] = await split('another-seed');
    expect(buyers(other!)).not.toEqual(buyers(a!));
    // Groups of other sizes: 80 to try the message, 20 to hold back.
    const [big, small] = await split('sizes', '80, 20');
    expect([buyers(big!).length, buyers(small!).length]).toEqual([80, 20]);
    // Asking for more than the segment has says so, and exports nothing.
    await form.locator('.tm-split-sizes').fill(`${members}, 1`);
    await form.locator('.tm-split-export').click();
    expect(await form.locator('.tm-split-problem').innerText()).toContain('fewer customers than the groups ask for');
  });
  it('exports anonymised when asked: a pseudonym instead of the buyer id, names, emails and phones', async () => {
    // A tab of its own: Chromium holds back a tab's downloads after several.
    const tab = await browser.context.newPage();
    await tab.goto(`chrome-extension://${browser.extensionId}/options.html#segments`);
    const ref = 'member-ladder/member';
    await tab.check('#tm-csv-anonymous');
    const [download] = await Promise.all([tab.waitForEvent('download'), tab.click(`.tm-segment[data-segment="${ref}"] .tm-segment-export`)]);
    const rows = lines(await text(download));
    await tab.close();
    expect(rows[0]).toBe('Customer (pseudonym),Tier,Orders,Net spend,Average order,Last order,RFM,Churn risk');
    expect(rows).toHaveLength((await countOf(ref)) + 1);
    expect(new Set(rows.slice(1).map((row) => row.split(',')[0])).size).toBe(rows.length - 1);
    // Not one of the demo shop's buyer ids or receivers' names, read from its export, in the file.
    const demo = new TextDecoder('gbk').decode(readFileSync(join(FIXTURES, 'demo/ExportOrderList202611201200.csv')));
    const people = new Set(Papa.parse<Record<string, string>>(demo, { header: true, skipEmptyLines: true }).data.flatMap((row) => [row['买家会员名']!, row['收货人姓名']!]).filter(Boolean));
    expect(people.size).toBeGreaterThan(300);
    const file = rows.join('\n');
    expect([...people].filter((person) => file.includes(person))).toEqual([]);
  });
  it('saves a split as an A/B test and compares its groups, the draw the same as the files', async () => {
    const tab = await browser.context.newPage();
    await tab.goto(`chrome-extension://${browser.extensionId}/options.html#segments`);
    const ref = 'member-ladder/member';
    await tab.click(`.tm-segment[data-segment="${ref}"] .tm-segment-split`);
    const form = tab.locator(`.tm-split[data-segment="${ref}"]`);
    await form.locator('.tm-split-sizes').fill('40, 30, 20');
    await form.locator('.tm-split-seed').fill('ab-e2e');
    await form.locator('.tm-split-test-name').fill('Win-back coupon');
    await form.locator('.tm-split-holdout').check();
    const downloads: Download[] = [];
    const got = new Promise<void>((done) => tab.on('download', (d) => (downloads.push(d) === 3 ? done() : undefined)));
    await form.locator('.tm-split-export').click();
    await got;
    const test = tab.locator('.tm-ab-test');
    await expect.poll(() => test.count()).toBe(1);
    expect(await test.locator('h3').innerText()).toMatch(/^Win-back coupon · Member · started \d{4}-\d{2}-\d{2} · seed ab-e2e$/);
    await expect.poll(() => test.locator('.tm-ab-grid tbody tr').evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-group'), row.getAttribute('data-customers'), row.getAttribute('data-buyers')]))).toEqual([
      ['A', '40', '0'], ['B', '30', '0'], ['C', '20', '0'],
    ]);
    expect(await test.locator('.tm-ab-grid tbody tr[data-group="C"] th').innerText()).toBe('C (holdout)');
    expect(await test.locator('.tm-ab-chart').getAttribute('aria-label')).toBe('A 0%, B 0%, C 0%');
    // The groups are the files' customers: group A's file lists exactly A's count.
    const sorted = downloads.sort((x, y) => x.suggestedFilename().localeCompare(y.suggestedFilename()));
    expect(lines(await text(sorted[0]!)).length - 1).toBe(40);
    // No purchases since the draw: no verdict claims a difference; the holdout is the baseline.
    expect(await test.locator('.tm-ab-verdicts li').evaluateAll((items) => items.map((item) => item.getAttribute('data-group')))).toEqual(['A', 'B']);
    expect(await test.locator('.tm-ab-verdicts li').first().innerText()).toContain('not yet a clear difference');
    await test.locator('.tm-ab-window').selectOption('90');
    await expect.poll(() => test.locator('p.tm-muted').first().innerText()).toContain('Purchases counted through');
    await test.locator('.tm-ab-delete').click();
    await expect.poll(() => tab.locator('.tm-ab-test').count()).toBe(0);
    await tab.close();
  });
});
