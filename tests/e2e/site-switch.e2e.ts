import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_HOST, openEmptyDashboard, type LoadedExtension } from './extension';

// The shipped build, which holds no site at install: switching a site on goes through the browser's
// own prompt, which automation cannot answer (sites.e2e.ts covers the rest of the flow with a
// build that holds the test origin up front).
describe('switching Tiermark on for a site, in the shipped build', () => {
  let browser: LoadedExtension;
  let dashboard: Page;

  beforeAll(async () => {
    ({ browser, page: dashboard } = await openEmptyDashboard());
    await browser.context.route(`${E2E_HOST}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<p>订单 2847561230001</p>' }));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('asks the browser for that one site and says so, leaving it off until the seller allows it', async () => {
    await dashboard.goto(`chrome-extension://${browser.extensionId}/options.html#sites`);
    await dashboard.fill('#tm-site-origin', 'erp.example.com/orders');
    await dashboard.click('#tm-site-enable');
    const pending = dashboard.locator('.tm-site-pending');
    await expect.poll(() => pending.innerText()).toContain(`allow Tiermark on ${E2E_HOST}: answer its prompt`);
    expect(await dashboard.locator('[data-origin]').count()).toBe(0);
    // Nothing is granted while the prompt waits.
    expect(await dashboard.evaluate(`chrome.permissions.contains({ origins: ['${E2E_HOST}/*'] })`)).toBe(false);
  });
});
