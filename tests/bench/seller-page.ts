// A 500-order Shopify admin page of the shop's own orders, loaded five times: what a page gets
// from the badge index, how soon its badges come, and the longest frames (used by -- browser and -- scale).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { storedEntries, type LoadedExtension } from '../e2e/extension';
import { FIXTURES } from '../helpers';
import { watchLoad } from './watch-load';

const fmt = (n: number, digits = 2) => n.toFixed(digits);

/**
 * A 500-order Shopify admin list of this shop's own orders, loaded five times: what the page gets
 * from the badge index (its rows' looks, not the shop's), how soon the badges come, the longest frames,
 * against the same page where no adapter runs (/products). The rows are there before the content
 * script, so they are looked up, then badged a share a frame.
 */
export async function sellerPageBench(browser: LoadedExtension, dashboard: Page, customers: number): Promise<string[]> {
  const orders = Object.keys(await storedEntries(dashboard, 'aliases', 40))
    .filter((key) => key.startsWith('order:'))
    .map((key) => key.slice('order:'.length))
    .slice(0, 500);
  // What a tab gets: the looks of its rows, asked as a seller page asks (the messaging library's
  // envelope), against the index the rescore wrote.
  const rows = JSON.stringify(orders.map((name) => [{ kind: 'order', value: name.replace(/^#?/, '#') }]));
  const index = (await dashboard.evaluate(`(async () => {
    const ask = (data) => new Promise((ok) => chrome.runtime.sendMessage({ id: 1, type: 'badgeLooks', data, timestamp: Date.now() }, (reply) => ok(reply.res)));
    const db = await new Promise((ok) => { const open = indexedDB.open('tiermark'); open.onsuccess = () => ok(open.result); });
    const read = (store, key) => new Promise((ok) => { const get = db.transaction(store).objectStore(store)[key === undefined ? 'count' : 'get'](key); get.onsuccess = () => ok(get.result); });
    const head = await read('meta', 'badgeIndex');
    const answer = await ask({ platform: 'shopify', rows: ${rows}, language: 'en' });
    return { entries: head.entries, shards: await read('badgeShards'), looks: head.looks.length, bytes: JSON.stringify(answer).length, badged: answer.looks.filter(Boolean).length };
  })()`)) as { entries: number; shards: number; looks: number; bytes: number; badged: number };
  const { load, close } = await sellerPage(browser, orders);
  // Each page alone first, so that its own first, cold load counts against the page and not Tiermark.
  type Load = Awaited<ReturnType<typeof load>>;
  const loads: Load[] = [];
  const alone: Load[] = [];
  for (let i = 0; i < 5; i += 1) {
    alone.push(await load('products', 0));
    loads.push(await load('orders', orders.length));
  }
  await close();
  console.log(`seller page, ${customers.toLocaleString('en')} customers  badge index ${index.entries.toLocaleString('en')} identifiers in ${index.shards.toLocaleString('en')} shards, ${index.looks} looks; the ${orders.length}-row page's looks answer ${fmt(index.bytes / 1e3, 1)} kB (${index.badged} badged)`);
  loads.forEach((run, i) => {
    console.log(`  load ${i + 1}: ${run.badges} of the ${run.near} orders near the view badged (of ${orders.length}), the first ${fmt(run.firstMs ?? NaN, 0)} ms and the last ${fmt(run.allMs ?? NaN, 0)} ms after DOMContentLoaded; longest frame before the first badge ${fmt(run.startingMs, 0)} ms (the main thread held ${fmt(run.startingBlockingMs, 0)} ms past 50), after it ${fmt(run.badgingMs, 0)} ms (0 = none over 50), the main thread held ${fmt(run.badgingBlockingMs, 0)} ms past 50 in it`);
  });
  const badging = Math.max(...loads.map((run) => run.badgingMs));
  const blocking = Math.max(...loads.map((run) => run.badgingBlockingMs));
  // The issue's target is Tiermark's tasks; the frames, waits for the compositor included, are the stricter measure.
  console.log(`  while badging: the main thread held past 50 ms at a time (a task and its rendering) ${blocking > 0 ? `${fmt(blocking, 0)} ms past` : 'never'}  (target no task over 50 ms)  ${blocking > 0 ? 'MISSED' : 'ok'}`);
  console.log(`  longest frame while badging ${fmt(badging, 0)} ms, waits for the compositor included  (none over 50 ms: stricter than the target)  ${badging <= 50 ? 'ok' : 'over'}`);
  // A page's first change after loading lays it out and paints it afresh (Chromium's caches from
  // the parse do not serve it): Tiermark's first turn after the page's first frame is that change.
  const changes = (k: number) => alone.map((run) => run.changesMs[k]!).sort((a, b) => a - b);
  console.log(`  the page alone, its own first change after loading (a row's date rewritten): its frame ${changes(0).map((ms) => fmt(ms, 0)).join(', ')} ms; a second change ${changes(1).map((ms) => fmt(ms, 0)).join(', ')} ms`);
  const starting = Math.max(...loads.map((run) => run.startingMs));
  const startingBlocking = Math.max(...loads.map((run) => run.startingBlockingMs));
  // Judged as the badging is: by the main thread held, the frames' length the stricter measure.
  console.log(`  between DOMContentLoaded and the first badge: the main thread held past 50 ms at a time ${startingBlocking > 0 ? `${fmt(startingBlocking, 0)} ms past` : 'never'}  (target no task over 50 ms)  ${startingBlocking > 0 ? 'MISSED' : 'ok'}`);
  console.log(`  longest frame starting then ${fmt(starting, 0)} ms; the page alone, starting after DOMContentLoaded, ${fmt(Math.max(...alone.map((run) => run.startingMs)), 0)} ms  (none over 50 ms: stricter than the target)  ${starting <= 50 ? 'ok' : 'over'}`);
  return orders;
}

/** The 500-order list served at the Shopify admin's address in this browser; `load` opens it and times its badges. */
async function sellerPage(browser: LoadedExtension, orders: readonly string[]) {
  const fixture = readFileSync(join(FIXTURES, 'sites/shopify-admin/orders.html'), 'utf8');
  const template = fixture.slice(fixture.indexOf('<tr id="gid://shopify/Order/5550005"'), fixture.lastIndexOf('</tr>') + 5);
  const pageRows = orders.map((name, i) => template.replaceAll('5550005', String(8_000_000 + i)).replaceAll('#1005', name.replace(/^#?/, '#')).replace('$30.00', `$${(20 + (i % 80)).toFixed(2)}`));
  const body = fixture.slice(0, fixture.indexOf('<tbody id="orders-body">') + '<tbody id="orders-body">'.length) + pageRows.join('\n') + fixture.slice(fixture.indexOf('</tbody>'));
  await browser.context.route('https://admin.shopify.com/store/**', (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body }));
  const page = await browser.context.newPage();
  // The orders' rows, not the table's header row.
  await page.addInitScript(watchLoad('tbody tr'));
  await page.bringToFront();
  const load = async (path: string, rows: number) => {
    await page.goto(`https://admin.shopify.com/store/tea-house/${path}`);
    return (await page.evaluate(`(async () => {
      // Every row within a window's height of the view: Tiermark badges the rest as the seller scrolls near them.
      const deadline = new Promise((r) => setTimeout(r, ${rows > 0 ? 30_000 : 5_000}));
      await Promise.race([window.__load.badged(1), deadline]);
      const near = ${rows} > 0 ? await window.__load.nearBadged(deadline) : window.__load.near();
      await new Promise((r) => setTimeout(r, 1000));
      const ready = performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd;
      const times = near.filter((row) => window.__load.badgedAt.has(row)).map((row) => window.__load.badgedAt.get(row));
      const first = times.length ? Math.min(...times) : Infinity;
      return {
        near: near.length,
        badges: times.length,
        firstMs: times.length ? first - ready : null,
        allMs: times.length ? Math.max(...times) - ready : null,
        // Frames that start after DOMContentLoaded and before the first badge: Tiermark starts then
        // (at document_idle); the page's own first layout of its rows starts before it.
        startingMs: Math.max(0, ...window.__load.frames.filter((f) => f.startTime >= ready && f.startTime < first).map((f) => f.duration)),
        startingBlockingMs: Math.max(0, ...window.__load.frames.filter((f) => f.startTime >= ready && f.startTime < first).map((f) => f.blockingDuration)),
        // Frames that start after the first badge: the page does nothing then, so these are Tiermark's turns.
        badgingMs: Math.max(0, ...window.__load.frames.filter((f) => f.startTime >= first).map((f) => f.duration)),
        // Of those, the main thread held past 50 ms at a time: a task's time past 50 ms, the rendering
        // counted with the task before it (the frame's blockingDuration). A frame long only while the
        // compositor rasters the page's first paint holds none.
        badgingBlockingMs: Math.max(0, ...window.__load.frames.filter((f) => f.startTime >= first).map((f) => f.blockingDuration)),
        // The page alone: what its own first change after loading costs (one row's date rewritten), and a second one.
        changesMs: ${rows} > 0 ? [] : await (async () => {
          const cells = [...document.querySelectorAll('tbody tr td:nth-child(3) span')];
          const spent = [];
          for (const cell of cells.slice(3, 5)) {
            await new Promise((r) => requestAnimationFrame(r));
            const start = performance.now();
            // The frame's rendering, up to the task after it.
            const rendered = new Promise((r) => requestAnimationFrame(() => setTimeout(() => r(performance.now() - start), 0)));
            cell.textContent = 'Mar 2 at 10:00 am';
            spent.push(await rendered);
            await new Promise((r) => setTimeout(r, 300));
          }
          return spent;
        })(),
      };
    })()`)) as { near: number; badges: number; firstMs: number | null; allMs: number | null; startingMs: number; badgingMs: number; badgingBlockingMs: number; startingBlockingMs: number; changesMs: number[] };
  };
  return { load, close: () => page.close() };
}

/**
 * The first load of the seller page after the browser has started again with the shop: the
 * worker, its caches and the store all cold (target: first badge ≤ 300 ms after DOMContentLoaded).
 */
export async function firstLoadAfterStart(browser: LoadedExtension, orders: readonly string[]): Promise<number | null> {
  const { load, close } = await sellerPage(browser, orders);
  const run = await load('orders', orders.length);
  await close();
  const ok = run.firstMs !== null && run.firstMs <= 300;
  console.log(`seller page, first load after the browser starts: ${run.badges} of the ${run.near} orders near the view badged (of ${orders.length}), the first ${fmt(run.firstMs ?? NaN, 0)} ms and the last ${fmt(run.allMs ?? NaN, 0)} ms after DOMContentLoaded  (target first ≤ 300 ms)  ${ok ? 'ok' : 'MISSED'}`);
  return run.firstMs;
}
