import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers';
import { importAndScore, openEmptyDashboard, type LoadedExtension } from './extension';

describe('the Overview', () => {
  let browser: LoadedExtension;
  let page: Page;
  const number = async (selector: string) => Number((await page.locator(selector).innerText()).replace(/[^\d]/g, ''));

  beforeAll(async () => {
    ({ browser, page } = await openEmptyDashboard());
    await importAndScore(page, join(FIXTURES, 'demo/ExportOrderList202611201200.csv'));
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#overview`);
    await page.locator('.tm-rfm-grid').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('gives the shop’s counts and net sales, the same as the header', async () => {
    expect(await number('[data-kpi="customers"] strong')).toBe(await number('#tm-count-customers'));
    expect(await number('[data-kpi="customers"] strong')).toBe(320);
    expect(await number('[data-kpi="orders"] strong')).toBeGreaterThan(320);
    expect(await page.locator('[data-kpi="net-sales"] strong').innerText()).toMatch(/^(CN)?¥[\d,]+\.\d\d$/);
  });

  it('shows the member ladder, best tier first, adding up to every customer', async () => {
    const tiers = await page.locator('.tm-tiers .tm-bars li').evaluateAll((items) => items.map((li) => li.getAttribute('data-tier')));
    expect(tiers.slice(0, 4)).toEqual(['member-ladder/premier-vip', 'member-ladder/vip', 'member-ladder/senior', 'member-ladder/member']);
    const counts = await page.locator('.tm-tiers .tm-bar-count').allInnerTexts();
    expect(counts.map((c) => Number(c.split('·')[0]!.replace(/\D/g, ''))).reduce((a, b) => a + b, 0)).toBe(320);
  });

  it('fills the R × F grid with every scored customer, and a cell lists exactly its customers', async () => {
    const cells = await page.locator('.tm-rfm-grid .tm-cell-count').allInnerTexts();
    expect(cells).toHaveLength(25);
    const total = cells.map(Number).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(300);
    expect(total).toBeLessThanOrEqual(320);
    const shares = await page.locator('.tm-rfm-grid .tm-cell-share').allInnerTexts();
    expect(shares.map((s) => Number(s.replace('%', ''))).reduce((a, b) => a + b, 0)).toBeGreaterThan(99);
    // Under each F, its purchases in this shop: ranges in order, none overlapping, or nobody.
    const purchases = (await page.locator('.tm-rfm-purchases th').allInnerTexts()).slice(1);
    expect(purchases).toHaveLength(5);
    const ranges = purchases.filter((text) => text !== 'nobody').map((text) => {
      const [fewest, most = fewest] = text.match(/^(\d+)(?:–(\d+))? purchases?$/)!.slice(1).filter(Boolean).map(Number);
      return [fewest!, most!] as const;
    });
    expect(ranges.length).toBeGreaterThan(1);
    ranges.forEach(([fewest, most], i) => {
      expect(fewest).toBeLessThanOrEqual(most);
      if (i > 0) expect(fewest).toBeGreaterThan(ranges[i - 1]![1]);
    });
    // The R5 F5 cell (重要价值客户's corner) into the customer list.
    const inCell = await number('td[data-cell="55"] .tm-cell-count');
    expect(inCell).toBeGreaterThan(0);
    await page.click('td[data-cell="55"] a');
    await expect.poll(() => number('#tm-customers-count')).toBe(inCell);
    const codes = await page.locator('.tm-customer-row td:last-child').allInnerTexts();
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.length).toBeLessThanOrEqual(inCell);
    expect(codes.every((code) => code.startsWith('55'))).toBe(true);
    // Cleared, every customer again.
    await page.click('#tm-filter-rfm');
    await expect.poll(() => number('#tm-customers-count')).toBe(320);
  });
});
