import type { Customer, Order } from '../model';
import { bucketOf, isGuestKey, readBucket, type CustomerEntry } from './buckets';
import type { Database } from './schema';

/** One entry's aggregate and order history (`guest:…` keys have no aggregate), or undefined. */
export async function getCustomerEntry(db: Database, entryKey: string): Promise<CustomerEntry | undefined> {
  const bucket = bucketOf(entryKey);
  const tx = db.transaction(['orders', 'customers']);
  const [orders, customers] = await Promise.all([tx.objectStore('orders').get(bucket), tx.objectStore('customers').get(bucket)]);
  const history = readBucket<Order[]>(orders)[entryKey];
  if (!history) return undefined;
  return { customer: isGuestKey(entryKey) ? null : (readBucket<Customer>(customers)[entryKey] ?? null), orders: history };
}

/** The customer keys an identifier (`email:…`, `name:…`, `order:…`, `phone:…`) can mean. */
export async function customersForAlias(db: Database, alias: string): Promise<string[]> {
  return readBucket<string[]>(await db.get('aliases', bucketOf(alias)))[alias] ?? [];
}
