import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { CustomerNotes, KeptDate, Order } from '../model';
import type { AbTest } from '../ab-test';
import type { PastSnapshotStatus, SnapshotRecord } from '../snapshots';
import type { ImportRecord } from './ledger';
import type { StagedBatch } from './staged-orders';
import { storedHistory } from './stored-orders';
import type { RescoreStatus, StoredRuleFile } from './profiles';
import { buildCustomer } from '../customers';
import { firstShop, type Shop } from '../shops';
import { formats } from '../../plugins/formats';
import type { FormatId } from '../formats';
import type { OverviewRecord } from '../overview';
import type { DueTally } from '../follow-ups';
import type { ForecastRecord } from '../forecast';
import type { BadgeIndexHead, BadgePatch, BadgeShard } from './badge-index';
import type { TableRecord } from '../customer-table';
import type { StoredRescoreBase, TouchedCount } from './touched';
import type { AliasDigest } from './alias-digest';
import type { StoredProfiles } from './profile-bucket';
import type { ProfileBase } from './profile-facts';
import type { RestoreMark } from './backup';
import { aliasesOf, bucketOf, entryKeyOf, isGuestKey, mergeOrders, placedBucket, storedCustomers, type AliasTargets, type BucketChanges, type ChangedStore, type CustomerAggregates, type OrderHistories, type PlacedBucket, type StoredBucket, type StoredCustomers } from './buckets';

export interface TiermarkDB extends DBSchema {
  /** Order histories, customer aggregates and identifiers, in buckets (see buckets.ts). */
  orders: { key: number; value: PlacedBucket };
  customers: { key: number; value: StoredCustomers };
  aliases: { key: number; value: PlacedBucket };
  imports: { key: string; value: ImportRecord; indexes: { hash: string } };
  /** Orders of an import in progress, by customer bucket group; moved into `customers` only once the file was read to the end. */
  staged: { key: [string, number, number]; value: StagedBatch };
  /** Alias additions of a commit in progress, applied after its customers. */
  stagedAliases: { key: [string, number]; value: { importId: string; seq: number; /** JSON of [identifier, customer key] pairs. */ json: string } };
  meta: { key: string; value: StoreCounts | RescoreStatus | PublishedModels | OverviewRecord | DueTally | BadgeIndexHead | PseudonymSecret | ForecastRecord | PastSnapshotStatus | TouchedCount | StoredRescoreBase | BadgePatch | ProfileBase | RestoreMark };
  /** Facts and rule outcomes by customer, in buckets like `customers`. */
  profiles: { key: number; value: StoredProfiles };
  /** Follow-ups the rules raised, by id, in buckets of their customers': staff mark them done or snooze them. */
  followups: { key: number; value: StoredBucket };
  /** The seller's rule files (edited or added); a shipped file not here applies as shipped. */
  ruleFiles: { key: string; value: StoredRuleFile };
  /** The seller's shops, by id (see lib/shops.ts). */
  shops: { key: string; value: Shop };
  /** Dates the seller keeps for a customer (a birthday, an anniversary), by customer key. */
  keptDates: { key: string; value: CustomerDates };
  /** A note, tags and flags staff keep for a customer, by customer key (see lib/db/customer-notes.ts). */
  customerNotes: { key: string; value: CustomerNotes };
  /** A/B tests saved from a segment's split, by id (see lib/ab-test.ts). */
  abTests: { key: string; value: AbTest };
  /** Every customer's standing as of a rescore's day, thinned as they age (see lib/snapshots.ts). */
  snapshots: { key: number; value: SnapshotRecord };
  /** By day: the standings the day's rescores of the touched found since its snapshot was written, which lie over it (see lib/db/snapshots.ts). */
  snapshotPatches: { key: number; value: SnapshotRecord };
  /** The badge index by shard, written by the rescore (see badge-index.ts); rebuilt, so never backed up. */
  badgeShards: { key: number; value: BadgeShard };
  /** The customer table by record name, written by the rescore (see customer-table.ts); rebuilt, so never backed up. */
  customerTable: { key: string; value: TableRecord };
  /** Customers imports changed since the last whole rescore, with their identifiers, a commit's group at a time (see touched.ts). */
  touched: { key: number; value: TouchedBatch };
  /** What the rescore of touched customers found, over the last whole rescore's buckets, by bucket group (see touched.ts). */
  rescored: { key: number; value: { group: number; json: string; raised?: string } };
  /** What the badge index reads of each alias bucket, written with it (see alias-digest.ts); rebuilt, so never backed up. */
  aliasDigests: { key: number; value: AliasDigest };
  /** Entries imports changed in `orders`, `customers` and `aliases` buckets since each was written whole (see buckets.ts). */
  bucketChanges: { key: [ChangedStore, number]; value: BucketChanges };
}

/** One commit group's changed customers, as JSON, or the identifiers they hold, by their hashes (see touched.ts). */
export interface TouchedBatch {
  /** In the order commits wrote them: a customer changed twice is as the later left them. */
  seq?: number;
  json?: string;
  /** See staged-identifiers.ts. */
  identifiers?: ArrayBuffer;
}

export interface CustomerDates {
  key: string;
  dates: KeptDate[];
}

/** What the scorers published of the last rescore's fits (products bought together), by scorer id; `meta` record "models". */
export interface PublishedModels {
  id: 'models';
  models: Record<string, unknown>;
}

/** The secret behind anonymised exports' pseudonyms (see pseudonyms.ts); `meta` record "pseudonymSecret". */
export interface PseudonymSecret {
  id: 'pseudonymSecret';
  secret: string;
}

export interface StoreCounts {
  id: 'counts';
  customers: number;
  orders: number;
}

export const DB_NAME = 'tiermark';

/** Buckets per staging group: an import commits one group per transaction. */
export const GROUP_SIZE = 16;
export const groupOf = (bucket: number) => Math.floor(bucket / GROUP_SIZE);

type Upgrade = (db: IDBPDatabase<TiermarkDB>, tx: IDBPTransaction<TiermarkDB, StoreNames<TiermarkDB>[], 'versionchange'>) => Promise<void> | void;

// The version-1 layout: a record per order, customer and alias. Typed loosely: it exists only to be migrated.
type V1 = IDBPDatabase<unknown>;

/** Schema migrations, one per version, applied in order. */
export const MIGRATIONS: readonly Upgrade[] = [
  // v1: a record per order, customer and alias.
  (db) => {
    const v1 = db as unknown as V1;
    v1.createObjectStore('orders', { keyPath: 'key' }).createIndex('customerKey', 'customerKey');
    v1.createObjectStore('customers', { keyPath: 'key' });
    v1.createObjectStore('aliases', { keyPath: 'alias' });
    v1.createObjectStore('imports', { keyPath: 'id' });
  },
  // v2: orders and customers in buckets (IndexedDB is slow per record), crash-safe staging, counts.
  async (db, tx) => {
    const v1tx = tx as unknown as IDBPTransaction<unknown, string[], 'versionchange'>;
    const orders = (await v1tx.objectStore('orders').getAll()) as Order[];
    const v1 = db as unknown as V1;
    v1.deleteObjectStore('orders');
    v1.deleteObjectStore('customers');
    v1.deleteObjectStore('aliases');
    db.createObjectStore('orders', { keyPath: 'bucket' });
    db.createObjectStore('customers', { keyPath: 'bucket' });
    db.createObjectStore('aliases', { keyPath: 'bucket' });
    db.createObjectStore('staged', { keyPath: ['importId', 'group', 'seq'] });
    db.createObjectStore('stagedAliases', { keyPath: ['importId', 'seq'] });
    db.createObjectStore('meta', { keyPath: 'id' });
    tx.objectStore('imports').createIndex('hash', 'hash');
    await writeAll(tx, orders);
  },
  // v3: rescore results and the seller's rule files.
  (db) => {
    db.createObjectStore('profiles', { keyPath: 'bucket' });
    db.createObjectStore('followups', { keyPath: 'bucket' });
    db.createObjectStore('ruleFiles', { keyPath: 'file' });
  },
  // v4: shops. Keys were `${platform}:…`, which are the keys of each platform's first shop, so the
  // orders stay as they are: every import so far belonged to its platform's first shop.
  async (db, tx) => {
    db.createObjectStore('shops', { keyPath: 'id' });
    const imports = tx.objectStore('imports');
    const { records, shops } = shopsOfPlatforms(await imports.getAll());
    await Promise.all([...records.map((record) => imports.put(record)), ...shops.map((shop) => tx.objectStore('shops').put(shop))]);
  },
  // v5: dates the seller keeps per customer.
  (db) => {
    db.createObjectStore('keptDates', { keyPath: 'key' });
  },
  // v6: the badge index in shards; the first rescore after the update writes it.
  (db) => {
    db.createObjectStore('badgeShards', { keyPath: 'shard' });
  },
  // v7: the customer table in columns; the first rescore after the update writes it.
  (db) => {
    db.createObjectStore('customerTable', { keyPath: 'name' });
  },
  // v8: notes, tags and flags staff keep per customer, saved A/B tests, and snapshots.
  (db) => {
    db.createObjectStore('customerNotes', { keyPath: 'key' });
    db.createObjectStore('abTests', { keyPath: 'id' });
    db.createObjectStore('snapshots', { keyPath: 'day' });
  },
  // v9: customers touched since the last whole rescore, and the rescore of only them.
  (db) => {
    db.createObjectStore('touched', { keyPath: 'seq', autoIncrement: true });
    db.createObjectStore('rescored', { keyPath: 'group' });
  },
  // v10: the alias buckets' digests; the first whole rescore after the update writes those missing.
  (db) => {
    db.createObjectStore('aliasDigests', { keyPath: 'bucket' });
  },
  // v11: what imports changed in a bucket, kept beside it until worth writing into it.
  (db) => {
    db.createObjectStore('bucketChanges', { keyPath: ['store', 'bucket'] });
  },
  // v12: the standings a day's rescores of the touched found, beside the day's snapshot.
  (db) => {
    db.createObjectStore('snapshotPatches', { keyPath: 'day' });
  },
];

/**
 * For a store from before shops (a migration, an old backup): each import belonged to its
 * platform's first shop, whose id is the platform, so the records get that shop and each
 * platform that has a complete import gets its first shop.
 */
export function shopsOfPlatforms(records: readonly ImportRecord[]): { records: ImportRecord[]; shops: Shop[] } {
  const shops = new Map<string, Shop>();
  const updated = records.map((record) => {
    const platform = record.format ? formats[record.format as FormatId]?.platform : undefined;
    if (!platform) return record;
    if (!shops.has(platform) && record.status === 'complete') shops.set(platform, firstShop(platform, record.startedAt));
    return { ...record, shop: platform };
  });
  return { records: updated, shops: [...shops.values()] };
}

/** Builds buckets, aliases and counts from a list of orders (the v1 → v2 migration). */
async function writeAll(tx: IDBPTransaction<TiermarkDB, StoreNames<TiermarkDB>[], 'versionchange'>, orders: readonly Order[]): Promise<void> {
  const byEntry = new Map<string, Order[]>();
  for (const order of orders) {
    const key = entryKeyOf(order);
    byEntry.set(key, [...(byEntry.get(key) ?? []), order]);
  }
  const histories = new Map<number, OrderHistories>();
  const aggregates = new Map<number, CustomerAggregates>();
  const identifiers = new Map<number, AliasTargets>();
  const into = <T>(buckets: Map<number, Record<string, T>>, bucket: number) => {
    let map = buckets.get(bucket);
    if (!map) buckets.set(bucket, (map = {}));
    return map;
  };
  const counts = { added: 0, updated: 0 };
  let customers = 0;
  for (const [key, list] of byEntry) {
    const history = mergeOrders(undefined, list, counts)!;
    into(histories, bucketOf(key))[key] = history;
    if (isGuestKey(key)) continue;
    const customer = buildCustomer(key, history);
    into(aggregates, bucketOf(key))[key] = customer;
    customers += 1;
    for (const alias of aliasesOf(customer, history)) {
      const targets = into(identifiers, bucketOf(alias));
      targets[alias] = [...new Set([...(targets[alias] ?? []), key])];
    }
  }
  await Promise.all([
    ...[...histories].map(([bucket, map]) => tx.objectStore('orders').put(placedBucket(bucket, map, storedHistory))),
    ...[...aggregates].map(([bucket, map]) => tx.objectStore('customers').put(storedCustomers(bucket, map, histories.get(bucket)!))),
    ...[...identifiers].map(([bucket, map]) => tx.objectStore('aliases').put(placedBucket(bucket, map))),
    tx.objectStore('meta').put({ id: 'counts', customers, orders: counts.added }),
  ]);
}

export const DB_VERSION = MIGRATIONS.length;

export function openTiermarkDB(name = DB_NAME, version = DB_VERSION): Promise<IDBPDatabase<TiermarkDB>> {
  return openDB<TiermarkDB>(name, version, {
    async upgrade(db, oldVersion, newVersion, tx) {
      for (let v = oldVersion; v < (newVersion ?? version); v += 1) await MIGRATIONS[v]!(db, tx);
    },
  });
}

export type Database = IDBPDatabase<TiermarkDB>;

export async function storeCounts(db: Database): Promise<StoreCounts> {
  return ((await db.get('meta', 'counts')) as StoreCounts | undefined) ?? { id: 'counts', customers: 0, orders: 0 };
}
