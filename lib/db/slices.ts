import { BUCKETS, withChanges, type ChangedStore } from './buckets';
import type { Database, TiermarkDB } from './schema';

/** The stores kept in buckets (see buckets.ts). */
export type BucketedStore = 'orders' | 'customers' | 'aliases' | 'profiles' | 'followups';

const CHANGED: ReadonlySet<BucketedStore> = new Set<ChangedStore>(['orders', 'customers', 'aliases']);

/** A store's changes kept beside its buckets first to last (see BucketChanges). */
export const changesRange = (store: ChangedStore, first: number, last: number) => IDBKeyRange.bound([store, first], [store, last]);

/**
 * Bucketed stores read a slice of buckets at a time, the same slice of each in one transaction:
 * only a slice's text is held at once, and the page or worker can yield between slices. A bucket
 * comes with the changes kept beside it over it. The next slice is asked for before one is handed
 * over, so the store reads it while the caller works on this one: the rescore at a million
 * customers had waited for each slice, some 15% of its time.
 */
export async function* bucketSlices<S extends BucketedStore>(db: Database, stores: readonly S[], size: number, buckets: BucketRange = ALL_BUCKETS): AsyncGenerator<{ [K in S]: Array<TiermarkDB[K]['value']> }> {
  const changed = stores.filter((store) => CHANGED.has(store)) as Array<S & ChangedStore>;
  const slice = async (first: number) => {
    const last = Math.min(first + size, buckets.end) - 1;
    const range = IDBKeyRange.bound(first, last);
    const tx = db.transaction(changed.length > 0 ? [...stores, 'bucketChanges'] : [...stores]);
    const [read, changes] = await Promise.all([
      Promise.all(stores.map((store) => tx.objectStore(store).getAll(range))),
      Promise.all(changed.map((store) => tx.objectStore('bucketChanges').getAll(changesRange(store, first, last)))),
    ]);
    changed.forEach((store, i) => {
      const at = stores.indexOf(store);
      read[at] = overBuckets(read[at] as Array<TiermarkDB[ChangedStore]['value']>, changes[i]!);
    });
    return Object.fromEntries(stores.map((store, i) => [store, read[i]!])) as { [K in S]: Array<TiermarkDB[K]['value']> };
  };
  yield* readAhead(size, slice, buckets);
}

/** Buckets `first` up to (not including) `end`. */
export interface BucketRange {
  first: number;
  end: number;
}

export const ALL_BUCKETS: BucketRange = { first: 0, end: BUCKETS };

/**
 * Each slice of buckets read by `read` (from its first bucket), the next one asked for before one
 * is handed over, so the store reads it while the caller works.
 */
export async function* readAhead<T>(size: number, read: (first: number) => Promise<T>, { first: start, end }: BucketRange = ALL_BUCKETS): AsyncGenerator<T> {
  let next = read(start);
  for (let first = start; first < end; first += size) {
    const slice = await next;
    if (first + size < end) {
      next = read(first + size);
      // A caller that stops early leaves it unread: its failure then is nobody's.
      next.catch(() => {});
    }
    yield slice;
  }
}

/** Stored buckets, in bucket order, each with its changes over it (a bucket only changes have comes in its place). */
function overBuckets<T extends TiermarkDB[ChangedStore]['value']>(stored: T[], changes: ReadonlyArray<TiermarkDB['bucketChanges']['value']>): T[] {
  if (changes.length === 0) return stored;
  const byBucket = new Map(stored.map((record) => [record.bucket, record]));
  for (const change of changes) byBucket.set(change.bucket, withChanges(byBucket.get(change.bucket), change)!);
  return [...byBucket.values()].sort((a, b) => a.bucket - b.bucket);
}

/** One bucket as stored and the changes kept beside it, read together. */
export async function bucketAndChanges<S extends ChangedStore>(db: Database, store: S, bucket: number): Promise<[TiermarkDB[S]['value'] | undefined, TiermarkDB['bucketChanges']['value'] | undefined]> {
  const tx = db.transaction([store, 'bucketChanges']);
  return Promise.all([tx.objectStore(store).get(bucket), tx.objectStore('bucketChanges').get([store, bucket])]);
}
