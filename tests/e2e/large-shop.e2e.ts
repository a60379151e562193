import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketOf, BUCKETS } from '../../lib/db/buckets';
import type { RescoreStatus } from '../../lib/db/profiles';
import type { Customer } from '../../lib/model';
import { generateShopifyHolding } from '../bench/generate';
import { importAndScore, openEmptyDashboard, storedEntries, storedRecord, type LoadedExtension } from './extension';

/** From this many customers the whole rescore scores half the buckets on a second thread (lib/background/part-thread.ts). */
const HELPED_FROM = 20_000;

describe('a shop large enough to score on two threads', () => {
  let browser: LoadedExtension;
  let page: Page;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tiermark-large-'));
    file = join(dir, 'orders_export.csv');
    // Copies of a Shopify export, each with its own buyers. More emails than customers come of it
    // (about 4 to 3): 1.6 times the threshold's in emails is some 24,000 customers.
    await generateShopifyHolding(file, HELPED_FROM * 1.6, (path) => emailsIn(path).size, '2026-11-19');
    ({ browser, page } = await openEmptyDashboard());
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('scores every customer into the table and the Customers page, whichever thread scored them', async () => {
    await importAndScore(page, file);
    const status = (await storedRecord<RescoreStatus>(page, 'meta', 'rescore'))!;
    expect(status).toMatchObject({ state: 'done', reason: 'import', thread: 'worker', threads: 2 });

    // Counted from the store's buckets, not from the rescore's own counts.
    const customers = await storedEntries<Customer>(page, 'customers');
    const keys = Object.keys(customers);
    expect(keys.length).toBeGreaterThan(HELPED_FROM);
    expect(status.scored).toBe(keys.length);
    const profiles = await storedEntries<{ tier: { label: Record<string, string> } | null }>(page, 'profiles');
    expect(Object.keys(profiles).length).toBe(keys.length);
    const head = (await storedRecord<{ size: number; built: string }>(page, 'customerTable', 'head'))!;
    expect(head.size).toBe(keys.length);
    // The badge index, finished on the second thread: of this build, and its shards as stored (ten
    // bytes an identifier) hold every customer's buyer id and their aliases.
    const index = (await storedRecord<{ built: string; entries: number; slot?: number }>(page, 'meta', 'badgeIndex'))!;
    expect(index.built).toBe(head.built);
    const stored = await page.evaluate(`new Promise((ok) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => {
      const db = r.result;
      const from = ${(index.slot ?? 0) * 2 ** 20};
      const g = db.transaction('badgeShards').objectStore('badgeShards').getAll(IDBKeyRange.bound(from, from + 2 ** 16 - 1));
      g.onsuccess = () => { db.close(); ok(g.result.reduce((n, shard) => n + shard.bytes.byteLength / 10, 0)); };
    }; })`);
    expect(stored).toBe(index.entries);
    expect(stored).toBeGreaterThan(keys.length);

    // Customers of either thread's buckets, each found by email on the Customers page with the tier their profile holds.
    const half = (second: boolean) => keys.filter((key) => bucketOf(key) >= BUCKETS / 2 === second && profiles[key]?.tier && customers[key]!.emails.length > 0);
    const sought = [half(false)[0], half(true)[0], half(true).at(-1)];
    await page.click('a[href="#customers"]');
    await expect.poll(() => page.locator('#tm-customers-count').innerText()).toBe(`${keys.length.toLocaleString('en')} customers shown`);
    for (const key of sought) {
      expect(key).toBeDefined();
      await page.fill('#tm-customer-search', customers[key!]!.emails[0]!);
      const row = page.locator(`.tm-customer-row[data-customer="${key}"]`);
      await row.waitFor();
      expect(await row.locator('td').nth(1).innerText()).toBe(profiles[key!]!.tier!.label.en);
    }
  });
});

/** The file's distinct emails, lower case. */
function emailsIn(path: string): Set<string> {
  const { data } = Papa.parse<Record<string, string>>(readFileSync(path, 'utf8'), { header: true, skipEmptyLines: true });
  return new Set(data.map((row) => row.Email?.trim().toLowerCase()).filter((email): email is string => !!email));
}
