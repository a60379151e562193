import { bucketOf, type CustomerEntry } from './buckets';
import type { Database } from './schema';

/** One customer's entry (aggregate and order history), or undefined. */
export async function getCustomerEntry(db: Database, customerKey: string): Promise<CustomerEntry | undefined> {
  return (await db.get('customers', bucketOf(customerKey)))?.entries[customerKey];
}

/** The customer keys an identifier (`email:…`, `name:…`, `order:…`, `phone:…`) can mean. */
export async function customersForAlias(db: Database, alias: string): Promise<string[]> {
  return (await db.get('aliases', bucketOf(alias)))?.aliases[alias] ?? [];
}
