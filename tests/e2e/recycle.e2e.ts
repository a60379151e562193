import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers';
import { describeConsole, E2E_HOST, E2E_HOSTS_DIR, enableSite, importAndScore, openEmptyDashboard, type LoadedExtension } from './extension';
import { badgesIn, customerOf, inContentScript } from './badges';

/** Each order number of the shop's fixtures, with its buyer's customer key. */
const OWNER: Record<string, string> = {
  '2847561230001': 'taobao:茶友小王',
  '2847561230002': 'taobao:茶友小王',
  '2847561230003': 'taobao:lily_2019',
  '2847561230005': 'taobao:张三丰',
  '2847561230006': 'taobao:张三丰',
};
/** Order numbers the shop does not have (008's row in the export is refused for its date): their rows must have no badge. */
const STRANGERS = ['2847561239990', '2847561239991', '2847561239992'];

/**
 * A single-page console of the kind React and Vue build: a fixed set of row elements whose text
 * changes on paging, rows that move, and a virtual list that makes and drops rows on scroll.
 * `show(orders, how)` writes each row's order number as a new text (`text`) or into the same
 * text node (`data`, as React and Vue update text).
 */
const SPA_PAGE = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>订单 - SPA</title></head><body>
  <div id="list"></div>
  <script>
    const list = document.getElementById('list');
    for (let i = 0; i < 6; i += 1) {
      const row = document.createElement('div');
      row.className = 'r';
      row.innerHTML = '<span class="c">单号:<span class="oid"></span></span> <span class="c">茶叶</span>';
      list.append(row);
    }
    window.show = (orders, how) => orders.forEach((order, i) => {
      const cell = list.children[i].querySelector('.oid');
      if (how === 'data' && cell.firstChild && cell.firstChild.nodeType === 3) cell.firstChild.data = order;
      else cell.textContent = order;
    });
    window.moveLastToFirst = () => list.prepend(list.lastElementChild);
    window.show(${JSON.stringify(['2847561230001', '2847561230003', '2847561230005', STRANGERS[0], '2847561230008', '2847561230002'])}, 'text');
  </script>
</body></html>`;

/**
 * A virtual list of 60 orders in a 180-pixel window, each order's number only in its detail
 * link's target. `create` makes rows as they scroll in and drops those that scroll out; `pool`
 * keeps eight row elements and changes only their link's href, as pooled lists do.
 */
const VIRTUAL_PAGE = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>订单 - 虚拟列表</title>
  <style>#window { height: 180px; overflow: auto; position: relative; } #space { height: 1800px; } .v { position: absolute; left: 0; height: 30px; }</style></head><body>
  <div id="window"><div id="space"></div></div>
  <script>
    const known = ${JSON.stringify(Object.keys(OWNER))};
    const strangers = ${JSON.stringify(STRANGERS)};
    const orders = Array.from({ length: 60 }, (_, i) => (i % 4 === 3 ? strangers[i % 3] : known[i % known.length]));
    const win = document.getElementById('window');
    const pool = new URLSearchParams(location.search).get('mode') === 'pool';
    const rows = [];
    const render = () => {
      const first = Math.floor(win.scrollTop / 30);
      const wanted = orders.slice(first, first + 8).map((order, k) => [first + k, order]);
      if (pool) {
        while (rows.length < 8) { const row = document.createElement('div'); row.className = 'v'; row.innerHTML = '<a class="detail">详情</a> <span>茶叶</span>'; win.append(row); rows.push(row); }
        wanted.forEach(([index, order], k) => { rows[k].style.top = index * 30 + 'px'; rows[k].dataset.oid = order; rows[k].firstChild.setAttribute('href', '/order/detail?oid=' + order); });
      } else {
        for (const row of [...win.querySelectorAll('.v')]) if (!wanted.some(([index]) => String(index) === row.dataset.index)) row.remove();
        for (const [index, order] of wanted) {
          if (win.querySelector('.v[data-index="' + index + '"]')) continue;
          const row = document.createElement('div');
          row.className = 'v'; row.dataset.index = index; row.dataset.oid = order; row.style.top = index * 30 + 'px';
          row.innerHTML = '<a class="detail" href="/order/detail?oid=' + order + '">详情</a> <span>茶叶</span>';
          win.append(row);
        }
      }
    };
    win.addEventListener('scroll', render);
    render();
  </script>
</body></html>`;

/** Each rendered row of the virtual list: the order its link names, and the customer its badge is for. */
async function virtualRows(page: Page): Promise<Array<[string, string | null]>> {
  return inContentScript(
    page,
    `tiermarkInspector.badgesIn('#window .v').map((badges, i) => [document.querySelectorAll('#window .v')[i].dataset.oid, badges.length > 1 ? badges.length + ' badges' : (badges[0]?.customerKey ?? null)])`,
  );
}

/** The order number each row shows and the customer its badge is for (null: no badge), read in the content script. */
async function rows(page: Page): Promise<Array<[string, string | null]>> {
  return inContentScript(
    page,
    `[...document.querySelectorAll('#list .r')].map((row, i) => {
      const badges = tiermarkInspector.badgesIn('#list .r')[i];
      const oid = row.querySelector('.oid').firstChild?.textContent ?? '';
      return [oid, badges.length > 1 ? badges.length + ' badges' : (badges[0]?.customerKey ?? null)];
    })`,
  );
}

/** What every row should show: its current buyer's badge, or none for a stranger. */
const expected = (orders: string[]) => orders.map((order) => [order, OWNER[order] ?? null]);

describe('badges on a console that reuses its rows', () => {
  let browser: LoadedExtension;
  let dashboard: Page;

  beforeAll(async () => {
    ({ browser, page: dashboard } = await openEmptyDashboard({ extensionDir: E2E_HOSTS_DIR }));
    await importAndScore(dashboard, fixture('taobao-order-report.gbk.csv'));
    for (const path of ['spa', 'custom']) {
      await browser.context.route(`${E2E_HOST}/${path}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: SPA_PAGE }));
    }
    await browser.context.route(`${E2E_HOST}/virtual/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: VIRTUAL_PAGE }));
    await enableSite(dashboard, browser.extensionId, E2E_HOST);
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function pageThrough(page: Page): Promise<void> {
    const first = await page.evaluate(() => [...document.querySelectorAll('#list .oid')].map((cell) => cell.textContent ?? ''));
    await expect.poll(() => rows(page), { timeout: 15_000 }).toEqual(expected(first));
    // Page 2, then page 1 again, then page 2 with the text written into the same text nodes.
    const pages: Array<[string[], 'text' | 'data']> = [
      [['2847561230006', STRANGERS[1]!, '2847561230001', '2847561230003', '2847561230002', '2847561230008'], 'text'],
      [first, 'text'],
      [['2847561230005', '2847561230002', STRANGERS[2]!, '2847561230006', '2847561230001', '2847561230003'], 'data'],
      [[STRANGERS[0]!, '2847561230008', '2847561230005', STRANGERS[1]!, '2847561230003', '2847561230006'], 'data'],
    ];
    for (const [orders, how] of pages) {
      await page.evaluate(([list, mode]) => (window as unknown as { show(o: string[], h: string): void }).show(list as string[], mode as string), [orders, how] as const);
      await expect.poll(() => rows(page), { timeout: 15_000 }).toEqual(expected(orders));
    }
    // A row moved to the top keeps its own badge, and no other.
    const before = await rows(page);
    await page.evaluate(() => (window as unknown as { moveLastToFirst(): void }).moveLastToFirst());
    await expect.poll(() => rows(page)).toEqual([before[before.length - 1], ...before.slice(0, -1)]);
  }

  it('gives every reused row the badge of the order it now shows, by identifier matching', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${E2E_HOST}/spa/orders`);
    await pageThrough(page);
    await page.close();
  });

  it('does the same with the seller’s own description of the console', async () => {
    await describeConsole(dashboard, { urlPattern: `${E2E_HOST}/custom/*`, rowSelector: '#list .r', identifierSelector: '.oid' });
    await dashboard.locator(`[data-custom="${E2E_HOST}/custom/*"]`).waitFor();
    const page = await browser.context.newPage();
    await page.goto(`${E2E_HOST}/custom/orders`);
    await pageThrough(page);
    await page.close();
  });

  it('never leaves the history card of a row’s old buyer open beside its new order', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${E2E_HOST}/spa/orders`);
    const row = page.locator('#list .r').first();
    await expect.poll(() => customerOf(row), { timeout: 15_000 }).toBe('taobao:茶友小王');
    await row.locator('tm-badge').click();
    await page.locator('tm-card').waitFor();
    await page.evaluate(() => (window as unknown as { show(o: string[], h: string): void }).show(['2847561230005'], 'data'));
    await expect.poll(() => page.locator('tm-card').count()).toBe(0);
    await expect.poll(() => customerOf(row)).toBe('taobao:张三丰');
    expect(await badgesIn(row)).toHaveLength(1);
    await page.close();
  });

  for (const mode of ['create', 'pool'] as const) {
    it(`keeps a virtual list's badges right as it scrolls (${mode === 'create' ? 'rows made and dropped' : 'pooled rows whose link target alone changes'})`, async () => {
      const page = await browser.context.newPage();
      await page.goto(`${E2E_HOST}/virtual/orders?mode=${mode}`);
      const wanted = (rows: Array<[string, string | null]>) => rows.map(([order]) => [order, OWNER[order] ?? null]);
      await expect.poll(async () => (await virtualRows(page)).filter(([, customer]) => customer).length, { timeout: 15_000 }).toBeGreaterThan(0);
      for (const top of [0, 95, 400, 1210, 30, 1620, 600]) {
        await page.evaluate((y) => document.getElementById('window')!.scrollTo(0, y), top);
        await expect.poll(async () => {
          const rows = await virtualRows(page);
          // Six rows at the end of the list, eight elsewhere; each with its own order's badge.
          return rows.length >= 6 && JSON.stringify(rows) === JSON.stringify(wanted(rows));
        }, { timeout: 15_000 }).toBe(true);
      }
      await page.close();
    });
  }
});
