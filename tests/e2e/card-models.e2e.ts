import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConsolePage } from '../../lib/demo/console-page';
import { demoExportText, demoOrders, encodeGb18030, type DemoOrder } from '../../lib/demo/shop';
import { importAndScore, openEmptyDashboard, storedEntries, type LoadedExtension } from './extension';
import { cardElements, cardText, openCardOf } from './badges';

const SOLD_ITEMS = 'https://trade.taobao.com/trade/itemlist/list_sold_items.htm';

// The demo shop with buyers who leave: BG/NBD and Gamma-Gamma fit it, so profiles carry P(alive)
// and a predicted value (the bundled demo's buyers never leave, and its models give no figures).
describe('the history card of a shop the models fit', () => {
  let browser: LoadedExtension;
  let dashboard: Page;
  let orders: DemoOrder[];

  beforeAll(async () => {
    ({ browser, page: dashboard } = await openEmptyDashboard());
    orders = demoOrders(320, 20261120, { dropout: 0.3 });
    const file = join(mkdtempSync(join(tmpdir(), 'tiermark-card-')), 'ExportOrderList202611201200.csv');
    writeFileSync(file, encodeGb18030(demoExportText(orders)));
    await importAndScore(dashboard, file);
    const page = demoConsolePage(orders, 15);
    await browser.context.route('https://trade.taobao.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: page }));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows P(alive) and the predicted 12-month value of the customer’s profile', async () => {
    type Facts = { pAlive?: number | null; predictedClv365?: number | null; bgnbdStatus?: string };
    const profiles = await storedEntries<{ facts: Facts }>(dashboard, 'profiles');
    const facts = Object.fromEntries(Object.entries(profiles).map(([key, profile]) => [key, profile.facts]));
    const fitted = Object.values(facts).filter((f) => f.bgnbdStatus === 'fitted');
    expect(fitted.length).toBeGreaterThan(300);
    // A buyer on the console's first page whose profile has both figures, and a P(alive) short of certain.
    const key = orders
      .slice(0, 15)
      .map((o) => `taobao:${o.nick}`)
      .find((k) => typeof facts[k]?.pAlive === 'number' && facts[k]!.pAlive! < 0.995 && typeof facts[k]?.predictedClv365 === 'number');
    expect(key).toBeDefined();
    const { pAlive, predictedClv365 } = facts[key!]!;

    const seller = await browser.context.newPage();
    await seller.goto(SOLD_ITEMS);
    await openCardOf(seller, key!);
    const fact = (name: string) => cardText(seller, `[data-fact="${name}"]`);
    expect(await fact('pAlive')).toBe(`${Math.round(pAlive! * 100)}%`);
    expect(await fact('predictedClv365')).toBe(new Intl.NumberFormat('en', { style: 'currency', currency: 'CNY' }).format(predictedClv365!));
    const labels = (await cardElements(seller, 'dt'))!.map((dt) => dt.text);
    expect(labels).toEqual(expect.arrayContaining(['P(alive)', 'Predicted value, 12 months']));
  });
});
