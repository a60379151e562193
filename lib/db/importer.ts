import { buildCustomer, CustomerTallies } from '../customers';
import type { Alias, Customer, Order } from '../model';
import { mergeContinuation, type FoldedOrder } from '../import/fold';
import { InputError } from '../import/encoding';
import { importStream, type StreamSettings } from '../import/stream';
import type { Database } from './schema';
import type { ImportRecord } from './ledger';

/** Orders per staging transaction, customers per rebuild transaction: big enough to amortise, small enough to stay responsive. */
const STAGE_BATCH = 5000;
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
    timings: {},
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
  const readStarted = performance.now();
  let batch: FoldedOrder[] = [];
  let batchNumber = 0;
  try {
    const result = await importStream(
      file.stream(),
      { ...settings, importId: id },
      async (folded) => {
        batch.push(folded);
        if (batch.length >= STAGE_BATCH) {
          await stage(db, id, (batchNumber += 1), batch);
          batch = [];
        }
      },
      async ({ bytesRead, rowsRead }) => {
        if (signal?.aborted) throw new ImportCancelled('Import cancelled');
        onProgress?.({ phase: 'reading', bytesRead, bytesTotal: file.size, rowsRead, done: 0, total: 0 });
      },
    );
    await stage(db, id, (batchNumber += 1), batch);
    const { report } = result;
    record.timings.readMs = Math.round(performance.now() - readStarted);
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

/** Stages one batch of orders as a single record: one write per thousands of orders. */
async function stage(db: Database, importId: string, batch: number, folded: readonly FoldedOrder[]): Promise<void> {
  if (folded.length === 0) return;
  await db.put('staged', { importId, batch, orders: folded.map(({ order, continuation }) => ({ order, continuation })) });
}

export async function discardStaged(db: Database, importId: string): Promise<void> {
  const tx = db.transaction('staged', 'readwrite');
  await tx.store.delete(stagedRange(importId));
  await tx.done;
}

const stagedRange = (importId: string) => IDBKeyRange.bound([importId, 0], [importId, Infinity]);

/** Everything but the import it came from: equal fingerprints mean an order did not change. */
function fingerprint(order: Order): string {
  return JSON.stringify({ ...order, importId: '' });
}

/**
 * Moves staged orders into the store and rebuilds the customers they touch. Safe to run again
 * after an interruption: each batch moves in one transaction with the customers it touches
 * queued for rebuilding, so what is left is always known.
 */
export async function finishCommit(
  db: Database,
  record: ImportRecord,
  onProgress?: (progress: ImportProgress) => void,
): Promise<ImportRecord> {
  const id = record.id;
  const saveStarted = performance.now();
  const range = stagedRange(id);
  const batchKeys = await db.getAllKeys('staged', range);
  const storeWasEmpty = (await db.count('orders')) === 0;
  // Customers new to the store are built from this import alone, in memory; the others are rebuilt from the store.
  const knownCustomers = new Set(storeWasEmpty ? [] : await db.getAllKeys('customers'));
  const fresh = new CustomerTallies();
  let moved = 0;
  for (const batchKey of batchKeys) {
    const tx = db.transaction(['staged', 'orders', 'dirtyCustomers'], 'readwrite');
    const orders = tx.objectStore('orders');
    const dirty = tx.objectStore('dirtyCustomers');
    const staged = await tx.objectStore('staged').get(batchKey);
    const entries = staged?.orders ?? [];
    // A first import needs no look-ups: nothing it writes can replace anything.
    const existing = await Promise.all(
      entries.map(({ order, continuation }) => (storeWasEmpty && !continuation ? undefined : orders.get(order.key))),
    );
    const writes: Promise<unknown>[] = [];
    const queue = (key: string | null) => key && writes.push(dirty.put({ key, importId: id }));
    entries.forEach(({ order: incoming, continuation }, i) => {
      const before = existing[i];
      const order = continuation && before?.importId === id ? mergeContinuation(before, incoming, continuation) : incoming;
      if (!continuation) {
        if (!before) record.ordersAdded += 1;
        else if (fingerprint(before) !== fingerprint(order)) record.ordersUpdated += 1;
        else return; // unchanged
      }
      writes.push(orders.put(order));
      const key = order.customerKey;
      if (key && !knownCustomers.has(key) && !before) {
        if (continuation) fresh.addMoneyOnly(key, incoming);
        else fresh.add(key, order);
      } else {
        // Customers already stored are queued in the same transaction, so an interrupted commit still rebuilds them.
        queue(key);
      }
      if (before?.customerKey && before.customerKey !== key) queue(before.customerKey);
    });
    writes.push(tx.objectStore('staged').delete(batchKey));
    await Promise.all([...writes, tx.done]);
    moved += entries.length;
    onProgress?.({ phase: 'saving', bytesRead: record.fileSize, bytesTotal: record.fileSize, rowsRead: record.rowsRead, done: moved, total: record.orders });
  }
  record.timings.saveMs = Math.round(performance.now() - saveStarted);
  const customersStarted = performance.now();
  const progress = (done: number, total: number) =>
    onProgress?.({ phase: 'customers', bytesRead: record.fileSize, bytesTotal: record.fileSize, rowsRead: record.rowsRead, done, total });
  record.customersTouched += await writeFreshCustomers(db, fresh.customers(), progress);
  record.customersTouched += await rebuildDirtyCustomers(db, progress);
  record.timings.customersMs = Math.round(performance.now() - customersStarted);
  Object.assign(record, { status: 'complete', finishedAt: Date.now(), updatedAt: Date.now() });
  await db.put('imports', record);
  return record;
}

/** Writes customers first seen in this import, with their aliases. */
async function writeFreshCustomers(db: Database, customers: readonly Customer[], onProgress: (done: number, total: number) => void): Promise<number> {
  for (let start = 0; start < customers.length; start += REBUILD_BATCH * 4) {
    const batch = customers.slice(start, start + REBUILD_BATCH * 4);
    const tx = db.transaction(['customers', 'aliases'], 'readwrite');
    const writes: Promise<unknown>[] = [];
    for (const customer of batch) writes.push(tx.objectStore('customers').put(customer));
    writes.push(addAliases(tx.objectStore('aliases'), batch));
    await Promise.all([...writes, tx.done]);
    onProgress(start + batch.length, customers.length);
  }
  return customers.length;
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
    writes.push(addAliases(tx.objectStore('aliases'), customers));
    await Promise.all([...writes, tx.done]);
    done += keys.length;
    onProgress?.(done, total);
  }
}

type AliasStore = {
  get(key: string): Promise<Alias | undefined>;
  put(value: Alias): Promise<unknown>;
};

/**
 * The identifiers a seller page may show besides the buyer id (which is the customer key) and
 * order numbers (an index on orders), each mapped to the customers it can mean.
 */
export function aliasesOf(customer: Customer): string[] {
  const aliases = new Set<string>();
  for (const email of customer.emails) aliases.add(`email:${email.toLowerCase()}`);
  for (const phone of customer.phones) aliases.add(`phone:${phone.replace(/[^\d]/g, '')}`);
  for (const name of customer.names) aliases.add(`name:${name.trim().toLowerCase()}`);
  return [...aliases];
}

async function addAliases(store: AliasStore, customers: readonly Customer[]): Promise<void> {
  const wanted = new Map<string, Set<string>>();
  for (const customer of customers) {
    for (const alias of aliasesOf(customer)) {
      let keys = wanted.get(alias);
      if (!keys) wanted.set(alias, (keys = new Set()));
      keys.add(customer.key);
    }
  }
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
      // Customers first seen in this import were tallied in memory, which is gone: queue every customer it wrote.
      const tx = db.transaction(['orders', 'dirtyCustomers'], 'readwrite');
      const keys = new Set((await tx.objectStore('orders').index('importId').getAll(record.id)).map((o) => o.customerKey));
      await Promise.all([...[...keys].filter((k): k is string => k !== null).map((key) => tx.objectStore('dirtyCustomers').put({ key, importId: record.id })), tx.done]);
      recovered.push(await finishCommit(db, record));
    }
  }
  if ((await db.count('dirtyCustomers')) > 0) await rebuildDirtyCustomers(db);
  return recovered;
}
