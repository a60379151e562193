import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, fixture } from '../helpers';
import { importAndScore, openEmptyDashboard, type LoadedExtension } from './extension';
import { badgesIn, cardElements, describedBadges, until } from './badges';

const SOLD_ITEMS = 'https://trade.taobao.com/trade/itemlist/list_sold_items.htm';

/**
 * A page script of the kind a third-party widget runs, there before Tiermark: it hooks
 * attachShadow, then reads every badge's attributes, text and shadow root, tries to open cards
 * with click(), keys and pointer events, and plants buyer names it guesses. It keeps what it
 * learns in window.__learned for the test to read.
 */
const SPY = `<script>
  window.__learned = { roots: 0, attributes: [], texts: [], shadows: 0, cards: [], planted: [] };
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) { window.__learned.roots += 1; return attach.call(this, init); };
  window.__spy = async () => {
    const learned = window.__learned;
    for (const badge of document.querySelectorAll('tm-badge')) {
      learned.attributes.push(...[...badge.attributes].map((a) => a.name + '=' + a.value));
      learned.texts.push(badge.textContent, badge.innerText);
      if (badge.shadowRoot) learned.shadows += 1;
      badge.click();
      badge.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      badge.dispatchEvent(new PointerEvent('pointerenter', { pointerType: 'mouse' }));
    }
    await new Promise((done) => setTimeout(done, 900));
    for (const card of document.querySelectorAll('tm-card')) learned.cards.push(card.shadowRoot ? card.shadowRoot.textContent : card.textContent);
    // Guessed names planted as new rows: which of them get a badge?
    const list = document.getElementById('list-sold-items');
    const template = list.querySelector('.trade-order-main');
    ['张三丰', '李四', 'lily_2019'].forEach((guess, i) => {
      const row = template.cloneNode(true);
      row.querySelectorAll('tm-badge').forEach((badge) => badge.remove());
      // An order number the shop never had, so only the planted name can match.
      row.innerHTML = row.innerHTML.replaceAll(/28475612300\\d\\d/g, '39000000000000' + i);
      row.querySelector('.buyer-mod__name___S9vit').textContent = guess;
      row.querySelector('a.ww-inline').href = 'https://amos.alicdn.com/getcid.aw?uid=' + encodeURIComponent(guess);
      row.dataset.guess = guess;
      list.append(row);
    });
  };
</script>`;

describe('what a page can learn from Tiermark’s badges', () => {
  let browser: LoadedExtension;
  let seller: Page;

  beforeAll(async () => {
    let dashboard: Page;
    ({ browser, page: dashboard } = await openEmptyDashboard());
    await importAndScore(dashboard, fixture('taobao-order-report.gbk.csv'));
    const body = readFileSync(join(FIXTURES, 'sites/taobao-sold/list_sold_items.html'), 'utf8').replace('<head>', `<head>${SPY}`);
    await browser.context.route('https://trade.taobao.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body }));
    seller = await browser.context.newPage();
    await seller.goto(SOLD_ITEMS);
    await until(async () => (await describedBadges(seller)) === 3);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('gives a page script no customer data: no attributes but the tier, no text, no shadow root, no card by script', async () => {
    await seller.evaluate(() => (window as unknown as { __spy(): Promise<void> }).__spy());
    const learned = await seller.evaluate(() => (window as unknown as { __learned: Record<string, unknown> }).__learned);
    const tiers = (await badgesIn(seller.locator('body'))).map((badge) => badge.labels[0]);
    // Each badge says to the page only what it shows: its tier, as its accessible name.
    const attributes = learned.attributes as string[];
    const styles = attributes.filter((a) => a.startsWith('style='));
    const others = attributes.filter((a) => !a.startsWith('style='));
    expect(new Set(others)).toEqual(new Set(['class=tm-badge-host', 'tabindex=0', 'role=button', ...tiers.map((tier) => `aria-label=${tier}`)]));
    // The host's look is in its style attribute, the same for every badge: it says nothing of whose it is.
    expect(styles.length).toBeGreaterThan(0);
    expect(new Set(styles).size).toBe(1);
    expect((learned.texts as string[]).every((text) => text === '')).toBe(true);
    expect(learned.shadows).toBe(0);
    expect(learned.roots).toBe(0);
    expect(learned.cards).toEqual([]);
    expect(await seller.locator('tm-card').count()).toBe(0);
  });

  it('badges a planted name that is a customer as the page would see anyway, and tells the page nothing more', async () => {
    const planted = (guess: string) => seller.locator(`.trade-order-main[data-guess="${guess}"]`);
    await expect.poll(async () => (await badgesIn(planted('张三丰'))).filter((b) => b.tooltip).length, { timeout: 15_000 }).toBe(1);
    expect(await badgesIn(planted('李四'))).toEqual([]);
    const attributes = await planted('张三丰').locator('tm-badge').evaluate((badge) => [...badge.attributes].map((a) => a.name).sort());
    expect(attributes).toEqual(['aria-label', 'class', 'role', 'style', 'tabindex']);
  });

  it('opens the card for the seller’s own click, in a root the page cannot read', async () => {
    await seller.locator('.trade-order-main:not([data-guess])', { hasText: '2847561230001' }).locator('tm-badge').click();
    await expect.poll(() => cardElements(seller, '[data-fact="orderCount"]')).not.toBeNull();
    const seen = await seller.evaluate(() => {
      const card = document.querySelector('tm-card')!;
      return { shadow: card.shadowRoot === null, text: card.textContent, attributes: [...card.attributes].map((a) => a.name) };
    });
    expect(seen).toEqual({ shadow: true, text: '', attributes: ['style'] });
    await seller.keyboard.press('Escape');
  });
});
