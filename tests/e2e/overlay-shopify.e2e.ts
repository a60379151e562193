import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, fixture } from '../helpers';
import { importAndScore, openEmptyDashboard, type LoadedExtension } from './extension';

const ORDERS = 'https://admin.shopify.com/store/tea-house/orders';

describe('badges on the Shopify admin orders list', () => {
  let browser: LoadedExtension;
  let admin: Page;

  beforeAll(async () => {
    let dashboard: Page;
    ({ browser, page: dashboard } = await openEmptyDashboard());
    await importAndScore(dashboard, fixture('shopify-orders-79.csv'));
    const body = readFileSync(join(FIXTURES, 'sites/shopify-admin/orders.html'), 'utf8');
    await browser.context.route('https://admin.shopify.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body }));
    admin = await browser.context.newPage();
    await admin.goto(ORDERS);
  });
  afterAll(async () => {
    await browser?.close();
  });

  const badgeOf = (order: string) => admin.locator('tr', { has: admin.locator('a', { hasText: new RegExp(`^${order}$`) }) }).locator('tm-badge');

  it('badges each order by its name, on the right customer', async () => {
    await expect.poll(() => admin.locator('tm-badge').count(), { timeout: 15_000 }).toBe(3);
    expect(await badgeOf('#1001').getAttribute('data-tm-customer')).toBe('shopify:ada@example.com');
    expect(await badgeOf('#1001').locator('.tm-tier').innerText()).toBe('Member');
    expect(await badgeOf('#1003').getAttribute('data-tm-customer')).toBe('shopify:grace@example.com');
    // Linus's only order was not a purchase: known, but no tier yet.
    expect(await badgeOf('#1007').locator('.tm-tier').innerText()).toBe('Customer');
    // A customer not in the imports, and a guest checkout, get nothing.
    expect(await badgeOf('#1099').count()).toBe(0);
    expect(await badgeOf('#1005').count()).toBe(0);
  });

  it('leaves other admin pages alone', async () => {
    await admin.goto('https://admin.shopify.com/store/tea-house/products');
    await admin.waitForTimeout(1000);
    expect(await admin.locator('tm-badge').count()).toBe(0);
  });
});
