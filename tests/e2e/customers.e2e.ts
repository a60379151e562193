import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers';
import { importAndScore, openEmptyDashboard, storedEntries, type LoadedExtension } from './extension';

describe('the Customers page and a customer’s page', () => {
  let browser: LoadedExtension;
  let page: Page;

  beforeAll(async () => {
    ({ browser, page } = await openEmptyDashboard());
  });
  afterAll(async () => {
    await browser?.close();
  });

  const listed = () => page.locator('.tm-customer-row').evaluateAll((rows) => rows.map((row) => row.querySelector('a')!.textContent));

  it('tells a new seller to import first', async () => {
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#customers`);
    expect(await page.locator('.tm-empty').innerText()).toContain('Import an order export');
    expect(await page.locator('.tm-empty a').getAttribute('href')).toBe('#import');
  });

  it('lists every customer, biggest spender first, and finds one by order number, name or part of a buyer id', async () => {
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#import`);
    await importAndScore(page, fixture('taobao-order-report.gbk.csv'));
    await page.click('a[href="#customers"]');
    await expect.poll(listed).toEqual(['茶友小王', '张三丰', 'lily_2019']);
    const row = page.locator('.tm-customer-row[data-customer="taobao:茶友小王"]');
    expect(await row.locator('td').allInnerTexts()).toEqual(['茶友小王', 'Member', expect.any(String), '2', 'CN¥384.00', 'CN¥192.00', expect.any(String), '155']);
    await page.fill('#tm-customer-search', '2847561230006');
    await expect.poll(listed).toEqual(['张三丰']);
    await page.fill('#tm-customer-search', '王小明');
    await expect.poll(listed).toEqual(['茶友小王']);
    await page.fill('#tm-customer-search', 'LILY');
    await expect.poll(listed).toEqual(['lily_2019']);
    await page.fill('#tm-customer-search', 'nobody at all');
    await expect.poll(() => page.locator('.tm-empty').innerText()).toBe('No customer matches.');
    await page.fill('#tm-customer-search', '');
    await page.check('text=Lowest first');
    await expect.poll(listed).toEqual(['lily_2019', '张三丰', '茶友小王']);
    await page.selectOption('#tm-filter-tier', { label: 'No tier yet' });
    await expect.poll(() => page.locator('.tm-empty').innerText()).toBe('No customer matches.');
    await page.selectOption('#tm-filter-tier', { label: 'Member' });
    await expect.poll(listed).toEqual(['lily_2019', '张三丰', '茶友小王']);
  });

  it('opens a customer’s page with every order and every fact, explained', async () => {
    await page.click('.tm-customer-row a:text-is("茶友小王")');
    await expect.poll(() => page.locator('#customer-title').innerText()).toBe('茶友小王');
    expect(page.url()).toContain('#customer=taobao%3A');
    expect(await page.locator('.tm-customer-head .tm-pill').first().innerText()).toBe('Member');
    expect(await page.locator('dd[data-fact="monetary"]').innerText()).toBe('CN¥384.00');
    expect(await page.locator('.tm-orders tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-order')))).toEqual(['2847561230002', '2847561230001']);
    expect(await page.locator('.tm-chart rect').count()).toBe(2);
    const fact = (name: string) => page.locator(`.tm-fact-table tr[data-fact="${name}"] td`).allInnerTexts();
    expect(await fact('avgOrderValue')).toEqual(['avgOrderValue', 'CN¥192.00', expect.stringMatching(/average order value/i)]);
    // The only buyer with two purchases (张三丰's refunded order is none), the least recent, the top spender.
    expect(await fact('rfmCode')).toEqual(['rfmCode', '155', expect.any(String)]);
    expect(await page.locator('.tm-fact-table tbody tr').count()).toBeGreaterThan(20);
    // Why: each rule's verdict, with the values compared.
    const member = page.locator('.tm-why-rule[data-rule="member-ladder/member"]');
    expect(await member.getAttribute('data-fired')).toBe('true');
    expect(await member.locator('summary').innerText()).toContain('the customer’s tier');
    const senior = page.locator('.tm-why-rule[data-rule="member-ladder/senior"]');
    expect(await senior.getAttribute('data-fired')).toBe('false');
    await senior.locator('summary').click();
    const test = senior.locator('.tm-why-test[data-fact="monetary"]');
    expect(await test.getAttribute('data-passed')).toBe('false');
    expect(await test.innerText()).toMatch(/^monetary ≥ 400 customer: 384 ✗$/);
    // In Chinese, with the course's words.
    await page.click('.tm-lang');
    await expect.poll(() => page.locator('.tm-customer-head .tm-pill').first().innerText()).toBe('普通会员');
    expect((await fact('avgOrderValue'))[2]).toContain('客单价');
    await page.click('.tm-lang');
  });

  it('says so for a customer the store does not have', async () => {
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#customer=taobao%3Anobody`);
    expect(await page.locator('[role=alert]').innerText()).toContain('not in the store');
  });

  it('scrolls a shop of hundreds to its smallest spender, with only the rows in view on the page', async () => {
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#import`);
    await importAndScore(page, fixture('../demo/ExportOrderList202611201200.csv'));
    // Counted from the store's customer buckets, not from the list's own table.
    const stored = Object.keys(await storedEntries(page, 'customers')).length;
    expect(stored).toBeGreaterThan(300);
    await page.click('a[href="#customers"]');
    await expect.poll(() => page.locator('#tm-customers-count').innerText()).toBe(`${stored.toLocaleString('en')} customers shown`);
    expect(await page.locator('.tm-customer-row').count()).toBeLessThanOrEqual(40);
    const spend = (row: ReturnType<Page['locator']>) => row.locator('td:nth-child(5)').innerText();
    // The list as first shown, biggest spender first; then turned around.
    const biggest = await page.locator('.tm-customer-row').first().getAttribute('data-customer');
    await page.check('text=Lowest first');
    await expect.poll(() => page.locator('.tm-customer-row').first().getAttribute('data-customer')).not.toBe(biggest);
    const smallest = await spend(page.locator('.tm-customer-row').first());
    await page.uncheck('text=Lowest first');
    await expect.poll(() => spend(page.locator('.tm-customer-row').first())).not.toBe(smallest);
    await page.locator('.tm-scroll').evaluate((list) => (list.scrollTop = list.scrollHeight));
    await expect.poll(() => spend(page.locator('.tm-customer-row').last())).toBe(smallest);
    expect(await page.locator('.tm-customer-row').count()).toBeLessThanOrEqual(40);
  });
});
