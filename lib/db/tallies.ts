import { emptyTally, type OverviewRecord, type OverviewTally } from '../overview';
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
