import { keyHashesInto } from '../overlay/badge-index';
import { entriesOf, readBucket, sizeOf, withChanges, type AliasTargets, type BucketEntries, type StoredBucket } from './buckets';
import { changesRange, readAhead } from './slices';
import type { Database } from './schema';

/**
 * What the badge index reads of an alias bucket, written beside it (store `aliasDigests`) by every
 * write of the bucket: each identifier's two hashes, how many customers it names, and the hashes of
 * the one it names. At a million customers the alias buckets are 320 MB of text, which each whole
 * rescore read and parsed (9 s of its 15 s index); their digests are some 50 MB of numbers.
 * Entries of 5 numbers: [identifier first, second, customers named, customer first, second].
 */
export interface AliasDigest {
  bucket: number;
  bytes: ArrayBuffer;
}

const ENTRY = 5;

/** The digest of a bucket's identifiers. A platform's own order id (`ext:`) tells shops apart on import and is never shown on a page: left out. */
export function aliasDigest(bucket: number, targets: BucketEntries<string[]>): AliasDigest {
  const numbers = new Uint32Array(sizeOf(targets) * ENTRY);
  let at = 0;
  for (const [alias, keys] of entriesOf(targets)) {
    if (keys.length === 0 || alias.startsWith('ext:')) continue;
    keyHashesInto(alias, numbers, at);
    numbers[at + 2] = keys.length;
    if (keys.length === 1) keyHashesInto(keys[0]!, numbers, at + 3);
    at += ENTRY;
  }
  return { bucket, bytes: numbers.slice(0, at).buffer };
}

/**
 * A digest with these identifiers' customers as they are now: each one it has changed in place,
 * each new one after the rest, as `aliasDigest` of the whole bucket with them would have them. A
 * day's import changes a few dozen identifiers of a bucket of thousands: made whole, their
 * digests took a million customers' import 1.5 s, and the bucket's parse 3.6 s.
 */
export function digestWith(digest: AliasDigest, changed: BucketEntries<string[]>): AliasDigest {
  const shown = [...entriesOf(changed)].filter(([alias, keys]) => keys.length > 0 && !alias.startsWith('ext:'));
  const hashes = new Uint32Array(shown.length * 2);
  const sought = new Map<number, number[]>();
  shown.forEach(([alias], j) => {
    keyHashesInto(alias, hashes, j * 2);
    const same = sought.get(hashes[j * 2]!);
    if (same) same.push(j);
    else sought.set(hashes[j * 2]!, [j]);
  });
  // One pass over the digest finds where each changed identifier stands, by both its hashes.
  const old = new Uint32Array(digest.bytes);
  const place = new Int32Array(shown.length).fill(-1);
  for (let at = 0; at < old.length; at += ENTRY) {
    for (const j of sought.get(old[at]!) ?? []) if (old[at + 1] === hashes[j * 2 + 1]) place[j] = at;
  }
  const numbers = new Uint32Array(old.length + shown.length * ENTRY);
  numbers.set(old);
  let end = old.length;
  shown.forEach(([, keys], j) => {
    let at = place[j]!;
    if (at < 0) {
      at = end;
      end += ENTRY;
      numbers.set(hashes.subarray(j * 2, j * 2 + 2), at);
    }
    numbers[at + 2] = keys.length;
    if (keys.length === 1) keyHashesInto(keys[0]!, numbers, at + 3);
    else numbers.fill(0, at + 3, at + 5);
  });
  return { bucket: digest.bucket, bytes: numbers.slice(0, end).buffer };
}

/** The digest of a stored alias bucket: for one written before digests were. */
const digestOfStored = (stored: StoredBucket): AliasDigest => aliasDigest(stored.bucket, readBucket<string[]>(stored));

/** Each identifier of a digest: its hashes, how many customers it names, and the hashes of the one it names (0, 0 when more). */
export function eachDigested(digest: AliasDigest, visit: (first: number, second: number, named: number, keyFirst: number, keySecond: number) => void): void {
  const numbers = new Uint32Array(digest.bytes);
  for (let at = 0; at < numbers.length; at += ENTRY) visit(numbers[at]!, numbers[at + 1]!, numbers[at + 2]!, numbers[at + 3]!, numbers[at + 4]!);
}

/**
 * Every alias bucket's digest, a slice of buckets at a time, the next one read while this one is
 * worked on (see `bucketSlices`). One missing (a store from before digests, a restored backup) is
 * made from its bucket and kept, in the transaction that read it.
 */
export const digestSlices = (db: Database, size: number): AsyncGenerator<AliasDigest[]> => readAhead(size, (first) => digestSlice(db, first, size));

async function digestSlice(db: Database, first: number, size: number): Promise<AliasDigest[]> {
  const range = IDBKeyRange.bound(first, first + size - 1);
  const read = db.transaction(['aliases', 'aliasDigests']);
  const [buckets, digests] = await Promise.all([read.objectStore('aliases').getAllKeys(range), read.objectStore('aliasDigests').getAll(range)]);
  if (digests.length === buckets.length) return digests;
  const tx = db.transaction(['aliases', 'aliasDigests', 'bucketChanges'], 'readwrite');
  const [stored, kept, changes] = await Promise.all([
    tx.objectStore('aliases').getAll(range),
    tx.objectStore('aliasDigests').getAll(range),
    tx.objectStore('bucketChanges').getAll(changesRange('aliases', first, first + size - 1)),
  ]);
  const have = new Map(kept.map((digest) => [digest.bucket, digest]));
  const changed = new Map(changes.map((change) => [change.bucket, change]));
  const all = stored.map((bucket) => have.get(bucket.bucket) ?? digestOfStored(withChanges(bucket, changed.get(bucket.bucket))!));
  await Promise.all([...all.filter((digest) => !have.has(digest.bucket)).map((digest) => tx.objectStore('aliasDigests').put(digest)), tx.done]);
  return all;
}
