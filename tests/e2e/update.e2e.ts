import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, ROOT, fixture } from '../helpers';
import { EXTENSION_DIR, THANK_YOU_CALLS, importAndScore, lastRescore, launchExtension, storeRuleFile, storedEntries, type LoadedExtension } from './extension';

/** The build a seller has before this one: store schema v4 (tests/fixtures/releases/README.md). */
const EARLIER = join(FIXTURES, 'releases/698702a-chrome-mv3.tar.gz');

/** What the seller would miss after an update, read from the store and the settings. */
async function shopState(page: Page) {
  const ruleFiles = (await page.evaluate(`new Promise((ok) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => { const g = r.result.transaction('ruleFiles').objectStore('ruleFiles').getAll(); g.onsuccess = () => { r.result.close(); ok(g.result); }; }; })`)) as Array<{ file: string; text: string }>;
  const followUps = await storedEntries<{ status: string; dueDay: number }>(page, 'followups');
  return {
    customers: await page.locator('#tm-count-customers').innerText(),
    orders: await page.locator('#tm-count-orders').innerText(),
    ruleFiles: ruleFiles.map(({ file, text }) => ({ file, text })).sort((a, b) => (a.file < b.file ? -1 : 1)),
    followUps: Object.fromEntries(Object.entries(followUps).map(([id, f]) => [id, f.status])),
    settings: await page.evaluate(`chrome.storage.local.get(null)`),
  };
}

describe('updating from the earlier release', () => {
  let browser: LoadedExtension | null = null;
  const dir = mkdtempSync(join(tmpdir(), 'tiermark-update-'));
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every customer, the seller’s rule files, follow-ups done and snoozed, and the settings (schema v4 → v5)', async () => {
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
    await page.click(`[data-follow-up="${done}"] button[data-action="done"]`);
    await expect.poll(() => statusOf(done), { timeout: 15_000 }).toBe('done');
    await page.click(`[data-follow-up="${snoozed}"] button[data-action="snooze"]`);
    await expect.poll(() => statusOf(snoozed), { timeout: 15_000 }).toBe('snoozed');
    await page.goto(`chrome-extension://${extensionId}/options.html#overview`);
    await page.locator('.tm-rfm-grid').waitFor();
    const earlier = await shopState(page);
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
    const version = await page.evaluate(`new Promise((ok) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => { const db = r.result; ok([db.version, [...db.objectStoreNames].includes('keptDates')]); db.close(); }; })`);
    expect(version).toEqual([5, true]);
    const later = await shopState(page);
    expect({ ...later, followUps: undefined }).toEqual({ ...earlier, followUps: undefined });
    expect(later.followUps[done]).toBe('done');
    expect(later.followUps[snoozed]).toBe('snoozed');

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
