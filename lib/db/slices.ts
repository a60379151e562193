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
export async function* bucketSlices<S extends BucketedStore>(db: Database, stores: readonly S[], size: number, starts: readonly number[] = slicesOf(size)): AsyncGenerator<{ [K in S]: Array<TiermarkDB[K]['value']> }> {
  const changed = stores.filter((store) => CHANGED.has(store)) as Array<S & ChangedStore>;
  const slice = async (first: number) => {
    const range = IDBKeyRange.bound(first, first + size - 1);
    const tx = db.transaction(changed.length > 0 ? [...stores, 'bucketChanges'] : [...stores]);
    const [read, changes] = await Promise.all([
      Promise.all(stores.map((store) => tx.objectStore(store).getAll(range))),
      Promise.all(changed.map((store) => tx.objectStore('bucketChanges').getAll(changesRange(store, first, first + size - 1)))),
    ]);
    changed.forEach((store, i) => {
      const at = stores.indexOf(store);
      read[at] = overBuckets(read[at] as Array<TiermarkDB[ChangedStore]['value']>, changes[i]!);
    });
    return Object.fromEntries(stores.map((store, i) => [store, read[i]!])) as { [K in S]: Array<TiermarkDB[K]['value']> };
  };
  yield* readAhead(size, slice, starts);
}

/** The first bucket of each slice of `size` buckets, in order. */
export const slicesOf = (size: number): number[] => Array.from({ length: Math.ceil(BUCKETS / size) }, (_, i) => i * size);

/**
 * Each slice of buckets read by `read` (from its first bucket, each of `starts` in turn), the next
 * one asked for before one is handed over, so the store reads it while the caller works.
 */
export async function* readAhead<T>(size: number, read: (first: number) => Promise<T>, starts: readonly number[] = slicesOf(size)): AsyncGenerator<T> {
  if (starts.length === 0) return;
  let next = read(starts[0]!);
  for (let i = 0; i < starts.length; i += 1) {
    const slice = await next;
    if (i + 1 < starts.length) {
      next = read(starts[i + 1]!);
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
