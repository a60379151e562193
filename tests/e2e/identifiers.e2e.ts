import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers';
import { describeConsole, E2E_HOST, E2E_HOSTS_DIR, enableSite, importAndScore, openEmptyDashboard, type LoadedExtension } from './extension';
import { badgesIn, customerOf, inContentScript } from './badges';

/** A WooCommerce shop whose order numbers run 2018–2041, like a young shop's: each is also a year or a price somewhere. */
function youngWooShop(): string {
  const header = 'Order Number,Order Status,Order Date,Paid Date,Completed Date,First Name (Billing),Last Name (Billing),Email (Billing),Phone (Billing),Order Currency,Order Refund Amount,Order Total Amount,SKU,Item Name,Quantity (- Refund),Item Cost';
  const rows = [];
  for (let order = 2018; order <= 2041; order += 1) {
    const buyer = `buyer${order % 6}@example.net`;
    rows.push(`${order},completed,2024-03-${String(order - 2010).padStart(2, '0')} 10:00:00,,,Ann,Lee,${buyer},,EUR,0,20.00,T-1,Tea,1,20.00`);
  }
  const path = join(mkdtempSync(join(tmpdir(), 'tiermark-woo-')), 'woo-young.csv');
  writeFileSync(path, `${header}\n${rows.join('\n')}\n`);
  return path;
}

/**
 * An ERP order list no adapter knows: buyers in link targets, titles, mailto links and order
 * numbers split across spans; and the young shop's short order numbers among dates, prices and
 * quantities. `data-want` names the customer a row's one badge must be for; none: no badge.
 */
const ERP_PAGE = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>订单 - ERP</title></head><body>
  <table id="orders">
    <thead><tr><th>下单时间</th><th>订单号</th><th>买家</th><th>金额</th><th>数量</th><th>操作</th></tr></thead>
    <tbody>
      <tr data-want="taobao:张三丰"><td>2024-05-01 10:00</td><td>订单号 <span>28475</span><span>6123</span><span>0005</span></td><td>—</td><td>¥2024.00</td><td>2</td><td></td></tr>
      <tr data-want="taobao:lily_2019"><td>2025/05/02</td><td>—</td><td><span title="lily_2019">查看买家</span></td><td>¥2,025.00</td><td>×2030</td><td></td></tr>
      <tr data-want="woocommerce:marie@example.org"><td>2025-05-03</td><td>—</td><td><a href="mailto:marie@example.org">联系买家</a></td><td>2031 元</td><td>2032 件</td><td></td></tr>
      <tr data-want="taobao:lily_2019"><td>2024-05-04</td><td><a href="/order/detail?oid=2847561230003">详情</a></td><td>lily_2019</td><td>￥2033</td><td>1</td><td><a href="/order/detail?oid=2847561230003">再次查看</a></td></tr>
      <tr data-want="woocommerce:buyer1@example.net"><td>2024-05-05</td><td>2035</td><td>—</td><td>€20.00</td><td>1</td><td></td></tr>
      <tr data-want="woocommerce:buyer2@example.net"><td>2024-05-06</td><td>—</td><td>Order #2036</td><td>€20.00</td><td>1</td><td></td></tr>
      <tr data-want=""><td>2024-05-07</td><td>—</td><td>共 2037 件商品，2038年到期</td><td>$2,039.50</td><td>2040</td><td>v2.2041</td></tr>
      <tr data-want=""><td>2024-12-31 20:41</td><td>—</td><td>2024</td><td>2025</td><td>2026</td><td></td></tr>
    </tbody>
  </table>
</body></html>`;

/** A console whose rows name their order only in a link's target, with an order number in a pinned line outside the rows. */
const ATTRIBUTE_PAGE = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>订单 - 链接</title></head><body>
  <div class="pinned">置顶订单 2847561230005</div>
  <ul id="list">
    <li class="row"><a class="open" href="/o/view?id=2847561230001">打开</a> 明前龙井</li>
    <li class="row"><a class="open" href="/o/view?id=2847561239990">打开</a> 紫砂壶</li>
  </ul>
</body></html>`;

/**
 * A console built of web components: a list whose open shadow root holds cards, each rendering its
 * order number into its own open shadow root a microtask after it connects (as Lit does), and again
 * when its `order` attribute changes (a reused card).
 */
const COMPONENT_PAGE = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>订单 - 组件</title></head><body>
  <order-list></order-list>
  <script>
    customElements.define('order-card', class extends HTMLElement {
      static observedAttributes = ['order'];
      constructor() { super(); this.attachShadow({ mode: 'open' }); }
      connectedCallback() { queueMicrotask(() => this.render()); }
      attributeChangedCallback() { if (this.isConnected) queueMicrotask(() => this.render()); }
      render() { this.shadowRoot.innerHTML = '<div class="card"><span class="label">订单号</span> <b>' + this.getAttribute('order') + '</b> 明前龙井</div>'; }
    });
    customElements.define('order-list', class extends HTMLElement {
      constructor() { super(); this.attachShadow({ mode: 'open' }); }
      connectedCallback() {
        queueMicrotask(() => {
          this.shadowRoot.innerHTML = '<section><order-card order="2847561230005"></order-card><order-card order="2847561239990"></order-card></section>';
        });
      }
    });
  </script>
</body></html>`;

/** Each row's wanted customer, and the customers of the badges it has. */
async function rows(page: Page): Promise<Array<[string, string[]]>> {
  return inContentScript(
    page,
    `tiermarkInspector.badgesIn('#orders tbody tr').map((badges, i) => [
      document.querySelectorAll('#orders tbody tr')[i].getAttribute('data-want') ?? '',
      badges.map((badge) => badge.customerKey ?? '?'),
    ])`,
  );
}

describe('identifier matching finds buyers wherever the page shows them, and nothing else', () => {
  let browser: LoadedExtension;
  let dashboard: Page;

  beforeAll(async () => {
    ({ browser, page: dashboard } = await openEmptyDashboard({ extensionDir: E2E_HOSTS_DIR }));
    await importAndScore(dashboard, fixture('taobao-order-report.gbk.csv'));
    await importAndScore(dashboard, fixture('woocommerce-plugin.csv'));
    await importAndScore(dashboard, youngWooShop());
    await browser.context.route(`${E2E_HOST}/erp/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: ERP_PAGE }));
    // An ERP that opens each list in a tab of frames, as 聚水潭 and 旺店通 do: the order list is a frame of the console's origin.
    await browser.context.route(`${E2E_HOST}/shell/**`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: `<!doctype html><html><head><meta charset="utf-8"><title>ERP</title></head><body><nav>订单 | 售后</nav><iframe id="tab" src="${E2E_HOST}/erp/orders" style="width: 1000px; height: 600px"></iframe></body></html>` }),
    );
    await browser.context.route(`${E2E_HOST}/wc/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: COMPONENT_PAGE }));
    await browser.context.route(`${E2E_HOST}/attr/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: ATTRIBUTE_PAGE }));
    await enableSite(dashboard, browser.extensionId, E2E_HOST);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('badges ids split across spans, in link targets, titles and mailto links, one badge per buyer per row, and no year, price or count', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${E2E_HOST}/erp/orders`);
    const wanted = (await rows(page)).map(([want]) => [want, want ? [want] : []]);
    await expect.poll(() => rows(page), { timeout: 15_000 }).toEqual(wanted);
    // Never inside a link: the badge follows the link.
    expect(await page.locator('a tm-badge').count()).toBe(0);
    await page.close();
  });

  it('badges the same list inside a frame of the console, and the popup counts the frame’s badges', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${E2E_HOST}/shell/orders`);
    const frame = page.frameLocator('#tab');
    await frame.locator('#orders tbody tr').first().waitFor();
    const inFrame = () =>
      Promise.all(Array.from({ length: 8 }, async (_, i) => {
        const row = frame.locator('#orders tbody tr').nth(i);
        return [(await row.getAttribute('data-want')) ?? '', (await badgesIn(row)).map((badge) => badge.customerKey ?? '?')];
      }));
    const wanted = (await inFrame()).map(([want]) => [want, want ? [want] : []]);
    await expect.poll(inFrame, { timeout: 15_000 }).toEqual(wanted);
    const badged = wanted.filter(([want]) => want).length;
    // The popup asks the tab: the top frame answers, with the badges of its frame.
    const status = await dashboard.evaluate(`chrome.tabs.query({ url: ${JSON.stringify(`${E2E_HOST}/shell/orders`)} }).then(([tab]) => chrome.tabs.sendMessage(tab.id, { id: 1, type: 'pageStatus', data: {}, timestamp: Date.now() }))`);
    expect(status).toMatchObject({ res: { host: new URL(E2E_HOST).host, console: 'identifiers', badges: badged } });
    await page.close();
  });

  it('badges order numbers inside web components’ shadow roots, nested ones too, and follows a card that renders another order', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${E2E_HOST}/wc/orders`);
    // Playwright's locators go into open shadow roots.
    const cards = page.locator('order-card');
    await expect.poll(() => customerOf(cards.nth(0)), { timeout: 15_000 }).toBe('taobao:张三丰');
    expect(await badgesIn(cards.nth(1))).toEqual([]);
    // The card is reused for another order: its old badge goes, the new buyer's comes.
    await page.evaluate(`document.querySelector('order-list').shadowRoot.querySelector('order-card').setAttribute('order', '2847561230003')`);
    await expect.poll(() => customerOf(cards.nth(0))).toBe('taobao:lily_2019');
    expect((await badgesIn(cards.nth(0))).length).toBe(1);
    await page.close();
  });

  it('reads a described console’s identifier from the attribute the seller names, and matches identifiers in the rest of the page', async () => {
    await dashboard.goto(`chrome-extension://${browser.extensionId}/options.html#sites`);
    await describeConsole(dashboard, { urlPattern: `${E2E_HOST}/attr/*`, rowSelector: '#list .row', identifierSelector: 'a.open', identifierAttribute: 'href', regex: 'id=(\\d+)' });
    await dashboard.locator(`[data-custom="${E2E_HOST}/attr/*"]`).waitFor();
    const page = await browser.context.newPage();
    await page.goto(`${E2E_HOST}/attr/orders`);
    const rows = page.locator('#list .row');
    await expect.poll(() => customerOf(rows.nth(0)), { timeout: 15_000 }).toBe('taobao:茶友小王');
    expect(await badgesIn(rows.nth(1))).toEqual([]);
    // Outside the described rows, identifier matching still badges the pinned order.
    await expect.poll(() => customerOf(page.locator('.pinned'))).toBe('taobao:张三丰');
    // Only the link target changes, as a reused row's would: the badge follows it.
    await page.evaluate(() => document.querySelector('#list .row a')!.setAttribute('href', '/o/view?id=2847561230003'));
    await expect.poll(() => customerOf(rows.nth(0))).toBe('taobao:lily_2019');
    await page.close();
  });
});
