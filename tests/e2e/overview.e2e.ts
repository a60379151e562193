import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers';
import { importAndScore, openEmptyDashboard, storedEntries, type LoadedExtension } from './extension';

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

/** The demo export's purchases (paid, shipped or done; not unpaid, not closed) as [buyer, local day], counted apart from Tiermark. */
const demoPurchases = (timeZone: string) => {
  const text = new TextDecoder('gbk').decode(readFileSync(join(FIXTURES, 'demo/ExportOrderList202611201200.csv')));
  const rows = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
  const dayIn = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return rows
    .filter((row) => row['买家会员名'] && !['等待买家付款', '交易关闭'].includes(row['订单状态']!))
    .map((row) => [row['买家会员名']!, dayIn.format(Date.parse(`${row['订单创建时间']!.replace(' ', 'T')}+08:00`))] as const);
};

describe('the Overview’s shop KPIs', () => {
  let browser: LoadedExtension;
  let page: Page;
  const value = async (id: string) => Number(await page.locator(`[data-shop-kpi="${id}"]`).getAttribute('data-value'));

  beforeAll(async () => {
    ({ browser, page } = await openEmptyDashboard());
    await importAndScore(page, join(FIXTURES, 'demo/ExportOrderList202611201200.csv'));
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#overview`);
    await page.locator('.tm-shop-kpis[data-state="kpis"]').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('counts a year’s buyers and new customers as the export has them, and the year before', async () => {
    const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    const bought = demoPurchases(zone);
    const firstDay = new Map<string, string>();
    for (const [buyer, day] of bought) if (!firstDay.has(buyer) || day < firstDay.get(buyer)!) firstDay.set(buyer, day);
    const buyersIn = (year: string) => new Set(bought.filter(([, day]) => day.startsWith(year)).map(([buyer]) => buyer)).size;
    const newIn = (year: string) => [...firstDay.values()].filter((day) => day.startsWith(year)).length;
    // The demo's orders run from 2024-11 to 2026-11; the rescore's as-of day is today.
    await page.selectOption('#tm-kpi-kind', 'year');
    await page.selectOption('#tm-kpi-period', { label: '2025' });
    await expect.poll(() => page.locator('#tm-kpi-compared').innerText()).toMatch(/^2025 · compared with 2024/);
    expect(buyersIn('2025')).toBeGreaterThan(100);
    expect(await value('buyers')).toBe(buyersIn('2025'));
    expect(await value('new-customers')).toBe(newIn('2025'));
    expect(Number(await page.locator('[data-shop-kpi="buyers"]').getAttribute('data-previous'))).toBe(buyersIn('2024'));
    // The chart's table: the years up to 2025, each year's buyers as counted from the rows.
    await expect.poll(() => page.locator('.tm-trend-table tr[data-period="2025"]').getAttribute('data-value')).toBe(String(buyersIn('2025')));
    expect(await page.locator('.tm-trend-table tr[data-period="2024"]').getAttribute('data-value')).toBe(String(buyersIn('2024')));
    expect(await page.locator('.tm-trend-chart g').count()).toBe(12);
    // A rate reads as a share, and its change in points.
    await expect.poll(() => page.locator('[data-shop-kpi="repurchase-rate"] strong').innerText()).toMatch(/^\d+(\.\d)?%$/);
    expect(await page.locator('[data-shop-kpi="repurchase-rate"] .tm-kpi-delta').innerText()).toMatch(/^[▲▼=]( [+-]?\d+(\.\d)? pts)?$/);
  });

  it('counts a span of the seller’s own days: every buyer of the export over its whole time', async () => {
    const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    const bought = demoPurchases(zone);
    await page.selectOption('#tm-kpi-kind', 'custom');
    await page.fill('#tm-kpi-from', '2024-01-01');
    await page.fill('#tm-kpi-to', '2026-11-20');
    await expect.poll(() => page.locator('#tm-kpi-compared').innerText()).toMatch(/^2024-01-01 – 2026-11-20/);
    await expect.poll(() => value('buyers')).toBe(new Set(bought.map(([buyer]) => buyer)).size);
    expect(await value('new-customers')).toBe(await value('buyers'));
  });

  it('forecasts the next 30 and 90 days’ purchases as the last rescore summed them', async () => {
    const record = (await page.evaluate(`new Promise((ok) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => { const g = r.result.transaction('meta').objectStore('meta').get('forecasts'); g.onsuccess = () => ok(g.result); }; })`)) as { entries: Array<{ asOfDay: number; all: { expected30: number; expected90: number } }> };
    const latest = record.entries.at(-1)!;
    expect(latest.all.expected30).toBeGreaterThan(0);
    const next = page.locator('#tm-forecast-next');
    expect(Number(await next.getAttribute('data-expected30'))).toBeCloseTo(latest.all.expected30, 6);
    expect(await next.innerText()).toMatch(new RegExp(`^Next 30 days: ${Math.round(latest.all.expected30).toLocaleString('en')} · next 90 days: ${Math.round(latest.all.expected90).toLocaleString('en')} \\(`));
  });

  it('rebuilds the ends of past months from the orders, and a cell of the movement lists exactly its customers', async () => {
    // From the month of the first order (unpaid ones too) to last month, counted from the rows; and today's rescore.
    const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    const dayIn = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    const text = new TextDecoder('gbk').decode(readFileSync(join(FIXTURES, 'demo/ExportOrderList202611201200.csv')));
    const rows = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data.filter((row) => row['买家会员名']);
    const first = rows.map((row) => dayIn.format(Date.parse(`${row['订单创建时间']!.replace(' ', 'T')}+08:00`))).sort()[0]!;
    const today = dayIn.format(new Date());
    const monthEnds: number[] = [];
    for (let month = Number(first.slice(0, 4)) * 12 + Number(first.slice(5, 7)) - 1; month < Number(today.slice(0, 4)) * 12 + Number(today.slice(5, 7)) - 1; month += 1) {
      monthEnds.push(Date.UTC(Math.floor(month / 12), (month % 12) + 1, 0) / 86_400_000);
    }
    expect(monthEnds.length).toBeGreaterThanOrEqual(24);
    const kept = () => page.evaluate(`new Promise((ok) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => { const g = r.result.transaction('snapshots').objectStore('snapshots').getAllKeys(); g.onsuccess = () => { r.result.close(); ok(g.result); }; }; })`);
    await expect.poll(kept, { timeout: 60_000 }).toEqual([...monthEnds.slice(-24), Date.parse(`${today}T00:00:00Z`) / 86_400_000]);

    // A year back to today, by tier.
    await page.reload();
    const grid = page.locator('.tm-movement-grid');
    await grid.waitFor();
    const yearBack = new Date((monthEnds.at(-12)! * 86_400_000)).toISOString().slice(0, 10);
    await page.selectOption('#tm-movement-from', { label: yearBack });
    await expect.poll(() => grid.locator('thead th').first().innerText()).toBe(`${yearBack} → ${today}`);
    const cells = await grid.locator('tbody tr').evaluateAll((trs) => trs.flatMap((tr) => [...tr.querySelectorAll('td')].map((td) => ({ from: tr.getAttribute('data-from'), to: td.getAttribute('data-to'), n: Number(td.textContent || 0) }))));
    // Everyone kept today is in a cell, moved or new since.
    expect(cells.reduce((sum, cell) => sum + cell.n, 0)).toBe(320);
    const moved = cells.filter((cell) => cell.from !== 'new' && cell.from !== cell.to && cell.n > 0 && cell.n <= 40);
    expect(moved.length).toBeGreaterThan(0);
    const cell = moved[0]!;

    // Opened, the Customers page lists that many, each in the column's tier today.
    await grid.locator(`tr[data-from="${cell.from}"] td[data-to="${cell.to}"] a`).click();
    await expect.poll(() => page.locator('#tm-customers-count').innerText()).toBe(`${cell.n} customers shown`);
    expect(await page.locator('#tm-filter-moved').innerText()).toContain(`${yearBack} → ${today}`);
    const listed = await page.locator('.tm-customer-row').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-customer')!));
    expect(listed).toHaveLength(cell.n);
    const profiles = await storedEntries<{ tier: { ref: string } | null }>(page, 'profiles');
    for (const key of listed) expect(profiles[key]?.tier?.ref ?? '', key).toBe(cell.to);
    // Cleared, every customer again.
    await page.click('#tm-filter-moved');
    await expect.poll(() => page.locator('#tm-customers-count').innerText()).toBe('320 customers shown');

    // The first of them, on their own page: their path is in the cell's row's tier on its first day, in its column's today.
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#customer=${encodeURIComponent(listed[0]!)}`);
    const steps = page.locator('.tm-path-table tbody tr');
    await steps.first().waitFor();
    const path = await steps.evaluateAll((trs) => trs.map((tr) => ({ from: tr.getAttribute('data-from-day')!, tier: tr.getAttribute('data-tier') })));
    expect(path.filter((step) => step.from <= yearBack).at(-1)?.tier).toBe(cell.from);
    expect(path.at(-1)?.tier).toBe(cell.to);
    expect(await page.locator('.tm-path h2').innerText()).toBe('Path over time');
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#overview`);
    await page.locator('.tm-shop-kpis[data-state="kpis"]').waitFor();
  });

  it('shows what a KPI means on hover, and the customer equity', async () => {
    const definition = page.locator('[data-shop-kpi="repurchase-rate"] .tm-kpi-definition');
    await expect.poll(() => definition.isVisible()).toBe(false);
    await page.hover('[data-shop-kpi="repurchase-rate"]');
    await expect.poll(() => definition.isVisible()).toBe(true);
    expect(await definition.innerText()).toContain('two or more days');
    expect(await value('customer-equity')).toBeGreaterThan(0);
    expect(await page.locator('[data-shop-kpi="customer-equity"] strong').innerText()).toMatch(/^(CN)?¥[\d,]+\.\d\d$/);
  });

  it('puts each buyer of the export in the month of their first purchase, as a table and as a CSV', async () => {
    const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    const firstMonth = new Map<string, string>();
    for (const [buyer, day] of demoPurchases(zone)) if (!firstMonth.has(buyer) || day < firstMonth.get(buyer)!) firstMonth.set(buyer, day);
    const byMonth = (month: string) => [...firstMonth.values()].filter((day) => day.startsWith(month)).length;
    await page.selectOption('#tm-cohort-count', '24');
    await expect.poll(() => page.locator('.tm-cohort-grid tbody tr').count()).toBe(24);
    const customers = async (month: string) => Number((await page.locator(`.tm-cohort-grid tr[data-cohort="${month}"] td`).first().innerText()).replace(/\D/g, ''));
    // The months shown are the 24 up to the rescore's as-of day (today); the demo's buyers fall in some of them.
    const shown = await page.locator('.tm-cohort-grid tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-cohort')!));
    expect(shown).toHaveLength(24);
    const withBuyers = shown.filter((month) => byMonth(month) > 0);
    expect(withBuyers.length).toBeGreaterThan(3);
    for (const month of shown) expect(await customers(month), month).toBe(byMonth(month));
    // Month 0 is the first purchase itself: no share; month 1 on, shares of the row's customers.
    const oldest = page.locator(`.tm-cohort-grid tr[data-cohort="${withBuyers.at(-1)}"]`);
    expect(await oldest.locator('td[data-since="0"]').innerText()).toBe('');
    const shares = (await oldest.locator('td[data-since]').evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-value')))).filter(Boolean).map(Number);
    expect(shares.length).toBeGreaterThan(3);
    expect(shares.every((share) => share >= 0 && share <= 1)).toBe(true);
    const download = page.waitForEvent('download');
    await page.click('#tm-cohort-export');
    const file = await (await download).path();
    const lines = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toMatch(/^First purchase,Customers,Month 0,Month 1,/);
    expect(lines).toHaveLength(25);
    expect(lines.find((line) => line.startsWith(`${withBuyers[0]},`))!.split(',')[1]).toBe(String(byMonth(withBuyers[0]!)));
  });
});
