import { buildCustomer } from '../customers';
import type { Customer, Order } from '../model';

/**
 * IndexedDB pays per record (about 8k puts/s in Chromium here, whatever the size), so customers
 * live in a fixed number of bucket records, each holding every customer whose key hashes to it.
 * An import then writes about a thousand records, not one per order.
 */
export const BUCKETS = 1024;

/** FNV-1a: stable across browsers and versions, so a key always finds its bucket. */
export function bucketOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % BUCKETS;
}

/** One customer's history; a guest order (no buyer) is an entry of its own with no customer. */
export interface CustomerEntry {
  customer: Customer | null;
  orders: Order[];
}

export interface CustomerBucket {
  bucket: number;
  entries: Record<string, CustomerEntry>;
}

/** Identifier → every customer key it can mean; more than one is ambiguous. */
export interface AliasBucket {
  bucket: number;
  aliases: Record<string, string[]>;
}

/** The entry key of an order: its customer, or the order itself when it has no buyer. */
export function entryKeyOf(order: Order): string {
  return order.customerKey ?? `guest:${order.key}`;
}

/** Everything but the import it came from: equal fingerprints mean an order did not change. */
function fingerprint(order: Order): string {
  return JSON.stringify({ ...order, importId: '' });
}

export interface MergeCounts {
  added: number;
  updated: number;
}

/**
 * Puts incoming orders into an entry's history: a new id is added, a known id replaced when it
 * changed. Returns whether the entry changed; the customer aggregate is rebuilt when it did.
 */
export function mergeOrders(entryKey: string, entry: CustomerEntry | undefined, incoming: readonly Order[], counts: MergeCounts): CustomerEntry | null {
  const orders = entry ? [...entry.orders] : [];
  const position = new Map(orders.map((order, i) => [order.key, i]));
  let changed = false;
  for (const order of incoming) {
    const at = position.get(order.key);
    if (at === undefined) {
      position.set(order.key, orders.length);
      orders.push(order);
      counts.added += 1;
      changed = true;
    } else if (fingerprint(orders[at]!) !== fingerprint(order)) {
      orders[at] = order;
      counts.updated += 1;
      changed = true;
    }
  }
  if (!changed) return null;
  orders.sort((a, b) => a.createdAt - b.createdAt);
  const isGuest = entryKey.startsWith('guest:');
  return { customer: isGuest ? null : buildCustomer(entryKey, orders), orders };
}

/**
 * The identifiers a seller page may show besides the buyer id (the customer key itself): order
 * numbers, emails, phones and names, each mapped to the customers it can mean.
 */
export function aliasesOf(entry: CustomerEntry): string[] {
  const customer = entry.customer;
  if (!customer) return [];
  const aliases = new Set<string>();
  for (const order of entry.orders) aliases.add(`order:${order.orderId.toLowerCase()}`);
  for (const email of customer.emails) aliases.add(`email:${email.toLowerCase()}`);
  for (const phone of customer.phones) aliases.add(`phone:${phone.replace(/[^\d]/g, '')}`);
  for (const name of customer.names) aliases.add(`name:${name.trim().toLowerCase()}`);
  return [...aliases];
}
