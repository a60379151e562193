import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConsolePage } from '../../lib/demo/console-page';
import { demoExportText, demoOrders, encodeGb18030, type DemoOrder } from '../../lib/demo/shop';
import { importAndScore, lastRescore, openEmptyDashboard, shownFollowUps, shownProfiles, storedEntries, storedRecord, storeRuleFile, THANK_YOU_CALLS, type LoadedExtension } from './extension';
import { badgesIn, cardElements, cardText, clickInCard, openCardOf } from './badges';
import { STAGE_LOOK, type LifecycleStage } from '../../lib/lifecycle';
import { QUADRANT_LOOK, type ValueQuadrant } from '../../lib/value-matrix';

const SOLD_ITEMS = 'https://trade.taobao.com/trade/itemlist/list_sold_items.htm';

type StoredProfile = { facts: Record<string, unknown>; tier: { ref: string; benefits?: Array<{ label: { en: string } }> } | null };

/** How many stored profiles have each value of a fact, counted from the store, not from the page. */
function countBy(profiles: Record<string, StoredProfile>, fact: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const profile of Object.values(profiles)) {
    const value = profile.facts[fact];
    if (typeof value === 'string') counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return counts;
}

const countOf = (text: string) => Number(text.split('·')[0]!.replace(/\D/g, ''));

/**
 * Counted here from the export's rows: each buyer's products (orders neither unpaid nor closed),
 * and for a buyer the products that two or more buyers bought with one of theirs and they have not.
 */
function alsoBought(orders: readonly DemoOrder[]): (nick: string) => Set<string> {
  const bought = new Map<string, Set<string>>();
  for (const o of orders) {
    if (o.status === '等待买家付款' || o.status === '交易关闭') continue;
    bought.set(o.nick, (bought.get(o.nick) ?? new Set<string>()).add(o.title));
  }
  const pairs = new Map<string, number>();
  for (const set of bought.values()) for (const a of set) for (const b of set) if (a !== b) pairs.set(`${a}|${b}`, (pairs.get(`${a}|${b}`) ?? 0) + 1);
  return (nick) => {
    const own = bought.get(nick) ?? new Set<string>();
    const split = (pair: string) => pair.split('|') as [string, string];
    return new Set([...pairs].filter(([pair, n]) => n >= 2 && own.has(split(pair)[0]) && !own.has(split(pair)[1])).map(([pair]) => split(pair)[1]));
  };
}

// A shop whose buyers leave (so the models fit and every customer has a quadrant), in both languages.
describe('the seller’s playbook: lifecycle stages, value × potential, tier benefits', () => {
  let browser: LoadedExtension;
  let dashboard: Page;
  let orders: DemoOrder[];
  let profiles: Record<string, StoredProfile>;

  beforeAll(async () => {
    ({ browser, page: dashboard } = await openEmptyDashboard());
    orders = demoOrders(320, 20261120, { dropout: 0.3 });
    const file = join(mkdtempSync(join(tmpdir(), 'tiermark-playbook-')), 'ExportOrderList202612021200.csv');
    writeFileSync(file, encodeGb18030(demoExportText(orders)));
    await importAndScore(dashboard, file);
    profiles = await storedEntries<StoredProfile>(dashboard, 'profiles');
    await browser.context.route('https://trade.taobao.com/**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: demoConsolePage(orders, 40) }),
    );
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('counts every lifecycle stage and quadrant on the Overview as the profiles hold them, and a stage lists exactly its customers', async () => {
    await dashboard.goto(`chrome-extension://${browser.extensionId}/options.html#overview`);
    await dashboard.locator('.tm-stages').waitFor();
    const stages = countBy(profiles, 'lifecycleStage');
    // A shop whose buyers leave has customers in every stage past new.
    for (const stage of ['declining', 'dormant', 'lost']) expect(stages.get(stage) ?? 0, stage).toBeGreaterThan(0);
    const shownStages = await dashboard.locator('.tm-stages li[data-stage]').evaluateAll((items) =>
      items.map((li) => [li.getAttribute('data-stage')!, (li.querySelector('.tm-bar-count') as HTMLElement).innerText] as const),
    );
    expect(shownStages.map(([stage]) => stage)).toEqual(['new', 'growing', 'mature', 'declining', 'dormant', 'lost']);
    for (const [stage, text] of shownStages) expect(countOf(text), stage).toBe(stages.get(stage) ?? 0);

    const quadrants = countBy(profiles, 'valueQuadrant');
    expect([...quadrants.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(250);
    const shownQuadrants = await dashboard.locator('.tm-quadrant-grid td[data-quadrant]').evaluateAll((cells) =>
      cells.map((td) => [td.getAttribute('data-quadrant')!, (td.querySelector('.tm-cell-count') as HTMLElement).innerText] as const),
    );
    expect(shownQuadrants.map(([quadrant]) => quadrant)).toEqual(['develop', 'retain', 'cultivate', 'maintain']);
    for (const [quadrant, text] of shownQuadrants) expect(countOf(text), quadrant).toBe(quadrants.get(quadrant) ?? 0);

    await dashboard.click('.tm-stages li[data-stage="lost"] a');
    await expect.poll(() => dashboard.locator('#tm-filter-group').count()).toBe(1);
    expect(await dashboard.locator('#tm-filter-group').innerText()).toContain('Lost');
    await expect.poll(async () => countOf(await dashboard.locator('#tm-customers-count').innerText())).toBe(stages.get('lost'));
    // Cleared, every customer is back.
    await dashboard.click('#tm-filter-group');
    await expect.poll(async () => countOf(await dashboard.locator('#tm-customers-count').innerText())).toBe(Object.keys(profiles).length);
  });

  it('shows a top-tier customer’s stage, quadrant and member benefits on their page, in English and in Chinese', async () => {
    const [key, top] = Object.entries(profiles).find(([, p]) => p.tier?.ref === 'member-ladder/premier-vip' && typeof p.facts.valueQuadrant === 'string')!;
    await dashboard.goto(`chrome-extension://${browser.extensionId}/options.html#customer=${encodeURIComponent(key)}`);
    await dashboard.locator('.tm-benefits').waitFor();
    expect(await dashboard.locator('.tm-groups [data-group="lifecycleStage"]').getAttribute('data-value')).toBe(top.facts.lifecycleStage);
    expect(await dashboard.locator('.tm-groups [data-group="valueQuadrant"]').getAttribute('data-value')).toBe(top.facts.valueQuadrant);
    expect(await dashboard.locator('.tm-benefits li').allInnerTexts()).toEqual([
      'Threshold coupon: 50 off every order of 200 or more',
      'Birthday discount: 25% off in their birthday month',
      'Priority service: A dedicated agent answers first; after-sales handled first',
    ]);
    await dashboard.click('.tm-lang');
    await expect.poll(() => dashboard.locator('.tm-benefits li').allInnerTexts()).toEqual(['满减券: 满200减50', '生日折扣: 生日当月享7.5折', '专属客服: 专属客服优先接待，售后优先处理']);
    await dashboard.goto(`chrome-extension://${browser.extensionId}/options.html#overview`);
    await dashboard.locator('.tm-stages').waitFor();
    expect(await dashboard.locator('.tm-stages h2').innerText()).toBe('客户生命周期');
    expect(await dashboard.locator('.tm-quadrant-grid td[data-quadrant="develop"] strong').innerText()).toBe('重点发展（高价值·高潜力）');
    expect(await dashboard.locator('.tm-stages li[data-stage="lost"] a').innerText()).toBe('流失');
    await dashboard.click('.tm-lang');
  });

  it('puts the stage, the quadrant, the benefits and product suggestions on the history card beside the buyer on a seller page', async () => {
    // A buyer on the console's page with a tier that has benefits and a quadrant.
    const key = orders
      .slice(0, 40)
      .map((o) => `taobao:${o.nick}`)
      .find((k) => (profiles[k]?.tier?.benefits?.length ?? 0) > 0 && typeof profiles[k]?.facts.valueQuadrant === 'string' && alsoBought(orders)(k.slice('taobao:'.length)).size > 0)!;
    expect(key).toBeDefined();
    const seller = await browser.context.newPage();
    await seller.goto(SOLD_ITEMS);
    await openCardOf(seller, key);
    const groups = (await cardElements(seller, '.tm-groups [data-group]'))!.map((g) => [g.attributes['data-group'], g.attributes['data-value']]);
    expect(groups).toEqual([
      ['lifecycleStage', profiles[key]!.facts.lifecycleStage],
      ['valueQuadrant', profiles[key]!.facts.valueQuadrant],
    ]);
    const benefits = (await cardElements(seller, '.tm-benefits li strong'))!.map((b) => b.text);
    expect(benefits).toEqual(profiles[key]!.tier!.benefits!.map((b) => b.label.en));
    const suggested = (await cardElements(seller, '.tm-suggestions li strong'))!.map((x) => x.text);
    expect(suggested.length).toBeGreaterThan(0);
    for (const title of suggested) expect(alsoBought(orders)(key.slice('taobao:'.length)), title).toContain(title);

    // The dashboard switched to Chinese: the card follows.
    await seller.keyboard.press('Escape');
    await dashboard.goto(`chrome-extension://${browser.extensionId}/options.html#overview`);
    await dashboard.click('.tm-lang');
    await expect.poll(() => dashboard.locator('nav a[href="#overview"]').innerText()).toBe('概览');
    const reopen = async () => {
      await openCardOf(seller, key);
      return (await cardElements(seller, 'h3'))?.map((h) => h.text) ?? null;
    };
    await expect.poll(reopen, { timeout: 15_000 }).toEqual(expect.arrayContaining(['会员权益', '常被一起购买（关联推荐）']));
    const stage = (await cardElements(seller, '.tm-groups [data-group="lifecycleStage"]'))![0]!.text;
    expect(stage.startsWith(STAGE_LOOK[profiles[key]!.facts.lifecycleStage as LifecycleStage].label['zh-CN'])).toBe(true);
    const quadrant = (await cardElements(seller, '.tm-groups [data-group="valueQuadrant"]'))![0]!.text;
    expect(quadrant).toBe(QUADRANT_LOOK[profiles[key]!.facts.valueQuadrant as ValueQuadrant].label['zh-CN']);
    await dashboard.click('.tm-lang');
    await seller.close();
  });

  it('keeps a birthday entered on the customer’s page, refuses one that is no date, and raises a greeting before it', async () => {
    const key = Object.keys(profiles).find((k) => profiles[k]!.tier !== null)!;
    await dashboard.goto(`chrome-extension://${browser.extensionId}/options.html#customer=${encodeURIComponent(key)}`);
    const card = dashboard.locator('.tm-kept-dates');
    await card.waitFor();
    await card.locator('input[type=text]').fill('someday');
    await card.locator('button[type=submit]').click();
    await expect.poll(() => card.locator('[role=alert]').innerText()).toBe('This is no date: write it as 05-17, 1990-05-17 or 5月17日.');
    expect(await dashboard.evaluate(`new Promise((ok) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => { const g = r.result.transaction('keptDates').objectStore('keptDates').count(); g.onsuccess = () => ok(g.result); }; })`)).toBe(0);

    // Two days from now (a day either way for the shop's time zone): inside the three days before it.
    const soon = new Date(Date.now() + 2 * 86_400_000);
    const monthDay = `${String(soon.getUTCMonth() + 1).padStart(2, '0')}-${String(soon.getUTCDate()).padStart(2, '0')}`;
    const before = (await lastRescore(dashboard)).startedAt;
    await card.locator('input[type=text]').fill(monthDay);
    await card.locator('button[type=submit]').click();
    await expect.poll(() => card.locator('li[data-date="birthday"]').getAttribute('data-month-day')).toBe(monthDay);
    await expect.poll(async () => {
      const rescore = await lastRescore(dashboard);
      return rescore.startedAt > before && rescore.state === 'done';
    }, { timeout: 30_000 }).toBe(true);
    const greetings = Object.values(await shownFollowUps(dashboard)).filter(
      (f) => f.ref === 'important-dates/birthday-greeting',
    );
    expect(greetings.map((f) => [f.customerKey, f.status])).toEqual([[key, 'open']]);
    await dashboard.reload();
    await expect.poll(() => dashboard.locator('.tm-follow-ups li').allInnerTexts()).toContainEqual(expect.stringContaining('Birthday greeting'));
  });

  it('keeps notes and tags on the customer’s page and the card; do-not-contact closes their follow-ups; hidden, no page badges them', async () => {
    const open = () => shownFollowUps(dashboard).then((all) => Object.values(all).filter((f) => f.status === 'open'));
    // A buyer on the console's page; the seller's own file thanks every buyer by phone from the next rescore.
    const key = `taobao:${orders[0]!.nick}`;
    await storeRuleFile(dashboard, 'thank-you.json', THANK_YOU_CALLS);
    await dashboard.goto(`chrome-extension://${browser.extensionId}/options.html#customer=${encodeURIComponent(key)}`);
    const card = dashboard.locator('.tm-notes');
    await card.waitFor();
    const before = (await lastRescore(dashboard)).startedAt;
    await dashboard.fill('#tm-notes-tags', '物流敏感，价格敏感, 物流敏感');
    await dashboard.fill('#tm-notes-note', '只在工作日联系');
    await dashboard.check('#tm-notes-do-not-contact');
    await dashboard.click('#tm-notes-save');
    await expect.poll(() => card.locator('.tm-tag').allInnerTexts()).toEqual(['物流敏感', '价格敏感']);
    await expect.poll(async () => {
      const rescore = await lastRescore(dashboard);
      return rescore.startedAt > before && rescore.state === 'done';
    }, { timeout: 30_000 }).toBe(true);
    // Everyone is thanked but the customer staff asked not to contact.
    const thanked = (await open()).filter((f) => f.ref === 'thank-you/call');
    expect(thanked.length).toBeGreaterThan(100);
    expect((await open()).filter((f) => f.customerKey === key)).toEqual([]);
    const profile = (await shownProfiles(dashboard))[key]!;
    expect(profile.facts).toMatchObject({ tags: '价格敏感, 物流敏感', doNotContact: true });
    // Kept as typed, after a reload.
    await dashboard.reload();
    await expect.poll(() => dashboard.locator('#tm-notes-note').inputValue()).toBe('只在工作日联系');
    expect(await dashboard.locator('#tm-notes-do-not-contact').isChecked()).toBe(true);

    // The tag lists its customer on the Customers page, and is a segment of its own.
    await dashboard.goto(`chrome-extension://${browser.extensionId}/options.html#customers?tag=${encodeURIComponent('物流敏感')}`);
    await expect.poll(() => dashboard.locator('#tm-customers-count').innerText()).toMatch(/^1\b/);
    expect(await dashboard.locator('#tm-filter-tag option').allInnerTexts()).toEqual(['All', '价格敏感', '物流敏感']);
    await dashboard.goto(`chrome-extension://${browser.extensionId}/options.html#segments`);
    await expect.poll(() => dashboard.locator('.tm-segment[data-kind="tag"]').evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-segment'), row.querySelector('.tm-segment-count')!.textContent]))).toEqual([['价格敏感', '1'], ['物流敏感', '1']]);

    // On the seller page's card, for the agent talking to them: do-not-contact first, the tags, the note.
    const seller = await browser.context.newPage();
    await seller.goto(SOLD_ITEMS);
    await openCardOf(seller, key);
    expect((await cardElements(seller, '.tm-notes > *'))!.map((e) => e.text)).toEqual(['Do not contact', '物流敏感', '价格敏感', '只在工作日联系']);
    await seller.keyboard.press('Escape');

    // Never shown on pages: after the rescore, the page has no badge for them, and still the others'.
    await dashboard.goto(`chrome-extension://${browser.extensionId}/options.html#customer=${encodeURIComponent(key)}`);
    await card.waitFor();
    const hiddenFrom = (await lastRescore(dashboard)).startedAt;
    await dashboard.check('#tm-notes-hide');
    await dashboard.click('#tm-notes-save');
    await expect.poll(async () => {
      const rescore = await lastRescore(dashboard);
      return rescore.startedAt > hiddenFrom && rescore.state === 'done';
    }, { timeout: 30_000 }).toBe(true);
    // The customer was rescored alone first, over the whole rescore's index, with the day's models kept after.
    expect(await storedRecord(dashboard, 'meta', 'rescore')).toMatchObject({ touched: { state: 'done', customers: 1 }, modelsKept: true });
    await seller.reload();
    const badged = async () => (await badgesIn(seller.locator('body'))).map((badge) => badge.customerKey);
    await expect.poll(async () => (await badged()).length, { timeout: 15_000 }).toBeGreaterThan(10);
    expect(await badged()).not.toContain(key);

    // The Sites page lists them; shown again, the next rescore badges them again.
    await dashboard.goto(`chrome-extension://${browser.extensionId}/options.html#sites`);
    const listed = dashboard.locator(`.tm-hidden-customers li[data-customer="${key}"]`);
    await listed.waitFor();
    const shownFrom = (await lastRescore(dashboard)).startedAt;
    await listed.locator('.tm-show-again').click();
    await expect.poll(() => dashboard.locator('.tm-hidden-customers li').count()).toBe(0);
    await expect.poll(async () => {
      const rescore = await lastRescore(dashboard);
      return rescore.startedAt > shownFrom && rescore.state === 'done';
    }, { timeout: 30_000 }).toBe(true);
    await seller.reload();
    await expect.poll(badged, { timeout: 15_000 }).toContain(key);
    await seller.close();
  });

  it('keeps a note and tags written on the card beside the buyer, found on the Customers page; the page hears none of the keys', async () => {
    const key = `taobao:${orders[1]!.nick}`;
    const seller = await browser.context.newPage();
    // The console's own key handlers (its shortcuts, a widget's listener), on the document.
    await seller.addInitScript(() => {
      const heard: string[] = ((window as unknown as { heard: string[] }).heard = []);
      for (const type of ['keydown', 'keyup', 'input']) document.addEventListener(type, (event) => heard.push(`${type}:${(event as KeyboardEvent).key ?? ''}`));
    });
    await seller.goto(SOLD_ITEMS);
    await openCardOf(seller, key);
    // (Opening the card pressed Escape first, on the page.)
    await seller.evaluate(() => ((window as unknown as { heard: string[] }).heard.length = 0));
    await clickInCard(seller, 'button[data-action="notes"]');
    await clickInCard(seller, '.tm-notes-tags');
    await seller.keyboard.type('gift wrap, 老客户');
    await clickInCard(seller, '.tm-notes-note');
    await seller.keyboard.type('Leave at the door');
    const before = (await lastRescore(dashboard)).startedAt;
    await clickInCard(seller, '.tm-notes-form button[type="submit"]');
    await expect.poll(() => cardText(seller, '.tm-notes-status')).toBe('Saved');
    expect((await cardElements(seller, '.tm-notes-slot .tm-tag'))!.map((e) => e.text)).toEqual(['gift wrap', '老客户']);
    expect(await cardText(seller, '.tm-notes-slot .tm-note')).toBe('Leave at the door');
    expect(await seller.evaluate(() => (window as unknown as { heard: string[] }).heard)).toEqual([]);
    await seller.close();

    // Saved for the customer, and after the rescore the save starts, the tag lists them.
    await expect.poll(async () => {
      const rescore = await lastRescore(dashboard);
      return rescore.startedAt > before && rescore.state === 'done';
    }, { timeout: 30_000 }).toBe(true);
    const profile = (await shownProfiles(dashboard))[key]!;
    expect(profile.facts).toMatchObject({ tags: 'gift wrap, 老客户', doNotContact: false });
    await dashboard.goto(`chrome-extension://${browser.extensionId}/options.html#customers?tag=${encodeURIComponent('gift wrap')}`);
    await expect.poll(() => dashboard.locator('#tm-customers-count').innerText()).toMatch(/^1\b/);
    expect(await dashboard.locator('.tm-customer-row').getAttribute('data-customer')).toBe(key);
  });

  it('suggests on the customer’s page, in both languages, products the shop’s customers bought with theirs and they have not', async () => {
    const candidates = alsoBought(orders);
    const nick = [...new Set(orders.map((o) => o.nick))].find((n) => candidates(n).size > 0)!;
    expect(nick).toBeDefined();
    await dashboard.goto(`chrome-extension://${browser.extensionId}/options.html#customer=${encodeURIComponent(`taobao:${nick}`)}`);
    await dashboard.locator('.tm-suggestions').waitFor();
    const shown = await dashboard.locator('.tm-suggestions li strong').allInnerTexts();
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThanOrEqual(3);
    for (const title of shown) expect(candidates(nick), title).toContain(title);
    expect(await dashboard.locator('.tm-suggestions li').first().innerText()).toMatch(/\d+% of those who bought “.+” bought it too/);
    await dashboard.click('.tm-lang');
    await expect.poll(() => dashboard.locator('.tm-suggestions li').first().innerText()).toMatch(/购买「.+」的客户中 \d+% 也买了它/);
    await dashboard.click('.tm-lang');
  });
});
