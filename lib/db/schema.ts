import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { Alias, Customer, Order } from '../model';
import type { ImportRecord } from './ledger';
import type { Continuation } from '../import/fold';

export interface TiermarkDB extends DBSchema {
  orders: { key: string; value: Order; indexes: { customerKey: string; importId: string; orderId: string } };
  customers: { key: string; value: Customer };
  aliases: { key: string; value: Alias };
  imports: { key: string; value: ImportRecord; indexes: { hash: string } };
  /** Orders of an import in progress, in batches; moved into `orders` only when the file is read to the end. */
  staged: { key: [string, number]; value: StagedBatch };
  /** Customers whose orders changed and whose aggregate must be rebuilt (survives a closed tab). */
  dirtyCustomers: { key: string; value: { key: string; importId: string } };
}

export interface StagedBatch {
  importId: string;
  batch: number;
  orders: Array<{ order: Order; continuation: Continuation | null }>;
}

export const DB_NAME = 'tiermark';

type Upgrade = (db: IDBPDatabase<TiermarkDB>, tx: IDBPTransaction<TiermarkDB, StoreNames<TiermarkDB>[], 'versionchange'>) => void;

/**
 * Schema migrations, one per version, applied in order. `profiles` and `followups` come with the
 * scoring work as the next versions.
 */
export const MIGRATIONS: readonly Upgrade[] = [
  // v1: the store of record.
  (db) => {
    const orders = db.createObjectStore('orders', { keyPath: 'key' });
    orders.createIndex('customerKey', 'customerKey');
    db.createObjectStore('customers', { keyPath: 'key' });
    db.createObjectStore('aliases', { keyPath: 'alias' });
    db.createObjectStore('imports', { keyPath: 'id' });
  },
  // v2: crash-safe imports (staging and the rebuild queue); orders by import and by the number a page shows; files by hash.
  (db, tx) => {
    const orders = tx.objectStore('orders');
    orders.createIndex('importId', 'importId');
    orders.createIndex('orderId', 'orderId');
    tx.objectStore('imports').createIndex('hash', 'hash');
    db.createObjectStore('staged', { keyPath: ['importId', 'batch'] });
    db.createObjectStore('dirtyCustomers', { keyPath: 'key' });
  },
];

export const DB_VERSION = MIGRATIONS.length;

export function openTiermarkDB(name = DB_NAME, version = DB_VERSION): Promise<IDBPDatabase<TiermarkDB>> {
  return openDB<TiermarkDB>(name, version, {
    upgrade(db, oldVersion, newVersion, tx) {
      for (let v = oldVersion; v < (newVersion ?? version); v += 1) MIGRATIONS[v]!(db, tx);
    },
  });
}

export type Database = IDBPDatabase<TiermarkDB>;
