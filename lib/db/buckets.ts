import { aliasKey } from '../aliases';
import { fnv1a } from '../hash';
import type { Customer, Order } from '../model';
import { digestOf, type OrderDigest } from '../scoring/history';
import { orderTuple } from './stored-orders';

/**
 * IndexedDB pays per record (about 8k puts/s in Chromium here, whatever the size), so orders and
 * customers live in a fixed number of bucket records: bucket n of `orders` holds the histories,
 * and bucket n of `customers` the aggregates, of every customer whose key hashes to n. An import
 * then writes a few thousand records, not one per order.
 */
export const BUCKETS = 1024;

/** A stable hash, so a key always finds its bucket. */
export const bucketOf = (key: string): number => fnv1a(key) % BUCKETS;

/**
 * A bucket as stored: its map as JSON text. Chromium clones one long string into IndexedDB many
 * times faster than the same data as objects (measured: alias buckets 1.8 s → 0.6 s for 200k rows).
 */
export interface StoredBucket {
  bucket: number;
  json: string;
}

let scratch = new Uint8Array(1 << 20);

/**
 * A text (in parts) as UTF-8 bytes, for a record too long to store as a string that holds characters past
 * Latin-1 (a Chinese label): Chromium puts such a string, two bytes a character, some 20 times
 * slower than its UTF-8 bytes (measured: 10 ms against 0.5 ms for 360 kB of profiles).
 */
export function utf8Of(parts: readonly string[]): Uint8Array {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  if (scratch.length < length * 3) scratch = new Uint8Array(length * 3);
  // Part by part, into one buffer: joined, a text with one Chinese part is copied whole into two
  // bytes a character first. encodeInto: `encode` was several times slower in Chromium.
  const encoder = new TextEncoder();
  let written = 0;
  for (const part of parts) written += encoder.encodeInto(part, scratch.subarray(written)).written;
  return scratch.slice(0, written);
}

export const textOfUtf8 = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

export const readBucket = <T>(stored: StoredBucket | undefined): Record<string, T> => (stored ? (JSON.parse(stored.json) as Record<string, T>) : {});
/** A bucket's entries in a map, to add to (see BucketEntries). */
export const bucketMap = <T>(stored: StoredBucket | undefined): Map<string, T> => (stored ? new Map(Object.entries(readBucket<T>(stored))) : new Map());
export const storedBucket = <T>(bucket: number, map: Record<string, T>): StoredBucket => ({ bucket, json: JSON.stringify(map) });

/** In `orders`: histories by entry key; a guest order (no buyer) is a history of its own, under `guest:<order key>`. */
export type OrderHistories = Record<string, Order[]>;
/**
 * An `orders` or `aliases` bucket as stored: its JSON, and where each entry lies in it ([hash of
 * the key, start, end] per entry, `start` at the key's quotes). A day's import reads a dozen
 * customers' histories, and some thousands of identifiers, of buckets of a thousand customers:
 * parsing every bucket whole took a million customers' import 7.7 s for the orders alone. A bucket
 * written before this has none, and is parsed whole.
 */
export interface PlacedBucket extends StoredBucket {
  at?: ArrayBuffer;
}

/**
 * A bucket's entries in hand: a map where they are many. An object of thousands of keys is a
 * dictionary whose every key V8 interns: a million customers' identifiers, put in three such
 * objects a bucket, took the import's own code 9.5 s; in maps, 5.3–5.9 s.
 */
export type BucketEntries<T> = Record<string, T> | ReadonlyMap<string, T>;

export const entriesOf = <T>(entries: BucketEntries<T>): Iterable<[string, T]> => (entries instanceof Map ? entries : Object.entries(entries));
export const sizeOf = (entries: BucketEntries<unknown>): number => (entries instanceof Map ? entries.size : Object.keys(entries).length);

/**
 * The JSON text of the object the entries make, each value as `stored` has it kept, noting where
 * each entry lies in `places` when given. An undefined value is left out, as JSON.stringify leaves it.
 * Appended a part at a time (V8 joins them once, when stored): as fast as stringifying an object
 * whole, where collecting the parts and joining them took three times as long.
 */
function entriesText<T>(entries: BucketEntries<T>, stored: (value: T) => unknown, places?: Uint32Array): { json: string; count: number } {
  let json = '{';
  let count = 0;
  for (const [key, value] of entriesOf(entries)) {
    const text = JSON.stringify(stored(value)) as string | undefined;
    if (text === undefined) continue;
    if (count > 0) json += ',';
    const start = json.length;
    json += `${JSON.stringify(key)}:${text}`;
    if (places) {
      places[count * 3] = fnv1a(key);
      places[count * 3 + 1] = start;
      places[count * 3 + 2] = json.length;
    }
    count += 1;
  }
  return { json: `${json}}`, count };
}

const asItIs = <T>(value: T): unknown => value;

/** Entries as the JSON text of the object they make (no key of a bucket looks like an array index, which an object would put first). */
export const jsonOf = <T>(entries: BucketEntries<T>): string => (entries instanceof Map ? entriesText(entries, asItIs).json : JSON.stringify(entries));

/** A bucket from its entries: the same text as `storedBucket`, with where each entry lies; each value as `stored` has it kept. */
export function placedBucket<T>(bucket: number, entries: BucketEntries<T>, stored: (value: T) => unknown = asItIs): PlacedBucket {
  const at = new Uint32Array(sizeOf(entries) * 3);
  const { json, count } = entriesText(entries, stored, at);
  return { bucket, json, at: (count * 3 === at.length ? at : at.slice(0, count * 3)).buffer };
}

/**
 * The entries of these keys in a bucket with its changes over it (those it has): from where the
 * bucket says each lies, else from the whole bucket parsed once.
 */
export function entriesIn<T>(stored: PlacedBucket | undefined, changes: BucketChanges | undefined, keys: Iterable<string>): Record<string, T> {
  const changed = readBucket<T>(changes);
  const found: Record<string, T> = {};
  const sought = new Map<number, string[]>();
  for (const key of keys) {
    if (Object.hasOwn(changed, key)) found[key] = changed[key]!;
    else if (stored) {
      const hash = fnv1a(key);
      const same = sought.get(hash);
      if (same) same.push(key);
      else sought.set(hash, [key]);
    }
  }
  if (!stored || sought.size === 0) return found;
  if (!stored.at) {
    const whole = readBucket<T>(stored);
    for (const key of [...sought.values()].flat()) if (Object.hasOwn(whole, key)) found[key] = whole[key]!;
    return found;
  }
  // One pass over the places, each a look-up among the keys sought; a key's text at its place tells keys of one hash apart.
  const at = new Uint32Array(stored.at);
  for (let i = 0; i < at.length; i += 3) {
    for (const key of sought.get(at[i]!) ?? []) {
      const name = `${JSON.stringify(key)}:`;
      if (stored.json.startsWith(name, at[i + 1]!)) found[key] = JSON.parse(stored.json.slice(at[i + 1]! + name.length, at[i + 2]!)) as T;
    }
  }
  return found;
}

/** In `customers`: aggregates by customer key (guests have none). */
export type CustomerAggregates = Record<string, Customer>;
/**
 * A `customers` bucket as stored: the aggregates, and each customer's order digest (what scoring
 * reads of their orders) as text of its own, so a rescore parses neither order histories nor what
 * it does not need. A record written before digests has none; the rescore makes them from the orders.
 */
export interface StoredCustomers extends StoredBucket {
  digests?: string;
}

/** A `customers` bucket from its aggregates and the bucket's order histories. */
export function storedCustomers(bucket: number, customers: BucketEntries<Customer>, histories: BucketEntries<Order[]>): StoredCustomers {
  const historyOf = (key: string) => (histories instanceof Map ? histories.get(key) : (histories as OrderHistories)[key]);
  const digests = new Map<string, OrderDigest>();
  for (const [key] of entriesOf(customers)) digests.set(key, digestOf(historyOf(key) ?? []));
  return { bucket, json: jsonOf(customers), digests: jsonOf(digests) };
}

/** The bucketed stores an import writes, whose buckets can have later changes kept beside them. */
export type ChangedStore = 'orders' | 'customers' | 'aliases';

/**
 * The entries an import changed in a bucket since it was last written whole, in store
 * `bucketChanges`: a day's orders fall in every bucket, and writing each whole again cost a
 * million customers' shop some 70 s a day. Same layout as the bucket, only the changed entries,
 * each whole (a history, an aggregate, an identifier's customers); read over the bucket.
 */
export interface BucketChanges extends StoredCustomers {
  store: ChangedStore;
}

/** Two buckets' JSON texts as one: JSON keeps the last of a repeated key, where the first stood, as Object.assign does. */
const joinedJson = (first: string, later: string) => (first === '{}' ? later : later === '{}' ? first : `${first.slice(0, -1)},${later.slice(1)}`);

/**
 * A bucket as readers see it: its later changes over the stored bucket, joined as text, so every
 * reader parses it once as before. A customers bucket stored before order digests has none, its
 * changes' left out too (the rescore makes them all); an orders bucket's places are left out (they
 * say nothing of the changes).
 */
export function withChanges<T extends StoredCustomers>(stored: T | undefined, changes: BucketChanges | undefined): T | undefined {
  if (!changes) return stored;
  if (!stored) return { bucket: changes.bucket, json: changes.json, ...(changes.digests !== undefined && { digests: changes.digests }) } as T;
  const { at: _places, ...kept } = stored as T & PlacedBucket;
  const digests = stored.digests !== undefined && changes.digests !== undefined ? joinedJson(stored.digests, changes.digests) : stored.digests;
  return { ...kept, json: joinedJson(stored.json, changes.json), ...(digests !== undefined && { digests }) } as T;
}

/**
 * The share of a bucket's text past which its changes are written into it. It differs by bucket
 * (⅛ to ⅜), so that buckets a day changes alike are not all written whole by the same day's import.
 */
const foldShare = (bucket: number) => (8 + (bucket % 17)) / 64;

/**
 * The changes to keep beside a stored bucket once an import changed these entries of it: those kept
 * before with these over them, as JSON; null when the bucket is to be written whole instead (none
 * is stored, or the changes passed the share of its text).
 */
export function changesToKeep<T>(stored: StoredBucket | undefined, kept: StoredBucket | undefined, entries: Iterable<readonly [string, T]>, share = stored && foldShare(stored.bucket)): string | null {
  if (!stored) return null;
  const changes = readBucket<T>(kept);
  for (const [key, value] of entries) changes[key] = value;
  const json = JSON.stringify(changes);
  return json.length > stored.json.length * share! ? null : json;
}

/** In `aliases`: identifier → every customer key it can mean; more than one is ambiguous. */
export type AliasTargets = Record<string, string[]>;

/**
 * Whom an identifier names, as a badge needs it: the one customer's key, or how many share it
 * (ambiguous). Not the list: staged with a day's customers at a million, the lists of names a
 * thousand customers share were 88 MB, read and written again by every rescore of the touched.
 */
export type Named = string | number;

export const namedOf = (keys: readonly string[]): Named => (keys.length === 1 ? keys[0]! : keys.length);

/** One customer's aggregate and order history, as read back. */
export interface CustomerEntry {
  customer: Customer | null;
  orders: Order[];
}


/** The entry key of an order: its customer, or the order itself when it has no buyer. */
export function entryKeyOf(order: Order): string {
  return order.customerKey ?? `guest:${order.key}`;
}

export const isGuestKey = (entryKey: string) => entryKey.startsWith('guest:');

/**
 * Everything but the import it came from: equal fingerprints mean an order did not change. In the
 * stored layout, so an order read back compares equal whatever order its fields were made in.
 */
function fingerprint(order: Order): string {
  return JSON.stringify(orderTuple({ ...order, importId: '' }));
}

/** More apart than any change of time zone moves a wall time (26 hours): two orders, not one re-exported. */
const SAME_ORDER_WITHIN = 27 * 3_600_000;

/** Whether an order that reuses a stored order's number is another order: another platform id (Shopify's Id), or made on another day. */
export const isOtherOrder = (stored: Pick<Order, 'createdAt' | 'externalId'>, incoming: Pick<Order, 'createdAt' | 'externalId'>): boolean =>
  (stored.externalId !== undefined && incoming.externalId !== undefined && stored.externalId !== incoming.externalId) ||
  Math.abs(stored.createdAt - incoming.createdAt) > SAME_ORDER_WITHIN;

export interface MergeCounts {
  added: number;
  updated: number;
  /** The earliest instant of an order added or changed, once one is. */
  earliestAt?: number;
}

/**
 * Puts incoming orders into a history: a new id is added, a known id replaced when it changed.
 * Returns the new history sorted by time, or null when nothing changed.
 */
export function mergeOrders(
  history: readonly Order[] | undefined,
  incoming: readonly Order[],
  counts: MergeCounts,
  onClash?: (stored: Order, incoming: Order) => void,
): Order[] | null {
  const orders = history ? [...history] : [];
  const position = new Map(orders.map((order, i) => [order.key, i]));
  let changed = false;
  for (const order of incoming) {
    const at = position.get(order.key);
    if (at === undefined) {
      position.set(order.key, orders.length);
      orders.push(order);
      counts.added += 1;
      counts.earliestAt = Math.min(counts.earliestAt ?? Infinity, order.createdAt);
      changed = true;
    } else if (onClash && isOtherOrder(orders[at]!, order)) {
      // The same buyer's number on another day: another store's order, never an update of this one.
      onClash(orders[at]!, order);
    } else if (fingerprint(orders[at]!) !== fingerprint(order)) {
      counts.earliestAt = Math.min(counts.earliestAt ?? Infinity, order.createdAt, orders[at]!.createdAt);
      orders[at] = order;
      counts.updated += 1;
      changed = true;
    }
  }
  if (!changed) return null;
  return orders.sort((a, b) => a.createdAt - b.createdAt);
}

/** The alias of a platform's own order id (Shopify's Id): it tells a re-export's shop, and is never sent to seller pages. */
export const externalIdAlias = (platform: string, id: string) => `ext:${platform}:${id}`;

/**
 * The identifiers a seller page may show besides the buyer id (the customer key itself): order
 * numbers, emails, phones and names, each mapped to the customers it can mean.
 */
export function aliasesOf(customer: Customer, orders: readonly Order[]): string[] {
  const aliases = new Set<string>();
  for (const order of orders) {
    aliases.add(aliasKey.order(order.orderId));
    if (order.externalId) aliases.add(externalIdAlias(order.platform, order.externalId));
  }
  for (const email of customer.emails) aliases.add(aliasKey.email(email));
  for (const phone of customer.phones) aliases.add(aliasKey.phone(phone));
  for (const name of customer.names) aliases.add(aliasKey.name(name));
  return [...aliases];
}
