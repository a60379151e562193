import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { openDB } from 'idb';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { fixture, importable, importPath, inEnglish } from '../../helpers';
import { MIGRATIONS, openTiermarkDB, storeCounts } from '../../../lib/db/schema';
import { importFile } from '../../../lib/db/importer';
import { customersForAlias, getCustomerEntry } from '../../../lib/db/customers';
import { lookupRows } from '../../../lib/db/lookup';
import { nextShopId, type Shop } from '../../../lib/shops';
import { shopOfKnownOrders } from '../../../lib/db/clashes';
import { textIn } from '../../../lib/localised';

let dbCount = 0;
const freshDb = () => openTiermarkDB(`shops-test-${(dbCount += 1)}`);

const fileOf = (name: string, bytes: Uint8Array) => importable(name, bytes, 700);
const fixtureBytes = (name: string) => new Uint8Array(readFileSync(fixture(name)));
const fixtureFile = (name: string) => fileOf(name, fixtureBytes(name));

/** The file's order numbers and each one's buyer, read with papaparse, not the importer. */
function ordersIn(name: string): Map<string, string> {
  const { data } = Papa.parse<Record<string, string>>(readFileSync(fixture(name), 'utf8'), { header: true, skipEmptyLines: true });
  const orders = new Map<string, string>();
  for (const row of data) if (row.Email) orders.set(row.Name!, row.Email.toLowerCase());
  return orders;
}
const recordsIn = (name: string) => Papa.parse(readFileSync(fixture(name), 'utf8'), { header: true, skipEmptyLines: true }).data.length;

const euStore: Shop = { id: 'shopify-2', name: 'EU store', platform: 'shopify', createdAt: 0 };

describe('shops', () => {
  it('keeps a second store whose order numbers clash out of the first store, and imports it into a shop of its own', async () => {
    const db = await freshDb();
    const first = await importFile(db, await fixtureFile('shopify-orders-79.csv'), {});
    expect(first).toMatchObject({ status: 'complete', shop: 'shopify' });
    const adaBefore = (await getCustomerEntry(db, 'shopify:ada@example.com'))!.customer;

    // The EU store's #1001–#1004 are other buyers' orders: into the first shop they are refused, named, counted.
    const theirs = ordersIn('shopify-second-store.csv');
    const ours = ordersIn('shopify-orders-79.csv');
    const clashing = [...theirs].filter(([name, buyer]) => ours.has(name) && ours.get(name) !== buyer).map(([name]) => name);
    expect(clashing).toEqual(['#1001', '#1002', '#1003', '#1004']);
    const wrongShop = await importFile(db, await fixtureFile('shopify-second-store.csv'), {});
    expect(wrongShop.rowsRead).toBe(recordsIn('shopify-second-store.csv'));
    expect(wrongShop.rowsImported + wrongShop.rowsRejected).toBe(wrongShop.rowsRead);
    expect(wrongShop.rowsRejected).toBe(clashing.length);
    expect(wrongShop.orders).toBe(theirs.size - clashing.length);
    expect(wrongShop.rejections.map((r) => r.row)).toEqual([2, 3, 4, 5]);
    expect(textIn(wrongShop.rejections[0]!.reason, 'en')).toContain('order #1001 is already in this shop for another buyer (ada@example.com); this file has it for jonas@example.de');
    expect(wrongShop.warnings.map((w) => w.en).join('\n')).toMatch(/^4 orders were not imported: .*\(first: row 2, order #1001\)/m);
    // Nothing merged: Ada's history is as it was, Jonas has no orders in the first shop.
    expect((await getCustomerEntry(db, 'shopify:ada@example.com'))!.customer).toEqual({ ...adaBefore, monetaryMinor: adaBefore!.monetaryMinor + 5000, orderCount: 3, lastOrderAt: Date.parse('2023-10-01T08:00:00Z') });
    expect(await getCustomerEntry(db, 'shopify:jonas@example.de')).toBeUndefined();
    expect(await customersForAlias(db, 'order:#1001')).toEqual(['shopify:ada@example.com']);
  });

  it('keeps two stores apart when each file goes to its own shop, and the same file into another shop is no repeat', async () => {
    const db = await freshDb();
    await importFile(db, await fixtureFile('shopify-orders-79.csv'), {});
    const counted = await storeCounts(db);
    const eu = await importFile(db, await fixtureFile('shopify-second-store.csv'), { shop: euStore });
    expect(eu).toMatchObject({ status: 'complete', shop: 'shopify-2', rowsRejected: 0, rowsImported: recordsIn('shopify-second-store.csv'), ordersAdded: ordersIn('shopify-second-store.csv').size });
    expect(await storeCounts(db)).toEqual({ ...counted, orders: counted.orders + 5, customers: counted.customers + 3 });
    expect((await getCustomerEntry(db, 'shopify-2:jonas@example.de'))!.customer).toMatchObject({ orderCount: 2, monetaryMinor: 6400 + 3990, currency: 'EUR', platform: 'shopify', buyerId: 'jonas@example.de' });
    // The same buyer in both stores is two customers, one per shop.
    expect((await getCustomerEntry(db, 'shopify-2:ada@example.com'))!.customer).toMatchObject({ orderCount: 1, monetaryMinor: 5000 });
    expect((await getCustomerEntry(db, 'shopify:ada@example.com'))!.customer).toMatchObject({ orderCount: 2, monetaryMinor: 18450 });
    expect((await customersForAlias(db, 'order:#1001')).sort()).toEqual(['shopify-2:jonas@example.de', 'shopify:ada@example.com']);
    expect(await db.getAll('shops')).toEqual([
      { id: 'shopify', name: '', platform: 'shopify', createdAt: expect.any(Number) },
      euStore,
    ]);
    // A page showing order #1001 or Ada's email cannot tell the stores apart: ambiguous, never a guess.
    const [byOrder, byEmail, byJonas] = await lookupRows(db, 'shopify', [[{ kind: 'order', value: '#1001' }], [{ kind: 'id', value: 'ada@example.com' }], [{ kind: 'id', value: 'jonas@example.de' }]], 'en');
    expect(byOrder).toMatchObject({ kind: 'ambiguous' });
    expect(byEmail).toMatchObject({ kind: 'ambiguous' });
    expect(byJonas).toMatchObject({ kind: 'customer', view: { customerKey: 'shopify-2:jonas@example.de' } });
    // The first store's file again into the EU shop is not "already imported" (it is a clash there).
    const again = await importFile(db, await fixtureFile('shopify-orders-79.csv'), { shop: euStore });
    expect(again.status).toBe('complete');
    expect(again.rowsRejected).toBeGreaterThan(0);
    const repeat = await importFile(db, await fixtureFile('shopify-second-store.csv'), { shop: euStore });
    expect(repeat.status).toBe('duplicate');
  });

  it('refuses, row by row, an order number that comes back for another buyer within one file', async () => {
    const one = readFileSync(fixture('shopify-orders-79.csv'), 'utf8');
    const two = readFileSync(fixture('shopify-second-store.csv'), 'utf8');
    const pasted = `${one.trimEnd()}\n${two.slice(two.indexOf('\n') + 1)}`;
    const db = await freshDb();
    const record = await importFile(db, await fileOf('two-stores.csv', new TextEncoder().encode(pasted)), {});
    const secondStart = recordsIn('shopify-orders-79.csv') + 2;
    expect(record.rowsImported + record.rowsRejected).toBe(record.rowsRead);
    expect(record.rejections.filter((r) => r.row >= secondStart).map((r) => r.row)).toEqual([secondStart, secondStart + 1, secondStart + 2, secondStart + 3]);
    expect(textIn(record.rejections.find((r) => r.row === secondStart)!.reason, 'en')).toMatch(/order #1001 appears again, for another buyer \(jonas@example.de\)/);
    expect((await getCustomerEntry(db, 'shopify:ada@example.com'))!.customer).toMatchObject({ orderCount: 3, monetaryMinor: 18450 + 5000 });
  });

  it('refuses an order number the shop has for the same buyer on another day: the same person in two stores', async () => {
    const db = await freshDb();
    await importFile(db, await fixtureFile('shopify-orders-79.csv'), {});
    const header = readFileSync(fixture('shopify-second-store.csv'), 'utf8').split('\r\n')[0]!;
    const cells = (name: string, created: string, total: string) => header.split(',').map((column) => ({ Name: name, Email: 'ada@example.com', 'Financial Status': 'paid', Currency: 'EUR', Total: total, 'Created at': created, 'Lineitem quantity': '1', 'Lineitem name': 'Regenjacke' })[column] ?? '').join(',');
    // Ada's #1002 in the EU store is another order than her #1002 here (2023-04-10); a re-export of her #1001, an hour off, is not.
    const text = [header, cells('#1002', '2023-09-01 10:00:00 +0200', '50.00'), cells('#1001', '2023-03-01 16:00:00 +0100', '120.00')].join('\r\n');
    const record = await importFile(db, await fileOf('eu.csv', new TextEncoder().encode(text)), {});
    expect(inEnglish(record.rejections)).toEqual([{ row: 2, reason: 'order #1002 is already in this shop for the same buyer, made on 2023-04-10; this file has it made on 2023-09-01. If the file is from another shop, import it into a new shop.' }]);
    expect(record).toMatchObject({ rowsRead: 2, rowsRejected: 1, rowsImported: 1, orders: 1, ordersAdded: 0, ordersUpdated: 1 });
    expect((await getCustomerEntry(db, 'shopify:ada@example.com'))!.orders.find((o) => o.orderId === '#1002')).toMatchObject({ totalMinor: 8000, currency: 'USD' });
  });

  it('tells a re-export’s shop, and two stores’ same-numbered orders of one buyer on one day, by Shopify’s Id', async () => {
    const db = await freshDb();
    await importFile(db, await fixtureFile('shopify-orders-79.csv'), {});
    await importFile(db, await fixtureFile('shopify-second-store.csv'), { shop: euStore });
    // A newer export of the EU store (its orders, read as a preview reads them): its Ids are the EU shop's.
    const { orders } = await importPath(fixture('shopify-second-store.csv'));
    expect([...orders.values()].every((order) => order.externalId)).toBe(true);
    expect(await shopOfKnownOrders(db, [...orders.values()])).toEqual({ shop: 'shopify-2', orders: orders.size });
    expect(await shopOfKnownOrders(db, [])).toBeNull();
    // Ada bought #1001 in the first store; the same number, buyer and moment with another Id is another store's order.
    const text = readFileSync(fixture('shopify-orders-79.csv'), 'utf8');
    const header = text.slice(0, text.indexOf('\n'));
    const first = text.split('\n')[1]!.replace('4373824887817', '9999999999999');
    const record = await importFile(db, await fileOf('other-id.csv', new TextEncoder().encode(`${header}\n${first}\n`)), {});
    expect(inEnglish(record.rejections)).toEqual([{ row: 2, reason: expect.stringContaining("order #1001 is already in this shop for the same buyer, with the platform's order id 4373824887817; this file has it with 9999999999999") }]);
    expect(record).toMatchObject({ ordersAdded: 0, ordersUpdated: 0 });
  });

  it('refuses a shop of another platform than the file', async () => {
    const db = await freshDb();
    const record = await importFile(db, await fixtureFile('etsy-sold-orders.csv'), { shop: euStore });
    expect(record.status).toBe('failed');
    expect(textIn(record.error, 'en')).toMatch(/Etsy.*export, and the shop chosen for it is a Shopify shop/);
    expect(await storeCounts(db)).toMatchObject({ orders: 0, customers: 0 });
  });

  it('numbers more shops after the platform’s first', () => {
    expect(nextShopId('shopify', [])).toBe('shopify');
    expect(nextShopId('shopify', [euStore, { ...euStore, id: 'shopify' }])).toBe('shopify-3');
    expect(nextShopId('taobao', [euStore])).toBe('taobao');
  });

  it('migrates a store from before shops: every import into its platform’s first shop, keys unchanged', async () => {
    const name = 'shops-migration-test';
    const { orders } = await importPath(fixture('taobao-order-report.gbk.csv'));
    const v1 = await openDB(name, 1, { upgrade: (db, _old, _new, tx) => void MIGRATIONS[0]!(db as never, tx as never) });
    for (const order of orders.values()) await v1.put('orders', order);
    await v1.put('imports', { id: 'imp-1', hash: 'abc', status: 'complete', format: 'taobao', startedAt: 1_700_000_000_000 });
    await v1.put('imports', { id: 'imp-2', hash: 'def', status: 'failed', format: null, startedAt: 1_700_000_000_001 });
    v1.close();
    const v3 = await openTiermarkDB(name, 3);
    expect(v3.objectStoreNames.contains('shops')).toBe(false);
    v3.close();

    const latest = await openTiermarkDB(name);
    expect(await latest.getAll('shops')).toEqual([{ id: 'taobao', name: '', platform: 'taobao', createdAt: 1_700_000_000_000 }]);
    expect((await latest.get('imports', 'imp-1'))!.shop).toBe('taobao');
    expect((await latest.get('imports', 'imp-2'))!.shop).toBeUndefined();
    expect((await getCustomerEntry(latest, 'taobao:茶友小王'))!.customer).toMatchObject({ orderCount: 2, monetaryMinor: 38400, platform: 'taobao', buyerId: '茶友小王' });
    // An import into the migrated shop joins the customers it had.
    const again = await importFile(latest, await fixtureFile('taobao-order-report.gbk.csv'), {});
    expect(again).toMatchObject({ status: 'complete', shop: 'taobao', ordersAdded: 0, ordersUpdated: 0 });
    expect(again.rejections.filter((r) => textIn(r.reason, 'en').includes('already in this shop'))).toEqual([]);
    latest.close();
  });
});
