import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, fixture } from '../helpers';
import { importAndScore, launchExtension, type LoadedExtension } from './extension';
import { cardText, describedBadges, labelsOf } from './badges';

describe('a browser in Chinese', () => {
  let browser: LoadedExtension;

  beforeAll(async () => {
    browser = await launchExtension({ locale: 'zh-CN' });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('names the extension in Chinese and opens the dashboard in Chinese', async () => {
    const page = await browser.openOptions();
    expect(await page.evaluate(`chrome.i18n.getMessage('extName')`)).toBe('Tiermark 客户分级');
    expect(await page.evaluate(`chrome.i18n.getMessage('actionTitle')`)).toBe('Tiermark：当前页面、待跟进、查找客户');
    expect(await page.locator('nav a[href="#overview"]').innerText()).toBe('概览');
    expect(await page.locator('nav a[href="#customers"]').innerText()).toBe('客户');
    // Switchable: English at one click, kept for the next visit.
    await page.click('.tm-lang');
    expect(await page.locator('nav a[href="#overview"]').innerText()).toBe('Overview');
    await page.reload();
    expect(await page.locator('nav a[href="#overview"]').innerText()).toBe('Overview');
    // And back from Settings.
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#settings`);
    await page.selectOption('#tm-language', 'zh-CN');
    expect(await page.locator('#settings-title').innerText()).toBe('设置');
  });

  it('labels badges and cards in the language chosen in the dashboard, not the browser’s, on pages already open too', async () => {
    const dashboard = await browser.openOptions();
    await importAndScore(dashboard, fixture('taobao-order-report.gbk.csv'));
    const body = readFileSync(join(FIXTURES, 'sites/taobao-sold/list_sold_items.html'), 'utf8');
    await browser.context.route('https://trade.taobao.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body }));
    const seller = await browser.context.newPage();
    await seller.goto('https://trade.taobao.com/trade/itemlist/list_sold_items.htm');
    const badge = seller.locator('.trade-order-main', { hasText: '2847561230001' }).locator('tm-badge');
    // The dashboard is in Chinese (the previous test chose it): so are the badges.
    await expect.poll(() => describedBadges(seller), { timeout: 15_000 }).toBe(3);
    expect((await labelsOf(badge))[0]).toBe('普通会员');
    await dashboard.goto(`chrome-extension://${browser.extensionId}/options.html#settings`);
    await dashboard.selectOption('#tm-language', 'en');
    await expect.poll(async () => (await labelsOf(badge))[0], { timeout: 15_000 }).toBe('Member');
    await badge.click();
    await expect.poll(() => cardText(seller, '[data-fact="orderCount"]')).toBe('2');
    expect(await cardText(seller, 'h3')).toBe('At a glance');
    await seller.close();
  });
});
