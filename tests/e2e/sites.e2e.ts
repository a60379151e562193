import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, fixture } from '../helpers';
import { E2E_HOST, E2E_HOSTS_DIR, importAndScore, openEmptyDashboard, type LoadedExtension } from './extension';
import { customerOf, describedBadges, labelsOf } from './badges';

// A back office no adapter knows: its own markup, the shop's identifiers somewhere in the text.
const ERP_PAGE = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>订单中心 - 某ERP</title></head><body>
  <h1>待处理订单</h1>
  <div class="grid">
    <div class="r"><div class="c">2847561230001</div><div class="c">明前龙井</div><div class="c">￥256.00</div></div>
    <div class="r"><div class="c">2847561230005</div><div class="c">紫砂壶</div><div class="c">￥360.00</div></div>
    <div class="r"><div class="c">9999999999999</div><div class="c">茶杯</div><div class="c">￥59.00</div></div>
  </div>
  <p>客服备注：买家 lily_2019 要求周末送达。</p>
  <script>document.querySelector('h1').textContent = '待处理订单（3）';</script>
</body></html>`;

describe('identifier matching on a site the seller switches on', () => {
  let browser: LoadedExtension;
  let dashboard: Page;

  beforeAll(async () => {
    ({ browser, page: dashboard } = await openEmptyDashboard({ extensionDir: E2E_HOSTS_DIR }));
    await importAndScore(dashboard, fixture('taobao-order-report.gbk.csv'));
    await importAndScore(dashboard, fixture('woocommerce-plugin.csv'));
    for (const origin of [E2E_HOST, 'https://other.example.org']) {
      await browser.context.route(`${origin}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: ERP_PAGE }));
    }
    // The same switched-on origin also hosts a WooCommerce admin.
    const woo = readFileSync(join(FIXTURES, 'sites/woocommerce-admin/orders.html'), 'utf8');
    await browser.context.route(`${E2E_HOST}/wp-admin/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: woo }));
    // A console whose rows the seller describes: the order number inside a label, one row each.
    const custom = ERP_PAGE.replaceAll('<div class="c">28475', '<div class="c">单号:28475');
    await browser.context.route(`${E2E_HOST}/custom/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: custom }));
  });
  afterAll(async () => {
    await browser?.close();
  });

  const badgeAfter = (page: Page, text: string) => page.locator('.c', { hasText: text }).locator('tm-badge');

  it('does nothing on a site before it is switched on', async () => {
    const erp = await browser.context.newPage();
    await erp.goto(`${E2E_HOST}/orders`);
    await erp.waitForTimeout(1500);
    expect(await erp.locator('tm-badge').count()).toBe(0);
    await erp.close();
  });

  it('badges the shop’s order numbers on a page no adapter knows, once the seller switches the site on', async () => {
    await dashboard.goto(`chrome-extension://${browser.extensionId}/options.html#sites`);
    await dashboard.fill('#tm-site-origin', 'erp.example.com/orders');
    await dashboard.click('#tm-site-enable');
    await dashboard.locator(`[data-origin="${E2E_HOST}"]`).waitFor();
    const erp = await browser.context.newPage();
    await erp.goto(`${E2E_HOST}/orders`);
    await expect.poll(() => customerOf(badgeAfter(erp, '2847561230001')), { timeout: 15_000 }).toBe('taobao:茶友小王');
    expect(await badgeAfter(erp, '2847561230001').count()).toBe(1);
    expect(await customerOf(badgeAfter(erp, '2847561230005'))).toBe('taobao:张三丰');
    // An order number the shop does not have is never looked up, and gets nothing.
    expect(await badgeAfter(erp, '9999999999999').count()).toBe(0);
    await erp.close();
  });

  it('uses the WooCommerce adapter on a switched-on origin’s orders list', async () => {
    const admin = await browser.context.newPage();
    await admin.goto(`${E2E_HOST}/wp-admin/edit.php?post_type=shop_order`);
    const badge = (order: string) => admin.locator(`tr#post-${order} tm-badge`);
    // Described by the lookup (the badge index may put the badge in first).
    await expect.poll(() => describedBadges(admin), { timeout: 15_000 }).toBe(2);
    expect(await customerOf(badge('5001'))).toBe('woocommerce:marie@example.org');
    // Pierre's 150 EUR: past the ladder's 140 EUR top rung.
    expect((await labelsOf(badge('5003')))[0]).toBe('Premier VIP');
    expect(await badge('6100').count()).toBe(0);
    await admin.close();
  });

  it('places badges where the seller’s own description of a console says', async () => {
    await dashboard.goto(`chrome-extension://${browser.extensionId}/options.html#sites`);
    // A mistake first: the message says what to write.
    await dashboard.fill('#tm-custom-urlPattern', `${E2E_HOST}/custom/*`);
    await dashboard.fill('#tm-custom-rowSelector', '.r[');
    await dashboard.fill('#tm-custom-identifierSelector', '.c:first-child');
    await dashboard.fill('#tm-custom-regex', '单号[:：](\\d+)');
    await dashboard.click('#tm-custom-save');
    expect(await dashboard.locator('.tm-custom-form + .tm-error').innerText()).toContain('Row selector ".r[" is not a CSS selector');
    await dashboard.fill('#tm-custom-rowSelector', '.grid .r');
    await dashboard.click('#tm-custom-save');
    await dashboard.locator(`[data-custom="${E2E_HOST}/custom/*"]`).waitFor();
    const page = await browser.context.newPage();
    await page.goto(`${E2E_HOST}/custom/orders`);
    // After the identifier's element, in the row: not inside the text.
    await expect.poll(() => page.locator('.r > tm-badge').count(), { timeout: 15_000 }).toBe(2);
    expect(await customerOf(page.locator('.r', { hasText: '2847561230001' }).locator('> tm-badge'))).toBe('taobao:茶友小王');
    await page.close();
  });

  it('stays off on any other site, and goes off again when switched off', async () => {
    const other = await browser.context.newPage();
    await other.goto('https://other.example.org/orders');
    await other.waitForTimeout(1500);
    expect(await other.locator('tm-badge').count()).toBe(0);
    await dashboard.locator(`[data-origin="${E2E_HOST}"] button`).click();
    await dashboard.locator(`[data-origin="${E2E_HOST}"]`).waitFor({ state: 'detached' });
    const erp = await browser.context.newPage();
    await erp.goto(`${E2E_HOST}/orders`);
    await erp.waitForTimeout(1500);
    expect(await erp.locator('tm-badge').count()).toBe(0);
  });
});
