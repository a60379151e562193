import { buildCustomer } from '../customers';
import type { Alias, Customer, Order } from '../model';
import { mergeContinuation, type FoldedOrder } from '../import/fold';
import { InputError } from '../import/encoding';
import { importStream, type StreamSettings } from '../import/stream';
import type { Database } from './schema';
import type { ImportRecord } from './ledger';

/** Orders per staging transaction, customers per rebuild transaction: big enough to amortise, small enough to stay responsive. */
const STAGE_BATCH = 2000;
const COMMIT_BATCH = 2000;
const REBUILD_BATCH = 500;

export interface ImportFile {
  name: string;
  size: number;
  hash: string;
  stream(): AsyncIterable<Uint8Array>;
}

export interface ImportProgress {
  phase: 'reading' | 'saving' | 'customers';
  bytesRead: number;
  bytesTotal: number;
  rowsRead: number;
  /** For saving and customers: done out of total. */
  done: number;
  total: number;
}

export interface ImportCallbacks {
  onProgress?(progress: ImportProgress): void;
  signal?: AbortSignal;
}

export class ImportCancelled extends Error {}

function newRecord(id: string, file: ImportFile): ImportRecord {
  const now = Date.now();
  return {
    id,
    fileName: file.name,
    fileSize: file.size,
    hash: file.hash,
    status: 'running',
    format: null,
    encoding: null,
    startedAt: now,
    updatedAt: now,
    finishedAt: null,
    rowsRead: 0,
    rowsImported: 0,
    rowsRejected: 0,
    orders: 0,
    ordersAdded: 0,
    ordersUpdated: 0,
    customersTouched: 0,
    rejections: [],
    warnings: [],
    error: null,
  };
}

/**
 * Imports one file into the store. Orders are staged while the file is read and moved into the
 * store only once it was read to the end, so a cancelled, failed or interrupted import leaves
 * orders and customers as they were. Returns the ledger record.
 */
export async function importFile(
  db: Database,
  file: ImportFile,
  settings: StreamSettings,
  callbacks: ImportCallbacks = {},
): Promise<ImportRecord> {
  const id = settings.importId ?? crypto.randomUUID();
  const record = newRecord(id, file);
  const earlier = await db.getAllFromIndex('imports', 'hash', file.hash);
  if (earlier.some((r) => r.status === 'complete')) {
    const done = { ...record, status: 'duplicate' as const, finishedAt: Date.now() };
    await db.put('imports', done);
    return done;
  }
  await db.put('imports', record);
  const { signal, onProgress } = callbacks;
  let batch: FoldedOrder[] = [];
  try {
    const result = await importStream(
      file.stream(),
      { ...settings, importId: id },
      async (folded) => {
        batch.push(folded);
        if (batch.length >= STAGE_BATCH) {
          await stage(db, id, batch);
          batch = [];
        }
      },
      async ({ bytesRead, rowsRead }) => {
        if (signal?.aborted) throw new ImportCancelled('Import cancelled');
        onProgress?.({ phase: 'reading', bytesRead, bytesTotal: file.size, rowsRead, done: 0, total: 0 });
      },
    );
    await stage(db, id, batch);
    const { report } = result;
    Object.assign(record, {
      status: 'committing',
      format: report.format,
      encoding: result.encoding.encoding + (result.encoding.bom ? ' (BOM)' : ''),
      rowsRead: report.rowsRead,
      rowsImported: report.rowsImported,
      rowsRejected: report.rowsRejected,
      orders: report.orders,
      rejections: report.rejections,
      warnings: report.warnings,
      updatedAt: Date.now(),
    });
    await db.put('imports', record);
  } catch (error) {
    await discardStaged(db, id);
    const cancelled = error instanceof ImportCancelled;
    Object.assign(record, {
      status: cancelled ? 'cancelled' : 'failed',
      error: cancelled ? null : error instanceof Error ? error.message : String(error),
      finishedAt: Date.now(),
    });
    await db.put('imports', record);
    if (cancelled || error instanceof InputError) return record;
    throw error;
  }
  return finishCommit(db, record, onProgress);
}

/** Adds a batch to the staging area; a later part of an order already staged joins it. */
async function stage(db: Database, importId: string, batch: readonly FoldedOrder[]): Promise<void> {
  if (batch.length === 0) return;
  const tx = db.transaction('staged', 'readwrite');
  const writes: Promise<unknown>[] = [];
  for (const folded of batch) {
    if (folded.continuation) {
      const how = folded.continuation;
      writes.push(
        tx.store.get([importId, folded.order.key]).then((earlier) =>
          tx.store.put({
            importId,
            key: folded.order.key,
            order: earlier ? mergeContinuation(earlier.order, folded.order, how) : folded.order,
          }),
        ),
      );
    } else {
      writes.push(tx.store.put({ importId, key: folded.order.key, order: folded.order }));
    }
  }
  await Promise.all([...writes, tx.done]);
}

export async function discardStaged(db: Database, importId: string): Promise<void> {
  const tx = db.transaction('staged', 'readwrite');
  await tx.store.delete(IDBKeyRange.bound([importId, ''], [importId, '\uffff']));
  await tx.done;
}

/** Everything but the import it came from: equal fingerprints mean an order did not change. */
function fingerprint(order: Order): string {
  return JSON.stringify({ ...order, importId: '' });
}

/**
 * Moves staged orders into the store and rebuilds the customers they touch. Safe to run again
 * after an interruption: each step is its own transaction and the queues say what is left.
 */
export async function finishCommit(
  db: Database,
  record: ImportRecord,
  onProgress?: (progress: ImportProgress) => void,
): Promise<ImportRecord> {
  const id = record.id;
  const range = IDBKeyRange.bound([id, ''], [id, '\uffff']);
  const stagedTotal = await db.count('staged', range);
  let moved = 0;
  for (;;) {
    const tx = db.transaction(['staged', 'orders', 'dirtyCustomers'], 'readwrite');
    const staged = tx.objectStore('staged');
    const rows = await staged.getAll(range, COMMIT_BATCH);
    if (rows.length === 0) {
      await tx.done;
      break;
    }
    const orders = tx.objectStore('orders');
    const dirty = tx.objectStore('dirtyCustomers');
    const existing = await Promise.all(rows.map((row) => orders.get(row.key)));
    const writes: Promise<unknown>[] = [];
    rows.forEach((row, i) => {
      const before = existing[i];
      const order = row.order;
      if (!before) record.ordersAdded += 1;
      else if (fingerprint(before) !== fingerprint(order)) record.ordersUpdated += 1;
      if (!before || fingerprint(before) !== fingerprint(order)) {
        writes.push(orders.put(order));
        if (order.customerKey) writes.push(dirty.put({ key: order.customerKey, importId: id }));
        if (before?.customerKey && before.customerKey !== order.customerKey) {
          writes.push(dirty.put({ key: before.customerKey, importId: id }));
        }
      }
      writes.push(staged.delete([id, row.key]));
    });
    await Promise.all([...writes, tx.done]);
    moved += rows.length;
    onProgress?.({ phase: 'saving', bytesRead: record.fileSize, bytesTotal: record.fileSize, rowsRead: record.rowsRead, done: moved, total: stagedTotal });
  }
  record.customersTouched += await rebuildDirtyCustomers(db, (done, total) =>
    onProgress?.({ phase: 'customers', bytesRead: record.fileSize, bytesTotal: record.fileSize, rowsRead: record.rowsRead, done, total }),
  );
  Object.assign(record, { status: 'complete', finishedAt: Date.now(), updatedAt: Date.now() });
  await db.put('imports', record);
  return record;
}

/** Rebuilds every queued customer from all of their orders, with their aliases; returns how many. */
export async function rebuildDirtyCustomers(db: Database, onProgress?: (done: number, total: number) => void): Promise<number> {
  const total = await db.count('dirtyCustomers');
  let done = 0;
  for (;;) {
    const tx = db.transaction(['dirtyCustomers', 'orders', 'customers', 'aliases'], 'readwrite');
    const keys = await tx.objectStore('dirtyCustomers').getAllKeys(undefined, REBUILD_BATCH);
    if (keys.length === 0) {
      await tx.done;
      return done;
    }
    const orderLists = await Promise.all(keys.map((key) => tx.objectStore('orders').index('customerKey').getAll(key)));
    const customers: Customer[] = [];
    const writes: Promise<unknown>[] = [];
    keys.forEach((key, i) => {
      const orders = orderLists[i]!;
      if (orders.length === 0) writes.push(tx.objectStore('customers').delete(key));
      else customers.push(buildCustomer(key, orders));
      writes.push(tx.objectStore('dirtyCustomers').delete(key));
    });
    for (const customer of customers) writes.push(tx.objectStore('customers').put(customer));
    writes.push(addAliases(tx.objectStore('aliases'), customers, orderLists.flat()));
    await Promise.all([...writes, tx.done]);
    done += keys.length;
    onProgress?.(done, total);
  }
}

type AliasStore = {
  get(key: string): Promise<Alias | undefined>;
  put(value: Alias): Promise<unknown>;
};

/** The identifiers a seller page may show, each mapped to the customers it can mean. */
export function aliasesOf(customer: Customer): string[] {
  const aliases = new Set<string>([`id:${customer.buyerId.toLowerCase()}`]);
  for (const email of customer.emails) aliases.add(`email:${email.toLowerCase()}`);
  for (const phone of customer.phones) aliases.add(`phone:${phone.replace(/[^\d]/g, '')}`);
  for (const name of customer.names) aliases.add(`name:${name.trim().toLowerCase()}`);
  return [...aliases];
}

async function addAliases(store: AliasStore, customers: readonly Customer[], orders: readonly Order[]): Promise<void> {
  const wanted = new Map<string, Set<string>>();
  const want = (alias: string, key: string) => {
    let keys = wanted.get(alias);
    if (!keys) wanted.set(alias, (keys = new Set()));
    keys.add(key);
  };
  for (const customer of customers) for (const alias of aliasesOf(customer)) want(alias, customer.key);
  for (const order of orders) if (order.customerKey) want(`order:${order.orderId.toLowerCase()}`, order.customerKey);
  await Promise.all(
    [...wanted].map(async ([alias, keys]) => {
      const existing = await store.get(alias);
      const merged = new Set([...(existing?.customerKeys ?? []), ...keys]);
      if (!existing || merged.size !== existing.customerKeys.length) await store.put({ alias, customerKeys: [...merged] });
    }),
  );
}

/**
 * After a restart: an import whose reader is gone is marked interrupted and its staged orders
 * dropped; one that had started committing is finished, so no customer stays half-written.
 */
export async function recoverImports(db: Database, isAlive: (importId: string) => boolean): Promise<ImportRecord[]> {
  const recovered: ImportRecord[] = [];
  for (const record of await db.getAll('imports')) {
    if (isAlive(record.id)) continue;
    if (record.status === 'running') {
      await discardStaged(db, record.id);
      const interrupted = { ...record, status: 'interrupted' as const, finishedAt: Date.now(), error: 'The import stopped before the end of the file (the tab was closed). Nothing from it was saved; import the file again.' };
      await db.put('imports', interrupted);
      recovered.push(interrupted);
    } else if (record.status === 'committing') {
      recovered.push(await finishCommit(db, record));
    }
  }
  if ((await db.count('dirtyCustomers')) > 0) await rebuildDirtyCustomers(db);
  return recovered;
}
