import { mergeContinuation, type FoldedOrder } from '../import/fold';
import { InputError, PRINT_PREFIX } from '../import/encoding';
import { importStream, type StreamSettings } from '../import/stream';
import type { Customer, Order } from '../model';
import { buildCustomers } from '../customers';
import { aliasesOf, BUCKETS, bucketMap, bucketOf, changesToKeep, entryKeyOf, entriesIn, isGuestKey, mergeOrders, namedOf, readBucket, storedCustomers, placedBucket, withChanges, type BucketChanges, type MergeCounts } from './buckets';
import type { IDBPTransaction } from 'idb';
import { GROUP_SIZE, groupOf, type Database, type StoreCounts, type TiermarkDB } from './schema';
import type { ImportRecord } from './ledger';
import { formats } from '../../plugins/formats';
import type { FormatId } from '../formats';
import { firstShop, idOfKey } from '../shops';
import { findClashes, IncomingOrders } from './clashes';
import { aliasKey } from '../aliases';
import { toIsoInZone } from '../time';
import { both, sellerText, type Localised } from '../localised';
import { digestOf, type OrderDigest } from '../scoring/history';
import { stageTouchedAliases, stageTouchedCustomers, stagingTouched, type TouchedCustomer } from './touched';
import { aliasDigest, digestWith } from './alias-digest';
import { packOrders, stagedOrdersOf, type StagedBatch, type StagedOrder } from './staged-orders';
import { historiesOfStored, storedHistory, type StoredOrder } from './stored-orders';

const OTHER_SHOP = both('If the file is from another shop, import it into a new shop.', '如果文件来自另一个店铺，请导入到新店铺。');

const platformOf = (format: FormatId | null) => (format ? formats[format]?.platform : undefined);

/** Orders per staging record: big records, because IndexedDB pays per record. */
const STAGE_BATCH = 2000;
/** Orders an import holds in memory (some 150 MB of a worker's heap) before it spills them into staging. */
export const MEMORY_BUDGET = 150_000;
const MAX_IN_FLIGHT = 8;
const GROUPS = Math.ceil(BUCKETS / GROUP_SIZE);

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
  return finishCommit(db, record, onProgress, held);
}

/** The stores a commit group's transaction writes. */
type CommitTx = IDBPTransaction<TiermarkDB, ['staged', 'orders', 'customers', 'bucketChanges', 'stagedAliases', 'meta', 'touched'], 'readwrite'>;

/**
 * Writes the customers a commit group built: a bucket whose orders went whole goes whole (its
 * changes folded in, every digest made again from its histories), any other gets them in its
 * changes, each with their order digest. Its stored bucket is read only when written whole.
 */
async function customerWrites(
  tx: CommitTx,
  built: readonly Customer[],
  { whole, historiesOf, kept, digestAt }: { whole: ReadonlySet<number>; historiesOf: ReadonlyMap<number, ReadonlyMap<string, Order[]>>; kept: ReadonlyMap<number, BucketChanges | undefined>; digestAt: (i: number) => OrderDigest },
): Promise<Array<Promise<unknown>>> {
  const byBucket = new Map<number, number[]>();
  built.forEach((customer, i) => {
    const bucket = bucketOf(customer.key);
    const list = byBucket.get(bucket);
    if (list) list.push(i);
    else byBucket.set(bucket, [i]);
  });
  const customers = tx.objectStore('customers');
  const changes = tx.objectStore('bucketChanges');
  const wholeBuckets = [...byBucket.keys()].filter((bucket) => whole.has(bucket));
  const stored = await Promise.all(wholeBuckets.map((bucket) => customers.get(bucket)));
  const writes: Array<Promise<unknown>> = wholeBuckets.flatMap((bucket, k) => {
    const map = bucketMap<Customer>(withChanges(stored[k], kept.get(bucket)));
    for (const i of byBucket.get(bucket)!) map.set(built[i]!.key, built[i]!);
    return [customers.put(storedCustomers(bucket, map, historiesOf.get(bucket)!)), changes.delete(['customers', bucket])];
  });
  for (const [bucket, indices] of byBucket) {
    if (whole.has(bucket)) continue;
    const map = readBucket<Customer>(kept.get(bucket));
    const digests = JSON.parse(kept.get(bucket)?.digests ?? '{}') as Record<string, OrderDigest>;
    for (const i of indices) {
      map[built[i]!.key] = built[i]!;
      digests[built[i]!.key] = digestAt(i);
    }
    writes.push(changes.put({ store: 'customers', bucket, json: JSON.stringify(map), digests: JSON.stringify(digests) }));
  }
  return writes;
}

/** Statuses of an import that put orders into its shop. */
const SAVED: ReadonlySet<ImportRecord['status']> = new Set(['complete', 'interrupted', 'committing']);

/**
 * The import's orders whose numbers its shop already has for other buyers; null for a shop
 * nothing was saved to yet, where no order can clash (a first import pays nothing for the check).
 */
async function clashesOf(db: Database, record: ImportRecord, held: ReadonlyMap<number, readonly FoldedOrder[]>): Promise<Map<string, string> | null> {
  const shop = record.shop;
  if (!shop || !(await db.getAll('imports')).some((r) => r.id !== record.id && r.shop === shop && SAVED.has(r.status))) return null;
  const incoming = new IncomingOrders();
  for (const list of held.values()) for (const { order } of list) incoming.add(order);
  // Staged orders are read a group at a time, so a big import's are never all parsed at once.
  for (let group = 0; group < GROUPS; group += 1) {
    for (const batch of await db.getAll('staged', IDBKeyRange.bound([record.id, group, -Infinity], [record.id, group, Infinity]))) {
      for (const { order } of stagedOrdersOf(batch)) incoming.add(order);
    }
  }
  return findClashes(db, shop, incoming);
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
function foldStaged(entries: readonly StagedOrder[]): Order[] {
  const byKey = new Map<string, Order>();
  for (const { order, continuation } of entries) {
    const earlier = byKey.get(order.key);
    byKey.set(order.key, earlier && continuation ? mergeContinuation(earlier, order, continuation) : order);
  }
  return [...byKey.values()];
}

/**
 * Moves the orders of a read import (staged, or held in memory) into the order and customer buckets,
 * one bucket group per transaction (the group's staged records are deleted in the same
 * transaction), then applies the alias additions. From staging it is safe to run again after an
 * interruption: what is left in staging is exactly what is left to do.
 */
export async function finishCommit(
  db: Database,
  record: ImportRecord,
  onProgress?: (progress: ImportProgress) => void | Promise<void>,
  held: ReadonlyMap<number, readonly FoldedOrder[]> = new Map(),
): Promise<ImportRecord> {
  const id = record.id;
  const saveStarted = performance.now();
  const progress = (phase: 'saving' | 'customers', done: number, total: number) =>
    void onProgress?.({ phase, bytesRead: record.fileSize, bytesTotal: record.fileSize, rowsRead: record.rowsRead, done, total });
  let aliasSeq = (await db.getAllKeys('stagedAliases', IDBKeyRange.bound([id, -Infinity], [id, Infinity]))).length;
  const clashes = await clashesOf(db, record, held);
  const clashed = { orders: 0, rows: 0, first: null as { row: number; orderId: string } | null };
  for (let group = 0; group < GROUPS; group += 1) {
    const range = IDBKeyRange.bound([id, group, -Infinity], [id, group, Infinity]);
    const tx = db.transaction(['staged', 'orders', 'customers', 'bucketChanges', 'stagedAliases', 'meta', 'touched'], 'readwrite');
    const staged = (await tx.objectStore('staged').getAll(range)).flatMap(stagedOrdersOf);
    const refuse = (parts: ReadonlyArray<Pick<StagedOrder, 'rows' | 'continuation'>>, orderId: string, reason: Localised) => {
      for (const part of parts) {
        const rows = part.rows ?? [];
        for (const row of rows) record.rejections.push({ row, reason });
        if (!part.continuation) clashed.orders += 1;
        clashed.rows += rows.length;
        if (rows[0] !== undefined && !(clashed.first && clashed.first.row < rows[0])) clashed.first = { row: rows[0], orderId };
      }
    };
    const partsOf = new Map<string, StagedOrder[]>();
    const parts = [...staged, ...(held.get(group) ?? [])];
    const incoming = !clashes ? parts : parts.filter((part) => {
      const owner = clashes.get(aliasKey.order(part.order.orderId));
      if (owner === undefined || owner === part.order.customerKey) {
        const same = partsOf.get(part.order.key);
        if (same) same.push(part);
        else partsOf.set(part.order.key, [part]);
        return true;
      }
      const theirs = part.order.customerKey ? both(idOfKey(part.order.customerKey), idOfKey(part.order.customerKey)) : both('no buyer', '无买家');
      const id = part.order.orderId;
      refuse([part], id, both(
        `order ${id} is already in this shop for another buyer (${idOfKey(owner)}); this file has it for ${theirs.en}. ${OTHER_SHOP.en}`,
        `订单 ${id} 在本店铺中属于另一位买家（${idOfKey(owner)}）；本文件中的买家是 ${theirs['zh-CN']}。${OTHER_SHOP['zh-CN']}`,
      ));
      return false;
    });
    const onClash = (stored: Order, order: Order) => {
      const day = (at: number) => toIsoInZone(at, record.readAs?.timeZone ?? 'UTC').slice(0, 10);
      const differs =
        stored.externalId && order.externalId && stored.externalId !== order.externalId
          ? both(`with the platform's order id ${stored.externalId}; this file has it with ${order.externalId}`, `平台订单号为 ${stored.externalId}；本文件中为 ${order.externalId}`)
          : both(`made on ${day(stored.createdAt)}; this file has it made on ${day(order.createdAt)}`, `下单于 ${day(stored.createdAt)}；本文件中下单于 ${day(order.createdAt)}`);
      const id = order.orderId;
      refuse(partsOf.get(order.key) ?? [], id, both(
        `order ${id} is already in this shop for the same buyer, ${differs.en}. ${OTHER_SHOP.en}`,
        `订单 ${id} 已在本店铺中，买家相同，但${differs['zh-CN']}。${OTHER_SHOP['zh-CN']}`,
      ));
    };
    if (incoming.length > 0) {
      const byBucket = new Map<number, Map<string, Order[]>>();
      for (const order of foldStaged(incoming)) {
        const key = entryKeyOf(order);
        const bucket = bucketOf(key);
        let entries = byBucket.get(bucket);
        if (!entries) byBucket.set(bucket, (entries = new Map()));
        const list = entries.get(key);
        if (list) list.push(order);
        else entries.set(key, [order]);
      }
      const bucketIds = [...byBucket.keys()];
      const changes = tx.objectStore('bucketChanges');
      // A customers bucket is read only where it is written whole; elsewhere its changes are enough.
      const [orderRecords, orderChanges, customerChanges, counts] = await Promise.all([
        Promise.all(bucketIds.map((bucket) => tx.objectStore('orders').get(bucket))),
        Promise.all(bucketIds.map((bucket) => changes.get(['orders', bucket]))),
        Promise.all(bucketIds.map((bucket) => changes.get(['customers', bucket]))),
        tx.objectStore('meta').get('counts'),
      ]);
      const totals = (counts as StoreCounts | undefined) ?? { id: 'counts' as const, customers: 0, orders: 0 };
      const writes: Promise<unknown>[] = [];
      const changed: Array<[string, Order[]]> = [];
      const added = new Set<string>();
      const historiesOf = new Map<number, Map<string, Order[]>>();
      const whole = new Set<number>();
      bucketIds.forEach((bucket, i) => {
        // Only the histories the import changes are read; all of them where the bucket goes whole.
        // In maps, not objects: see BucketEntries.
        const histories = historiesOfStored(entriesIn<StoredOrder[]>(orderRecords[i], orderChanges[i], byBucket.get(bucket)!.keys()));
        const changedHere: Array<[string, Order[]]> = [];
        for (const [key, incoming] of byBucket.get(bucket)!) {
          const before = histories.get(key);
          const merge: MergeCounts = { added: 0, updated: 0 };
          const after = mergeOrders(before, incoming, merge, clashes ? onClash : undefined);
          if (!after) continue;
          changedHere.push([key, after]);
          histories.set(key, after);
          record.ordersAdded += merge.added;
          record.ordersUpdated += merge.updated;
          if (merge.earliestAt !== undefined) record.earliestChangedAt = Math.min(record.earliestChangedAt ?? Infinity, merge.earliestAt);
          totals.orders += merge.added;
          if (isGuestKey(key)) continue;
          changed.push([key, after]);
          if (!before) {
            totals.customers += 1;
            added.add(key);
          }
        }
        if (changedHere.length === 0) return;
        // A bucket written before entries had places goes whole once, with them.
        const kept = orderRecords[i]?.at ? changesToKeep(orderRecords[i], orderChanges[i], changedHere.map(([key, history]) => [key, storedHistory(history)] as const)) : null;
        if (kept !== null) {
          writes.push(changes.put({ store: 'orders', bucket, json: kept }));
          return;
        }
        whole.add(bucket);
        const all = historiesOfStored(readBucket<StoredOrder[]>(withChanges(orderRecords[i], orderChanges[i])));
        for (const [key, history] of changedHere) all.set(key, history);
        historiesOf.set(bucket, all);
        writes.push(tx.objectStore('orders').put(placedBucket(bucket, all, storedHistory)), changes.delete(['orders', bucket]));
      });
      const aliases: Array<[string, string]> = [];
      const built = buildCustomers(changed);
      const digests: OrderDigest[] = [];
      const digestAt = (i: number) => (digests[i] ??= digestOf(changed[i]![1]));
      built.forEach((customer, i) => {
        for (const alias of aliasesOf(customer, changed[i]![1])) aliases.push([alias, customer.key]);
      });
      record.customersTouched += changed.length;
      const keptCustomers = new Map(bucketIds.map((bucket, i) => [bucket, customerChanges[i]]));
      writes.push(...(await customerWrites(tx, built, { whole, historiesOf, kept: keptCustomers, digestAt })));
      for (const [pass, pairs] of aliasesByPass(aliases)) writes.push(tx.objectStore('stagedAliases').put({ importId: id, seq: pass * ALIAS_PASS_SPAN + (aliasSeq += 1), json: JSON.stringify(pairs) }));
      writes.push(tx.objectStore('meta').put(totals), tx.objectStore('staged').delete(range));
      const touched = () => built.map((customer, i): TouchedCustomer => [customer, digestAt(i), added.has(customer.key)]);
      writes.push(stageTouchedCustomers({ touched: tx.objectStore('touched'), meta: tx.objectStore('meta') }, built.length, touched));
      await Promise.all(writes);
    }
    await tx.done;
    progress('saving', group + 1, GROUPS);
  }
  if (clashed.orders > 0) {
    record.rejections.sort((a, b) => a.row - b.row);
    Object.assign(record, { orders: record.orders - clashed.orders, rowsImported: record.rowsImported - clashed.rows, rowsRejected: record.rowsRejected + clashed.rows });
    const example = clashed.first ? ` (first: row ${clashed.first.row}, order ${clashed.first.orderId})` : '';
    const exampleZh = clashed.first ? `（第一个：第 ${clashed.first.row} 行，订单 ${clashed.first.orderId}）` : '';
    record.warnings.push({
      en: `${clashed.orders} orders were not imported: this shop already has their order numbers for other buyers or other days${example}. Two stores reuse order numbers: if this file is from another shop, import it into a new shop.`,
      'zh-CN': `${clashed.orders} 个订单未导入：本店铺已有相同订单号，但属于其他买家或其他日期${exampleZh}。不同店铺的订单号会重复：如果此文件来自另一个店铺，请导入到新店铺。`,
    });
  }
  record.timings.saveMs = Math.round(performance.now() - saveStarted);
  const aliasStarted = performance.now();
  await applyStagedAliases(db, id, (done, total) => progress('customers', done, total));
  record.timings.customersMs = Math.round(performance.now() - aliasStarted);
  Object.assign(record, { status: 'complete', finishedAt: Date.now(), updatedAt: Date.now() });
  await db.put('imports', record);
  return record;
}

/**
 * The commit's identifiers are applied a range of alias buckets at a time: a million customers'
 * pairs held at once were some 1 GB of the import's peak. Each staged record holds one range's
 * pairs, its range in its `seq` (a record staged by an earlier release holds any, and falls in the first).
 */
const ALIAS_PASSES = 16;
const ALIAS_PASS_SPAN = 2 ** 32;
const aliasPassOf = (alias: string) => Math.floor((bucketOf(alias) * ALIAS_PASSES) / BUCKETS);

function aliasesByPass(pairs: ReadonlyArray<[string, string]>): Map<number, Array<[string, string]>> {
  const byPass = new Map<number, Array<[string, string]>>();
  for (const pair of pairs) {
    const pass = aliasPassOf(pair[0]);
    const list = byPass.get(pass);
    if (list) list.push(pair);
    else byPass.set(pass, [pair]);
  }
  return byPass;
}

/** Adds the commit's identifiers to the alias buckets (a set union: applying twice changes nothing), then clears them. */
async function applyStagedAliases(db: Database, importId: string, onProgress: (done: number, total: number) => void): Promise<void> {
  const staging = await stagingTouched(db);
  for (let pass = 0; pass < ALIAS_PASSES; pass += 1) {
    const byBucket = new Map<number, Array<[string, string]>>();
    for (const batch of await db.getAll('stagedAliases', IDBKeyRange.bound([importId, pass * ALIAS_PASS_SPAN], [importId, (pass + 1) * ALIAS_PASS_SPAN], false, true))) {
      for (const pair of JSON.parse(batch.json) as Array<[string, string]>) {
        const bucket = bucketOf(pair[0]);
        let list = byBucket.get(bucket);
        if (!list) byBucket.set(bucket, (list = []));
        list.push(pair);
      }
    }
    const buckets = [...byBucket.keys()];
    for (let start = 0; start < buckets.length; start += GROUP_SIZE * 4) {
      const slice = buckets.slice(start, start + GROUP_SIZE * 4);
      const tx = db.transaction(['aliases', 'aliasDigests', 'bucketChanges', 'touched', 'meta'], 'readwrite');
      const aliasStore = tx.objectStore('aliases');
      const digests = tx.objectStore('aliasDigests');
      const changes = tx.objectStore('bucketChanges');
      const [stored, kept, digested] = await Promise.all([
        Promise.all(slice.map((bucket) => aliasStore.get(bucket))),
        Promise.all(slice.map((bucket) => changes.get(['aliases', bucket]))),
        Promise.all(slice.map((bucket) => digests.get(bucket))),
      ]);
      // Whom each identifier names now, for a rescore of only the touched to badge it: every one
      // that names a single customer (whose look may change), and one shared only when this changed whom it names.
      const named = new Map<string, string[]>();
      const writes: Promise<unknown>[] = slice.map((bucket, i) => {
        // Only the identifiers the import brings are read, where the bucket says where they lie.
        const pairs = byBucket.get(bucket)!;
        // In maps, not objects: see BucketEntries. A bucket nothing was written to yet (most, in a
        // first import) has none to find, and every identifier in it is a change: its changes are the bucket.
        const fresh = !stored[i] && !kept[i];
        const targets = fresh ? new Map<string, string[]>() : new Map(Object.entries(entriesIn<string[]>(stored[i], kept[i], new Set(pairs.map(([alias]) => alias)))));
        const changedTargets = fresh ? targets : new Map<string, string[]>();
        for (const [alias, key] of pairs) {
          let keys = targets.get(alias);
          const changed = !keys || !keys.includes(key);
          if (!keys) targets.set(alias, (keys = [key]));
          else if (changed) keys.push(key);
          if (changed && !fresh) changedTargets.set(alias, keys);
          if (staging && !alias.startsWith('ext:') && (changed || keys.length === 1)) named.set(alias, keys);
        }
        if (changedTargets.size === 0) return Promise.resolve();
        const whole = () => {
          if (fresh) return targets;
          const all = bucketMap<string[]>(withChanges(stored[i], kept[i]));
          for (const [alias, keys] of changedTargets) all.set(alias, keys);
          return all;
        };
        // A bucket written before its identifiers had places goes whole once, with them.
        const keep = stored[i]?.at ? changesToKeep(stored[i], kept[i], changedTargets) : null;
        if (keep !== null) {
          const digest = digested[i] ? digestWith(digested[i]!, changedTargets) : aliasDigest(bucket, whole());
          return Promise.all([changes.put({ store: 'aliases', bucket, json: keep }), digests.put(digest)]);
        }
        const all = whole();
        return Promise.all([aliasStore.put(placedBucket(bucket, all)), changes.delete(['aliases', bucket]), digests.put(aliasDigest(bucket, all))]);
      });
      writes.push(stageTouchedAliases({ touched: tx.objectStore('touched'), meta: tx.objectStore('meta') }, [...named].map(([alias, keys]) => [alias, namedOf(keys)])));
      await Promise.all([...writes, tx.done]);
    }
    onProgress(pass + 1, ALIAS_PASSES);
  }
  await db.delete('stagedAliases', IDBKeyRange.bound([importId, -Infinity], [importId, Infinity]));
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

