import { browser } from 'wxt/browser';
import { onMessage } from '../messaging';
import { openTiermarkDB, type Database } from '../db/schema';
import { storeStatus } from '../db/status';

let database: Promise<Database> | null = null;
/** One connection per context, opened on first use. */
export function db(): Promise<Database> {
  database ??= openTiermarkDB();
  return database;
}

/** Store questions from the popup and dashboard. Registered synchronously at the top of the background. */
export function setUpStoreMessages(): void {
  onMessage('getStatus', async () => storeStatus(await db()));
  // Rescoring after an import arrives with the scoring work; for now the badge count refreshes.
  onMessage('importFinished', async () => {
    const status = await storeStatus(await db());
    await browser.action.setBadgeText({ text: status.customers > 0 ? compactCount(status.customers) : '' });
  });
}

function compactCount(n: number): string {
  return n >= 10_000 ? `${Math.floor(n / 1000)}k` : String(n);
}
