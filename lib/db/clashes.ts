import { aliasKey } from '../aliases';
import { fnv1a } from '../hash';
import type { Order } from '../model';
import { idOfKey, shopOfKey } from '../shops';
import { BUCKETS, externalIdAlias, readBucket, withChanges } from './buckets';
import { eachDigested, type AliasDigest } from './alias-digest';
import { keyHashesInto } from '../overlay/badge-index';
import { customersForAlias } from './customers';
import type { Database } from './schema';

/** Alias buckets read per transaction. */
const SLICE = 64;
const NO_BUYER = fnv1a('');
const hashes = new Uint32Array(2);

/** 53 bits of an order alias's two hashes as its alias digest keeps them (left in `hashes`): hashed once for both. */
function printOf(alias: string): number {
  keyHashesInto(alias, hashes, 0);
  return hashes[0]! * 2 ** 21 + (hashes[1]! & 0x1fffff);
}


/**
 * The order numbers an import brings, with the buyer each is for, as hashes in typed arrays: a
 * re-import of a big shop's history is checked without holding its orders.
 */
export class IncomingOrders {
  private prints = new Float64Array(1024);
  /** The second of each order alias's hashes as its alias digest keeps them (the first is the print's high bits). */
  private seconds = new Uint32Array(1024);
  private buyers = new Uint32Array(1024);
  private size = 0;
  private order: Uint32Array | null = null;

  add(order: Pick<Order, 'orderId' | 'customerKey'>): void {
    if (this.size === this.prints.length) {
      const prints = new Float64Array(this.size * 2);
      prints.set(this.prints);
      const buyers = new Uint32Array(this.size * 2);
      buyers.set(this.buyers);
      const seconds = new Uint32Array(this.size * 2);
      seconds.set(this.seconds);
      [this.prints, this.buyers, this.seconds] = [prints, buyers, seconds];
    }
    this.prints[this.size] = printOf(aliasKey.order(order.orderId));
    this.seconds[this.size] = hashes[1]!;
    this.buyers[this.size] = order.customerKey === null ? NO_BUYER : fnv1a(order.customerKey);
    this.size += 1;
  }

  /** The buyers (hashes) the import has for an alias; empty when it does not bring that order. */
  buyersOf(alias: string): number[] {
    const order = (this.order ??= this.sorted());
    const print = printOf(alias);
    const found: number[] = [];
    for (let i = this.firstFrom(print); i < this.size && this.prints[order[i]!] === print; i += 1) found.push(this.buyers[order[i]!]!);
    return found;
  }

  /** The buyers (hashes) the import has for an alias known by its digest's two hashes. */
  buyersOfHashes(first: number, second: number): number[] {
    const order = (this.order ??= this.sorted());
    const found: number[] = [];
    // Prints sort by their high bits, the alias's first hash.
    for (let i = this.firstFrom(first * 2 ** 21); i < this.size && Math.floor(this.prints[order[i]!]! / 2 ** 21) === first; i += 1) {
      if (this.seconds[order[i]!] === second) found.push(this.buyers[order[i]!]!);
    }
    return found;
  }

  /** The place in print order of the first order whose print is at least this. */
  private firstFrom(print: number): number {
    const order = (this.order ??= this.sorted());
    let [low, high] = [0, this.size];
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.prints[order[mid]!]! < print) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** The alias buckets the import's orders fall in. */
  buckets(): Set<number> {
    const buckets = new Set<number>();
    for (let i = 0; i < this.size; i += 1) buckets.add(Math.floor(this.prints[i]! / 2 ** 21) % BUCKETS);
    return buckets;
  }

  private sorted(): Uint32Array {
    const order = Uint32Array.from({ length: this.size }, (_, i) => i);
    order.sort((a, b) => this.prints[a]! - this.prints[b]!);
    return order;
  }
}

/**
 * Orders of an import whose number the shop already has for another buyer: alias → the buyer the
 * shop has it for. Such an order is another order that reuses the number (two stores' exports in
 * one shop), or one whose buyer the export changed; either way it is never merged into the
 * history of the buyer the shop has.
 */
export async function findClashes(db: Database, shop: string, incoming: IncomingOrders): Promise<Map<string, string>> {
  const clashes = new Map<string, string>();
  const buckets = [...incoming.buckets()].sort((a, b) => a - b);
  for (let start = 0; start < buckets.length; start += SLICE) {
    const digests = await Promise.all(buckets.slice(start, start + SLICE).map((bucket) => db.get('aliasDigests', bucket)));
    // Only buckets where the import brings a number the shop has for someone else, or that have no digest, are read.
    const slice = buckets.slice(start, start + SLICE).filter((_, i) => !digests[i] || namesAnother(digests[i]!, incoming));
    if (slice.length === 0) continue;
    const tx = db.transaction(['aliases', 'bucketChanges']);
    const [stored, changes] = await Promise.all([
      Promise.all(slice.map((bucket) => tx.objectStore('aliases').get(bucket))),
      Promise.all(slice.map((bucket) => tx.objectStore('bucketChanges').get(['aliases', bucket]))),
    ]);
    for (const [i, record] of stored.entries()) {
      for (const [alias, keys] of Object.entries(readBucket<string[]>(withChanges(record, changes[i])))) {
        if (!alias.startsWith('order:')) continue;
        const owners = keys.filter((key) => shopOfKey(key) === shop);
        if (owners.length === 0) continue;
        const ownerPrints = new Set(owners.map(fnv1a));
        if (incoming.buyersOf(alias).some((buyer) => !ownerPrints.has(buyer))) clashes.set(alias, owners[0]!);
      }
    }
  }
  return clashes;
}

/** Whether a digest has an order number of the import that names any customer other than the import's buyer for it. */
function namesAnother(digest: AliasDigest, incoming: IncomingOrders): boolean {
  let found = false;
  eachDigested(digest, (first, second, named, keyFirst) => {
    if (found) return;
    const buyers = incoming.buyersOfHashes(first, second);
    found = buyers.length > 0 && !(named === 1 && buyers.every((buyer) => buyer === keyFirst));
  });
  return found;
}

/** What a file's preview shows of clashes: how many of its first orders the shop has for other buyers, and one of them. */
export interface PreviewClashes {
  orders: number;
  of: number;
  example: { orderId: string; stored: string; incoming: string | null } | null;
}

/** The preview's orders that the shop they would go to already has for other buyers: a sign the file is another shop's. */
export async function clashesInPreview(db: Database, orders: readonly Order[]): Promise<PreviewClashes> {
  const found: PreviewClashes = { orders: 0, of: orders.length, example: null };
  for (const order of orders) {
    const owners = (await customersForAlias(db, aliasKey.order(order.orderId))).filter((key) => shopOfKey(key) === shopOfKey(order.key));
    if (owners.length === 0 || (order.customerKey !== null && owners.includes(order.customerKey))) continue;
    found.orders += 1;
    found.example ??= { orderId: order.orderId, stored: idOfKey(owners[0]!), incoming: order.customerKey && idOfKey(order.customerKey) };
  }
  return found;
}

/**
 * The shop a file's orders already belong to, told by the platform's own order ids (Shopify's Id,
 * unique across stores): the shop most of the preview's known orders are in, or null.
 */
export async function shopOfKnownOrders(db: Database, orders: readonly Order[]): Promise<{ shop: string; orders: number } | null> {
  const counts = new Map<string, number>();
  for (const order of orders) {
    if (!order.externalId) continue;
    const keys = await customersForAlias(db, externalIdAlias(order.platform, order.externalId));
    for (const shop of new Set(keys.map(shopOfKey))) counts.set(shop, (counts.get(shop) ?? 0) + 1);
  }
  const [best] = [...counts].sort((a, b) => b[1] - a[1]);
  return best ? { shop: best[0], orders: best[1] } : null;
}
