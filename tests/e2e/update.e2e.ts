import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, ROOT, fixture } from '../helpers';
import { describedBadges } from './badges';
import { EXTENSION_DIR, THANK_YOU_CALLS, importAndScore, lastRescore, launchExtension, storeRuleFile, storedEntries, type LoadedExtension } from './extension';

/** The build a seller has before this one: store schema v5, before the badge index (tests/fixtures/releases/README.md). */
const EARLIER = join(FIXTURES, 'releases/ce309e1-chrome-mv3.tar.gz');

/** What the seller would miss after an update, read from the store and the settings. */
async function shopState(page: Page) {
  const ruleFiles = (await page.evaluate(`new Promise((ok) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => { const g = r.result.transaction('ruleFiles').objectStore('ruleFiles').getAll(); g.onsuccess = () => { r.result.close(); ok(g.result); }; }; })`)) as Array<{ file: string; text: string }>;
  const followUps = await storedEntries<{ status: string; dueDay: number }>(page, 'followups');
  const keptDates = await page.evaluate(`new Promise((ok) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => { const g = r.result.transaction('keptDates').objectStore('keptDates').getAll(); g.onsuccess = () => { r.result.close(); ok(g.result); }; }; })`);
  return {
    customers: await page.locator('#tm-count-customers').innerText(),
    orders: await page.locator('#tm-count-orders').innerText(),
    ruleFiles: ruleFiles.map(({ file, text }) => ({ file, text })).sort((a, b) => (a.file < b.file ? -1 : 1)),
    followUps: Object.fromEntries(Object.entries(followUps).map(([id, f]) => [id, f.status])),
    keptDates,
    // The seller's settings; not the progress of a rescore or a rebuild of past months, which the update itself starts.
    settings: await page.evaluate(`chrome.storage.local.get(null).then(({ rescoreProgress, pastSnapshotProgress, ...settings }) => settings)`),
  };
}

describe('updating from the earlier release', () => {
  let browser: LoadedExtension | null = null;
  const dir = mkdtempSync(join(tmpdir(), 'tiermark-update-'));
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every customer, the seller’s rule files, follow-ups done and snoozed, kept dates and the settings, badges seller pages from the index and lists customers from the table its first rescore writes (schema v5 → v11)', async () => {
    // The earlier build, unpacked where the browser loads it from (the folder names the extension).
    execFileSync('tar', ['-xzf', EARLIER, '-C', dir]);
    const extensionDir = join(dir, 'chrome-mv3');
    const profile = join(dir, 'profile');
    browser = await launchExtension({ extensionDir, profile });
    const extensionId = browser.extensionId;
    let page = await browser.openOptions();
    await importAndScore(page, fixture('taobao-order-report.gbk.csv'));

    // The seller adds a rule file, turns a shipped one off, sets the shop's currency and CLV rate, and works some follow-ups.
    await storeRuleFile(page, 'thank-you.json', THANK_YOU_CALLS);
    const vip = JSON.parse(readFileSync(join(ROOT, 'rules/vip-treatment.json'), 'utf8'));
    await storeRuleFile(page, 'vip-treatment.json', JSON.stringify({ ...vip, enabled: false }, null, 2));
    await page.goto(`chrome-extension://${extensionId}/options.html#settings`);
    await page.locator('#tm-clv-rate').waitFor();
    const before = (await lastRescore(page)).startedAt;
    await page.fill('#tm-clv-rate', '2');
    await page.click('#tm-settings-save');
    await expect.poll(async () => (await lastRescore(page)).startedAt, { timeout: 30_000 }).toBeGreaterThan(before);
    await expect.poll(async () => (await lastRescore(page)).state, { timeout: 30_000 }).toBe('done');
    await page.goto(`chrome-extension://${extensionId}/options.html#follow-ups`);
    const items = page.locator('.tm-follow-up-item');
    await items.first().waitFor();
    const [done, snoozed] = (await items.evaluateAll((list) => list.map((item) => item.getAttribute('data-follow-up')!))) as [string, string];
    const statusOf = async (id: string) => (await storedEntries<{ status: string }>(page, 'followups'))[id]?.status;
    // Each clicked until its status is stored: the list re-renders once a status is saved, and a
    // click that lands on the row it replaces does nothing (a CI run lost the snooze that way).
    const work = (id: string, action: 'done' | 'snooze', status: string) =>
      expect
        .poll(async () => {
          const now = await statusOf(id);
          if (now !== status) await page.click(`[data-follow-up="${id}"] button[data-action="${action}"]`, { timeout: 2_000 }).catch(() => undefined);
          return now;
        }, { timeout: 15_000, interval: 500 })
        .toBe(status);
    await work(done, 'done', 'done');
    await work(snoozed, 'snooze', 'snoozed');
    // A birthday kept for a customer, as that release stores it.
    await page.evaluate(`new Promise((ok) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => { const tx = r.result.transaction('keptDates', 'readwrite'); tx.objectStore('keptDates').put({ key: 'taobao:茶友小王', dates: [{ name: 'birthday', monthDay: '05-17' }] }); tx.oncomplete = () => { r.result.close(); ok(); }; }; })`);
    await page.goto(`chrome-extension://${extensionId}/options.html#overview`);
    await page.locator('.tm-rfm-grid').waitFor();
    const earlier = await shopState(page);
    expect(earlier.keptDates).toHaveLength(1);
    expect(earlier.followUps[done]).toBe('done');
    expect(earlier.ruleFiles.map((f) => f.file)).toEqual(['thank-you.json', 'vip-treatment.json']);

    await browser.close();

    // The update: the same folder now holds today's build. A store update installs the new
    // background worker; a restarted browser would keep running the one it registered for an
    // unpacked folder, so that registration goes, as an update replaces it. The data stays.
    rmSync(extensionDir, { recursive: true });
    cpSync(EXTENSION_DIR, extensionDir, { recursive: true });
    rmSync(join(profile, 'Default', 'Service Worker'), { recursive: true, force: true });
    browser = await launchExtension({ extensionDir, profile });
    expect(browser.extensionId).toBe(extensionId);
    // Opened at the Overview (a hash change before the dashboard has loaded would not be followed).
    page = await browser.context.newPage();
    await page.goto(`chrome-extension://${extensionId}/options.html#overview`);
    await page.locator('.tm-rfm-grid').waitFor();
    const version = await page.evaluate(`new Promise((ok) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => { const db = r.result; ok([db.version, ...['badgeShards', 'customerTable', 'customerNotes', 'abTests', 'snapshots', 'touched', 'rescored', 'aliasDigests', 'bucketChanges', 'snapshotPatches'].map((name) => [...db.objectStoreNames].includes(name))]); db.close(); }; })`);
    expect(version).toEqual([12, true, true, true, true, true, true, true, true, true, true]);
    const later = await shopState(page);
    expect({ ...later, followUps: undefined }).toEqual({ ...earlier, followUps: undefined });
    expect(later.followUps[done]).toBe('done');
    expect(later.followUps[snoozed]).toBe('snoozed');

    // The rescore the update starts writes the badge index, and seller pages are badged from it.
    const indexHead = () => page.evaluate(`new Promise((ok) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => { const g = r.result.transaction('meta').objectStore('meta').get('badgeIndex'); g.onsuccess = () => { r.result.close(); ok(g.result?.entries ?? 0); }; }; })`);
    await expect.poll(indexHead, { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await lastRescore(page)).toMatchObject({ reason: 'update', state: 'done' });
    const looks = await page.evaluate(`new Promise((ok) => chrome.runtime.sendMessage({ id: 1, type: 'badgeLooks', data: { platform: 'taobao', rows: [[{ kind: 'id', value: '茶友小王' }], [{ kind: 'id', value: '过路客' }]], language: 'zh-CN' }, timestamp: Date.now() }, (reply) => ok(reply.res.looks.map((look) => look?.kind ?? null))))`);
    expect(looks).toEqual(['customer', null]);
    const body = readFileSync(join(FIXTURES, 'sites/taobao-sold/list_sold_items.html'), 'utf8');
    await browser.context.route('https://trade.taobao.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body }));
    const seller = await browser.context.newPage();
    await seller.goto('https://trade.taobao.com/trade/itemlist/list_sold_items.htm');
    await expect.poll(() => describedBadges(seller), { timeout: 15_000 }).toBe(3);
    await seller.close();
    // The same rescore writes the customer table: the Customers page lists every customer.
    await page.goto(`chrome-extension://${extensionId}/options.html#customers`);
    await expect.poll(() => page.locator('#tm-customers-count').innerText()).toBe(`${later.customers} customers shown`);

    // And the next rescore, with today's rules and scorers, keeps what staff did.
    const rescoredFrom = (await lastRescore(page)).startedAt;
    await page.goto(`chrome-extension://${extensionId}/options.html#settings`);
    await page.locator('#tm-clv-rate').waitFor();
    expect(await page.locator('#tm-clv-rate').inputValue()).toBe('2');
    await page.fill('#tm-clv-rate', '3');
    await page.click('#tm-settings-save');
    await expect.poll(async () => (await lastRescore(page)).startedAt, { timeout: 30_000 }).toBeGreaterThan(rescoredFrom);
    await expect.poll(async () => (await lastRescore(page)).state, { timeout: 30_000 }).toBe('done');
    const rescored = await storedEntries<{ status: string }>(page, 'followups');
    expect([rescored[done]?.status, rescored[snoozed]?.status]).toEqual(['done', 'snoozed']);
    const profiles = await storedEntries<{ facts: Record<string, unknown> }>(page, 'profiles');
    expect(Object.values(profiles).every((p) => typeof p.facts.lifecycleStage === 'string' || p.facts.frequency === 0)).toBe(true);
  });
});
