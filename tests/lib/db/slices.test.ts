import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { BUCKETS, readBucket } from '../../../lib/db/buckets';
import { bucketSlices } from '../../../lib/db/slices';
import { openTiermarkDB, type Database } from '../../../lib/db/schema';

/** Customers buckets at both ends and across slices, some with changes kept beside them, one with changes alone. */
async function storeWithBuckets(): Promise<{ db: Database; expected: Map<number, Record<string, string>> }> {
  const db = await openTiermarkDB(`slices-test-${Math.random()}`);
  const expected = new Map<number, Record<string, string>>();
  for (const bucket of [0, 5, 15, 16, 17, 300, BUCKETS - 1]) {
    const entries = { [`shopify:a${bucket}`]: `stored ${bucket}`, [`shopify:b${bucket}`]: `stored ${bucket}` };
    await db.put('customers', { bucket, json: JSON.stringify(entries) });
    expected.set(bucket, entries);
  }
  // Changes over a stored bucket replace its entry; changes alone stand for a bucket.
  await db.put('bucketChanges', { store: 'customers', bucket: 16, json: JSON.stringify({ 'shopify:a16': 'changed 16' }) });
  expected.set(16, { ...expected.get(16), 'shopify:a16': 'changed 16' });
  await db.put('bucketChanges', { store: 'customers', bucket: 40, json: JSON.stringify({ 'shopify:c40': 'changed 40' }) });
  expected.set(40, { 'shopify:c40': 'changed 40' });
  return { db, expected };
}

describe('reading bucketed stores a slice at a time', () => {
  it('hands over every bucket once, in order, with the changes kept beside it over it', async () => {
    const { db, expected } = await storeWithBuckets();
    const seen: number[] = [];
    const read = new Map<number, Record<string, string>>();
    let slices = 0;
    for await (const { customers } of bucketSlices(db, ['customers'], 16)) {
      slices += 1;
      for (const stored of customers) {
        // Each bucket in the slice of its number.
        expect(Math.floor(stored.bucket / 16)).toBe(slices - 1);
        seen.push(stored.bucket);
        read.set(stored.bucket, readBucket<string>(stored));
      }
    }
    expect(slices).toBe(BUCKETS / 16);
    expect(seen).toEqual([...expected.keys()].sort((a, b) => a - b));
    expect(Object.fromEntries(read)).toEqual(Object.fromEntries(expected));
  });

  it('asks for the next slice before it hands one over, and a reader that stops early leaves nothing failing', async () => {
    const { db } = await storeWithBuckets();
    let transactions = 0;
    // The second slice's read fails (as when the database is closed under it): nobody reads it.
    const counted = new Proxy(db, {
      get: (target, name) =>
        name === 'transaction'
          ? (...args: Parameters<Database['transaction']>) => {
              transactions += 1;
              if (transactions === 2) throw new Error('the second slice cannot be read');
              return target.transaction(...args);
            }
          : Reflect.get(target, name),
    });
    for await (const { customers } of bucketSlices(counted, ['customers'], 16)) {
      expect(customers.map((stored) => stored.bucket)).toEqual([0, 5, 15]);
      // The store reads the second slice while this one is worked on.
      expect(transactions).toBe(2);
      break;
    }
    // A failure of the slice read ahead and never taken would be an unhandled rejection by the next task, which fails the run.
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    await new Promise((resolve) => setTimeout(resolve, 0));
    process.off('unhandledRejection', listener);
    expect(unhandled).toEqual([]);
  });
});
