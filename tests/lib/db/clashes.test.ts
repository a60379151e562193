import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it, vi } from 'vitest';
import { findClashes, IncomingOrders } from '../../../lib/db/clashes';
import { importFile } from '../../../lib/db/importer';
import { openTiermarkDB } from '../../../lib/db/schema';
import { FIXTURES, importable } from '../../helpers';

/** The demo shop's Taobao order report: each order's number and buyer, read with papaparse. */
function reportOrders() {
  const text = new TextDecoder('gbk').decode(readFileSync(join(FIXTURES, 'demo/ExportOrderList202611201200.csv')));
  const { data } = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  // Taobao writes its order numbers as Excel formulas (="…").
  return { text, orders: data.map((row) => ({ orderId: row['订单编号']!.replace(/[="]/g, ''), buyer: `taobao:${row['买家会员名']!}` })) };
}

/** How many alias buckets were read since the spy was last cleared. */
const aliasReads = (spy: { mock: { contexts: unknown[] } }) => spy.mock.contexts.filter((store) => (store as IDBObjectStore).name === 'aliases').length;

describe('order numbers an import brings that the shop has for other buyers', () => {
  it('are found from the alias digests as from the alias buckets, reading only the buckets where a number names someone else', async () => {
    const { text, orders } = reportOrders();
    const db = await openTiermarkDB(`clashes-${Math.random()}`);
    const bytes = new TextEncoder().encode(text);
    await importFile(db, await importable('ExportOrderList202611201200.csv', bytes, 4096), {});

    // A re-export: every order again for its buyer; 40 numbers for other buyers, 10 as guest orders; 300 new numbers.
    const incoming = new IncomingOrders();
    const expected = new Map<string, string>();
    orders.forEach(({ orderId, buyer }, i) => {
      incoming.add({ orderId, customerKey: buyer });
      if (i % 10 === 3 && expected.size < 40) {
        incoming.add({ orderId, customerKey: 'taobao:另一位买家' });
        expected.set(`order:${orderId}`, buyer);
      } else if (i % 10 === 7 && expected.size >= 40 && expected.size < 50) {
        incoming.add({ orderId, customerKey: null });
        expected.set(`order:${orderId}`, buyer);
      }
    });
    for (let i = 0; i < 300; i += 1) incoming.add({ orderId: `9${String(i).padStart(18, '0')}`, customerKey: 'taobao:新买家' });
    expect(expected.size).toBe(50);

    const gets = vi.spyOn(IDBObjectStore.prototype, 'get');
    expect(await findClashes(db, 'taobao', incoming)).toEqual(expected);
    const withDigests = aliasReads(gets);
    expect(withDigests).toBeGreaterThan(0);
    // A store without digests (from before them, or restored) reads every bucket the orders fall in.
    await db.clear('aliasDigests');
    gets.mockClear();
    expect(await findClashes(db, 'taobao', incoming)).toEqual(expected);
    expect(aliasReads(gets)).toBeGreaterThan(withDigests * 2);

    // A re-export of the shop's own orders for their own buyers reads no alias bucket.
    const again = await openTiermarkDB(`clashes-${Math.random()}`);
    await importFile(again, await importable('ExportOrderList202611201200.csv', bytes, 4096), {});
    const own = new IncomingOrders();
    for (const { orderId, buyer } of orders) own.add({ orderId, customerKey: buyer });
    gets.mockClear();
    expect(await findClashes(again, 'taobao', own)).toEqual(new Map());
    expect(aliasReads(gets)).toBe(0);
    gets.mockRestore();
    for (const store of [db, again]) store.close();
  }, 60_000);
});
