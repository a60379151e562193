import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, fixture } from '../helpers';
import { importAndScore, openEmptyDashboard, type LoadedExtension } from './extension';
import { cardElements, inContentScript } from './badges';
import type { Page } from 'playwright-core';

/** Relative luminance of a computed CSS colour (rgb or rgba), 0 black to 1 white. */
function luminance(colour: string): number {
  const [r, g, b] = colour.match(/[\d.]+/g)!.slice(0, 3).map((c) => {
    const v = Number(c) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};

describe('dark mode, following the system', () => {
  let browser: LoadedExtension;
  let dashboard: Page;

  beforeAll(async () => {
    ({ browser, page: dashboard } = await openEmptyDashboard());
    await importAndScore(dashboard, fixture('taobao-order-report.gbk.csv'));
  });
  afterAll(async () => {
    await browser?.close();
  });

  const style = (page: Page, selector: string) =>
    page.locator(selector).first().evaluate((element) => ({ background: getComputedStyle(element).backgroundColor, color: getComputedStyle(element).color }));

  it('draws the dashboard and the popup dark on a dark system, with readable text, and light on a light one', async () => {
    for (const scheme of ['dark', 'light'] as const) {
      await dashboard.emulateMedia({ colorScheme: scheme });
      await dashboard.goto(`chrome-extension://${browser.extensionId}/options.html#overview`);
      await dashboard.locator('.tm-rfm-grid').waitFor();
      const page = await dashboard.evaluate(() => ({ background: getComputedStyle(document.documentElement).backgroundColor, color: getComputedStyle(document.documentElement).color }));
      const card = await style(dashboard, '.tm-card');
      expect(luminance(page.background) < 0.1, `${scheme} page`).toBe(scheme === 'dark');
      expect(luminance(card.background) < 0.1, `${scheme} card`).toBe(scheme === 'dark');
      expect(contrast(card.background, page.color), `${scheme} text on a card`).toBeGreaterThan(7);
    }
    const popup = await browser.context.newPage();
    await popup.emulateMedia({ colorScheme: 'dark' });
    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    await popup.locator('body *').first().waitFor();
    const body = await popup.evaluate(() => ({ background: getComputedStyle(document.documentElement).backgroundColor, color: getComputedStyle(document.documentElement).color }));
    expect(luminance(body.background)).toBeLessThan(0.1);
    expect(contrast(body.background, body.color)).toBeGreaterThan(7);
    await popup.close();
  });

  it('draws the history card dark on a dark system, and keeps badges readable on a dark console', async () => {
    // A console whose own stylesheet is dark: light text on near-black.
    const body = readFileSync(join(FIXTURES, 'sites/taobao-sold/list_sold_items.html'), 'utf8').replace('</head>', '<style>body, .trade-order-main { background: #111 !important; color: #eee !important; }</style></head>');
    await browser.context.route('https://trade.taobao.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body }));
    const seller = await browser.context.newPage();
    await seller.emulateMedia({ colorScheme: 'dark' });
    await seller.goto('https://trade.taobao.com/trade/itemlist/list_sold_items.htm');
    const badge = seller.locator('.trade-order-main', { hasText: '2847561230001' }).locator('tm-badge');
    await badge.waitFor({ timeout: 15_000 });
    const pill = async (property: string) => inContentScript<string | null>(seller, `tiermarkInspector.pillStyle(${JSON.stringify('tm-badge')}, ${JSON.stringify(property)})`);
    // The tier pill keeps its own colours, whatever the page's text colour.
    expect(contrast((await pill('background-color'))!, (await pill('color'))!)).toBeGreaterThan(2.5);
    expect(await pill('color')).toBe('rgb(255, 255, 255)');
    await badge.click();
    await expect.poll(() => cardElements(seller, '[role=dialog]')).not.toBeNull();
    const cardStyle = (property: string) => inContentScript<string | null>(seller, `tiermarkInspector.cardStyle('.tm-card', ${JSON.stringify(property)})`);
    await expect.poll(async () => luminance((await cardStyle('background-color'))!)).toBeLessThan(0.1);
    expect(contrast((await cardStyle('background-color'))!, (await cardStyle('color'))!)).toBeGreaterThan(7);
    await seller.close();
  });
});
