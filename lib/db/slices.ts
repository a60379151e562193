import { BUCKETS } from './buckets';
import type { Database, TiermarkDB } from './schema';

/** The stores kept in buckets (see buckets.ts). */
export type BucketedStore = 'orders' | 'customers' | 'aliases' | 'profiles' | 'followups';

/**
 * Bucketed stores read a slice of buckets at a time, the same slice of each in one transaction:
 * only a slice's text is held at once, and the page or worker can yield between slices.
 */
export async function* bucketSlices<S extends BucketedStore>(db: Database, stores: readonly S[], size: number): AsyncGenerator<{ [K in S]: Array<TiermarkDB[K]['value']> }> {
  for (let first = 0; first < BUCKETS; first += size) {
    const range = IDBKeyRange.bound(first, first + size - 1);
    const tx = db.transaction([...stores]);
    const read = await Promise.all(stores.map((store) => tx.objectStore(store).getAll(range)));
    yield Object.fromEntries(stores.map((store, i) => [store, read[i]!])) as { [K in S]: Array<TiermarkDB[K]['value']> };
  }
}
