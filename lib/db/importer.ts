import type { FoldedOrder } from '../import/fold';
import { InputError, PRINT_PREFIX } from '../import/encoding';
import { importStream, type StreamSettings } from '../import/stream';
import { bucketOf, entryKeyOf } from './buckets';
import { groupOf, type Database } from './schema';
import type { ImportRecord } from './ledger';
import { formats } from '../../plugins/formats';
import type { FormatId } from '../formats';
import { firstShop } from '../shops';
import { both, sellerText, type Localised } from '../localised';
import { packOrders, type StagedBatch } from './staged-orders';
import { applyStagedAliases, finishCommit, stagedAliasesOf, type CommitBeside } from './commit';

const platformOf = (format: FormatId | null) => (format ? formats[format]?.platform : undefined);

/** Orders per staging record: big records, because IndexedDB pays per record. */
const STAGE_BATCH = 2000;
/** Orders an import holds in memory (some 150 MB of a worker's heap) before it spills them into staging. */
export const MEMORY_BUDGET = 150_000;
const MAX_IN_FLIGHT = 8;

export interface ImportFile {
  name: string;
  size: number;
  /** The file's print (see `filePrint`); a promise while it is still being taken beside the import. */
  hash: string | Promise<string>;
  /** The SHA-256 of the whole file, which releases before prints kept: asked only where one of them imported a file of this size. */
  sha256?(): Promise<string>;
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
  /** May return a promise, which the reading waits for: a worker yields there to hear a cancel. */
  onProgress?(progress: ImportProgress): void | Promise<void>;
  signal?: AbortSignal;
  /** Stores a staging record, resolving once it is stored; by default on this thread. The import's worker hands them to another (see StagingBeside). */
  stage?(batch: StagedBatch): Promise<unknown>;
  /** Commits staged groups on another thread beside this one's (see CommitThread). */
  commitBeside?: CommitBeside;
}

export class ImportCancelled extends Error {}

/** The file is one imported before: found by its hash while it was read. */
class RepeatedFile extends Error {}

function newRecord(id: string, file: ImportFile): ImportRecord {
  const now = Date.now();
  return {
    id,
    fileName: file.name,
    fileSize: file.size,
    hash: typeof file.hash === 'string' ? file.hash : '',
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
 * Holds folded orders per bucket group in memory while the file is read. A file too big for that
 * spills them into staging records in IndexedDB, written while the next rows are parsed.
 */
class Stager {
  private readonly pending = new Map<number, FoldedOrder[]>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private held = 0;
  private seq = 0;
  spilled = false;

  constructor(
    private readonly stage: (batch: StagedBatch) => Promise<unknown>,
    private readonly importId: string,
    private readonly memoryBudget: number,
  ) {}

  async add(folded: FoldedOrder): Promise<void> {
    const group = groupOf(bucketOf(entryKeyOf(folded.order)));
    let list = this.pending.get(group);
    if (!list) this.pending.set(group, (list = []));
    list.push(folded);
    this.held += 1;
    if (this.spilled) {
      if (list.length >= STAGE_BATCH) await this.write(group);
    } else if (this.held > this.memoryBudget) {
      this.spilled = true;
      for (const group of [...this.pending.keys()]) await this.write(group);
    }
  }

  /** Once the file is read: the orders still in memory by group, every staging write stored (a failed write rejects here). */
  async finish(): Promise<Map<number, FoldedOrder[]>> {
    if (this.spilled) for (const group of [...this.pending.keys()]) await this.write(group);
    await Promise.all(this.inFlight);
    return this.pending;
  }

  /** Once no staging write is left under way, stored or not: what is staged can then be discarded whole. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.inFlight);
  }

  private async write(group: number): Promise<void> {
    const list = this.pending.get(group) ?? [];
    this.pending.delete(group);
    if (list.length === 0) return;
    this.seq += 1;
    const written = this.stage({ importId: this.importId, group, seq: this.seq, packed: packOrders(list) });
    this.inFlight.add(written);
    written.then(
      () => this.inFlight.delete(written),
      () => {}, // kept in inFlight: finish() rejects with it
    );
    // Bounded, so a fast parser does not pile up the whole file in IndexedDB's queue.
    if (this.inFlight.size >= MAX_IN_FLIGHT) await Promise.race(this.inFlight);
  }
}

/**
 * Imports one file into the store. Orders are held (or staged) while the file is read and moved
 * into the store only once it was read to the end, so a cancelled, failed or interrupted read
 * leaves the customers as they were. Returns the ledger record.
 */
export async function importFile(
  db: Database,
  file: ImportFile,
  settings: StreamSettings,
  callbacks: ImportCallbacks = {},
  memoryBudget = MEMORY_BUDGET,
): Promise<ImportRecord> {
  const id = settings.importId ?? crypto.randomUUID();
  const record = newRecord(id, file);
  // The same file into another shop is not a repeat (a seller who chose the wrong shop imports it again into the right one).
  const sameShop = (r: ImportRecord) => (settings.shop ? r.shop === settings.shop.id : r.shop === undefined || r.shop === platformOf(r.format));
  const importedBefore = async (hash: string) => {
    const complete = (r: ImportRecord) => r.status === 'complete' && sameShop(r);
    if ((await db.getAllFromIndex('imports', 'hash', hash)).some(complete)) return true;
    // A file an earlier release imported is known by its SHA-256, taken again only for a file of its size.
    const earlier = file.sha256 && hash.startsWith(PRINT_PREFIX) ? (await db.getAll('imports')).filter((r) => complete(r) && r.fileSize === file.size && r.hash !== '' && !r.hash.startsWith(PRINT_PREFIX)) : [];
    if (earlier.length === 0) return false;
    const sha256 = await file.sha256!();
    return earlier.some((r) => r.hash === sha256);
  };
  const repeated = async () => {
    const done = { ...record, status: 'duplicate' as const, finishedAt: Date.now() };
    await db.put('imports', done);
    return done;
  };
  if (typeof file.hash === 'string' && (await importedBefore(file.hash))) return repeated();
  // A hash still being taken: the file is read meanwhile, and a repeat stops the reading once it is known.
  let repeat = false;
  const hashKnown =
    typeof file.hash === 'string'
      ? Promise.resolve()
      : file.hash.then(async (hash) => {
          record.hash = hash;
          repeat = await importedBefore(hash);
        });
  // Awaited once the file is read; a hash that fails meanwhile is not left an unhandled rejection.
  hashKnown.catch(() => {});
  await db.put('imports', record);
  const { signal, onProgress } = callbacks;
  const readStarted = performance.now();
  const stager = new Stager(callbacks.stage ?? ((batch) => db.put('staged', batch)), id, memoryBudget);
  let held: Map<number, FoldedOrder[]>;
  try {
    const result = await importStream(
      file.stream(),
      { ...settings, importId: id, shops: await db.getAll('shops') },
      (folded) => stager.add(folded),
      ({ bytesRead, rowsRead }) => {
        if (signal?.aborted) throw new ImportCancelled('Import cancelled');
        if (repeat) throw new RepeatedFile();
        return onProgress?.({ phase: 'reading', bytesRead, bytesTotal: file.size, rowsRead, done: 0, total: 0 });
      },
    );
    held = await stager.finish();
    await hashKnown;
    if (repeat) throw new RepeatedFile();
    const { report } = result;
    record.timings.readMs = Math.round(performance.now() - readStarted);
    Object.assign(record, {
      status: 'committing',
      commitFrom: stager.spilled ? 'staging' : 'memory',
      format: report.format,
      shop: settings.shop?.id ?? platformOf(report.format),
      encoding: result.encoding.encoding + (result.encoding.bom ? ' (BOM)' : ''),
      rowsRead: report.rowsRead,
      rowsImported: report.rowsImported,
      rowsRejected: report.rowsRejected,
      duplicateRows: report.duplicateRows,
      orders: report.orders,
      rejections: report.rejections,
      warnings: report.warnings,
      readAs: {
        mapping: report.mapping,
        dateFormat: report.dateFormat,
        timeZone: report.timeZone,
        currency: report.currency,
        decimalMarks: report.decimalMarks,
        fallbacks: report.fallbacks,
        cashOnDelivery: report.cashOnDelivery,
        guestOrders: report.guestOrders,
      },
      updatedAt: Date.now(),
    });
    const shop = settings.shop ?? firstShop(formats[report.format].platform);
    const tx = db.transaction(['imports', 'shops'], 'readwrite');
    // A shop keeps its first name; the seller's choice of cash on delivery is the shop's from now on.
    const known = await tx.objectStore('shops').get(shop.id);
    const cashOnDelivery = settings.cashOnDelivery ?? known?.cashOnDelivery ?? shop.cashOnDelivery;
    const kept = { ...(known ?? shop), ...(cashOnDelivery === undefined ? {} : { cashOnDelivery }) };
    await Promise.all([tx.objectStore('imports').put(record), tx.objectStore('shops').put(kept), tx.done]);
  } catch (error) {
    // A write still under way would land after the discard.
    await stager.settled();
    await discardStaged(db, id);
    if (error instanceof RepeatedFile) return repeated();
    const cancelled = error instanceof ImportCancelled;
    Object.assign(record, {
      status: cancelled ? 'cancelled' : 'failed',
      error: cancelled ? null : sellerText(error),
      finishedAt: Date.now(),
    });
    await db.put('imports', record);
    if (cancelled || error instanceof InputError) return record;
    throw error;
  }
  const progress = (phase: 'saving' | 'customers', done: number, total: number) =>
    void onProgress?.({ phase, bytesRead: record.fileSize, bytesTotal: record.fileSize, rowsRead: record.rowsRead, done, total });
  return finishCommit(db, record, progress, held, callbacks.commitBeside);
}

const stagedRange = (importId: string) => IDBKeyRange.bound([importId, -Infinity, -Infinity], [importId, Infinity, Infinity]);

export async function discardStaged(db: Database, importId: string): Promise<void> {
  const tx = db.transaction(['staged', 'stagedAliases'], 'readwrite');
  await Promise.all([
    tx.objectStore('staged').delete(stagedRange(importId)),
    tx.objectStore('stagedAliases').delete(stagedAliasesOf(importId)),
    tx.done,
  ]);
}

/**
 * After a restart: an import whose reader is gone is marked interrupted and its staged orders
 * dropped; one that had started committing from staging is finished, and one committing from
 * memory is marked interrupted (its saved part is whole customers), so no customer stays half-written.
 */
export async function recoverImports(db: Database, isAlive: (importId: string) => boolean): Promise<ImportRecord[]> {
  const recovered: ImportRecord[] = [];
  const markInterrupted = async (record: ImportRecord, error: Localised) => {
    const interrupted = { ...record, status: 'interrupted' as const, finishedAt: Date.now(), error };
    await db.put('imports', interrupted);
    recovered.push(interrupted);
  };
  for (const record of await db.getAll('imports')) {
    if (isAlive(record.id)) continue;
    if (record.status === 'running') {
      await discardStaged(db, record.id);
      await markInterrupted(record, both('The import stopped before the end of the file (the tab was closed). Nothing from it was saved; import the file again.', '导入在文件结束前停止了（标签页被关闭）。没有保存任何内容；请重新导入该文件。'));
    } else if (record.status === 'committing' && record.commitFrom === 'memory') {
      // The groups saved before the tab closed are whole customers; the rest of the file was only in memory.
      await applyStagedAliases(db, record.id, () => {});
      await markInterrupted(record, both('The tab was closed while saving: part of the file was saved, each customer in it whole. Import the file again to save the rest.', '保存时标签页被关闭：文件已保存了一部分，其中每位客户的记录都是完整的。请重新导入该文件以保存其余部分。'));
    } else if (record.status === 'committing') {
      recovered.push(await finishCommit(db, record));
    }
  }
  return recovered;
}

