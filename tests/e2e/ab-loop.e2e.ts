import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers';
import { importAndScore, openEmptyDashboard, type LoadedExtension } from './extension';

const DEMO = join(FIXTURES, 'demo/ExportOrderList202611201200.csv');
const DAY = 86_400_000;

/** A later Taobao export: one paid order for each buyer, on a day given as YYYY-MM-DD (Beijing time). */
function laterExport(buyers: readonly string[], day: string): string {
  const header = new TextDecoder('gbk').decode(readFileSync(DEMO)).split('\n')[0]!.trimEnd();
  const rows = buyers.map((buyer, i) => {
    const id = `38612041170${String(90000000 + i)}`;
    return `="${id}","${buyer}",,"100.00","0.00","0","100.00","0","100.00","0","交易成功",,"收货人","浙江省 杭州市 西湖区 文一路1号","快递",,="13900000000","${day} 10:00:00","${day} 10:05:00","祁门红茶 特级 100g","1",,"圆通速递",,"1","58213306","小茶馆",,"0","0",,"手机订单",,,,,,,"0.00","0.00","否"`;
  });
  return `${header}\n${rows.join('\n')}\n`;
}

describe('an A/B test closed with a later export (比照执行结果)', () => {
  let browser: LoadedExtension;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tiermark-ab-'));
    ({ browser, page } = await openEmptyDashboard());
    await importAndScore(page, DEMO);
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('splits dormant customers, and after some of group A buy again, says by how much A beat the holdout', async () => {
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#segments`);
    const ref = 'lifecycle/dormant';
    const row = page.locator(`.tm-segment[data-segment="${ref}"]`);
    await row.waitFor();
    const dormant = Number((await row.locator('.tm-segment-count').innerText()).replace(/\D/g, ''));
    expect(dormant).toBeGreaterThanOrEqual(20);
    const half = Math.floor(dormant / 2);
    await row.locator('.tm-segment-split').click();
    const form = page.locator(`.tm-split[data-segment="${ref}"]`);
    await form.locator('.tm-split-sizes').fill(`${half}, ${dormant - half}`);
    await form.locator('.tm-split-seed').fill('win-back');
    await form.locator('.tm-split-test-name').fill('Win-back coupon');
    await form.locator('.tm-split-holdout').check();
    const downloads: Download[] = [];
    const got = new Promise<void>((done) => page.on('download', (d) => (downloads.push(d) === 2 ? done() : undefined)));
    await form.locator('.tm-split-export').click();
    await got;
    const [groupA] = downloads.sort((a, b) => a.suggestedFilename().localeCompare(b.suggestedFilename()));
    const buyersOfA = readFileSync((await groupA!.path())!, 'utf8').replace(/^\uFEFF/, '').trimEnd().split('\r\n').slice(1).map((line) => line.split(',')[1]!);
    expect(buyersOfA).toHaveLength(half);

    // What each group was sent, noted on the test: kept in the store with it.
    const sentTo = page.locator('.tm-ab-grid tr[data-group="A"] .tm-ab-sent');
    await sentTo.fill('短信 满200减20券');
    await sentTo.press('Tab');
    const savedSent = () => page.evaluate(`new Promise((ok) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => { const g = r.result.transaction('abTests').objectStore('abTests').getAll(); g.onsuccess = () => { r.result.close(); ok(g.result.map((t) => t.groups.map((group) => group.sent ?? null))); }; }; })`);
    await expect.poll(savedSent).toEqual([['短信 满200减20券', null]]);
    expect(await page.locator('.tm-ab-grid tr[data-group="B"] .tm-ab-sent').getAttribute('placeholder')).toBe('nothing (held back)');

    // The test was drawn thirty days ago (its start moved back, standing in for the days that pass),
    // and the seller's next export, ten days ago, has a paid order from some of group A and no one else.
    await page.evaluate(`new Promise((ok) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => { const tx = r.result.transaction('abTests', 'readwrite'); const store = tx.objectStore('abTests'); const all = store.getAll(); all.onsuccess = () => { for (const test of all.result) store.put({ ...test, startedDay: test.startedDay - 30 }); tx.oncomplete = () => { r.result.close(); ok(); }; }; }; })`);
    const returned = buyersOfA.slice(0, Math.ceil(half / 3));
    const tenDaysAgo = new Date(Date.now() + 8 * 3_600_000 - 10 * DAY).toISOString().slice(0, 10);
    const later = join(dir, 'ExportOrderList-later.csv');
    writeFileSync(later, laterExport(returned, tenDaysAgo));
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#import`);
    await importAndScore(page, later);

    // The test's page: each group's customers and buyers, and the verdict with its interval, as worked out here.
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#segments`);
    const test = page.locator('.tm-ab-test');
    await expect.poll(() => test.locator('.tm-ab-grid tbody tr').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-group'), r.getAttribute('data-customers'), r.getAttribute('data-buyers')]))).toEqual([
      ['A', String(half), String(returned.length)],
      ['B', String(dormant - half), '0'],
    ]);
    const share = returned.length / half;
    const margin = 1.959963984540054 * Math.sqrt((share * (1 - share)) / half);
    const points = (x: number) => (x * 100).toFixed(1);
    expect(await test.locator('.tm-ab-grid tr[data-group="A"] .tm-ab-sent').inputValue()).toBe('短信 满200减20券');
    const verdict = await test.locator('.tm-ab-verdicts li[data-group="A"]').innerText();
    expect(verdict).toContain(`Group A's share who bought is ${points(share)} points higher than group B's (95% CI ${points(share - margin)} to ${points(share + margin)} points): a clear difference.`);
    // In Chinese too.
    await page.click('.tm-lang');
    await expect.poll(() => test.locator('.tm-ab-verdicts li[data-group="A"]').innerText()).toContain(`A 组的购买客户占比比 B 组高 ${points(share)} 个百分点（95% 置信区间 ${points(share - margin)} 至 ${points(share + margin)} 个百分点）：差异明确。`);
    await page.click('.tm-lang');
  });
});
