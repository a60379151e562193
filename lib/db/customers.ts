import type { Customer } from '../model';
import { historyOfStored, type StoredOrder } from './stored-orders';
import { bucketOf, entriesIn, isGuestKey, readBucket, withChanges, type CustomerEntry } from './buckets';
import type { Database } from './schema';
import { bucketAndChanges } from './slices';

/** One entry's aggregate and order history (`guest:…` keys have no aggregate), or undefined. */
export async function getCustomerEntry(db: Database, entryKey: string): Promise<CustomerEntry | undefined> {
  const bucket = bucketOf(entryKey);
  const tx = db.transaction(['orders', 'customers', 'bucketChanges']);
  const changes = tx.objectStore('bucketChanges');
  const [orders, customers, orderChanges, customerChanges] = await Promise.all([
    tx.objectStore('orders').get(bucket),
    tx.objectStore('customers').get(bucket),
    changes.get(['orders', bucket]),
    changes.get(['customers', bucket]),
  ]);
  const history = entriesIn<StoredOrder[]>(orders, orderChanges, [entryKey])[entryKey];
  if (!history) return undefined;
  return { customer: isGuestKey(entryKey) ? null : (readBucket<Customer>(withChanges(customers, customerChanges))[entryKey] ?? null), orders: historyOfStored(history) };
}

/** The customer keys an identifier (`email:…`, `name:…`, `order:…`, `phone:…`) can mean. */
export async function customersForAlias(db: Database, alias: string): Promise<string[]> {
  const [stored, changes] = await bucketAndChanges(db, 'aliases', bucketOf(alias));
  return entriesIn<string[]>(stored, changes, [alias])[alias] ?? [];
}
