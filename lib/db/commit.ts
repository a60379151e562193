import { mergeContinuation, type FoldedOrder } from '../import/fold';
import type { Customer, Order } from '../model';
import { buildCustomers } from '../customers';
import { aliasesOf, BUCKETS, bucketMap, bucketOf, changesToKeep, entryKeyOf, entriesIn, isGuestKey, mergeOrders, namedOf, readBucket, storedCustomers, placedBucket, withChanges, type BucketChanges, type MergeCounts, type StoredCustomers } from './buckets';
import type { IDBPTransaction } from 'idb';
import { GROUP_SIZE, type Database, type StoreCounts, type TiermarkDB } from './schema';
import type { ImportRecord } from './ledger';
import type { Rejection } from '../import/session';
import { idOfKey } from '../shops';
import { findClashes, IncomingOrders } from './clashes';
import { aliasKey } from '../aliases';
import { toIsoInZone } from '../time';
import { both, type Localised } from '../localised';
import { digestOf, type OrderDigest } from '../scoring/history';
import { stageTouchedAliases, stageTouchedCustomers, stagingTouched, type TouchedCustomer } from './touched';
import { aliasDigest, digestWith } from './alias-digest';
import { stagedOrdersOf, type StagedOrder } from './staged-orders';
import { historiesOfStored, storedHistory, type StoredOrder } from './stored-orders';

/**
 * The commit of a read import: its orders (staged, or held in memory) into the order and customer
 * buckets a group at a time, then its identifiers into the alias buckets a range at a time, on the
 * import's thread and, for a big file, on a thread beside it (see CommitThread).
 */

/** An import's staged orders of one group, and every staged identifiers record of an import. */
const stagedGroup = (importId: string, group: number) => IDBKeyRange.bound([importId, group, -Infinity], [importId, group, Infinity]);
export const stagedAliasesOf = (importId: string) => IDBKeyRange.bound([importId, -Infinity], [importId, Infinity]);

const OTHER_SHOP = both('If the file is from another shop, import it into a new shop.', '如果文件来自另一个店铺，请导入到新店铺。');
const GROUPS = Math.ceil(BUCKETS / GROUP_SIZE);

/** The stores a commit group's transaction writes. */
type CommitTx = IDBPTransaction<TiermarkDB, ['staged', 'orders', 'customers', 'bucketChanges', 'stagedAliases', 'meta', 'touched'], 'readwrite'>;
/** One of a group's writes, made once its values are built. */
type GroupWrite = (tx: CommitTx) => Promise<unknown>;

/**
 * The writes of the customers a commit group built: a bucket whose orders went whole goes whole
 * (its changes folded in, every digest made again from its histories), any other gets them in its
 * changes, each with their order digest. `stored`: the stored buckets of those going whole.
 */
function customerWrites(
  built: readonly Customer[],
  { whole, historiesOf, kept, stored, digestAt }: { whole: ReadonlySet<number>; historiesOf: ReadonlyMap<number, ReadonlyMap<string, Order[]>>; kept: ReadonlyMap<number, BucketChanges | undefined>; stored: ReadonlyMap<number, StoredCustomers | undefined>; digestAt: (i: number) => OrderDigest },
): GroupWrite[] {
  const byBucket = new Map<number, number[]>();
  built.forEach((customer, i) => {
    const bucket = bucketOf(customer.key);
    const list = byBucket.get(bucket);
    if (list) list.push(i);
    else byBucket.set(bucket, [i]);
  });
  const writes: GroupWrite[] = [];
  for (const [bucket, indices] of byBucket) {
    if (whole.has(bucket)) {
      const map = bucketMap<Customer>(withChanges(stored.get(bucket), kept.get(bucket)));
      for (const i of indices) map.set(built[i]!.key, built[i]!);
      const customers = storedCustomers(bucket, map, historiesOf.get(bucket)!);
      writes.push((tx) => tx.objectStore('customers').put(customers), (tx) => tx.objectStore('bucketChanges').delete(['customers', bucket]));
      continue;
    }
    const map = readBucket<Customer>(kept.get(bucket));
    const digests = JSON.parse(kept.get(bucket)?.digests ?? '{}') as Record<string, OrderDigest>;
    for (const i of indices) {
      map[built[i]!.key] = built[i]!;
      digests[built[i]!.key] = digestAt(i);
    }
    const changes = { store: 'customers' as const, bucket, json: JSON.stringify(map), digests: JSON.stringify(digests) };
    writes.push((tx) => tx.objectStore('bucketChanges').put(changes));
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
    for (const batch of await db.getAll('staged', stagedGroup(record.id, group))) {
      for (const { order } of stagedOrdersOf(batch)) incoming.add(order);
    }
  }
  return findClashes(db, shop, incoming);
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

/** What the commit's groups did to the record, summed as they end: groups may be committed on two threads. */
export interface CommitTally {
  ordersAdded: number;
  ordersUpdated: number;
  earliestChangedAt?: number;
  customersTouched: number;
  /** Rows of orders refused as clashes, with the count of those orders and the first of them. */
  rejections: Rejection[];
  clashed: { orders: number; rows: number; first: { row: number; orderId: string } | null };
}

export const emptyTally = (): CommitTally => ({ ordersAdded: 0, ordersUpdated: 0, customersTouched: 0, rejections: [], clashed: { orders: 0, rows: 0, first: null } });

export function addTally(into: CommitTally, from: CommitTally): void {
  into.ordersAdded += from.ordersAdded;
  into.ordersUpdated += from.ordersUpdated;
  into.customersTouched += from.customersTouched;
  if (from.earliestChangedAt !== undefined) into.earliestChangedAt = Math.min(into.earliestChangedAt ?? Infinity, from.earliestChangedAt);
  // A loop, not a spread: a group may refuse more rows than a call takes arguments.
  for (const rejection of from.rejections) into.rejections.push(rejection);
  into.clashed.orders += from.clashed.orders;
  into.clashed.rows += from.clashed.rows;
  const first = from.clashed.first;
  if (first && !(into.clashed.first && into.clashed.first.row < first.row)) into.clashed.first = first;
}

/** What every group of one commit needs besides its own orders: handed once to a thread beside. */
export interface CommitPlan {
  importId: string;
  /** Order aliases of this import the shop has for another buyer, with that buyer (see clashesOf). */
  clashes: Map<string, string> | null;
  timeZone: string;
  /** The highest number of a staged identifiers record already there for this import (a commit run again): a group's are numbered past it. */
  aliasBase: number;
}

/** What a thread beside does of one commit: groups, then ranges of identifiers (see applyAliasPass). */
export interface CommitThere {
  group(group: number): Promise<CommitTally>;
  aliases(pass: number, staging: boolean): Promise<void>;
}

/** Commits staged groups on another thread: `start` hands it the plan. */
export interface CommitBeside {
  start(plan: CommitPlan): Promise<CommitThere>;
  end(): void;
}

/**
 * Whatever else writes orders or customers (another tab's import, a recovery) waits for this commit:
 * a group is read, then built, then written in a transaction of its own, so two commits of the same
 * buckets at once would lose one's orders. Web Locks are in every browser context; Node has none, and
 * one process commits there.
 */
function exclusively<T>(work: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  return locks ? (locks.request('tiermark-commit', work) as Promise<T>) : work();
}

/**
 * Commits one group of buckets: its staged (or held) orders into their customers' histories and
 * aggregates, its identifiers staged for the alias phase. It reads in one transaction, builds the
 * buckets' text outside any, and writes in one, which also deletes the group's staged records: a
 * transaction that held the group through its building would keep every other group's waiting, and
 * two threads could not commit at once. No other writer runs meanwhile (see exclusively), and no
 * other group shares its buckets.
 */
export async function commitGroup(db: Database, plan: CommitPlan, group: number, held: readonly FoldedOrder[] = [], tally: CommitTally): Promise<void> {
  const { importId: id, clashes } = plan;
  const range = stagedGroup(id, group);
  const read = db.transaction(['staged', 'orders', 'customers', 'bucketChanges'], 'readonly');
  const staged = (await read.objectStore('staged').getAll(range)).flatMap(stagedOrdersOf);
  const clashed = tally.clashed;
  const refuse = (parts: ReadonlyArray<Pick<StagedOrder, 'rows' | 'continuation'>>, orderId: string, reason: Localised) => {
    for (const part of parts) {
      const rows = part.rows ?? [];
      for (const row of rows) tally.rejections.push({ row, reason });
      if (!part.continuation) clashed.orders += 1;
      clashed.rows += rows.length;
      if (rows[0] !== undefined && !(clashed.first && clashed.first.row < rows[0])) clashed.first = { row: rows[0], orderId };
    }
  };
  const partsOf = new Map<string, StagedOrder[]>();
  const parts = [...staged, ...held];
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
    const day = (at: number) => toIsoInZone(at, plan.timeZone).slice(0, 10);
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
  const writes: GroupWrite[] = [];
  // Staged records whose every order was refused are deleted too: refused again, they would be refused again.
  if (staged.length > 0) writes.push((tx) => tx.objectStore('staged').delete(range));
  const added = new Set<string>();
  const counted = { customers: 0, orders: 0 };
  let built: Customer[] = [];
  const digests: OrderDigest[] = [];
  const changed: Array<[string, Order[]]> = [];
  const digestAt = (i: number) => (digests[i] ??= digestOf(changed[i]![1]));
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
    const changes = read.objectStore('bucketChanges');
    // A customers bucket is read only where it is written whole; elsewhere its changes are enough.
    const [orderRecords, orderChanges, customerChanges] = await Promise.all([
      Promise.all(bucketIds.map((bucket) => read.objectStore('orders').get(bucket))),
      Promise.all(bucketIds.map((bucket) => changes.get(['orders', bucket]))),
      Promise.all(bucketIds.map((bucket) => changes.get(['customers', bucket]))),
    ]);
    const historiesOf = new Map<number, Map<string, Order[]>>();
    const whole = new Set<number>();
    // Those going whole that have customers stored (a bucket with no orders stored has none).
    const wholeStored: number[] = [];
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
        tally.ordersAdded += merge.added;
        tally.ordersUpdated += merge.updated;
        if (merge.earliestAt !== undefined) tally.earliestChangedAt = Math.min(tally.earliestChangedAt ?? Infinity, merge.earliestAt);
        counted.orders += merge.added;
        if (isGuestKey(key)) continue;
        changed.push([key, after]);
        if (!before) {
          counted.customers += 1;
          added.add(key);
        }
      }
      if (changedHere.length === 0) return;
      // A bucket written before entries had places goes whole once, with them.
      const kept = orderRecords[i]?.at ? changesToKeep(orderRecords[i], orderChanges[i], changedHere.map(([key, history]) => [key, storedHistory(history)] as const)) : null;
      if (kept !== null) {
        writes.push((tx) => tx.objectStore('bucketChanges').put({ store: 'orders', bucket, json: kept }));
        return;
      }
      whole.add(bucket);
      if (orderRecords[i]) wholeStored.push(bucket);
      const all = historiesOfStored(readBucket<StoredOrder[]>(withChanges(orderRecords[i], orderChanges[i])));
      for (const [key, history] of changedHere) all.set(key, history);
      historiesOf.set(bucket, all);
      const orders = placedBucket(bucket, all, storedHistory);
      writes.push((tx) => tx.objectStore('orders').put(orders), (tx) => tx.objectStore('bucketChanges').delete(['orders', bucket]));
    });
    const storedWhole = await Promise.all(wholeStored.map((bucket) => read.objectStore('customers').get(bucket)));
    built = buildCustomers(changed);
    const aliases: Array<[string, string]> = [];
    built.forEach((customer, i) => {
      for (const alias of aliasesOf(customer, changed[i]![1])) aliases.push([alias, customer.key]);
    });
    tally.customersTouched += changed.length;
    const kept = new Map(bucketIds.map((bucket, i) => [bucket, customerChanges[i]]));
    writes.push(...customerWrites(built, { whole, historiesOf, kept, stored: new Map(wholeStored.map((bucket, k) => [bucket, storedWhole[k]])), digestAt }));
    for (const [pass, pairs] of aliasesByPass(aliases)) {
      // One record per group and pass, numbered by the group: two threads commit groups at once.
      const batch = { importId: id, seq: pass * ALIAS_PASS_SPAN + plan.aliasBase + group + 1, json: JSON.stringify(pairs) };
      writes.push((tx) => tx.objectStore('stagedAliases').put(batch));
    }
  }
  if (writes.length === 0) return;
  const tx: CommitTx = db.transaction(['staged', 'orders', 'customers', 'bucketChanges', 'stagedAliases', 'meta', 'touched'], 'readwrite');
  const done = writes.map((write) => write(tx));
  if (counted.orders > 0 || counted.customers > 0) {
    const totals = ((await tx.objectStore('meta').get('counts')) as StoreCounts | undefined) ?? { id: 'counts' as const, customers: 0, orders: 0 };
    done.push(tx.objectStore('meta').put({ ...totals, customers: totals.customers + counted.customers, orders: totals.orders + counted.orders }));
  }
  const touched = () => built.map((customer, i): TouchedCustomer => [customer, digestAt(i), added.has(customer.key)]);
  done.push(stageTouchedCustomers({ touched: tx.objectStore('touched'), meta: tx.objectStore('meta') }, built.length, touched));
  await Promise.all([...done, tx.done]);
}

/**
 * Moves the orders of a read import (staged, or held in memory) into the order and customer buckets,
 * a bucket group at a time (see commitGroup), then applies the alias additions. From staging it is
 * safe to run again after an interruption: what is left in staging is exactly what is left to do.
 * `beside` commits staged groups on another thread meanwhile (see CommitBeside).
 */
export async function finishCommit(
  db: Database,
  record: ImportRecord,
  progress: (phase: 'saving' | 'customers', done: number, total: number) => void = () => {},
  held: ReadonlyMap<number, readonly FoldedOrder[]> = new Map(),
  beside?: CommitBeside,
): Promise<ImportRecord> {
  const id = record.id;
  const saveStarted = performance.now();
  await exclusively(async () => {
    const plan: CommitPlan = {
      importId: id,
      clashes: await clashesOf(db, record, held),
      timeZone: record.readAs?.timeZone ?? 'UTC',
      aliasBase: Math.max(0, ...(await db.getAllKeys('stagedAliases', stagedAliasesOf(id))).map(([, seq]) => seq % ALIAS_PASS_SPAN)),
    };
    let there: CommitThere | null = null;
    const lost = (error: unknown) => {
      // What it failed is done here: its writes are one transaction, and one that failed left nothing.
      console.warn(`Tiermark: the commit worker failed (${error instanceof Error ? error.message : String(error)}); the import commits on its own thread.`);
      there = null;
      beside?.end();
    };
    // Held orders are in this thread's memory: a thread beside is for a commit from staging.
    if (beside && held.size === 0) there = await beside.start(plan).catch((error: unknown) => (lost(error), null));
    const tally = emptyTally();
    let saved = 0;
    const groupsBeside = await inTurns(GROUPS, {
      here: (group) => commitGroup(db, plan, group, held.get(group), tally),
      there: there && (async (group) => addTally(tally, await there!.group(group))),
      done: () => progress('saving', (saved += 1), GROUPS),
      lost,
    });
    tallied(record, tally);
    record.timings.saveMs = Math.round(performance.now() - saveStarted);
    const aliasStarted = performance.now();
    const rangesBeside = await applyStagedAliases(db, id, (done, total) => progress('customers', done, total), there, lost);
    record.timings.customersMs = Math.round(performance.now() - aliasStarted);
    if (groupsBeside + rangesBeside > 0) record.timings.beside = groupsBeside + rangesBeside;
  }).finally(() => beside?.end());
  Object.assign(record, { status: 'complete', finishedAt: Date.now(), updatedAt: Date.now() });
  await db.put('imports', record);
  return record;
}

/** What the groups did, into the record: the counts, and the orders refused as clashes, said with the first of them. */
function tallied(record: ImportRecord, tally: CommitTally): void {
  Object.assign(record, {
    ordersAdded: record.ordersAdded + tally.ordersAdded,
    ordersUpdated: record.ordersUpdated + tally.ordersUpdated,
    customersTouched: record.customersTouched + tally.customersTouched,
  });
  if (tally.earliestChangedAt !== undefined) record.earliestChangedAt = Math.min(record.earliestChangedAt ?? Infinity, tally.earliestChangedAt);
  const clashed = tally.clashed;
  for (const rejection of tally.rejections) record.rejections.push(rejection);
  if (clashed.orders === 0) return;
  record.rejections.sort((a, b) => a.row - b.row);
  Object.assign(record, { orders: record.orders - clashed.orders, rowsImported: record.rowsImported - clashed.rows, rowsRejected: record.rowsRejected + clashed.rows });
  const example = clashed.first ? ` (first: row ${clashed.first.row}, order ${clashed.first.orderId})` : '';
  const exampleZh = clashed.first ? `（第一个：第 ${clashed.first.row} 行，订单 ${clashed.first.orderId}）` : '';
  record.warnings.push({
    en: `${clashed.orders} orders were not imported: this shop already has their order numbers for other buyers or other days${example}. Two stores reuse order numbers: if this file is from another shop, import it into a new shop.`,
    'zh-CN': `${clashed.orders} 个订单未导入：本店铺已有相同订单号，但属于其他买家或其他日期${exampleZh}。不同店铺的订单号会重复：如果此文件来自另一个店铺，请导入到新店铺。`,
  });
}

/**
 * Work items 0, 1, … count−1, each taken once, in turn by this thread and the one beside (when
 * there is one): a group or a range of identifiers touches buckets no other does. An item the
 * thread beside fails is done here, and it takes no more; one that fails here stops both, and throws.
 * Returns how many were done beside.
 */
async function inTurns(count: number, { here, there, done, lost }: { here: (item: number) => Promise<void>; there: ((item: number) => Promise<void>) | null; done: () => void; lost: (error: unknown) => void }): Promise<number> {
  const left = Array.from({ length: count }, (_, item) => item);
  let beside = 0;
  let failure = null as { error: unknown } | null;
  const take = async (work: (item: number) => Promise<void>, isBeside: boolean) => {
    for (let item = left.shift(); item !== undefined && !failure; item = left.shift()) {
      try {
        await work(item);
      } catch (error) {
        if (!isBeside) failure ??= { error };
        else {
          left.push(item);
          lost(error);
        }
        return;
      }
      if (isBeside) beside += 1;
      done();
    }
  };
  await Promise.all([take(here, false), there && take(there, true)]);
  if (!failure && left.length > 0) await take(here, false);
  if (failure) throw failure.error;
  return beside;
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

/**
 * Adds one range of alias buckets' share of the commit's identifiers to them (a set union: applying
 * twice changes nothing), as commitGroup does a group: read, built, then written in a transaction
 * of its own, so that two threads can apply ranges at once. `staging`: whether the touched are still staged.
 */
export async function applyAliasPass(db: Database, importId: string, pass: number, staging: boolean): Promise<void> {
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
    const read = db.transaction(['aliases', 'aliasDigests', 'bucketChanges'], 'readonly');
    const [stored, kept, digested] = await Promise.all([
      Promise.all(slice.map((bucket) => read.objectStore('aliases').get(bucket))),
      Promise.all(slice.map((bucket) => read.objectStore('bucketChanges').get(['aliases', bucket]))),
      Promise.all(slice.map((bucket) => read.objectStore('aliasDigests').get(bucket))),
    ]);
    // Whom each identifier names now, for a rescore of only the touched to badge it: every one
    // that names a single customer (whose look may change), and one shared only when this changed whom it names.
    const named = new Map<string, string[]>();
    const writes: AliasWrite[] = slice.flatMap((bucket, i): AliasWrite[] => {
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
      if (changedTargets.size === 0) return [];
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
        return [(tx) => tx.objectStore('bucketChanges').put({ store: 'aliases', bucket, json: keep }), (tx) => tx.objectStore('aliasDigests').put(digest)];
      }
      const all = whole();
      const placed = placedBucket(bucket, all);
      const digest = aliasDigest(bucket, all);
      return [(tx) => tx.objectStore('aliases').put(placed), (tx) => tx.objectStore('bucketChanges').delete(['aliases', bucket]), (tx) => tx.objectStore('aliasDigests').put(digest)];
    });
    if (writes.length === 0 && named.size === 0) continue;
    const tx: AliasTx = db.transaction(['aliases', 'aliasDigests', 'bucketChanges', 'touched', 'meta'], 'readwrite');
    const done = writes.map((write) => write(tx));
    done.push(stageTouchedAliases({ touched: tx.objectStore('touched'), meta: tx.objectStore('meta') }, [...named].map(([alias, keys]) => [alias, namedOf(keys)])));
    await Promise.all([...done, tx.done]);
  }
}

type AliasTx = IDBPTransaction<TiermarkDB, ['aliases', 'aliasDigests', 'bucketChanges', 'touched', 'meta'], 'readwrite'>;
type AliasWrite = (tx: AliasTx) => Promise<unknown>;

/** Adds the commit's identifiers to the alias buckets, a range at a time, here and beside; then clears them. Returns how many ranges were applied beside. */
export async function applyStagedAliases(db: Database, importId: string, onProgress: (done: number, total: number) => void, there: CommitThere | null = null, lost: (error: unknown) => void = () => {}): Promise<number> {
  const staging = await stagingTouched(db);
  let done = 0;
  const beside = await inTurns(ALIAS_PASSES, {
    here: (pass) => applyAliasPass(db, importId, pass, staging),
    there: there && ((pass) => there.aliases(pass, staging)),
    done: () => onProgress((done += 1), ALIAS_PASSES),
    lost,
  });
  await db.delete('stagedAliases', stagedAliasesOf(importId));
  return beside;
}

