import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEMORY_BUDGET } from '../../lib/db/importer';
import type { ImportRecord } from '../../lib/db/ledger';
import { orderOfStored, type StoredOrder } from '../../lib/db/stored-orders';
import { generateShopifyHolding } from '../bench/generate';
import { openEmptyDashboard, storedEntries, storedRecords, type LoadedExtension } from './extension';

/** The order numbers of a Shopify export, counted here: the first column of every row, once each. */
const orderNamesIn = (path: string) => new Set(Papa.parse<string[]>(readFileSync(path, 'utf8'), { skipEmptyLines: true }).data.slice(1).map((row) => row[0]!));

describe('a file with more orders than an import holds in memory', () => {
  let browser: LoadedExtension;
  let page: Page;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tiermark-spill-'));
    file = join(dir, 'orders_export.csv');
    // A tenth more orders than the import holds before it stages them in IndexedDB.
    await generateShopifyHolding(file, MEMORY_BUDGET * 1.1, (path) => orderNamesIn(path).size, '2026-11-19');
    ({ browser, page } = await openEmptyDashboard());
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stages them as it reads, on a thread of their own, then saves every one on two threads and leaves nothing staged', async () => {
    const names = orderNamesIn(file);
    expect(names.size).toBeGreaterThan(MEMORY_BUDGET);
    const workers: string[] = [];
    page.on('worker', (worker) => workers.push(worker.url()));
    await page.setInputFiles('#tm-file-input', file);
    await page.locator('.tm-detected-format').waitFor();
    await page.click('#tm-import-start');
    await page.locator('.tm-result.tm-status-complete').waitFor({ timeout: 120_000 });
    const [record] = await storedRecords<ImportRecord>(page, 'imports');
    expect(record).toMatchObject({ status: 'complete', commitFrom: 'staging', rowsRejected: 0 });
    const stored = Object.values(await storedEntries<StoredOrder[]>(page, 'orders')).flatMap((history) => history.map((order) => orderOfStored(order).orderId));
    expect(stored).toHaveLength(names.size);
    expect(new Set(stored)).toEqual(names);
    expect(await storedRecords(page, 'staged')).toEqual([]);
    // The import's worker started the one that stages beside it (see StagingBeside), and the one
    // that commits beside it (see CommitThread), which committed groups and ranges of identifiers.
    expect(workers.filter((url) => /\/stage-worker-[\w-]+\.js$/.test(url))).toHaveLength(1);
    expect(workers.filter((url) => /\/commit-worker-[\w-]+\.js$/.test(url))).toHaveLength(1);
    expect(record!.timings.beside).toBeGreaterThan(0);
  });
});
