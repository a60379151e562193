// npm run demo — build Tiermark, load it into Chromium with the demo shop imported, and show it.
// With no display it runs headless, writes screenshots, prints where, and exits.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { ensureChromium } from '../e2e/chromium.mjs';
import { launchExtension } from '../e2e/extension';
import { cardElements, describedBadges, until } from '../e2e/badges';
import { demoOrders } from '../../lib/demo/shop';
import { demoConsolePage } from '../../lib/demo/console-page';
import { FIXTURES, ROOT } from '../helpers';

const DEMO_EXPORT = join(FIXTURES, 'demo/ExportOrderList202611201200.csv');
const OUT = resolve(ROOT, '.tiermark/demo');
const SOLD_ITEMS = 'https://trade.taobao.com/trade/itemlist/list_sold_items.htm';

async function main(): Promise<void> {
  ensureChromium({ withFont: true });
  execFileSync('npx', ['wxt', 'build'], { cwd: ROOT, stdio: 'inherit' });
  mkdirSync(OUT, { recursive: true });
  const headless = !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;

  // The demo seller console, served on loopback only.
  const page = demoConsolePage(demoOrders());
  const server = createServer((request, response) => {
    response.writeHead(request.url === '/' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    response.end(request.url === '/' ? page : 'not found');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const consoleUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  // A fresh profile each run: the demo always shows the same first import.
  const profile = join(OUT, 'profile');
  rmSync(profile, { recursive: true, force: true });
  const browser = await launchExtension({ headless, profile, locale: 'zh-CN' });
  const shots: string[] = [];
  const shoot = async (target: import('playwright-core').Page, name: string) => {
    const path = join(OUT, `${name}.png`);
    await target.screenshot({ path, fullPage: true });
    shots.push(path);
  };
  // The stores' screenshots: 1280 × 800, the top of the page as the seller first sees it.
  mkdirSync(join(OUT, 'store'), { recursive: true });
  const storeShot = async (target: import('playwright-core').Page, name: string, startAt?: string) => {
    const viewport = target.viewportSize();
    await target.setViewportSize({ width: 1280, height: 800 });
    if (startAt) await target.locator(startAt).evaluate((element) => element.scrollIntoView({ block: 'start' }));
    const path = join(OUT, 'store', `${name}.png`);
    await target.screenshot({ path });
    shots.push(path);
    if (viewport) await target.setViewportSize(viewport);
  };

  const dashboard = await browser.openOptions();
  await dashboard.evaluate(() => localStorage.setItem('tiermark.language', 'zh-CN'));
  await dashboard.reload();
  await dashboard.locator('#tm-file-input').setInputFiles(DEMO_EXPORT);
  await dashboard.locator('.tm-detected-format').waitFor();
  await shoot(dashboard, 'dashboard-preview-zh');
  await dashboard.click('#tm-import-start');
  await dashboard.locator('.tm-result').waitFor({ timeout: 120_000 });
  const customers = await dashboard.locator('#tm-count-customers').innerText();
  const orders = await dashboard.locator('#tm-count-orders').innerText();
  // The background scores every customer after the import; the header says when it is done.
  await dashboard.locator('.tm-rescore[data-state="done"]').waitFor({ timeout: 120_000 });
  await shoot(dashboard, 'dashboard-imported-zh');
  await dashboard.goto(`${dashboard.url().split('#')[0]}#rules`);
  await dashboard.locator('.tm-rule-file').first().waitFor();
  await shoot(dashboard, 'dashboard-rules-zh');
  // The editor on the member ladder, with its live preview over the demo shop.
  await dashboard.goto(`${dashboard.url().split('#')[0]}#rules?edit=member-ladder.json`);
  await dashboard.locator('#tm-preview-matches').waitFor();
  await shoot(dashboard, 'dashboard-rule-editor-zh');
  await storeShot(dashboard, '4-rule-editor-1280x800');
  await dashboard.goto(`${dashboard.url().split('#')[0]}#rules`);
  await dashboard.locator('.tm-rule-file').first().waitFor();
  await dashboard.click('.tm-lang');
  await shoot(dashboard, 'dashboard-rules-en');
  await dashboard.goto(`${dashboard.url().split('#')[0]}#import`);
  await shoot(dashboard, 'dashboard-imported-en');
  // Back in Chinese: the overview, every customer, biggest spender first, and the first one's page (orders, facts, why each rule fired).
  await dashboard.click('.tm-lang');
  await dashboard.goto(`${dashboard.url().split('#')[0]}#overview`);
  await dashboard.locator('.tm-rfm-grid').waitFor();
  await shoot(dashboard, 'dashboard-overview-zh');
  await storeShot(dashboard, '2-lifecycle-and-value-1280x800', '.tm-stages');
  await dashboard.evaluate(() => window.scrollTo(0, 0));
  await dashboard.goto(`${dashboard.url().split('#')[0]}#customers`);
  await dashboard.locator('.tm-customer-row').first().waitFor();
  await shoot(dashboard, 'dashboard-customers-zh');
  await dashboard.locator('.tm-customer-row a').first().click();
  await dashboard.locator('#customer-title').waitFor();
  await dashboard.locator('.tm-kept-dates').waitFor();
  await shoot(dashboard, 'dashboard-customer-zh');
  await storeShot(dashboard, '3-customer-1280x800');
  const customerPage = dashboard.url();
  // Measuring what the seller does, once the background has rebuilt past months from the orders:
  // the KPIs, segment movement, cohorts, a customer's path and an A/B test, in both languages.
  const rebuilt = () => dashboard.evaluate(`new Promise((ok) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => { const g = r.result.transaction('meta').objectStore('meta').get('pastSnapshots'); g.onsuccess = () => { r.result.close(); ok(g.result?.state ?? null); }; }; })`);
  await until(async () => (await rebuilt()) === 'done', 300_000);
  const part = async (selector: string, name: string) => {
    const path = join(OUT, `${name}.png`);
    await dashboard.locator(selector).first().screenshot({ path });
    shots.push(path);
  };
  await dashboard.goto(`${dashboard.url().split('#')[0]}#segments`);
  await dashboard.click('.tm-segment[data-segment="member-ladder/member"] .tm-segment-split');
  const split = dashboard.locator('.tm-split[data-segment="member-ladder/member"]');
  await split.locator('.tm-split-sizes').fill('20, 20');
  await split.locator('.tm-split-test-name').fill('回购券 A/B');
  await split.locator('.tm-split-holdout').check();
  await split.locator('.tm-split-export').click();
  await dashboard.locator('.tm-ab-test .tm-ab-chart').waitFor();
  for (const language of ['zh', 'en']) {
    await dashboard.goto(`${dashboard.url().split('#')[0]}#overview`);
    for (const ready of ['.tm-shop-kpis[data-state="kpis"]', '.tm-movement-grid', '.tm-cohort-grid']) await dashboard.locator(ready).waitFor();
    // Movement over the last twelve month ends.
    const from = dashboard.locator('#tm-movement-from');
    const yearBack = (await from.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).at(-12)!;
    await from.selectOption(yearBack);
    await dashboard.locator('.tm-movement-grid thead th', { hasText: new Date(Number(yearBack) * 86_400_000).toISOString().slice(0, 10) }).waitFor();
    await part('.tm-shop-kpis', `dashboard-kpis-${language}`);
    await part('.tm-movement', `dashboard-movement-${language}`);
    await part('.tm-cohorts', `dashboard-cohorts-${language}`);
    await dashboard.goto(`${dashboard.url().split('#')[0]}#segments`);
    await dashboard.locator('.tm-ab-test .tm-ab-chart').waitFor();
    await part('.tm-ab-tests', `dashboard-ab-test-${language}`);
    await dashboard.goto(customerPage);
    await dashboard.locator('.tm-path-table').waitFor();
    await part('.tm-path', `dashboard-path-${language}`);
    await dashboard.click('.tm-lang');
  }
  for (const [section, ready] of [['segments', '.tm-segment'], ['follow-ups', '.tm-follow-up-group'], ['settings', '#tm-time-zone']] as const) {
    await dashboard.goto(`${dashboard.url().split('#')[0]}#${section}`);
    await dashboard.locator(ready).first().waitFor();
    await shoot(dashboard, `dashboard-${section}-zh`);
  }

  // The demo console at the real console's address (routed inside this browser, nothing goes out),
  // where the extension's content script runs and badges each buyer.
  await browser.context.route('https://trade.taobao.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: page }));
  const seller = await browser.context.newPage();
  await seller.goto(SOLD_ITEMS);
  // Described by the lookup (whose badge it is), so a click opens the card.
  await until(async () => (await describedBadges(seller)) >= 2, 30_000);
  await shoot(seller, 'seller-console');
  // One click on a badge: the buyer's history card.
  await seller.locator('.tm-badge-host').nth(1).click();
  await seller.locator('tm-card').waitFor();
  await until(async () => (await cardElements(seller, '[role=dialog]')) !== null);
  await seller.screenshot({ path: join(OUT, 'seller-console-card.png') });
  shots.push(join(OUT, 'seller-console-card.png'));
  await storeShot(seller, '1-badges-and-card-1280x800');
  await seller.keyboard.press('Escape');
  // The popup over the seller's tab, as the toolbar button opens it (here a window of its own).
  await seller.bringToFront();
  const opened = browser.context.waitForEvent('page');
  await dashboard.evaluate(`chrome.windows.create({ url: chrome.runtime.getURL('popup.html'), type: 'popup', width: 380, height: 640 })`);
  const popup = await opened;
  await popup.setViewportSize({ width: 380, height: 560 });
  await popup.locator('.tm-popup-page[data-console]').waitFor({ timeout: 30_000 });
  await popup.locator('.tm-popup-due li').first().waitFor();
  await shoot(popup, 'popup-zh');

  // The stores' small promotional tile, 440 × 280: the icon, the name and what it does.
  const tile = await browser.context.newPage();
  await tile.setViewportSize({ width: 440, height: 280 });
  const icon = readFileSync(join(ROOT, 'lib/ui/icon/icon.svg'), 'utf8').replace('<svg ', '<svg width="96" height="96" ');
  await tile.setContent(`<html><body style="margin:0;width:440px;height:280px;display:flex;align-items:center;gap:22px;padding:0 30px;box-sizing:border-box;
    background:linear-gradient(135deg,#fff7f2,#ffe3d6);font-family:'PingFang SC','Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif;color:#3b2a22">
    ${icon}<div><div style="font-size:36px;font-weight:700">Tiermark</div><div style="font-size:20px;margin-top:6px">客户分级 · 会员权益 · 跟进提醒</div>
    <div style="font-size:14px;margin-top:8px;color:#7a5a4c">Customer tiers beside every buyer. Nothing leaves your computer.</div></div></body></html>`);
  await tile.screenshot({ path: join(OUT, 'store', 'promo-tile-440x280.png') });
  shots.push(join(OUT, 'store', 'promo-tile-440x280.png'));

  console.log(`\nTiermark demo: ${customers} customers and ${orders} orders imported from the demo Taobao shop.`);
  console.log(`Demo seller console: ${SOLD_ITEMS} in the demo browser (badges), and ${consoleUrl} (plain)`);
  if (headless) {
    console.log(`No display, so the demo ran headless. Screenshots:\n${shots.map((s) => `  ${s}`).join('\n')}`);
    await browser.context.close();
    server.close();
    return;
  }
  console.log('Chromium is open with Tiermark loaded. Close the browser window to end the demo.');
  await new Promise<void>((done) => browser.context.on('close', () => done()));
  server.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
