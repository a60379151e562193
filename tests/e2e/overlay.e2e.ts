import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, fixture } from '../helpers';
import { importAndScore, lastRescore, openEmptyDashboard, storedEntries, storeRuleFile, THANK_YOU_CALLS, type LoadedExtension } from './extension';
import { cardElements, cardText, clickInCard, customerOf, describedBadges, inContentScript, labelsOf, tiersIn, tooltipOf } from './badges';

const SOLD_ITEMS = 'https://trade.taobao.com/trade/itemlist/list_sold_items.htm';

describe('badges on Taobao 已卖出的宝贝', () => {
  let browser: LoadedExtension;
  let dashboard: Page;
  let seller: Page;
  /** Every request the seller page made: the page itself, and nothing from Tiermark. */
  const requests: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    ({ browser, page: dashboard } = await openEmptyDashboard());
    // A follow-up for every buyer, due today: the shipped ones leave customers two years gone alone.
    await storeRuleFile(dashboard, 'thank-you.json', THANK_YOU_CALLS);
    await importAndScore(dashboard, fixture('taobao-order-report.gbk.csv'));
    // The saved page is served at the console's real address, so the manifest's URL matching is tested too.
    const body = readFileSync(join(FIXTURES, 'sites/taobao-sold/list_sold_items.html'), 'utf8');
    await browser.context.route('https://trade.taobao.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body }));
    seller = await browser.context.newPage();
    seller.on('request', (request) => requests.push(request.url()));
    seller.on('dialog', (dialog) => void dialogs.push(dialog.message()));
    await seller.goto(SOLD_ITEMS);
  });
  afterAll(async () => {
    await browser?.close();
  });

  const badgeOf = (order: string) => seller.locator('.trade-order-main', { hasText: order }).locator('tm-badge');

  it('puts the buyer’s tier after their name on each order, and nothing on a stranger’s', async () => {
    await expect.poll(() => describedBadges(seller), { timeout: 15_000 }).toBe(3);
    expect(await customerOf(badgeOf('2847561230001'))).toBe('taobao:茶友小王');
    // The tier, then the RFM segment; the tooltip, drawn in the shadow root, sums the customer up.
    expect((await labelsOf(badgeOf('2847561230001'))).slice(0, 2)).toEqual(['Member', 'Important to retain']);
    expect(await tooltipOf(badgeOf('2847561230001'))).toMatch(/^茶友小王 · Member · 2 orders · 384\.00 CNY · last \d+ days ago/);
    expect(await customerOf(badgeOf('2847561230005'))).toBe('taobao:张三丰');
    expect(await badgeOf('3920000000000001').count()).toBe(0);
    // The badge sits right after the buyer's chat link.
    const next = await seller.locator('.trade-order-main', { hasText: '2847561230003' }).locator('a.ww-inline').evaluate((a) => a.nextElementSibling?.tagName);
    expect(next).toBe('TM-BADGE');
  });

  it('keeps the page’s styles out of the badge', async () => {
    // The page sets every span to 20px with !important; the badge's pills are spans in a shadow root.
    await badgeOf('2847561230001').evaluate((host) => host.setAttribute('data-tm-probe', 'styled'));
    const size = await inContentScript(seller, `tiermarkInspector.pillStyle('[data-tm-probe="styled"]', 'font-size')`);
    expect(size).toBe('12px');
    // Rules of the page's for the host itself, !important and all, lose to the host's own style.
    const rules = await seller.addStyleTag({ content: 'tm-badge, .tm-badge-host { display: none !important; margin: 40px !important; font-size: 30px !important; outline: 3px solid red !important; }' });
    const host = await badgeOf('2847561230001').evaluate((element) => {
      const style = getComputedStyle(element);
      return { display: style.display, marginLeft: style.marginLeft, fontSize: style.fontSize, outline: style.outlineStyle };
    });
    expect(host).toEqual({ display: 'inline-flex', marginLeft: '6px', fontSize: '12px', outline: 'none' });
    await rules.evaluate((element) => (element as Element).remove());
  });

  it('draws the tooltip while the mouse is on the badge, and with a ring while the keyboard’s focus is', async () => {
    await badgeOf('2847561230001').evaluate((host) => host.setAttribute('data-tm-probe', 'tip'));
    const tipShown = () => inContentScript<boolean>(seller, `tiermarkInspector.tipShown('[data-tm-probe="tip"]')`);
    const ring = () => badgeOf('2847561230001').evaluate((host) => getComputedStyle(host).outlineStyle);
    await seller.mouse.move(2, 2);
    await badgeOf('2847561230001').hover();
    await expect.poll(tipShown).toBe(true);
    await seller.mouse.move(2, 2);
    await expect.poll(tipShown).toBe(false);
    await expect.poll(() => seller.locator('tm-card').count()).toBe(0);
    // From the chat link before it, Tab gives the badge the keyboard's focus.
    await seller.locator('.trade-order-main', { hasText: '2847561230001' }).locator('a.ww-inline').focus();
    await seller.keyboard.press('Tab');
    expect(await badgeOf('2847561230001').evaluate((host) => document.activeElement === host)).toBe(true);
    expect(await tipShown()).toBe(true);
    expect(await ring()).toBe('solid');
    await seller.keyboard.press('Shift+Tab');
    expect(await tipShown()).toBe(false);
    expect(await ring()).toBe('none');
  });

  it('badges the new rows when the console re-renders the list on paging, in the task that shows them', async () => {
    const tiers = () => tiersIn(seller, '.trade-order-main');
    // Rows this page never showed: their badges come from the shop's badge index, before the page
    // lays them out. Clicked and read in the content script's world, in one task.
    const inTask = await inContentScript<Array<string | null>>(
      seller,
      `(async () => { document.getElementById('next-page').click(); await Promise.resolve(); return tiermarkInspector.badgesIn('.trade-order-main').map((b) => b[0]?.labels[0] ?? null); })()`,
    );
    expect(inTask).toHaveLength(2);
    // Then the lookup says whose each badge is, and the badge stays as it was.
    await expect.poll(() => customerOf(badgeOf('2847561230006')), { timeout: 15_000 }).toBe('taobao:张三丰');
    await expect.poll(() => customerOf(badgeOf('2847561230002'))).toBe('taobao:茶友小王');
    expect(await tiers()).toEqual(inTask);
    expect(inTask[0]).toBe('Member');
    expect(await seller.locator('tm-badge').count()).toBe(2);
  });

  it('badges a 500-row list by its first screen in the task that shows it, the rows near the view in the frames after, the rest as the seller scrolls to them', async () => {
    const shown = await seller.evaluate(async () => {
      const list = document.getElementById('list-sold-items')!;
      // The page's second page (2 orders, without their badges) 250 times over: every row a known buyer's.
      const clean = list.cloneNode(true) as Element;
      for (const badge of clean.querySelectorAll('tm-badge')) badge.remove();
      list.innerHTML = clean.innerHTML.repeat(250);
      await Promise.resolve();
      const rows = [...list.querySelectorAll('.trade-order-main')];
      const badged = (row: Element) => row.querySelectorAll('tm-badge').length;
      const inTask = new Set(rows.filter((row) => badged(row) > 0));
      // Each order a table of its own: a new badge lays out only its own, so no place is kept ahead.
      const placesKept = list.querySelectorAll('.tm-badge-place').length;
      // Partly within the window and the given window heights above and below it; or wholly.
      const within = (row: Element, above: number, below: number, wholly = false) => {
        const box = row.getBoundingClientRect();
        return wholly ? box.top >= -above * innerHeight && box.bottom <= (1 + below) * innerHeight : box.bottom > -above * innerHeight && box.top < (1 + below) * innerHeight;
      };
      const inView = rows.filter((row) => within(row, 0, 0));
      const viewBadged = inView.every((row) => badged(row) === 1);
      const until = async (done: () => boolean) => {
        const deadline = performance.now() + 10_000;
        while (!done() && performance.now() < deadline) await new Promise(requestAnimationFrame);
      };
      // Then the rows within a window's height of the view, a share per frame.
      const near = rows.filter((row) => within(row, 1, 1, true));
      await until(() => near.every((row) => badged(row) === 1));
      const nearBadged = near.every((row) => badged(row) === 1);
      // Rows further down wait for the seller: none badged but in the first task.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const far = rows.filter((row) => !within(row, 2, 2));
      const farBadgedLater = far.filter((row) => badged(row) > 0 && !inTask.has(row)).length;
      // The seller jumps to the end of the list: the rows there get their badges.
      scrollTo(0, document.documentElement.scrollHeight);
      const end = rows.filter((row) => within(row, 0, 0));
      await until(() => end.every((row) => badged(row) === 1));
      const endBadged = end.every((row) => badged(row) === 1);
      const most = Math.max(...rows.map(badged));
      scrollTo(0, 0);
      list.innerHTML = clean.innerHTML;
      return { rows: rows.length, placesKept, inTask: inTask.size, inView: inView.length, viewBadged, near: near.length, nearBadged, far: far.length, farBadgedLater, end: end.length, endBadged, most };
    });
    expect(shown.rows).toBe(500);
    expect(shown.placesKept).toBe(0);
    expect(shown.inView).toBeGreaterThan(0);
    expect(shown.viewBadged).toBe(true);
    expect(shown.inTask).toBeLessThan(500);
    expect(shown.near).toBeGreaterThan(shown.inView);
    expect(shown.nearBadged).toBe(true);
    expect(shown.far).toBeGreaterThan(300);
    expect(shown.farBadgedLater).toBe(0);
    expect(shown.end).toBeGreaterThan(0);
    expect(shown.endBadged).toBe(true);
    expect(shown.most).toBe(1);
  });

  it('looks up only the rows whose badges are on the page: a row far down, once the seller scrolls to it', async () => {
    // Every row the content script sends to the background's lookup (the index's looks are on the page).
    await inContentScript(
      seller,
      `(() => {
        globalThis.lookedUp = [];
        const send = chrome.runtime.sendMessage.bind(chrome.runtime);
        chrome.runtime.sendMessage = (message, ...rest) => {
          if (message?.type === 'lookup') globalThis.lookedUp.push(...message.data.rows);
          return send(message, ...rest);
        };
      })()`,
    );
    const lookedUp = () => inContentScript<number>(seller, 'globalThis.lookedUp.length');
    const shown = await seller.evaluate(async () => {
      const list = document.getElementById('list-sold-items')!;
      const clean = list.cloneNode(true) as Element;
      for (const badge of clean.querySelectorAll('tm-badge')) badge.remove();
      (window as unknown as { cleanRows: string }).cleanRows = clean.innerHTML;
      // Each copy's order numbers made unique, so that no row's answer is one the page was told before.
      list.innerHTML = Array.from({ length: 250 }, (_, copy) => clean.innerHTML.replace(/28475612300(\d\d)/g, (_, n) => `28475612${String(copy).padStart(3, '0')}${n}`)).join('');
      const rows = [...list.querySelectorAll('.trade-order-main')];
      const deadline = performance.now() + 10_000;
      const inView = () => rows.filter((row) => row.getBoundingClientRect().top < innerHeight && row.getBoundingClientRect().bottom > 0);
      while (!inView().every((row) => row.querySelector('tm-badge')) && performance.now() < deadline) await new Promise(requestAnimationFrame);
      await new Promise((resolve) => setTimeout(resolve, 500));
      return { rows: rows.length, badged: list.querySelectorAll('tm-badge').length };
    });
    try {
      const early = await lookedUp();
      expect(shown.rows).toBe(500);
      expect(early).toBeGreaterThan(0);
      expect(early).toBeLessThanOrEqual(shown.badged);
      // The end of the list: its rows' badges go in, and they are looked up then.
      await seller.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
      const last = seller.locator('.trade-order-main').last();
      await expect.poll(() => last.locator('tm-badge').count(), { timeout: 10_000 }).toBe(1);
      await expect.poll(() => customerOf(last.locator('tm-badge')), { timeout: 10_000 }).not.toBeNull();
      expect(await lookedUp()).toBeGreaterThan(early);
      expect(await lookedUp()).toBeLessThan(500);
    } finally {
      await seller.evaluate(() => {
        scrollTo(0, 0);
        document.getElementById('list-sold-items')!.innerHTML = (window as unknown as { cleanRows: string }).cleanRows;
      });
    }
  });

  it('places no badge while the seller scrolls, and badges the rows near the view once the scrolling stops', async () => {
    const scrolled = await seller.evaluate(async () => {
      const list = document.getElementById('list-sold-items')!;
      const clean = list.cloneNode(true) as Element;
      for (const badge of clean.querySelectorAll('tm-badge')) badge.remove();
      list.innerHTML = clean.innerHTML.repeat(250);
      const rows = [...list.querySelectorAll('.trade-order-main')];
      const badged = (row: Element) => row.querySelector('tm-badge') !== null;
      const inView = () => rows.filter((row) => {
        const box = row.getBoundingClientRect();
        return box.top >= 0 && box.bottom <= innerHeight;
      });
      const until = async (done: () => boolean) => {
        const deadline = performance.now() + 10_000;
        while (!done() && performance.now() < deadline) await new Promise(requestAnimationFrame);
      };
      await until(() => inView().every(badged));
      // Each badge put in while the page scrolls, with the time since the last scroll event.
      let lastScroll = -Infinity;
      const gaps: number[] = [];
      addEventListener('scroll', () => (lastScroll = performance.now()), { capture: true, passive: true });
      const watcher = new MutationObserver((records) => {
        for (const record of records) for (const node of record.addedNodes) if ((node as Element).localName === 'tm-badge') gaps.push(performance.now() - lastScroll);
      });
      watcher.observe(list, { childList: true, subtree: true });
      // Down the list by a third of a window every 40 ms, as a wheel does.
      for (let step = 0; step < 30; step += 1) {
        scrollBy(0, innerHeight / 3);
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
      const view = inView();
      await until(() => view.every(badged));
      watcher.disconnect();
      const result = { badgedAfter: gaps.length, soonest: Math.min(...gaps), viewBadged: view.every(badged), view: view.length };
      scrollTo(0, 0);
      list.innerHTML = clean.innerHTML;
      return result;
    });
    expect(scrolled.view).toBeGreaterThan(0);
    expect(scrolled.viewBadged).toBe(true);
    expect(scrolled.badgedAfter).toBeGreaterThan(0);
    // SCROLL_QUIET_MS after the last scroll event at the soonest; the page's listener hears it a moment after Tiermark's.
    expect(scrolled.soonest).toBeGreaterThanOrEqual(195);
  });

  it('opens the history card from the badge, by click or keyboard, with the figures of the profile', async () => {
    const badge = badgeOf('2847561230002');
    await badge.focus();
    await seller.keyboard.press('Enter');
    await expect.poll(() => cardText(seller, '[role=dialog]')).not.toBeNull();
    const fact = (name: string) => cardText(seller, `[data-fact="${name}"]`);
    expect(await fact('orderCount')).toBe('2');
    expect(await fact('monetary')).toBe('CN¥384.00');
    expect(await fact('avgOrderValue')).toBe('CN¥192.00');
    expect(await fact('rfmCode')).toBe('155');
    expect(await fact('repurchaseCycleDays')).toBe('42 days');
    expect((await cardElements(seller, 'tr[data-order]'))!.map((row) => row.attributes['data-order'])).toEqual(['2847561230002', '2847561230001']);
    expect(await cardElements(seller, 'svg rect')).toHaveLength(2);
    // Escape closes it and gives focus back to the badge.
    await seller.keyboard.press('Escape');
    expect(await seller.locator('tm-card').count()).toBe(0);
    expect(await badge.evaluate((host) => document.activeElement === host)).toBe(true);
  });

  it('opens the card when the mouse rests on a badge, leaving the focus be, and closes it when the mouse leaves', async () => {
    const badge = badgeOf('2847561230002');
    const card = seller.locator('tm-card');
    const dialog = () => cardElements(seller, '[role=dialog]');
    await seller.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await badge.hover();
    await expect.poll(dialog).not.toBeNull();
    expect((await dialog())![0]!.attributes['aria-label']).toContain('茶友小王');
    expect(await seller.evaluate(() => document.activeElement === document.body)).toBe(true);
    // Into the card, it stays; away from both, it goes.
    const inside = (await dialog())![0]!;
    await seller.mouse.move(inside.x, inside.y);
    await seller.waitForTimeout(600);
    expect(await card.count()).toBe(1);
    await seller.mouse.move(2, 2);
    await expect.poll(() => card.count()).toBe(0);
    // Hovered open, then clicked: it is the seller's now, and stays when the mouse leaves.
    await badge.hover();
    await expect.poll(dialog).not.toBeNull();
    await badge.click();
    await seller.mouse.move(2, 2);
    await seller.waitForTimeout(600);
    expect(await card.count()).toBe(1);
    await seller.keyboard.press('Escape');
    expect(await card.count()).toBe(0);
    expect(await badge.evaluate((host) => document.activeElement === host)).toBe(true);
  });

  it('marks a follow-up done or snoozes it from the card, and the store keeps it', async () => {
    await badgeOf('2847561230002').click();
    const item = async () => (await cardElements(seller, '.tm-follow-up'))?.[0] ?? null;
    await expect.poll(item).not.toBeNull();
    expect((await item())!.text).toContain('Thank-you call');
    const id = (await item())!.attributes['data-follow-up']!;
    await clickInCard(seller, '.tm-follow-up button[data-action="done"]');
    await expect.poll(async () => (await item())?.attributes['data-status']).toBe('done');
    const stored = async () => (await storedEntries<{ status: string }>(dashboard, 'followups'))[id]?.status ?? null;
    expect(await stored()).toBe('done');
    await clickInCard(seller, '.tm-follow-up button[data-action="open"]');
    await expect.poll(async () => (await item())?.attributes['data-status']).toBe('open');
    await clickInCard(seller, '.tm-follow-up button[data-action="snoozed"]');
    await expect.poll(async () => (await item())?.attributes['data-status']).toBe('snoozed');
    expect(await stored()).toBe('snoozed');
    await seller.keyboard.press('Escape');
  });

  it('opens the customer’s page in the dashboard from the card', async () => {
    await seller.keyboard.press('Escape');
    await badgeOf('2847561230002').click();
    await expect.poll(() => cardElements(seller, '[role=dialog]')).not.toBeNull();
    const opened = browser.context.waitForEvent('page');
    await clickInCard(seller, 'button[data-action="dashboard"]');
    const customerPage = await opened;
    await expect.poll(() => customerPage.locator('#customer-title').innerText(), { timeout: 15_000 }).toBe('茶友小王');
    expect(await customerPage.locator('.tm-orders tr').count()).toBe(2);
    await customerPage.close();
    await seller.keyboard.press('Escape');
  });

  it('shows in the popup what it does on the page, today’s follow-ups with done, and finds a customer', async () => {
    await seller.goto(SOLD_ITEMS);
    await expect.poll(() => describedBadges(seller), { timeout: 15_000 }).toBe(3);
    await seller.bringToFront();
    // Opened as a window of its own over the seller's tab (automation cannot press the toolbar button).
    const opened = browser.context.waitForEvent('page');
    await dashboard.evaluate(`chrome.windows.create({ url: chrome.runtime.getURL('popup.html'), type: 'popup', width: 380, height: 640 })`);
    const popup = await opened;
    await expect.poll(() => popup.locator('.tm-popup-page').getAttribute('data-console'), { timeout: 15_000 }).toBe('taobao-sold');
    expect(await popup.locator('#tm-popup-badges').innerText()).toBe('3');
    expect(await popup.locator('.tm-popup-page').innerText()).toContain('trade.taobao.com');
    // Follow-ups due: the thank-you calls, due today.
    const due = popup.locator('.tm-popup-due li');
    await expect.poll(() => due.count()).toBeGreaterThan(0);
    const total = Number((await popup.locator('#tm-popup-due .tm-muted').innerText()).replace(/\D/g, ''));
    await due.first().locator('button[data-action="done"]').click();
    await expect.poll(async () => Number((await popup.locator('#tm-popup-due .tm-muted').innerText()).replace(/\D/g, ''))).toBe(total - 1);
    await popup.fill('#tm-popup-search', '茶友');
    await expect.poll(() => popup.locator('.tm-popup-results button').evaluateAll((b) => b.map((x) => x.getAttribute('data-customer')))).toEqual(['taobao:茶友小王']);
    await popup.fill('#tm-popup-search', '2847561230003');
    await expect.poll(() => popup.locator('.tm-popup-results button').evaluateAll((b) => b.map((x) => x.getAttribute('data-customer')))).toEqual(['taobao:lily_2019']);
    await popup.close();
  });

  it('says in the popup that it does not run on a page it does not know', async () => {
    const other = await browser.context.newPage();
    await other.goto('https://trade.taobao.com/trade/itemlist/list_bought_items.htm');
    await other.bringToFront();
    const opened = browser.context.waitForEvent('page');
    await dashboard.evaluate(`chrome.windows.create({ url: chrome.runtime.getURL('popup.html'), type: 'popup', width: 380, height: 640 })`);
    const popup = await opened;
    await expect.poll(() => popup.locator('.tm-popup-page').innerText(), { timeout: 15_000 }).toContain('does not run here');
    await popup.close();
    await other.close();
  });

  it('does nothing on a page of the site no adapter claims', async () => {
    const other = await browser.context.newPage();
    await other.goto('https://trade.taobao.com/trade/itemlist/list_bought_items.htm');
    await other.waitForTimeout(1000);
    expect(await other.locator('.trade-order-main').count()).toBe(4);
    expect(await other.locator('tm-badge').count()).toBe(0);
    await other.close();
  });

  it('shows a buyer named like markup as text, never running it', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    // The same export with 张三丰 renamed, imported as a second file.
    const csv = new TextDecoder('gb18030').decode(readFileSync(fixture('taobao-order-report.gbk.csv'))).replaceAll('张三丰', hostile).replaceAll('2847561230005', '2847561230015').replaceAll('2847561230006', '2847561230016');
    const file = join(mkdtempSync(join(tmpdir(), 'tiermark-hostile-')), 'hostile.csv');
    writeFileSync(file, csv);
    await dashboard.setInputFiles('#tm-file-input', file);
    await dashboard.locator('.tm-file[data-file="hostile.csv"] .tm-detected-format').waitFor();
    await dashboard.click('#tm-import-start');
    await dashboard.locator('.tm-result[data-file="hostile.csv"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => dashboard.locator('#tm-count-customers').innerText(), { timeout: 30_000 }).toBe('4');
    await dashboard.locator('.tm-rescore[data-state="done"]').waitFor({ timeout: 60_000 });
    const page = readFileSync(join(FIXTURES, 'sites/taobao-sold/list_sold_items.html'), 'utf8')
      .replace('<a class="buyer-mod__name___S9vit">过路客</a>', '<a class="buyer-mod__name___S9vit">&lt;img src=x onerror=alert(1)&gt;</a>')
      .replace('uid=过路客', `uid=${encodeURIComponent(hostile)}`);
    await browser.context.route('https://trade.taobao.com/trade/itemlist/list_sold_items.htm?hostile=1', (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: page }));
    await seller.goto(`${SOLD_ITEMS}?hostile=1`);
    const badge = badgeOf('3920000000000001');
    await expect.poll(() => customerOf(badge), { timeout: 15_000 }).toBe(`taobao:${hostile}`);
    expect(await tooltipOf(badge)).toContain(hostile);
    await badge.evaluate((host) => host.setAttribute('data-tm-probe', 'hostile'));
    expect(await inContentScript(seller, `tiermarkInspector.badgeElements('[data-tm-probe="hostile"]', 'img')`)).toBe(0);
    await seller.waitForTimeout(500);
    expect(dialogs).toEqual([]);
  });

  it('makes no network request from the seller page', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((url) => !url.startsWith(SOLD_ITEMS))).toEqual([]);
  });

  it('shows the new tiers after a rescore while the page is open, on rows new to it and rows it showed before', async () => {
    await seller.goto(SOLD_ITEMS);
    await expect.poll(() => describedBadges(seller), { timeout: 15_000 }).toBe(3);
    const tierIn = async (order: string) => (await labelsOf(badgeOf(order)))[0] ?? null;
    expect(await tierIn('2847561230001')).toBe('Member');
    // The page as it is now, without its badges: shown again below, as on paging back.
    const pageOne = await seller.evaluate(() => document.getElementById('list-sold-items')!.innerHTML.replace(/<tm-badge[^>]*><\/tm-badge>/g, ''));
    // The seller turns the member ladder off: no tiers after the rescore.
    await dashboard.goto(`chrome-extension://${browser.extensionId}/options.html#rules`);
    const ladder = dashboard.locator('.tm-rule-file[data-file="member-ladder.json"] input[type=checkbox]');
    // The rescore the switch starts, done: from the store's own record of it.
    const rescoredSince = async (since: number) => {
      const record = await lastRescore(dashboard);
      return record.state === 'done' && record.reason === 'rules' && record.startedAt >= since;
    };
    const switchedOff = await dashboard.evaluate(() => Date.now());
    await ladder.uncheck();
    await expect.poll(() => rescoredSince(switchedOff), { timeout: 30_000 }).toBe(true);
    // New rows: badged at once from the page's badge index, then corrected by the lookup.
    await seller.click('#next-page');
    await expect.poll(() => tierIn('2847561230002'), { timeout: 15_000 }).toBe('Customer');
    await expect.poll(() => tierIn('2847561230006')).toBe('Customer');
    // Rows shown before the rescore: neither what the page was told then nor the old index comes back.
    await seller.waitForTimeout(1000);
    const inTask = await inContentScript<Array<string | null>>(
      seller,
      `(async () => { document.getElementById('list-sold-items').innerHTML = ${JSON.stringify(pageOne)}; await Promise.resolve(); return tiermarkInspector.badgesIn('.trade-order-main').map((b) => b[0]?.labels[0] ?? null); })()`,
    );
    expect(inTask).toEqual(['Customer', 'Customer', 'Customer', null]);
    const switchedOn = await dashboard.evaluate(() => Date.now());
    await ladder.check();
    await expect.poll(() => rescoredSince(switchedOn), { timeout: 30_000 }).toBe(true);
  });

  it('badges the orders on 千牛’s 已卖出的宝贝, by buyer, and by order number where the buyer is masked', async () => {
    const body = readFileSync(join(FIXTURES, 'sites/qianniu-sold/sold.html'), 'utf8');
    await browser.context.route('https://myseller.taobao.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body }));
    const qianniu = await browser.context.newPage();
    await qianniu.goto('https://myseller.taobao.com/home.htm/trade-platform/tp/sold');
    await expect.poll(() => describedBadges(qianniu), { timeout: 15_000 }).toBe(3);
    const after = (selector: string) => qianniu.locator(`${selector} + tm-badge`);
    expect(await customerOf(after('a.buyer--ww--2pWc9[href*="uid=茶友小王"]'))).toBe('taobao:茶友小王');
    expect(await customerOf(after('a.buyer--ww--2pWc9[href*="touid=张三丰"]'))).toBe('taobao:张三丰');
    expect(await customerOf(qianniu.locator('tr', { hasText: '2847561230003' }).locator('tm-badge'))).toBe('taobao:lily_2019');
    expect(await after('a.buyer--ww--2pWc9[href*="uid=过路客"]').count()).toBe(0);
    await qianniu.close();
  });

  it('takes its badges away when the seller turns the extension off, and leaves the page working', async () => {
    await seller.goto(SOLD_ITEMS);
    await expect.poll(() => describedBadges(seller), { timeout: 15_000 }).toBe(3);
    const extensions = await browser.context.newPage();
    await extensions.goto(`chrome://extensions/?id=${browser.extensionId}`);
    // The details page of Tiermark, where a seller switches it off.
    const toggle = extensions.locator('extensions-detail-view #enableToggle');
    const on = () => toggle.evaluate((element) => (element as HTMLInputElement).checked);
    expect(await on()).toBe(true);
    await toggle.click();
    await expect.poll(on).toBe(false);
    await expect.poll(() => seller.locator('tm-badge').count(), { timeout: 15_000 }).toBe(0);
    await seller.click('#next-page');
    expect(await seller.locator('.trade-order-main').count()).toBe(2);
    // On again: a page opened now has its badges back.
    await toggle.click();
    await expect.poll(on).toBe(true);
    await extensions.close();
    await seller.goto(SOLD_ITEMS);
    await expect.poll(() => describedBadges(seller), { timeout: 15_000 }).toBe(3);
  });

  it('takes its badges away when the extension is reloaded (an update) and leaves the page working', async () => {
    expect(await seller.locator('tm-badge').count()).toBeGreaterThan(0);
    await browser.context.serviceWorkers()[0]!.evaluate('chrome.runtime.reload()').catch(() => undefined);
    await expect.poll(() => seller.locator('tm-badge').count(), { timeout: 15_000 }).toBe(0);
    // The page's own script still runs.
    await seller.click('#next-page');
    expect(await seller.locator('.trade-order-main').count()).toBe(2);
  });
});
