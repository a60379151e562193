import { mergeContinuation, type Continuation, type FoldedOrder } from '../import/fold';
import { InputError } from '../import/encoding';
import { importStream, type StreamSettings } from '../import/stream';
import type { Order } from '../model';
import { aliasesOf, BUCKETS, bucketOf, entryKeyOf, mergeOrders, type CustomerEntry } from './buckets';
import { GROUP_SIZE, groupOf, type Database } from './schema';
import type { ImportRecord } from './ledger';

/** Orders per staging record: big records, because IndexedDB pays per record. */
const STAGE_BATCH = 2000;
const GROUPS = Math.ceil(BUCKETS / GROUP_SIZE);

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

/** Buffers folded orders per bucket group and writes each group's batch as one staging record. */
class Stager {
  private readonly pending = new Map<number, FoldedOrder[]>();
  private seq = 0;
  constructor(
    private readonly db: Database,
    private readonly importId: string,
  ) {}

  async add(folded: FoldedOrder): Promise<void> {
    const group = groupOf(bucketOf(entryKeyOf(folded.order)));
    let list = this.pending.get(group);
    if (!list) this.pending.set(group, (list = []));
    list.push(folded);
    if (list.length >= STAGE_BATCH) await this.write(group);
  }

  async flush(): Promise<void> {
    for (const group of [...this.pending.keys()]) await this.write(group);
  }

  private async write(group: number): Promise<void> {
    const list = this.pending.get(group) ?? [];
    this.pending.delete(group);
    if (list.length === 0) return;
    this.seq += 1;
    await this.db.put('staged', {
      importId: this.importId,
      group,
      seq: this.seq,
      orders: list.map(({ order, continuation }) => ({ order, continuation })),
    });
  }
}

/**
 * Imports one file into the store. Orders are staged while the file is read and moved into the
 * store only once it was read to the end, so a cancelled, failed or interrupted import leaves
 * the customers as they were. Returns the ledger record.
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
  const stager = new Stager(db, id);
  try {
    const result = await importStream(
      file.stream(),
      { ...settings, importId: id },
      (folded) => stager.add(folded),
      ({ bytesRead, rowsRead }) => {
        if (signal?.aborted) throw new ImportCancelled('Import cancelled');
        onProgress?.({ phase: 'reading', bytesRead, bytesTotal: file.size, rowsRead, done: 0, total: 0 });
      },
    );
    await stager.flush();
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

const stagedRange = (importId: string) => IDBKeyRange.bound([importId, -Infinity, -Infinity], [importId, Infinity, Infinity]);

export async function discardStaged(db: Database, importId: string): Promise<void> {
  const tx = db.transaction(['staged', 'stagedAliases'], 'readwrite');
  await Promise.all([
    tx.objectStore('staged').delete(stagedRange(importId)),
    tx.objectStore('stagedAliases').delete(IDBKeyRange.bound([importId, -Infinity], [importId, Infinity])),
    tx.done,
  ]);
}

/** Joins staged parts of one order (rows far apart in the file) before they meet the store. */
function foldStaged(entries: ReadonlyArray<{ order: Order; continuation: Continuation | null }>): Order[] {
  const byKey = new Map<string, Order>();
  for (const { order, continuation } of entries) {
    const earlier = byKey.get(order.key);
    byKey.set(order.key, earlier && continuation ? mergeContinuation(earlier, order, continuation) : order);
  }
  return [...byKey.values()];
}

/**
 * Moves staged orders into the customer buckets, one bucket group per transaction (the group's
 * staged records are deleted in the same transaction), then applies the alias additions. Safe to
 * run again after an interruption: what is left in staging is exactly what is left to do.
 */
export async function finishCommit(db: Database, record: ImportRecord, onProgress?: (progress: ImportProgress) => void): Promise<ImportRecord> {
  const id = record.id;
  const saveStarted = performance.now();
  const progress = (phase: 'saving' | 'customers', done: number, total: number) =>
    onProgress?.({ phase, bytesRead: record.fileSize, bytesTotal: record.fileSize, rowsRead: record.rowsRead, done, total });
  let aliasSeq = (await db.getAllKeys('stagedAliases', IDBKeyRange.bound([id, -Infinity], [id, Infinity]))).length;
  for (let group = 0; group < GROUPS; group += 1) {
    const range = IDBKeyRange.bound([id, group, -Infinity], [id, group, Infinity]);
    const tx = db.transaction(['staged', 'customers', 'stagedAliases', 'meta'], 'readwrite');
    const staged = await tx.objectStore('staged').getAll(range);
    if (staged.length > 0) {
      const byBucket = new Map<number, Map<string, Order[]>>();
      for (const order of foldStaged(staged.flatMap((s) => s.orders))) {
        const key = entryKeyOf(order);
        const bucket = bucketOf(key);
        let entries = byBucket.get(bucket);
        if (!entries) byBucket.set(bucket, (entries = new Map()));
        entries.set(key, [...(entries.get(key) ?? []), order]);
      }
      const buckets = await Promise.all([...byBucket.keys()].map((bucket) => tx.objectStore('customers').get(bucket)));
      const counts = await tx.objectStore('meta').get('counts');
      const totals = counts ?? { id: 'counts' as const, customers: 0, orders: 0 };
      const aliases: Array<[string, string]> = [];
      const writes: Promise<unknown>[] = [];
      [...byBucket].forEach(([bucket, incoming], i) => {
        const stored = buckets[i] ?? { bucket, entries: {} };
        let changed = false;
        for (const [key, orders] of incoming) {
          const before: CustomerEntry | undefined = stored.entries[key];
          const merge = { added: 0, updated: 0 };
          const after = mergeOrders(key, before, orders, merge);
          if (!after) continue;
          changed = true;
          stored.entries[key] = after;
          record.ordersAdded += merge.added;
          record.ordersUpdated += merge.updated;
          totals.orders += merge.added;
          if (after.customer) {
            record.customersTouched += 1;
            if (!before) totals.customers += 1;
            for (const alias of aliasesOf(after)) aliases.push([alias, key]);
          }
        }
        if (changed) writes.push(tx.objectStore('customers').put(stored));
      });
      if (aliases.length > 0) writes.push(tx.objectStore('stagedAliases').put({ importId: id, seq: (aliasSeq += 1), aliases }));
      writes.push(tx.objectStore('meta').put(totals), tx.objectStore('staged').delete(range));
      await Promise.all(writes);
    }
    await tx.done;
    progress('saving', group + 1, GROUPS);
  }
  record.timings.saveMs = Math.round(performance.now() - saveStarted);
  const aliasStarted = performance.now();
  await applyStagedAliases(db, id, (done, total) => progress('customers', done, total));
  record.timings.customersMs = Math.round(performance.now() - aliasStarted);
  Object.assign(record, { status: 'complete', finishedAt: Date.now(), updatedAt: Date.now() });
  await db.put('imports', record);
  return record;
}

/** Adds the commit's identifiers to the alias buckets (a set union: applying twice changes nothing), then clears them. */
async function applyStagedAliases(db: Database, importId: string, onProgress: (done: number, total: number) => void): Promise<void> {
  const range = IDBKeyRange.bound([importId, -Infinity], [importId, Infinity]);
  const byBucket = new Map<number, Array<[string, string]>>();
  for (const batch of await db.getAll('stagedAliases', range)) {
    for (const pair of batch.aliases) {
      const bucket = bucketOf(pair[0]);
      let list = byBucket.get(bucket);
      if (!list) byBucket.set(bucket, (list = []));
      list.push(pair);
    }
  }
  const buckets = [...byBucket.keys()];
  for (let start = 0; start < buckets.length; start += GROUP_SIZE * 4) {
    const slice = buckets.slice(start, start + GROUP_SIZE * 4);
    const tx = db.transaction('aliases', 'readwrite');
    const stored = await Promise.all(slice.map((bucket) => tx.store.get(bucket)));
    const writes = slice.map((bucket, i) => {
      const target = stored[i] ?? { bucket, aliases: {} };
      for (const [alias, key] of byBucket.get(bucket)!) {
        const keys = target.aliases[alias];
        if (!keys) target.aliases[alias] = [key];
        else if (!keys.includes(key)) keys.push(key);
      }
      return tx.store.put(target);
    });
    await Promise.all([...writes, tx.done]);
    onProgress(start + slice.length, buckets.length);
  }
  await db.delete('stagedAliases', range);
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
      const interrupted = {
        ...record,
        status: 'interrupted' as const,
        finishedAt: Date.now(),
        error: 'The import stopped before the end of the file (the tab was closed). Nothing from it was saved; import the file again.',
      };
      await db.put('imports', interrupted);
      recovered.push(interrupted);
    } else if (record.status === 'committing') {
      recovered.push(await finishCommit(db, record));
    }
  }
  return recovered;
}

