import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM } from './chromium.mjs';
import { withChanges, type BucketChanges, type StoredBucket, type StoredCustomers } from '../../lib/db/buckets';
import { wholeProfiles, type ProfileBase } from '../../lib/db/profile-facts';
import { followUpsOverLayer, readProfiles, type Profile, type StoredProfiles } from '../../lib/db/profiles';
import type { CustomerNotes, KeptDate } from '../../lib/model';
import { layerOf, type RescoredCustomer, type StoredRescored } from '../../lib/db/rescored';
import type { FollowUpRecord } from '../../lib/follow-ups';

export const EXTENSION_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../.output/chrome-mv3');
/** The end-to-end build that holds a test origin's permission up front (see wxt.config.ts and run.mjs). */
export const E2E_HOSTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../.output-e2e/chrome-mv3');
export const E2E_HOST = 'https://erp.example.com';

export interface LoadedExtension {
  context: BrowserContext;
  extensionId: string;
  profile: string;
  /** Requests that left for anything but the extension and test-routed pages. */
  externalRequests: string[];
  openOptions(): Promise<Page>;
  close(): Promise<void>;
}

/** Real Chromium with the built extension loaded (the recipe in DESIGN.md). */
export async function launchExtension(options: { profile?: string; headless?: boolean; locale?: string; extensionDir?: string } = {}): Promise<LoadedExtension> {
  const extension = options.extensionDir ?? EXTENSION_DIR;
  const profile = options.profile ?? mkdtempSync(join(tmpdir(), 'tiermark-profile-'));
  const headless = options.headless ?? true;
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless,
    viewport: { width: 1280, height: 900 },
    // The pages' language (navigator.language), and Chromium's own (chrome.i18n, _locales), which on Linux follows LANGUAGE.
    ...(options.locale ? { locale: options.locale, env: { ...process.env, LANGUAGE: options.locale.replace('-', '_') } } : {}),
    args: [
      ...(options.locale ? [`--lang=${options.locale}`] : []),
      ...(headless ? ['--headless=new'] : []),
      `--disable-extensions-except=${extension}`,
      `--load-extension=${extension}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  const externalRequests: string[] = [];
  context.on('request', (request) => {
    const url = request.url();
    if (!/^(chrome-extension|data|blob|chrome):/.test(url) && !url.startsWith('http://127.0.0.1')) externalRequests.push(url);
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    extensionId,
    profile,
    externalRequests,
    async openOptions() {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/options.html`);
      return page;
    },
    async close() {
      await context.close();
      if (!options.profile) rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A new profile with the extension, and its dashboard open on the empty store. */
export async function openEmptyDashboard(options: Parameters<typeof launchExtension>[0] = {}): Promise<{ browser: LoadedExtension; page: Page }> {
  const browser = await launchExtension(options);
  const page = await browser.openOptions();
  await page.locator('.tm-empty').waitFor();
  return { browser, page };
}

export interface RescoreRecord {
  state: string | null;
  reason: string | null;
  startedAt: number;
}

/** One record of the store by its key, read in an extension page; null when there is none. */
export async function storedRecord<T>(page: Page, store: string, key: string): Promise<T | null> {
  return (await page.evaluate(
    `new Promise((ok) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => { const db = r.result; const g = db.transaction(${JSON.stringify(store)}).objectStore(${JSON.stringify(store)}).get(${JSON.stringify(key)}); g.onsuccess = () => { db.close(); ok(g.result ?? null); }; }; })`,
  )) as T | null;
}

/** Every record of a store, in key order, read in an extension page. */
export async function storedRecords<T>(page: Page, store: string): Promise<T[]> {
  return (await page.evaluate(
    `new Promise((ok) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => { const db = r.result; const g = db.transaction(${JSON.stringify(store)}).objectStore(${JSON.stringify(store)}).getAll(); g.onsuccess = () => { db.close(); ok(g.result); }; }; })`,
  )) as T[];
}

/** The store's record of the last rescore, read in an extension page: its state, reason and start (0 before any). */
export async function lastRescore(page: Page): Promise<RescoreRecord> {
  const record = await storedRecord<Partial<RescoreRecord>>(page, 'meta', 'rescore');
  return { state: record?.state ?? null, reason: record?.reason ?? null, startedAt: record?.startedAt ?? 0 };
}

/**
 * Every entry of one of the store's bucketed stores (profiles, followups, aliases, customers), by
 * key, read in an extension page; `count` reads only that many buckets.
 */
export async function storedEntries<T>(page: Page, store: string, count?: number): Promise<Record<string, T>> {
  const buckets = (await page.evaluate(`(async () => {
    const db = await new Promise((ok, fail) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
    const read = await new Promise((ok) => { const r = db.transaction(${JSON.stringify(store)}).objectStore(${JSON.stringify(store)}).getAll(undefined, ${count ?? 'undefined'}); r.onsuccess = () => ok(r.result); });
    const changes = !db.objectStoreNames.contains('bucketChanges') ? [] : await new Promise((ok) => { const r = db.transaction('bucketChanges').objectStore('bucketChanges').getAll(IDBKeyRange.bound([${JSON.stringify(store)}, 0], [${JSON.stringify(store)}, Infinity])); r.onsuccess = () => ok(r.result); });
    db.close();
    return [...read, ...(${count === undefined} ? changes : changes.filter((change) => read.some((stored) => stored.bucket === change.bucket)))];
  })()`)) as StoredBucket[];
  if (store === 'profiles') return (await profilesWhole(page, buckets as StoredProfiles[])) as Record<string, T>;
  // The entries an import changed in a bucket, kept beside it, come after it (see BucketChanges).
  return Object.assign({}, ...buckets.map((bucket) => JSON.parse(bucket.json))) as Record<string, T>;
}

/**
 * The profiles' bases, read in an extension page. Their models hold maps and typed arrays, which a
 * page's answer does not carry: each is tagged there and made again here.
 */
async function profileBasesIn(page: Page): Promise<ProfileBase[]> {
  const tagged = await page.evaluate(`new Promise((ok) => {
    const tag = (v) => v instanceof Map ? { __map: [...v].map(([k, x]) => [tag(k), tag(x)]) }
      : v instanceof Set ? { __set: [...v].map(tag) }
      : ArrayBuffer.isView(v) ? { __typed: v.constructor.name, values: Array.from(v) }
      : Array.isArray(v) ? v.map(tag)
      : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, tag(x)]))
      : v;
    const r = indexedDB.open('tiermark');
    r.onsuccess = () => { const db = r.result; const g = db.transaction('meta').objectStore('meta').getAll(IDBKeyRange.bound('profileBase:', 'profileBase:\\uffff')); g.onsuccess = () => { db.close(); ok(tag(g.result)); }; };
  })`);
  const untag = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(untag);
    if (!v || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    if ('__map' in o) return new Map((o.__map as Array<[unknown, unknown]>).map(([k, x]) => [untag(k), untag(x)]));
    if ('__set' in o) return new Set((o.__set as unknown[]).map(untag));
    if ('__typed' in o) return new (globalThis as unknown as Record<string, new (values: number[]) => unknown>)[o.__typed as string]!(o.values as number[]);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, untag(x)]));
  };
  return untag(tagged) as ProfileBase[];
}

/** Every customers bucket with the changes kept beside it over it, read in an extension page. */
async function storedCustomerBuckets(page: Page): Promise<StoredCustomers[]> {
  const [read, changes] = await Promise.all([
    storedRecords<StoredCustomers>(page, 'customers'),
    storedRecords<BucketChanges>(page, 'bucketChanges').then((all) => all.filter((change) => change.store === 'customers')),
  ]);
  const byBucket = new Map(read.map((stored) => [stored.bucket, stored]));
  for (const change of changes) byBucket.set(change.bucket, withChanges(byBucket.get(change.bucket), change)!);
  return [...byBucket.values()];
}

/**
 * Profile buckets decoded by the extension's own reader: they refer to shared outcomes by place, and
 * the whole rescore's keep no facts, which are scored again from the customers with its base.
 */
async function profilesWhole(page: Page, buckets: StoredProfiles[]): Promise<Record<string, Profile>> {
  const [customers, bases, kept, notes] = await Promise.all([
    storedCustomerBuckets(page),
    profileBasesIn(page),
    storedRecords<{ key: string; dates: KeptDate[] }>(page, 'keptDates'),
    storedRecords<CustomerNotes>(page, 'customerNotes'),
  ]);
  const context = { bases: new Map(bases.map((base) => [base.built, base])), kept: new Map(kept.map((r) => [r.key, r.dates])), notes: new Map(notes.map((r) => [r.key, r])) };
  const customersOf = new Map(customers.map((stored) => [stored.bucket, stored]));
  return Object.fromEntries(buckets.flatMap((bucket) => [...wholeProfiles(readProfiles(bucket), customersOf.get(bucket.bucket), context)]));
}

/** The layer a rescore of only the touched customers left over the whole rescore's profiles and follow-ups, read in an extension page. */
async function storedLayer(page: Page): Promise<Map<string, RescoredCustomer>> {
  return layerOf(await storedRecords<StoredRescored>(page, 'rescored'));
}

/** Every customer's profile as pages show it: the rescore of the touched's over the whole rescore's (after an import or staff's notes, no whole rescore follows). */
export async function shownProfiles(page: Page): Promise<Record<string, Profile>> {
  const [profiles, layer] = await Promise.all([storedEntries<Profile>(page, 'profiles'), storedLayer(page)]);
  for (const [key, { profile }] of layer) profiles[key] = profile;
  return profiles;
}

/** Every follow-up as staff see them, by id: the rescore of the touched's merged over the whole rescore's. */
export async function shownFollowUps(page: Page): Promise<Record<string, FollowUpRecord>> {
  const [buckets, layer] = await Promise.all([storedRecords<StoredBucket>(page, 'followups'), storedLayer(page)]);
  return Object.fromEntries(followUpsOverLayer(buckets, layer).map((record) => [record.id, record]));
}

/**
 * A seller's own rule file: a thank-you call for every buyer, counted from their first purchase
 * and with no window, so a shop of 2024 orders gets one each, due the day it is first raised.
 */
export const THANK_YOU_CALLS = JSON.stringify({
  id: 'thank-you', title: { en: 'Thank-you calls', 'zh-CN': '感谢回访' }, version: 1, enabled: true,
  rules: [{
    name: 'call', conditions: { all: [{ fact: 'orderCount', operator: 'greaterThanInclusive', value: 1 }] },
    event: { type: 'follow-up', params: { action: 'thank-you', label: { en: 'Thank-you call', 'zh-CN': '感谢回访' }, channel: 'phone', due: { since: 'tenureDays' }, message: { en: 'Thank them for their orders.', 'zh-CN': '感谢客户的支持。' } } },
  }],
});

/** Stores a rule file as the Rules page saves one; the next rescore applies it. */
export async function storeRuleFile(dashboard: Page, file: string, text: string): Promise<void> {
  await dashboard.evaluate(`(async () => {
    const db = await new Promise((ok) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => ok(r.result); });
    await new Promise((ok) => { const tx = db.transaction('ruleFiles', 'readwrite'); tx.objectStore('ruleFiles').put({ file: ${JSON.stringify(file)}, text: ${JSON.stringify(text)}, updatedAt: Date.now() }); tx.oncomplete = ok; });
    db.close();
  })()`);
}

/** Imports an export through the dashboard and waits until the background has scored every customer after it. */
export async function importAndScore(dashboard: Page, path: string): Promise<void> {
  const name = path.split('/').pop()!;
  // page.evaluate awaits the IndexedDB read (waitForFunction would take its promise for a yes).
  const before = (await lastRescore(dashboard)).startedAt;
  await dashboard.setInputFiles('#tm-file-input', path);
  await dashboard.locator(`.tm-file[data-file="${name}"] .tm-detected-format`).waitFor();
  await dashboard.click('#tm-import-start');
  await dashboard.locator(`.tm-result[data-file="${name}"]`).waitFor({ timeout: 60_000 });
  await rescoredSince(dashboard, before, `importing ${name}`);
}

/** Waits for a rescore started after `before` (a `lastRescore` start) to be done: what the pages that read its table wait for. */
export async function rescoredSince(page: Page, before: number, after: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (let now = await lastRescore(page); now.state !== 'done' || now.startedAt <= before; now = await lastRescore(page)) {
    if (Date.now() > deadline) throw new Error(`No rescore finished after ${after}`);
    await page.waitForTimeout(250);
  }
}

/** Switches Tiermark on for an origin from the dashboard's Sites page (the end-to-end build holds the test origin, so no prompt). */
export async function enableSite(dashboard: Page, extensionId: string, origin: string): Promise<void> {
  await dashboard.goto(`chrome-extension://${extensionId}/options.html#sites`);
  await dashboard.fill('#tm-site-origin', origin);
  await dashboard.click('#tm-site-enable');
  await dashboard.locator(`[data-origin="${origin}"]`).waitFor();
}

/** Fills the Sites page's form that describes a console (fields by their input id, such as rowSelector) and saves it. */
export async function describeConsole(dashboard: Page, fields: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(fields)) await dashboard.fill(`#tm-custom-${name}`, value);
  await dashboard.click('#tm-custom-save');
}
