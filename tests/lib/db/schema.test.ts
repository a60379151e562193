import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { DB_VERSION, MIGRATIONS, openTiermarkDB } from '../../../lib/db/schema';

describe('database schema', () => {
  it('migrates a version-1 database to the latest, keeping its data', async () => {
    const name = 'migration-test';
    const v1 = await openDB(name, 1, { upgrade: (db, _old, _new, tx) => MIGRATIONS[0]!(db as never, tx as never) });
    await v1.put('orders', { key: 'taobao:1', customerKey: 'taobao:小王', importId: 'imp-1', orderId: '1' });
    await v1.put('imports', { id: 'imp-1', hash: 'abc', status: 'complete' });
    v1.close();

    const latest = await openTiermarkDB(name);
    expect(latest.version).toBe(DB_VERSION);
    expect([...latest.objectStoreNames].sort()).toEqual(['aliases', 'customers', 'dirtyCustomers', 'imports', 'orders', 'staged']);
    expect(await latest.getAllFromIndex('orders', 'importId', 'imp-1')).toHaveLength(1);
    expect(await latest.getAllFromIndex('orders', 'customerKey', 'taobao:小王')).toHaveLength(1);
    expect((await latest.getAllFromIndex('imports', 'hash', 'abc'))[0]!.id).toBe('imp-1');
    latest.close();
  });
});
