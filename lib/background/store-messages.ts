import { browser } from 'wxt/browser';
import { onMessage } from '../messaging';
import { storeStatus } from '../db/status';
import { requestRescore } from './rescore';
import { clearLookupCache } from '../db/lookup';
import { rescoreStatus } from '../db/profiles';
import { importChangedStore } from '../db/ledger';
import { db } from './store';

/** Store questions from the popup and dashboard. Registered synchronously at the top of the background. */
export function setUpStoreMessages(): void {
  onMessage('getStatus', async () => storeStatus(await db()));
  // After an import: the toolbar count, then a rescore; the reply waits for it, which keeps the worker alive.
  onMessage('importFinished', async ({ data }) => {
    const database = await db();
    // A file imported before, or one whose orders were all known: nothing to rescore (a million customers' rescore takes minutes).
    const last = await rescoreStatus(database);
    if (last?.state === 'done' && !(await importChangedStore(database, data.importId))) return last;
    clearLookupCache(database);
    const status = await storeStatus(database);
    await browser.action.setBadgeText({ text: status.customers > 0 ? compactCount(status.customers) : '' });
    return requestRescore('import');
  });
}

function compactCount(n: number): string {
  return n >= 10_000 ? `${Math.floor(n / 1000)}k` : String(n);
}
