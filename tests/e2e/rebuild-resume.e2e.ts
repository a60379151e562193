import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers';
import { importAndScore, launchExtension, storedRecord, type LoadedExtension } from './extension';

/** The stored status of the rebuild of past months. */
const rebuildStatus = (page: Page) => storedRecord<{ state: string; startedAt: number; done: number; of: number; thread?: string }>(page, 'meta', 'pastSnapshots');

describe('a rebuild of past months the browser cut short', () => {
  let browser: LoadedExtension | null = null;
  const profile = mkdtempSync(join(tmpdir(), 'tiermark-rebuild-'));
  afterAll(async () => {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('runs again when the browser starts, and the Overview no longer says it is rebuilding', async () => {
    browser = await launchExtension({ profile });
    let page = await browser.openOptions();
    await importAndScore(page, join(FIXTURES, 'demo/ExportOrderList202611201200.csv'));
    await expect.poll(async () => (await rebuildStatus(page))?.state, { timeout: 60_000 }).toBe('done');
    // In a worker of the scoring document, as the whole rescore: the service worker answers seller pages meanwhile.
    expect(await rebuildStatus(page)).toMatchObject({ thread: 'worker' });
    // As the browser leaves it when it closes mid-rebuild: running, a few months done (the store's record and the pages' copy).
    const cut = { ...(await rebuildStatus(page))!, state: 'running', done: 3, finishedAt: null };
    await page.evaluate(`new Promise((ok) => { const r = indexedDB.open('tiermark'); r.onsuccess = () => { const tx = r.result.transaction('meta', 'readwrite'); tx.objectStore('meta').put(${JSON.stringify(cut)}); tx.oncomplete = () => { r.result.close(); ok(null); }; }; })`);
    await page.evaluate(`chrome.storage.local.set({ pastSnapshotProgress: ${JSON.stringify(cut)} })`);
    await browser.close();

    browser = await launchExtension({ profile });
    page = await browser.openOptions();
    await expect.poll(async () => {
      const status = await rebuildStatus(page);
      return status && status.startedAt > cut.startedAt ? status.state : 'not started again';
    }, { timeout: 60_000 }).toBe('done');
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#overview`);
    await page.locator('.tm-movement').waitFor();
    expect(await page.locator('#tm-movement-rebuilding').count()).toBe(0);
  });
});
