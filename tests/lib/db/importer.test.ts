import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chunked, fixture } from '../../helpers';
import { openTiermarkDB, type Database } from '../../../lib/db/schema';
import { importFile, recoverImports, type ImportFile } from '../../../lib/db/importer';
import { sha256Hex } from '../../../lib/import/encoding';

let dbCount = 0;
const freshDb = () => openTiermarkDB(`importer-test-${(dbCount += 1)}`);

async function fileOf(name: string, bytes: Uint8Array): Promise<ImportFile> {
  return { name, size: bytes.length, hash: await sha256Hex(bytes), stream: () => chunked(bytes, 1024) };
}
const fixtureFile = (name: string) => fileOf(name, new Uint8Array(readFileSync(fixture(name))));

async function storeCounts(db: Database) {
  return {
    orders: await db.count('orders'),
    customers: await db.count('customers'),
    staged: await db.count('staged'),
    dirty: await db.count('dirtyCustomers'),
  };
}

describe('importing into IndexedDB', () => {
  it('stores orders, customers and aliases, and records the import in the ledger', async () => {
    const db = await freshDb();
    const record = await importFile(db, await fixtureFile('shopify-orders-79.csv'), {});
    expect(record).toMatchObject({ status: 'complete', format: 'shopify', rowsRead: 8, rowsImported: 8, rowsRejected: 0, orders: 7, ordersAdded: 7, ordersUpdated: 0, customersTouched: 4 });
    expect(await storeCounts(db)).toEqual({ orders: 7, customers: 4, staged: 0, dirty: 0 });
    expect(await db.get('customers', 'shopify:ada@example.com')).toMatchObject({ orderCount: 2, monetaryMinor: 18450, names: ['Ada Lovelace'] });
    expect((await db.getAllFromIndex('orders', 'orderId', '#1002')).map((o) => o.customerKey)).toEqual(['shopify:ada@example.com']);
    expect(await db.get('aliases', 'email:grace@example.com')).toEqual({ alias: 'email:grace@example.com', customerKeys: ['shopify:grace@example.com'] });
    expect(await db.get('aliases', 'name:grace hopper')).toEqual({ alias: 'name:grace hopper', customerKeys: ['shopify:grace@example.com'] });
    expect(await db.get('imports', record.id)).toEqual(record);
  });

  it('adds nothing when the same file comes again', async () => {
    const db = await freshDb();
    await importFile(db, await fixtureFile('taobao-order-report.gbk.csv'), {});
    const before = await storeCounts(db);
    const again = await importFile(db, await fixtureFile('taobao-order-report.gbk.csv'), {});
    expect(again.status).toBe('duplicate');
    expect(await storeCounts(db)).toEqual(before);
    expect(await db.count('imports')).toBe(2);
  });

  it('updates changed orders by id and adds new ones from an overlapping newer export', async () => {
    const db = await freshDb();
    const older = readFileSync(fixture('shopify-orders-79.csv'), 'utf8');
    await importFile(db, await fileOf('older.csv', new TextEncoder().encode(older)), {});
    const lines = older.trimEnd().split('\n');
    const header = lines[0]!.split(',');
    const i1004 = lines.findIndex((l) => l.startsWith('#1004,'));
    const refunded = lines[i1004]!.split(',');
    refunded[header.indexOf('Financial Status')] = 'refunded';
    refunded[header.indexOf('Refunded Amount')] = '60.00';
    const added = refunded.map((cell, i) => (i === 0 ? '#1008' : i === header.indexOf('Financial Status') ? 'paid' : i === header.indexOf('Refunded Amount') ? '0.00' : cell));
    const newer = [header.join(','), ...lines.slice(1, i1004), refunded.join(','), ...lines.slice(i1004 + 1), added.join(',')].join('\n');
    const record = await importFile(db, await fileOf('newer.csv', new TextEncoder().encode(newer)), {});
    expect(record).toMatchObject({ status: 'complete', orders: 8, ordersAdded: 1, ordersUpdated: 1, customersTouched: 1 });
    expect(await db.count('orders')).toBe(8);
    expect(await db.get('customers', 'shopify:grace@example.com')).toMatchObject({ orderCount: 3, monetaryMinor: 6000 });
  });

  it('writes nothing from a file it refuses, and says why in the ledger', async () => {
    const db = await freshDb();
    await importFile(db, await fixtureFile('jd-orders.gbk.csv'), {});
    const before = await storeCounts(db);
    const broken = new TextEncoder().encode('Name,Email,Financial Status,Created at,Lineitem name,Total\n#1,"a@b.c,paid,2024-01-01,Tea,1.00\n');
    const record = await importFile(db, await fileOf('broken.csv', broken), {});
    expect(record.status).toBe('failed');
    expect(record.error).toMatch(/Row 2 has a quote/);
    expect(await storeCounts(db)).toEqual(before);
  });

  it('drops everything read so far when cancelled', async () => {
    const db = await freshDb();
    const controller = new AbortController();
    const bytes = new Uint8Array(readFileSync(fixture('shopify-orders-79.csv')));
    const file: ImportFile = { name: 'x.csv', size: bytes.length, hash: 'h', stream: () => chunked(bytes, 200) };
    let calls = 0;
    const record = await importFile(db, file, {}, { signal: controller.signal, onProgress: () => (calls += 1) === 2 && controller.abort() });
    expect(record.status).toBe('cancelled');
    expect(await storeCounts(db)).toEqual({ orders: 0, customers: 0, staged: 0, dirty: 0 });
  });

  it('after a closed tab: an unfinished read is marked interrupted and its staged orders dropped; a started commit is finished', async () => {
    const db = await freshDb();
    const done = await importFile(db, await fixtureFile('shopify-orders-79.csv'), {});
    // A tab closed while reading: the ledger says running, some orders are staged.
    const order = (await db.get('orders', 'shopify:#1001'))!;
    await db.put('imports', { ...done, id: 'reading', hash: 'r', status: 'running' });
    await db.put('staged', { importId: 'reading', batch: 1, orders: [{ order: { ...order, key: 'shopify:#9999', orderId: '#9999', importId: 'reading' }, continuation: null }] });
    // A tab closed while committing: one order moved, its customer still queued.
    await db.put('imports', { ...done, id: 'committing', hash: 'c', status: 'committing' });
    await db.put('orders', { ...order, key: 'shopify:#2000', orderId: '#2000', importId: 'committing' });
    await db.put('dirtyCustomers', { key: 'shopify:ada@example.com', importId: 'committing' });
    await db.put('staged', { importId: 'committing', batch: 2, orders: [{ order: { ...order, key: 'shopify:#2001', orderId: '#2001', importId: 'committing' }, continuation: null }] });

    const recovered = await recoverImports(db, () => false);
    expect(recovered.map((r) => [r.id, r.status])).toEqual([
      ['committing', 'complete'],
      ['reading', 'interrupted'],
    ]);
    expect((await db.get('imports', 'reading'))!.error).toMatch(/tab was closed/);
    expect(await db.get('orders', 'shopify:#9999')).toBeUndefined();
    expect(await storeCounts(db)).toEqual({ orders: 9, customers: 4, staged: 0, dirty: 0 });
    // 120.00 (#1001) + 64.50 (#1002) + two copies of #1001 from the committed import.
    expect(await db.get('customers', 'shopify:ada@example.com')).toMatchObject({ orderCount: 4, monetaryMinor: 18450 + 24000 });
  });
});
