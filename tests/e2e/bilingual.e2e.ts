import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, fixture } from '../helpers';
import { latinSentences } from '../latin';
import { cardText, openCardOf } from './badges';
import { importAndScore, lastRescore, launchExtension, storeRuleFile, THANK_YOU_CALLS, type LoadedExtension } from './extension';

/**
 * Everything a seller reads on a page: its text, and the tooltips, placeholders and labels of its
 * elements. Customers' own data is Chinese here (Taobao and JD exports), so any English sentence
 * is Tiermark's own, untranslated.
 */
async function englishOn(page: Page): Promise<string[]> {
  const texts = await page.evaluate(() => {
    const attributes = [...document.querySelectorAll('[title], [placeholder], [aria-label]')].flatMap((element) =>
      ['title', 'placeholder', 'aria-label'].map((name) => element.getAttribute(name) ?? ''),
    );
    return [document.body.innerText, ...attributes];
  });
  // innerText puts a tab between a table's cells: each cell is read on its own (a fact's value is a code such as "cycle only").
  return texts.flatMap((text) => text.split(/[\n\t]/)).filter((line) => latinSentences(line).length > 0);
}

describe('the Chinese interface, page by page and error by error', () => {
  let browser: LoadedExtension;
  let page: Page;
  let dir: string;
  const go = async (hash: string, ready: string) => {
    page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#${hash}`);
    await page.locator(ready).first().waitFor({ timeout: 30_000 });
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tiermark-bilingual-'));
    browser = await launchExtension({ locale: 'zh-CN' });
    page = await browser.openOptions();
    // Thank-you calls for everyone: the Follow-ups page and the popup have items to show.
    await storeRuleFile(page, 'thank-you.json', THANK_YOU_CALLS);
    await importAndScore(page, fixture('jd-orders.gbk.csv'));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('says the import’s refusals and rejected rows in Chinese', async () => {
    const binary = join(dir, 'orders.png.csv');
    writeFileSync(binary, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0]));
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#import`);
    // The Taobao export has a row with no real date: its rejection is listed in the result.
    await page.setInputFiles('#tm-file-input', [binary, empty, fixture('taobao-order-report.gbk.csv')]);
    await expect.poll(() => page.locator('.tm-file .tm-error').count(), { timeout: 15_000 }).toBe(2);
    await page.locator('.tm-file[data-file="taobao-order-report.gbk.csv"] .tm-detected-format').waitFor();
    expect(await englishOn(page)).toEqual([]);
    const before = (await lastRescore(page)).startedAt;
    await page.click('#tm-import-start');
    await page.locator('.tm-result[data-file="taobao-order-report.gbk.csv"] .tm-rejections').waitFor({ timeout: 60_000 });
    expect(await page.locator('.tm-rejections td').nth(1).innerText()).toMatch(/日期无法识别/);
    expect(await englishOn(page)).toEqual([]);
    // The pages after this one show the Taobao buyers too, once scored.
    await expect.poll(async () => { const now = await lastRescore(page); return now.state === 'done' && now.startedAt > before; }, { timeout: 60_000 }).toBe(true);
  });

  it('says a rule file’s problems in Chinese, on the Rules page and in the editor', async () => {
    const broken = join(dir, 'my-rules.json');
    writeFileSync(broken, JSON.stringify({ id: 'my-rules', title: { en: 'Mine', 'zh-CN': '我的规则' }, version: 1, enabled: true, rules: [{ name: 'a', conditions: { all: [{ fact: 'orders', operator: 'biggerThan', value: '5' }] }, event: { type: 'tiers', params: {} } }] }));
    await go('rules', '#tm-rule-import');
    await page.setInputFiles('#tm-rule-import', broken);
    await expect.poll(() => page.locator('.tm-error').first().innerText(), { timeout: 15_000 }).toMatch(/未知指标 "orders"/);
    expect(await englishOn(page)).toEqual([]);
    await go(`rules?edit=${encodeURIComponent('win-back.json')}`, '.cm-content');
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(',');
    await expect.poll(() => page.locator('.tm-editor-problems li').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.locator('.tm-editor-problems li').first().innerText()).toMatch(/JSON 格式错误/);
    expect(await englishOn(page)).toEqual([]);
  });

  it('says a backup it cannot restore and a console it cannot use in Chinese', async () => {
    const notBackup = join(dir, 'tiermark-backup.json.gz');
    writeFileSync(notBackup, 'not a backup');
    await go('settings', '#tm-restore-file');
    await page.setInputFiles('#tm-restore-file', notBackup);
    await expect.poll(() => page.locator('#tm-settings-message').innerText(), { timeout: 15_000 }).toMatch(/不是 Tiermark 备份/);
    expect(await englishOn(page)).toEqual([]);

    await go('sites', '#tm-site-origin');
    await page.fill('#tm-site-origin', 'ftp://nowhere');
    await page.click('#tm-site-enable');
    await page.locator('.tm-error').first().waitFor();
    await page.fill('#tm-custom-urlPattern', 'https://erp.example.com/orders*');
    await page.fill('#tm-custom-rowSelector', 'tr[');
    await page.fill('#tm-custom-identifierSelector', '.buyer');
    await page.fill('#tm-custom-regex', '(');
    await page.click('#tm-custom-save');
    await expect.poll(() => page.locator('ul.tm-error li').count(), { timeout: 15_000 }).toBe(3);
    expect(await englishOn(page)).toEqual([]);
  });

  it('shows every page of the dashboard, and the popup, without an English sentence', async () => {
    const pages: Array<[string, string]> = [
      ['overview', '.tm-tiers'],
      ['customers', '.tm-customer-row'],
      [`customer=${encodeURIComponent('taobao:茶友小王')}`, '.tm-groups'],
      ['follow-ups', '.tm-follow-up-item'],
      ['segments', '.tm-segment'],
      ['rules', '.tm-rule-edit'],
      ['import', '.tm-ledger'],
      ['sites', '.tm-site-list'],
      ['settings', '#tm-storage'],
      ['privacy', 'main h1'],
    ];
    const found: Record<string, string[]> = {};
    for (const [hash, ready] of pages) {
      await go(hash, ready);
      const english = await englishOn(page);
      if (english.length > 0) found[hash] = english;
    }
    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    await popup.locator('.tm-popup-due li').first().waitFor();
    const english = await englishOn(popup);
    if (english.length > 0) found.popup = english;
    expect(found).toEqual({});
  });

  it('shows badges and the history card on a seller page without an English sentence', async () => {
    const body = readFileSync(join(FIXTURES, 'sites/taobao-sold/list_sold_items.html'), 'utf8');
    await browser.context.route('https://trade.taobao.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body }));
    const seller = await browser.context.newPage();
    await seller.goto('https://trade.taobao.com/trade/itemlist/list_sold_items.htm');
    await openCardOf(seller, 'taobao:茶友小王');
    const card = (await cardText(seller, '[role=dialog]')) ?? '';
    expect(card).toMatch(/累计消费|订单/);
    expect(card.split('\n').filter((line) => latinSentences(line).length > 0)).toEqual([]);
  });
});
