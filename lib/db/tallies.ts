import { emptyTally, type OverviewRecord, type OverviewTally } from '../overview';
import { customerRowsAsOf } from './customer-list';
import type { Database } from './schema';

/**
 * The last rescore's tally of a shop (of all shops for null): what the Overview and the Segments
 * page show. Undefined for a store not rescored since tallies were kept: the page counts its customers.
 */
export async function keptTally(db: Database, shop: string | null): Promise<OverviewTally | undefined> {
  const kept = (await db.get('meta', 'overview')) as OverviewRecord | undefined;
  if (!kept) return undefined;
  return (shop === null ? kept.all : kept.byShop[shop]) ?? emptyTally();
}

/**
 * The currencies the shop's customers buy in, most customers first (then alphabetically), as the
 * last rescore counted them; counted from every customer for a store not rescored since.
 */
export async function shopCurrencies(db: Database, storeVersion: string): Promise<string[]> {
  const tally = await keptTally(db, null);
  const counts = new Map<string, number>();
  if (tally) for (const [currency, { customers }] of Object.entries(tally.byCurrency)) counts.set(currency, customers);
  else for (const row of await customerRowsAsOf(db, storeVersion)) counts.set(row.currency, (counts.get(row.currency) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([currency]) => currency);
}
