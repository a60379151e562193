import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { DB_VERSION, MIGRATIONS, openTiermarkDB, storeCounts } from '../../../lib/db/schema';
import { customersForAlias, getCustomerEntry } from '../../../lib/db/customers';
import { fixture, importPath } from '../../helpers';

describe('database schema', () => {
  it('migrates a version-1 database (a record per order) to customer buckets, keeping every order', async () => {
    const name = 'migration-test';
    const { orders } = await importPath(fixture('taobao-order-report.gbk.csv'));
    const v1 = await openDB(name, 1, { upgrade: (db, _old, _new, tx) => void MIGRATIONS[0]!(db as never, tx as never) });
    for (const order of orders.values()) await v1.put('orders', order);
    await v1.put('imports', { id: 'imp-1', hash: 'abc', status: 'complete' });
    v1.close();

    const latest = await openTiermarkDB(name);
    expect(latest.version).toBe(DB_VERSION);
    expect([...latest.objectStoreNames].sort()).toEqual(['aliases', 'customers', 'followups', 'imports', 'keptDates', 'meta', 'orders', 'profiles', 'ruleFiles', 'shops', 'staged', 'stagedAliases']);
    expect(await storeCounts(latest)).toMatchObject({ customers: 3, orders: 7 });
    expect((await getCustomerEntry(latest, 'taobao:茶友小王'))!.customer).toMatchObject({ orderCount: 2, monetaryMinor: 38400 });
    expect(await customersForAlias(latest, 'order:2847561230003')).toEqual(['taobao:lily_2019']);
    expect((await latest.getAllFromIndex('imports', 'hash', 'abc'))[0]!.id).toBe('imp-1');
    latest.close();
  });
});
