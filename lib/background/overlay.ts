import { browser } from 'wxt/browser';
import { customerCard } from '../db/customer-card';
import { badgeLooks, indexLooks, wholeBadgeIndex } from '../db/badge-index';
import { lookupRows, lookupVersion } from '../db/lookup';
import { setFollowUpStatus } from '../db/profiles';
import { notesAsTyped, notesOf, setNotes } from '../db/customer-notes';
import { requestRescore } from './rescore';
import { onMessage } from '../messaging';
import { shopSettings } from '../settings';
import { localDayNumber } from '../time';
import { db } from './store';

/** What seller pages ask: badges for their rows, a customer's card, follow-up actions. Registered synchronously. */
export function setUpOverlayMessages(): void {
  // The badge index's head, filter and patch read as the worker starts (with the browser, before any
  // page asks): at a million customers some 8 MB, which the first page's first rows waited 250–370 ms for.
  void db()
    .then((database) => badgeLooks(database, null, [], 'en'))
    .catch(() => undefined);
  onMessage('lookup', async ({ data }) => {
    const database = await db();
    return { matches: await lookupRows(database, data.platform, data.rows, data.language), version: lookupVersion(database) };
  });
  onMessage('badgeLooks', async ({ data }) => {
    const database = await db();
    const [looks, table] = await Promise.all([badgeLooks(database, data.platform, data.rows, data.language), data.table ? indexLooks(database, data.language) : undefined]);
    return { looks, version: lookupVersion(database), ...(table ? { table } : {}) };
  });
  onMessage('badgeIndex', async ({ data }) => {
    const database = await db();
    return wholeBadgeIndex(database, data.language, lookupVersion(database));
  });
  onMessage('customerCard', async ({ data }) => customerCard(await db(), data.customerKey, data.language, (await shopSettings.getValue()).timeZone));
  onMessage('setFollowUpStatus', async ({ data }) => {
    const { timeZone } = await shopSettings.getValue();
    const untilDay = data.status === 'snoozed' ? localDayNumber(Date.now(), timeZone) + (data.snoozeDays ?? 3) : null;
    return (await setFollowUpStatus(await db(), data.id, data.status, untilDay)).status;
  });
  onMessage('saveCardNotes', async ({ data }) => {
    const database = await db();
    const kept = await notesOf(database, data.customerKey);
    const { notes, problem } = notesAsTyped(data.customerKey, { note: data.note, tags: data.tags, doNotContact: kept?.doNotContact ?? false, hideOnPages: kept?.hideOnPages ?? false });
    if (problem) return { problem: problem[data.language] };
    await setNotes(database, notes);
    // Rules read tags: the customer's badges and follow-ups follow them.
    void requestRescore('notes');
    return { notes: { note: notes.note, tags: notes.tags, doNotContact: notes.doNotContact } };
  });
  onMessage('openDashboard', async ({ data }) => {
    await browser.tabs.create({ url: browser.runtime.getURL(`/options.html#customer=${encodeURIComponent(data.customerKey)}`) });
  });
}
