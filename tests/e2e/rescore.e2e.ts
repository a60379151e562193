import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, ROOT } from '../helpers';
import { openEmptyDashboard, storedEntries, type LoadedExtension } from './extension';

/** Runs in the dashboard page: the rescore record, one customer's profile, and their follow-ups. */
const readScoring = (customerKey: string) => `(async () => {
  const db = await new Promise((ok, fail) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => ok(r.result); r.onerror = fail; });
  const all = (store) => new Promise((ok) => { const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => ok(r.result); });
  const meta = await all('meta');
  const followUps = (await all('followups')).flatMap((b) => Object.values(JSON.parse(b.json))).filter((f) => f.customerKey === ${JSON.stringify(customerKey)});
  db.close();
  return { rescore: meta.find((m) => m.id === 'rescore') ?? null, followUps };
})()`;

interface Scoring {
  rescore: { state: string; reason: string; customers: number; scored: number } | null;
  profile: { tier: { label: Record<string, string> } | null; badges: Array<{ label: Record<string, string> }>; facts: Record<string, unknown> } | null;
  followUps: Array<{ action: string; channel: string; status: string }>;
}

const WANG = 'taobao:茶友小王';

describe('rescoring in the extension', () => {
  let browser: LoadedExtension;
  let page: Page;
  const scoring = async (): Promise<Scoring> => {
    const read = (await page.evaluate(readScoring(WANG))) as Omit<Scoring, 'profile'>;
    // Decoded by the extension's reader: a bucket refers to its shared outcomes by place, and keeps no facts.
    const profile = (await storedEntries<Scoring['profile']>(page, 'profiles'))[WANG] ?? null;
    return { ...read, profile } as Scoring;
  };

  beforeAll(async () => {
    ({ browser, page } = await openEmptyDashboard());
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('scores every customer after an import and writes profiles and follow-ups', async () => {
    await page.setInputFiles('#tm-file-input', fixture('taobao-order-report.gbk.csv'));
    await page.locator('.tm-detected-format').waitFor();
    await page.click('#tm-import-start');
    await page.locator('.tm-result.tm-status-complete').waitFor({ timeout: 60_000 });
    await expect.poll(async () => (await scoring()).rescore, { timeout: 30_000 }).toMatchObject({ state: 'done', reason: 'import', customers: 3, scored: 3, thread: 'worker' });
    const { profile, followUps } = await scoring();
    // 384 yuan: below 高级会员's 400. Long silent since 2024: a frequent big spender who is not recent
    // (the shop's only buyer with two purchases: 张三丰's refunded order is none).
    expect(profile!.tier!.label['zh-CN']).toBe('普通会员');
    expect(profile!.facts).toMatchObject({ monetary: 384, frequency: 2, rfmCode: '155' });
    expect(profile!.badges.map((b) => b.label['zh-CN'])).toEqual(expect.arrayContaining(['重要保持客户', '沉睡客户']));
    // Nothing spent in the last year and gone two years: long past the win-back SMS's 30-day window,
    // so it is counted for the Follow-ups page's summary, not raised as a task.
    expect(followUps).toEqual([]);
    expect((await scoring()).rescore).toMatchObject({ followUpsMissed: { 'win-back/low-value': { customers: 3 } } });
    // The dashboard says when customers were scored.
    await expect.poll(() => page.locator('.tm-rescore').getAttribute('data-state')).toBe('done');
    expect(await page.locator('.tm-rescore').innerText()).toMatch(/^Scored /);
  });

  it('rescores daily with the seller’s own rule files', async () => {
    // The seller's ladder starts 高级会员 at 300; stored as an edit of the shipped file.
    const ladder = readFileSync(join(ROOT, 'rules/member-ladder.json'), 'utf8').replace('"CNY": 400', '"CNY": 300');
    await page.evaluate(`(async () => {
      const db = await new Promise((ok) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => ok(r.result); });
      await new Promise((ok) => { const tx = db.transaction('ruleFiles', 'readwrite'); tx.objectStore('ruleFiles').put({ file: 'member-ladder.json', text: ${JSON.stringify(ladder)}, updatedAt: Date.now() }); tx.oncomplete = ok; });
      db.close();
    })()`);
    const worker = browser.context.serviceWorkers()[0]!;
    await worker.evaluate(`chrome.alarms.create('daily-rescore', { when: Date.now() })`);
    // In a worker of an offscreen document, which goes once the rescore is done: the service worker is free for badges meanwhile.
    await expect.poll(async () => (await scoring()).rescore, { timeout: 30_000 }).toMatchObject({ state: 'done', reason: 'daily', thread: 'worker' });
    await expect.poll(() => worker.evaluate('chrome.offscreen.hasDocument()')).toBe(false);
    expect((await scoring()).profile!.tier!.label['zh-CN']).toBe('高级会员');
  });

  it('rescores when the seller turns a rule file off on the Rules page', async () => {
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#rules`);
    const files = page.locator('.tm-rule-file');
    const shipped = readdirSync(join(ROOT, 'rules')).filter((name) => name.endsWith('.json') && name !== 'rules.schema.json').length;
    await expect.poll(() => files.count()).toBe(shipped);
    const ladder = page.locator('.tm-rule-file[data-file="member-ladder.json"]');
    // The edit from the test before shows as such.
    expect(await ladder.innerText()).toContain('edited');
    // Each rung with its amount in the shop's currency; the edited one at 300.
    await expect.poll(() => ladder.locator('[data-rule]').allInnerTexts()).toEqual(['Tier Premier VIP · CNY 1,000', 'Tier VIP member · CNY 700', 'Tier Senior member · CNY 300', 'Tier Member']);
    await ladder.locator('input[type=checkbox]').uncheck();
    await expect.poll(async () => (await scoring()).rescore, { timeout: 30_000 }).toMatchObject({ state: 'done', reason: 'rules', thread: 'worker' });
    expect((await scoring()).profile!.tier).toBeNull();
    await expect.poll(() => page.locator('.tm-rescore').getAttribute('data-state')).toBe('done');
    expect(await ladder.locator('input[type=checkbox]').isChecked()).toBe(false);
  });
});
