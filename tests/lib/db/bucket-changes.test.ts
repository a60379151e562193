import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it, vi } from 'vitest';
import { aliasKey } from '../../../lib/aliases';
import { backupLines, compressBackup, readBackupFile, restoreBackup } from '../../../lib/db/backup';
import { badgeLooks } from '../../../lib/db/badge-index';
import { changesToKeep, entriesIn, jsonOf, placedBucket, storedCustomers, withChanges } from '../../../lib/db/buckets';
import type { Customer } from '../../../lib/model';
import { historyOfStored, type StoredOrder } from '../../../lib/db/stored-orders';
import { fnv1a } from '../../../lib/hash';
import { customersForAlias, getCustomerEntry } from '../../../lib/db/customers';
import { importFile } from '../../../lib/db/importer';
import { clearLookupCache, lookupRows } from '../../../lib/db/lookup';
import { allFollowUps, allProfiles } from '../../../lib/db/profiles';
import { rescore } from '../../../lib/db/rescore';
import { openTiermarkDB, storeCounts, type Database } from '../../../lib/db/schema';
import type { Ref } from '../../../lib/overlay/site-adapter';
import { digestOf } from '../../../lib/scoring/history';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { endOfDay } from '../../../lib/time';
import { collected, FIXTURES, importable } from '../../helpers';
import { WOO_FIRST, WOO_NEXT_DAY } from './day-of-orders';
import { demoExportText, demoOrders } from '../../../lib/demo/shop';
import { entriesByBucket, storedEntries } from './stored-buckets';

// The share of a bucket past which an import writes it whole: per test, every changed bucket whole
// (0) or every stored one left as it was with its changes beside it (Infinity).
const policy = vi.hoisted(() => ({ share: undefined as number | undefined }));
vi.mock('../../../lib/db/buckets', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../lib/db/buckets')>();
  const changesToKeep: typeof actual.changesToKeep = (stored, kept, entries) => (policy.share === undefined ? actual.changesToKeep(stored, kept, entries) : actual.changesToKeep(stored, kept, entries, policy.share));
  return { ...actual, changesToKeep };
});

const ZONE = 'Asia/Shanghai';
const AS_OF = endOfDay('2026-11-20', ZONE);
const STORES = ['orders', 'customers', 'aliases'] as const;

/** The demo shop's Taobao order report (one row per order), as rows. */
function demoRows() {
  const text = new TextDecoder('gbk').decode(readFileSync(join(FIXTURES, 'demo/ExportOrderList202611201200.csv')));
  const { data, meta } = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  return { fields: meta.fields!, rows: data };
}

async function importText(db: Database, name: string, text: string) {
  const bytes = new TextEncoder().encode(text);
  return importFile(db, await importable(name, bytes, 4096), {});
}

/**
 * A seller's month: the Taobao shop's first 400 orders, then a re-export that repeats half of them
 * with news (delivered, refunded) and brings the rest, a WooCommerce shop, its next day (a name
 * turning ambiguous), and a re-export of one order with its total changed.
 */
async function aMonthOfImports(db: Database) {
  const { fields, rows } = demoRows();
  const csv = (list: Array<Record<string, string>>) => Papa.unparse({ fields, data: list.map((row) => fields.map((field) => row[field] ?? '')) });
  const next = rows.slice(200).map((row, i) => {
    if (i >= 200) return row;
    if (row['订单状态'] === '卖家已发货，等待买家确认') return { ...row, 订单状态: '交易成功' };
    if (row['订单状态'] === '交易成功' && i % 5 === 0) return { ...row, 订单状态: '交易关闭' };
    return row;
  });
  const records = [];
  records.push(await importText(db, 'ExportOrderList202611010000.csv', csv(rows.slice(0, 400))));
  records.push(await importText(db, 'ExportOrderList202611201200.csv', csv(next)));
  records.push(await importText(db, 'woo-first.csv', WOO_FIRST));
  records.push(await importText(db, 'woo-next-day.csv', WOO_NEXT_DAY));
  records.push(await importText(db, 'woo-refund.csv', `${WOO_FIRST.split('\n')[0]}\n3,2024-02-01,marie@example.org,Marie,Curie,120.00\n`));
  return records.map(({ ordersAdded, ordersUpdated, customersTouched, rowsImported, rowsRejected }) => ({ ordersAdded, ordersUpdated, customersTouched, rowsImported, rowsRejected }));
}

async function shopWith(share: number) {
  const db = await openTiermarkDB(`bucket-changes-${share}-${Math.random()}`);
  policy.share = share;
  try {
    return { db, imports: await aMonthOfImports(db) };
  } finally {
    policy.share = undefined;
  }
}

/** A row for every identifier a page can show, and every buyer id, read from the buckets here. */
async function everyRow(db: Database): Promise<Ref[][]> {
  const rows: Ref[][] = [];
  for (const alias of Object.keys(await storedEntries(db, 'aliases'))) {
    const kind = alias.slice(0, alias.indexOf(':'));
    if (kind === 'order' || kind === 'email' || kind === 'name' || kind === 'phone') rows.push([{ kind, value: alias.slice(kind.length + 1) }]);
  }
  for (const key of Object.keys(await storedEntries(db, 'customers'))) rows.push([{ kind: 'id', value: key.slice(key.indexOf(':') + 1) }]);
  return rows;
}

/** What the seller sees of a shop through every reader: entries, histories, identifiers, counts. */
async function asRead(db: Database) {
  const [orders, customers, aliases] = await Promise.all(STORES.map((store) => storedEntries(db, store)));
  const entries = { orders: orders!, customers: customers!, aliases: aliases! };
  const histories: Record<string, unknown> = {};
  for (const key of Object.keys(entries.orders)) histories[key] = await getCustomerEntry(db, key);
  const named: Record<string, string[]> = {};
  for (const alias of Object.keys(entries.aliases)) named[alias] = await customersForAlias(db, alias);
  const read = { entries, digests: await storedEntries(db, 'customers', 'digests'), histories, named, counts: await storeCounts(db) };
  // Each shop's imports have ids of their own: named by their files, the two shops compare.
  let text = JSON.stringify(read);
  for (const { id, fileName } of await db.getAll('imports')) text = text.replaceAll(id, fileName);
  return JSON.parse(text) as typeof read;
}

/** What a whole rescore leaves: every profile, every follow-up without when it was written, every row's badge and card. */
async function scored(db: Database, rows: Ref[][]) {
  expect(await rescore(db, { reason: 'import', timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: AS_OF })).toMatchObject({ state: 'done' });
  clearLookupCache(db);
  const profiles = await allProfiles(db);
  const followUps = (await allFollowUps(db)).map(({ createdAt, updatedAt, ...rest }) => rest);
  const [taobao, woo] = [await badgeLooks(db, 'taobao', rows, 'en'), await badgeLooks(db, 'woocommerce', rows, 'en')];
  return { profiles, followUps, taobao, woo, cards: await lookupRows(db, null, rows, 'en') };
}

describe('changes an import keeps beside a bucket', () => {
  it('read as the bucket written whole: every history, aggregate, digest, identifier, count, score, badge and backup', async () => {
    const whole = await shopWith(0);
    const kept = await shopWith(Infinity);
    expect(await whole.db.count('bucketChanges')).toBe(0);
    // Every import after the first changed buckets it left as they were, in each of the three stores.
    const changes = await kept.db.getAll('bucketChanges');
    for (const store of STORES) expect(changes.filter((change) => change.store === store).length).toBeGreaterThan(20);
    expect(kept.imports).toEqual(whole.imports);
    expect(kept.imports[1]!.ordersUpdated).toBeGreaterThan(20);
    expect(kept.imports[4]!.ordersUpdated).toBe(1);
    // An order number the shop has for another buyer, kept in the changes: refused by both shops.
    const inChanges = new Set(changes.filter((change) => change.store === 'aliases').flatMap((change) => Object.keys(JSON.parse(change.json) as object)));
    const { fields, rows: reportRows } = demoRows();
    // Taobao writes its order numbers as Excel formulas (="…").
    const row = reportRows.find((r) => inChanges.has(aliasKey.order(r['订单编号']!.replace(/[="]/g, ''))))!;
    const clash = Papa.unparse({ fields, data: [fields.map((field) => (field === '买家会员名' ? '另一位买家' : (row[field] ?? '')))] });
    for (const shop of [whole, kept]) expect((await importText(shop.db, 'ExportOrderList202611210900.csv', clash)).rowsRejected).toBe(1);

    const read = await asRead(whole.db);
    expect(Object.keys(read.entries.customers).length).toBeGreaterThan(300);
    expect(await asRead(kept.db)).toEqual(read);
    // Each digest is its customer's orders', also for those whose digest sits in the changes.
    for (const [key, digest] of Object.entries(read.digests)) expect(digest).toEqual(digestOf((read.histories[key] as { orders: never[] }).orders));
    expect(read.named['name:marie curie']).toHaveLength(2);
    expect((read.histories['woocommerce:marie@example.org'] as { customer: { monetaryMinor: number } }).customer.monetaryMinor).toBe(15_000);

    const rows = await everyRow(whole.db);
    expect(rows.length).toBeGreaterThan(600);
    const expected = await scored(whole.db, rows);
    expect(expected.taobao!.filter(Boolean).length).toBeGreaterThan(300);
    // The release before digests wrote its customer buckets with none: the rescore makes them from the orders with their changes.
    for (const stored of await kept.db.getAll('customers')) await kept.db.put('customers', { bucket: stored.bucket, json: stored.json });
    expect(await scored(kept.db, rows)).toEqual(expected);
    expect(await storedEntries(kept.db, 'customers', 'digests')).toEqual(await storedEntries(whole.db, 'customers', 'digests'));

    // A backup holds each bucket whole; restored, it reads the same with no changes beside.
    const lines = await collected(backupLines(kept.db, null));
    const backedUp = lines.map((line) => JSON.parse(line) as { store?: string; record?: { bucket: number; json: string } }).filter((line) => line.store === 'orders');
    expect(Object.assign({}, ...backedUp.map((line) => JSON.parse(line.record!.json) as object))).toEqual(await storedEntries(kept.db, 'orders'));
    const restored = await openTiermarkDB(`bucket-changes-restored-${Math.random()}`);
    await restoreBackup(restored, await readBackupFile(await compressBackup(lines), 'tiermark.gz'));
    expect(await restored.count('bucketChanges')).toBe(0);
    const { digests, ...rest } = read;
    expect(await asRead(restored)).toMatchObject(rest);
    for (const db of [whole.db, kept.db, restored]) db.close();
  }, 120_000);

  it('made from maps, as an import holds a bucket, have the text of the same made from objects', async () => {
    const db = await openTiermarkDB(`bucket-changes-maps-${Math.random()}`);
    await importText(db, 'tea.csv', demoExportText(demoOrders(200)));
    const [customers, stored] = await Promise.all([entriesByBucket<Customer>(db, 'customers'), entriesByBucket<StoredOrder[]>(db, 'orders')]);
    const histories = new Map([...stored].map(([bucket, entries]) => [bucket, Object.fromEntries(Object.entries(entries).map(([key, orders]) => [key, historyOfStored(orders)]))]));
    expect(customers.size).toBeGreaterThan(100);
    for (const [bucket, aggregates] of customers) {
      const asObjects = storedCustomers(bucket, aggregates, histories.get(bucket)!);
      const fromMaps = storedCustomers(bucket, new Map(Object.entries(aggregates)), new Map(Object.entries(histories.get(bucket)!)));
      expect(fromMaps).toEqual(asObjects);
      expect(JSON.parse(fromMaps.digests!)).toEqual(Object.fromEntries(Object.entries(aggregates).map(([key]) => [key, digestOf(histories.get(bucket)![key]!)])));
      expect(jsonOf(new Map(Object.entries(histories.get(bucket)!)))).toBe(JSON.stringify(histories.get(bucket)));
    }
    expect(jsonOf(new Map<string, number | undefined>([['a', 1], ['b', undefined]]))).toBe(JSON.stringify({ a: 1, b: undefined }));
    db.close();
  });

  it('find the histories an import changes in an orders bucket by where each lies, as the bucket parsed whole', () => {
    const order = (key: string, i: number) => ({ key: `shopify:${key}-${i}`, orderId: `#${i}`, note: 'a "quoted", {braced} [text]:', total: i });
    const keys = ['shopify:ada@example.com', 'shopify:"quoted"@example.com', '淘宝:大熊付7236', 'guest:shopify:17', 'shopify:b@example.com'];
    const histories = Object.fromEntries(keys.map((key, k) => [key, Array.from({ length: k + 1 }, (_, i) => order(key, i))]));
    const stored = placedBucket(3, histories as never);
    // The same text as the bucket as JSON, so every reader parses it as before.
    expect(stored.json).toBe(JSON.stringify(histories));
    const asked = [...keys, 'shopify:new@example.com'];
    const parsed = JSON.parse(stored.json) as Record<string, unknown>;
    const expected = Object.fromEntries(keys.map((key) => [key, parsed[key]]));
    expect(entriesIn(stored, undefined, asked)).toEqual(expected);
    // Changes over the bucket come first; a bucket written before the places is parsed whole; keys that share a hash are told apart by their text.
    const changes = { store: 'orders' as const, bucket: 3, json: JSON.stringify({ [keys[1]!]: [order('x', 9)], 'shopify:new@example.com': [order('y', 1)] }) };
    const over = { ...expected, [keys[1]!]: [order('x', 9)], 'shopify:new@example.com': [order('y', 1)] };
    expect(entriesIn(stored, changes, asked)).toEqual(over);
    expect(entriesIn({ bucket: 3, json: stored.json }, changes, asked)).toEqual(over);
    // Read whole, the changes joined over it; the places, which say nothing of the changes, left out.
    const joined = withChanges(stored, changes)!;
    expect(joined.at).toBeUndefined();
    expect(JSON.parse(joined.json)).toEqual({ ...parsed, ...over });
    const sameHash = new Uint32Array(stored.at!.slice(0));
    for (let i = 0; i < sameHash.length; i += 3) sameHash[i] = fnv1a(keys[4]!);
    expect(entriesIn({ ...stored, at: sameHash.buffer }, undefined, [keys[4]!])).toEqual({ [keys[4]!]: parsed[keys[4]!] });
    expect(entriesIn(undefined, changes, asked)).toEqual({ [keys[1]!]: [order('x', 9)], 'shopify:new@example.com': [order('y', 1)] });
  });

  it('are not kept beside an orders or alias bucket written before its entries had places: it goes whole once, with them', async () => {
    const db = await openTiermarkDB(`bucket-changes-places-${Math.random()}`);
    await importText(db, 'woo-first.csv', WOO_FIRST);
    for (const store of ['orders', 'aliases'] as const) for (const stored of await db.getAll(store)) await db.put(store, { bucket: stored.bucket, json: stored.json });
    policy.share = Infinity;
    try {
      await importText(db, 'woo-next-day.csv', WOO_NEXT_DAY);
    } finally {
      policy.share = undefined;
    }
    const buyers = new Set(WOO_NEXT_DAY.trim().split('\n').slice(1).map((line) => `woocommerce:${line.split(',')[2]}`));
    const changed = (await db.getAll('orders')).filter((stored) => Object.keys(JSON.parse(stored.json) as object).some((key) => buyers.has(key)));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((stored) => stored.at !== undefined)).toBe(true);
    // The identifiers of the day's new buyers: each changed its bucket.
    const emails = [...buyers].map((key) => `email:${key.slice('woocommerce:'.length)}`).filter((alias) => !WOO_FIRST.includes(alias.slice('email:'.length)));
    expect(emails).toHaveLength(2);
    const identifiers = (await db.getAll('aliases')).filter((stored) => Object.keys(JSON.parse(stored.json) as object).some((alias) => emails.includes(alias)));
    expect(identifiers.length).toBeGreaterThan(0);
    expect(identifiers.every((stored) => stored.at !== undefined)).toBe(true);
    expect(await db.getAll('bucketChanges')).toEqual([]);
    db.close();
  });

  it('are kept while small beside their bucket and written into it once they pass a share of its text', () => {
    const stored = { bucket: 7, json: JSON.stringify(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'x'.repeat(40)]))) };
    const few = changesToKeep(stored, undefined, [['k1', 'y'], ['new', 'z']]);
    expect(JSON.parse(few!)).toEqual({ k1: 'y', new: 'z' });
    // Those kept before stay, each key once, the later value over the earlier.
    const more = changesToKeep(stored, { bucket: 7, json: few! }, [['new', 'w']]);
    expect(JSON.parse(more!)).toEqual({ k1: 'y', new: 'w' });
    expect(changesToKeep(stored, undefined, Array.from({ length: 60 }, (_, i) => [`k${i}`, 'y'.repeat(40)] as const))).toBeNull();
    expect(changesToKeep(undefined, undefined, [['k1', 'y']])).toBeNull();

    const over = withChanges({ ...stored, digests: '{"k1":1,"k2":2}' }, { store: 'customers', bucket: 7, json: more!, digests: '{"k2":3}' })!;
    const parsed = JSON.parse(over.json) as Record<string, string>;
    expect(Object.keys(parsed)).toEqual([...Object.keys(JSON.parse(stored.json) as object), 'new']);
    expect([parsed.k1, parsed.new, parsed.k2]).toEqual(['y', 'w', 'x'.repeat(40)]);
    expect(JSON.parse(over.digests!)).toEqual({ k1: 1, k2: 3 });
    // A bucket written before digests has none over it: the rescore makes them all.
    expect(withChanges({ bucket: 7, json: '{}' }, { store: 'customers', bucket: 7, json: '{"a":1}', digests: '{"a":2}' })).toEqual({ bucket: 7, json: '{"a":1}' });
    expect(withChanges({ bucket: 7, json: '{"a":1}' }, { store: 'orders', bucket: 7, json: '{}' })).toEqual({ bucket: 7, json: '{"a":1}' });
  });
});
