import { expect } from 'vitest';
import { importFile } from '../../../lib/db/importer';
import { setNotes } from '../../../lib/db/customer-notes';
import { rescore } from '../../../lib/db/rescore';
import type { RescoreStatus } from '../../../lib/db/profiles';
import { openTiermarkDB, type Database } from '../../../lib/db/schema';
import { stageStoredCustomer } from '../../../lib/db/touched';
import { demoExportText, demoOrders } from '../../../lib/demo/shop';
import type { OverviewRecord } from '../../../lib/overview';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { endOfDay } from '../../../lib/time';
import { importable } from '../../helpers';

/** A WooCommerce export's columns, as its orders report writes them. */
export const WOO_HEADER = 'Order Number,Order Date,Email (Billing),First Name (Billing),Last Name (Billing),Order Total';
// Two buyers called Wei Wang, Marie Curie with two orders, Ada Lovelace with one small one.
export const WOO_FIRST = `${WOO_HEADER}
1,2024-01-01,a@example.com,Wei,Wang,10.00
2,2024-01-02,b@example.com,Wei,Wang,20.00
3,2024-02-01,marie@example.org,Marie,Curie,500.00
4,2024-03-01,marie@example.org,Marie,Curie,30.00
5,2024-03-02,ada@example.com,Ada,Lovelace,15.00
`;
// The day after: Ada buys big, Grace is new, and a second Marie Curie makes that name ambiguous.
export const WOO_NEXT_DAY = `${WOO_HEADER}
6,2024-03-10,ada@example.com,Ada,Lovelace,400.00
7,2024-03-10,grace@example.com,Grace,Hopper,50.00
8,2024-03-10,marie.c@example.net,Marie,Curie,25.00
`;

export async function importText(db: Database, name: string, text: string) {
  const bytes = new TextEncoder().encode(text);
  return importFile(db, await importable(name, bytes, 4096), {});
}

/**
 * A seller's morning with two shops: the demo tea shop and a WooCommerce shop scored a month
 * before and on the day, then the day's orders of both imported (the tea shop's last three days;
 * Wei Wang, long lapsed, buying again) and a tag staff gave a customer the day touched nowhere
 * else. `before`: what the whole rescore of the day left, for tests to see the day move it.
 */
export async function shopsAfterADay() {
  const db = await openTiermarkDB(`day-of-orders-${Math.random()}`);
  const orders = demoOrders(400);
  const lastDays = [...new Set(orders.map((o) => o.createdAt.slice(0, 10)))].sort().slice(-3);
  const lastDay = lastDays.at(-1)!;
  const onLastDays = (o: { createdAt: string }) => lastDays.includes(o.createdAt.slice(0, 10));
  const asOf = { timeZone: 'UTC', settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay(lastDay, 'UTC') };
  await importText(db, 'tea.csv', demoExportText(orders.filter((o) => !onLastDays(o))));
  await importText(db, 'first.csv', WOO_FIRST);
  // A month before too: the day's snapshot carries since when each customer has had their tier, and movement is counted from it.
  expect(await rescore(db, { reason: 'daily', ...asOf, asOf: asOf.asOf - 30 * 86_400_000 })).toMatchObject({ state: 'done' });
  expect(await rescore(db, { reason: 'import', ...asOf })).toMatchObject({ state: 'done' });
  const before = { overview: (await db.get('meta', 'overview')) as OverviewRecord, status: (await db.get('meta', 'rescore')) as RescoreStatus };
  await importText(db, 'tea-day.csv', demoExportText(orders.filter(onLastDays)));
  await importText(db, 'next-day.csv', `${WOO_NEXT_DAY}9,${lastDay},a@example.com,Wei,Wang,30.00\n`);
  await setNotes(db, { key: 'woocommerce:b@example.com', note: '', tags: ['回访'], doNotContact: false, hideOnPages: false });
  await stageStoredCustomer(db, 'woocommerce:b@example.com');
  // Buyers the day brought who had not bought before, counted from the orders given.
  const teaBefore = new Set(orders.filter((o) => !onLastDays(o)).map((o) => o.nick));
  const emails = (text: string) => new Set(text.trim().split('\n').slice(1).map((line) => line.split(',')[2]));
  const newBuyers = new Set(orders.filter(onLastDays).map((o) => o.nick).filter((nick) => !teaBefore.has(nick))).size + [...emails(WOO_NEXT_DAY)].filter((email) => !emails(WOO_FIRST).has(email)).length;
  // Every customer the day touched: the tea shop's buyers of its last days, the WooCommerce file's, and the one tagged.
  const dayCustomers = new Set(orders.filter(onLastDays).map((o) => o.nick)).size + new Set([...emails(WOO_NEXT_DAY), 'a@example.com', 'b@example.com']).size;
  return { db, asOf, before, newBuyers, dayCustomers };
}
