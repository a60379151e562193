import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, fixture } from '../helpers';
import { importAndScore, openEmptyDashboard, type LoadedExtension } from './extension';
import { badgesIn, customerOf, describedBadges, labelsOf } from './badges';

const ORDERS = 'https://admin.shopify.com/store/tea-house/orders';
const JD_ORDERS = 'https://porder.shop.jd.com/order/orderlist/allOrders';
const DOUYIN_ORDERS = 'https://fxg.jinritemai.com/ffa/morder/order/list';

const serve = (browser: LoadedExtension, pattern: string, fixtureName: string) => {
  const body = readFileSync(join(FIXTURES, 'sites', fixtureName), 'utf8');
  return browser.context.route(pattern, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body }));
};

// One store with three shops' exports: each console's badges come from its own platform's customers.
describe('badges on the Shopify admin, JD and 抖店 order lists', () => {
  let browser: LoadedExtension;
  let admin: Page;
  let jd: Page;
  let douyin: Page;

  beforeAll(async () => {
    let dashboard: Page;
    ({ browser, page: dashboard } = await openEmptyDashboard());
    await importAndScore(dashboard, fixture('shopify-orders-79.csv'));
    await importAndScore(dashboard, fixture('jd-orders.gbk.csv'));
    await importAndScore(dashboard, fixture('douyin-orders.csv'));
    // Two different Shopify customers who are both called Wei Wang.
    const header = readFileSync(fixture('shopify-orders-79.csv'), 'utf8').split('\n')[0]!;
    const order = (name: string, email: string) => [name, email, 'paid', '', '', '', '', 'USD', '10.00', '0', '0', '10.00', '', '0', '', '2023-05-01 10:00:00 -0500', '1', 'Tea', '10.00', '', '', '', '', '', 'Wei Wang'].join(',');
    const namesakes = join(mkdtempSync(join(tmpdir(), 'tiermark-namesakes-')), 'namesakes.csv');
    writeFileSync(namesakes, [header, order('#2001', 'wei.a@example.com'), order('#2002', 'wei.b@example.com'), ''].join('\n'));
    await importAndScore(dashboard, namesakes);
    await serve(browser, 'https://admin.shopify.com/**', 'shopify-admin/orders.html');
    await serve(browser, 'https://porder.shop.jd.com/**', 'jd-orders/orderlist.html');
    await serve(browser, 'https://fxg.jinritemai.com/**', 'douyin-orders/order-list.html');
    admin = await browser.context.newPage();
    await admin.goto(ORDERS);
    jd = await browser.context.newPage();
    await jd.goto(JD_ORDERS);
    douyin = await browser.context.newPage();
    await douyin.goto(DOUYIN_ORDERS);
  });
  afterAll(async () => {
    await browser?.close();
  });

  // Badges the lookup has described: whose they are (the badge index may put them in first).
  const tierOf = async (locator: Parameters<typeof labelsOf>[0]) => (await labelsOf(locator))[0] ?? null;
  const badgeOf = (order: string) => admin.locator('tr', { has: admin.locator('a', { hasText: new RegExp(`^${order}$`) }) }).locator('tm-badge');

  it('badges each order by its name, on the right customer', async () => {
    await expect.poll(() => describedBadges(admin), { timeout: 15_000 }).toBe(3);
    expect(await customerOf(badgeOf('#1001'))).toBe('shopify:ada@example.com');
    // 184.50 USD: past the ladder's 150 USD top rung.
    expect(await tierOf(badgeOf('#1001'))).toBe('Premier VIP');
    expect(await customerOf(badgeOf('#1003'))).toBe('shopify:grace@example.com');
    // Linus's only order was not a purchase: known, but no tier yet.
    expect(await tierOf(badgeOf('#1007'))).toBe('Customer');
    // A customer not in the imports, and a guest checkout, get nothing.
    expect(await badgeOf('#1099').count()).toBe(0);
    expect(await badgeOf('#1005').count()).toBe(0);
  });

  it('follows the Shopify admin reusing its rows on paging: each row’s badge is its current order’s, or none', async () => {
    await admin.goto(ORDERS);
    await expect.poll(() => describedBadges(admin), { timeout: 15_000 }).toBe(3);
    const rows = admin.locator('#orders-body tr');
    // Polaris keeps the row elements and rewrites their text and id: order name, customer, row id.
    const show = (orders: Array<[string, string, string]>) =>
      admin.evaluate((list) => {
        const rowElements = [...document.querySelectorAll('#orders-body tr')];
        list.forEach(([id, name, customer], i) => {
          const row = rowElements[i]!;
          row.id = `gid://shopify/Order/${id}`;
          row.querySelector('a[data-primary-link] span')!.textContent = name;
          row.querySelector('._CustomerCell_8yz5c_1 span')!.textContent = customer;
        });
      }, orders);
    const customers = async () => Promise.all([0, 1, 2, 3].map((i) => customerOf(rows.nth(i))));
    await show([['5550003', '#1003', 'Grace Hopper'], ['5550099', '#1099', 'Someone New'], ['5550001', '#1001', 'Ada Lovelace'], ['5550007', '#1007', 'Linus T']]);
    await expect.poll(customers, { timeout: 15_000 }).toEqual(['shopify:grace@example.com', null, 'shopify:ada@example.com', expect.stringMatching(/^shopify:/)]);
    await show([['5550001', '#1001', 'Ada Lovelace'], ['5550003', '#1003', 'Grace Hopper'], ['5550007', '#1007', 'Linus T'], ['5550099', '#1099', 'Someone New']]);
    await expect.poll(customers).toEqual(['shopify:ada@example.com', 'shopify:grace@example.com', expect.stringMatching(/^shopify:/), null]);
    for (const i of [0, 1, 2, 3]) expect((await badgesIn(rows.nth(i))).length).toBeLessThanOrEqual(1);
  });

  it('badges JD orders by order number and 下单账号, and not an order of a masked stranger', async () => {
    const badge = (order: string) => jd.locator(`tr[data-row-key="${order}"] tm-badge`);
    await expect.poll(() => describedBadges(jd), { timeout: 15_000 }).toBe(2);
    expect(await customerOf(badge('301234567890'))).toBe('jd:jd_zhangwei');
    // 535 yuan: past 高级会员's 400 (the page is in English here: Senior member).
    expect(await tierOf(badge('301234567891'))).toBe('Senior member');
    expect(await badge('309999999999').count()).toBe(0);
  });

  it('badges 抖店 orders by order number and 用户ID, and not an order of a masked buyer', async () => {
    const badge = (order: string) => douyin.locator(`tr[data-row-key="${order}"] tm-badge`);
    await expect.poll(() => describedBadges(douyin), { timeout: 15_000 }).toBe(2);
    expect(await customerOf(badge('6921000000000002'))).toBe('douyin:88001001');
    expect(await tierOf(badge('6921000000000001'))).toBe('Member');
    expect(await badge('6921000000000099').count()).toBe(0);
  });

  it('marks a name two customers share as ambiguous, listing both, never guessing', async () => {
    // An order the store does not know, by a customer shown only by name.
    const page = readFileSync(join(FIXTURES, 'sites/shopify-admin/orders.html'), 'utf8').replaceAll('#1099', '#3001').replace('Someone New', 'Wei Wang');
    await browser.context.route(`${ORDERS}?ambiguous=1`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: page }));
    await admin.goto(`${ORDERS}?ambiguous=1`);
    const row = admin.locator('tr', { has: admin.locator('a', { hasText: /^#3001$/ }) });
    await expect.poll(async () => (await badgesIn(row)).filter((b) => b.tooltip !== '').length, { timeout: 15_000 }).toBe(1);
    const [badge] = await badgesIn(row);
    expect(badge).toMatchObject({ ambiguous: 2, customerKey: null, labels: ['2 customers share this'] });
    expect(badge!.tooltip).toMatch(/^2 customers share this: (wei\.a@example\.com, wei\.b@example\.com|wei\.b@example\.com, wei\.a@example\.com)$/);
  });

  it('gives every badge on a long list one width, the widest look the shop shows, so that the order column widens once, with the first badge', async () => {
    // 300 rows: the first screen all Linus's narrow "Customer", then Ada's Premier VIP and the others, in the later turns.
    const fixturePage = readFileSync(join(FIXTURES, 'sites/shopify-admin/orders.html'), 'utf8');
    const template = fixturePage.slice(fixturePage.indexOf('<tr id="gid://shopify/Order/5550001"'), fixturePage.indexOf('</tr>', fixturePage.indexOf('<tr id="gid://shopify/Order/5550001"')) + 5);
    const names = Array.from({ length: 300 }, (_, i) => (i < 24 ? '#1007' : ['#1001', '#1003', '#2001', '#1007', '#1004', '#1002'][i % 6]!));
    const rows = names.map((name, i) => template.replaceAll('5550001', String(7_000_000 + i)).replaceAll('#1001', name));
    const start = fixturePage.indexOf('<tbody id="orders-body">') + '<tbody id="orders-body">'.length;
    const body = fixturePage.slice(0, start) + rows.join('\n') + fixturePage.slice(fixturePage.indexOf('</tbody>'));
    await browser.context.route(`${ORDERS}?long=1`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body }));
    const page = await browser.context.newPage();
    // The order column's width at each layout, and when the first badge went in.
    await page.addInitScript(() => {
      const seen = { widths: [] as Array<[number, number]>, firstBadge: Infinity };
      (window as unknown as { __seen: typeof seen }).__seen = seen;
      new MutationObserver((records) => {
        if (records.some((record) => [...record.addedNodes].some((node) => node.nodeName === 'TM-BADGE'))) seen.firstBadge = Math.min(seen.firstBadge, performance.now());
      }).observe(document, { childList: true, subtree: true });
      document.addEventListener('DOMContentLoaded', () => {
        const cell = document.querySelector('#orders-body tr td:nth-child(2)')!;
        new ResizeObserver((entries) => seen.widths.push([performance.now(), entries[0]!.contentRect.width])).observe(cell);
      });
    });
    await page.goto(`${ORDERS}?long=1`);
    // Every row within a window's height of the view badged (all 300 are known orders).
    const nearRows = () => page.evaluate(() => [...document.querySelectorAll('#orders-body tr')].filter((row) => row.getBoundingClientRect().bottom <= 2 * innerHeight).map((row) => row.querySelectorAll('.tm-badge-host').length));
    await expect.poll(async () => (await nearRows()).every((n) => n === 1), { timeout: 15_000 }).toBe(true);
    expect((await nearRows()).length).toBeGreaterThan(40);
    const shown = await page.evaluate(() => {
      const seen = (window as unknown as { __seen: { widths: Array<[number, number]>; firstBadge: number } }).__seen;
      return {
        badgeWidths: [...document.querySelectorAll('.tm-badge-host')].map((badge) => Math.round(badge.getBoundingClientRect().width * 2) / 2),
        columnWidths: seen.widths.filter(([at]) => at >= seen.firstBadge).map(([, width]) => width),
      };
    });
    const looks = new Set((await badgesIn(page.locator('#orders-body tr'))).map((badge) => badge.labels.join(' · ')));
    // Looks of different widths, every badge as wide as the widest.
    expect(looks.size).toBeGreaterThan(1);
    expect(new Set(shown.badgeWidths).size).toBe(1);
    // The column as wide after the last badge as after the first: no later turn laid the whole table out again.
    expect(shown.columnWidths.length).toBeGreaterThan(0);
    expect(new Set(shown.columnWidths).size).toBe(1);
    // A table of fixed column widths, whose badges would only break their lines: each badge its own width.
    await browser.context.route(`${ORDERS}?long=1&fixed=1`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: body.replace('</head>', '<style>table { table-layout: fixed; width: 100%; }</style></head>') }));
    await page.goto(`${ORDERS}?long=1&fixed=1`);
    await expect.poll(async () => (await nearRows()).every((n) => n === 1), { timeout: 15_000 }).toBe(true);
    const fixedWidths = await page.evaluate(() => [...document.querySelectorAll('.tm-badge-host')].map((badge) => Math.round(badge.getBoundingClientRect().width * 2) / 2));
    expect(new Set(fixedWidths).size).toBeGreaterThan(1);
    await page.close();
  });

  it('keeps the places of the badges past the first screen’s in the task that shows the rows: each badge fills its own place, a stranger’s place goes', async () => {
    // In front: a tab behind others gets a frame a second, and the later turns go by frames.
    await admin.bringToFront();
    await admin.goto(ORDERS);
    await expect.poll(() => describedBadges(admin), { timeout: 15_000 }).toBe(3);
    // The list re-rendered with 120 orders: every fifth a customer not in the imports.
    const fixturePage = readFileSync(join(FIXTURES, 'sites/shopify-admin/orders.html'), 'utf8');
    const from = fixturePage.indexOf('<tr id="gid://shopify/Order/5550001"');
    const template = fixturePage.slice(from, fixturePage.indexOf('</tr>', from) + 5);
    const names = Array.from({ length: 120 }, (_, i) => (i % 5 === 2 ? '#1099' : ['#1001', '#1003', '#1007', '#1004', '#1002'][i % 5]!));
    // Known by their order names alone: no customer's name in the rows.
    const html = names.map((name, i) => template.replaceAll('5550001', String(7_100_000 + i)).replaceAll('#1001', name).replace('Ada Lovelace', '—')).join('\n');
    const seen = await admin.evaluate(async (html) => {
      const body = document.getElementById('orders-body')!;
      body.innerHTML = html;
      // The overlay's observer runs first: what it put in the rows' task.
      await Promise.resolve();
      const rows = [...body.querySelectorAll('tr')];
      const inTask = rows.map((row) => row.querySelector('tm-badge'));
      const box = (element: Element | null) => {
        const rect = element?.getBoundingClientRect();
        return rect ? `${rect.width}×${rect.height}` : null;
      };
      const placeBoxes = inTask.map(box);
      const placeAttributes = inTask[30] ? [...inTask[30].attributes].map((a) => a.name).sort() : [];
      const classes = inTask.map((element) => element?.className ?? null);
      // Rows within a window's height below the view.
      const near = (row: Element) => row.getBoundingClientRect().top < 2 * innerHeight;
      const stranger = (i: number) => i % 5 === 2;
      const settled = () => rows.every((row, i) => !near(row) || (stranger(i) ? row.querySelector('tm-badge') === null : row.querySelector('.tm-badge-host') !== null));
      // Later turns wait for the page's frames to come at their pace again: on a busy machine, seconds.
      const deadline = performance.now() + 45_000;
      while (!settled() && performance.now() < deadline) await new Promise(requestAnimationFrame);
      return {
        classes,
        placeAttributes,
        settled: settled(),
        kept: rows.flatMap((row, i) => (i >= 20 && i < 60 && near(row) && !stranger(i) ? [{ i, same: row.querySelector('tm-badge') === inTask[i], host: row.querySelector('tm-badge')!.className, box: box(row.querySelector('tm-badge')), placed: placeBoxes[i] }] : [])),
        strangersNear: rows.filter((row, i) => stranger(i) && i < 60 && near(row)).length,
      };
    }, html);
    // The first screen's badges in the task; strangers none.
    expect(seen.classes.slice(0, 20)).toEqual(names.slice(0, 20).map((name) => (name === '#1099' ? null : 'tm-badge-host')));
    // The next 40 rows' places kept in the same task, strangers' too (their look was not known yet); none past them.
    expect(seen.classes.slice(20, 60)).toEqual(Array(40).fill('tm-badge-place'));
    expect(seen.classes.slice(60).every((name) => name === null)).toBe(true);
    // A place says nothing: no attribute but its class and its style.
    expect(seen.placeAttributes).toEqual(['class', 'style']);
    expect(seen.settled).toBe(true);
    // Each near customer's badge is the very element that kept its place, the same size: nothing else in the table moved.
    expect(seen.kept.length).toBeGreaterThan(10);
    for (const row of seen.kept) expect(row).toEqual({ i: row.i, same: true, host: 'tm-badge-host', box: row.placed, placed: row.placed });
    expect(seen.strangersNear).toBeGreaterThan(3);
    // On the right customers.
    const rows = admin.locator('#orders-body tr');
    expect(await customerOf(rows.nth(20))).toBe('shopify:ada@example.com');
    expect(await customerOf(rows.nth(21))).toBe('shopify:grace@example.com');
    expect(await tierOf(rows.nth(25))).toBe('Premier VIP');
  });

  it('badges the customer on a Shopify order page and on the customers list', async () => {
    await serve(browser, `${ORDERS}/5550003`, 'shopify-admin/order-1003.html');
    await serve(browser, 'https://admin.shopify.com/store/tea-house/customers', 'shopify-admin/customers.html');
    await admin.goto(`${ORDERS}/5550003`);
    const onOrder = admin.locator('a[href^="mailto:"] + tm-badge');
    await expect.poll(() => customerOf(onOrder), { timeout: 15_000 }).toBe('shopify:grace@example.com');
    // Beside an address, not in a table's cell: the badge is as wide as its own pills.
    expect(['auto', '0px']).toContain(await onOrder.evaluate((host) => getComputedStyle(host).minWidth));
    await admin.goto('https://admin.shopify.com/store/tea-house/customers');
    await expect.poll(() => describedBadges(admin), { timeout: 15_000 }).toBe(1);
    expect(await customerOf(admin.locator('tr', { hasText: 'Ada Lovelace' }).locator('tm-badge'))).toBe('shopify:ada@example.com');
  });

  it('leaves other admin pages alone', async () => {
    await admin.goto('https://admin.shopify.com/store/tea-house/products');
    await admin.waitForTimeout(1000);
    expect(await admin.locator('tm-badge').count()).toBe(0);
  });
});
