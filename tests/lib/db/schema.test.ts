import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { DB_VERSION, MIGRATIONS, openTiermarkDB, storeCounts, type Database } from '../../../lib/db/schema';
import { customersForAlias, getCustomerEntry } from '../../../lib/db/customers';
import { badgeLooks } from '../../../lib/db/badge-index';
import { openCustomerTable } from '../../../lib/db/customer-table';
import { importFile } from '../../../lib/db/importer';
import { setKeptDates } from '../../../lib/db/kept-dates';
import { clearLookupCache, lookupRows } from '../../../lib/db/lookup';
import { allFollowUps, setFollowUpStatus } from '../../../lib/db/profiles';
import { rescore, updateRescoreNeeded } from '../../../lib/db/rescore';
import { saveRuleFile } from '../../../lib/db/rule-files';
import { defaultRegistry } from '../../../lib/engine/registry';
import { lookOf } from '../../../lib/overlay/badge-index';
import type { Ref } from '../../../lib/overlay/site-adapter';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { endOfDay } from '../../../lib/time';
import { fixture, importable, importPath } from '../../helpers';

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
    expect([...latest.objectStoreNames].sort()).toEqual(['abTests', 'aliasDigests', 'aliases', 'badgeShards', 'bucketChanges', 'customerNotes', 'customerTable', 'customers', 'followups', 'imports', 'keptDates', 'meta', 'orders', 'profiles', 'rescored', 'ruleFiles', 'shops', 'snapshotPatches', 'snapshots', 'staged', 'stagedAliases', 'touched']);
    expect(await storeCounts(latest)).toMatchObject({ customers: 3, orders: 7 });
    expect((await getCustomerEntry(latest, 'taobao:茶友小王'))!.customer).toMatchObject({ orderCount: 2, monetaryMinor: 38400 });
    expect(await customersForAlias(latest, 'order:2847561230003')).toEqual(['taobao:lily_2019']);
    expect((await latest.getAllFromIndex('imports', 'hash', 'abc'))[0]!.id).toBe('imp-1');
    latest.close();
  });

  it('opens a store made by the release before the badge index with the same customers, rules, follow-up states and dates, and indexes and tables it at the next rescore', async () => {
    const asOf = endOfDay('2024-05-01', 'Asia/Shanghai');
    // Today's store of a Taobao shop worked on by staff, copied store by store into a version-5 database.
    const source = await openTiermarkDB(`v5-source-${Math.random()}`);
    const bytes = new Uint8Array(readFileSync(fixture('taobao-order-report.gbk.csv')));
    await importFile(source, await importable('ExportOrderList.csv', bytes, 4096), {});
    const ladder = readFileSync('rules/member-ladder.json', 'utf8').replace('"普通会员"', '"银卡会员"');
    expect(await saveRuleFile(source, 'member-ladder.json', ladder, defaultRegistry())).toEqual([]);
    await rescore(source, { reason: 'import', timeZone: 'Asia/Shanghai', settings: DEFAULT_SCORE_SETTINGS, asOf });
    await setKeptDates(source, 'taobao:茶友小王', [{ name: 'birthday', monthDay: '05-17' }]);
    const followUps = await allFollowUps(source);
    expect(followUps.length).toBeGreaterThan(1);
    await setFollowUpStatus(source, followUps[0]!.id, 'done');
    await setFollowUpStatus(source, followUps[1]!.id, 'snoozed', followUps[1]!.dueDay + 30);
    const name = `v5-${Math.random()}`;
    const v5 = await openTiermarkDB(name, 5);
    const stores = [...v5.objectStoreNames] as Array<Parameters<Database['getAll']>[0]>;
    expect(stores).not.toContain('badgeShards');
    for (const store of stores) {
      for (const record of await source.getAll(store)) if (!(store === 'meta' && (record as { id: string }).id === 'badgeIndex')) await v5.put(store, record as never);
    }
    v5.close();

    const latest = await openTiermarkDB(name);
    expect(latest.version).toBe(DB_VERSION);
    for (const store of stores) {
      const expected = (await source.getAll(store)).filter((record) => (record as { id?: string }).id !== 'badgeIndex');
      expect(await latest.getAll(store)).toEqual(expected);
    }
    const rows: Ref[][] = [[{ kind: 'id', value: '茶友小王' }], [{ kind: 'order', value: '2847561230003' }]];
    const matches = await lookupRows(latest, 'taobao', rows, 'zh-CN');
    expect(matches.every((match) => match.kind === 'customer')).toBe(true);
    // No index until the rescore the update asks for: the lookup badges the rows meanwhile.
    expect(await updateRescoreNeeded(latest)).toBe(true);
    expect(await badgeLooks(latest, 'taobao', rows, 'zh-CN')).toBeNull();
    expect(await openCustomerTable(latest)).toBeNull();
    await rescore(latest, { reason: 'update', timeZone: 'Asia/Shanghai', settings: DEFAULT_SCORE_SETTINGS, asOf });
    clearLookupCache(latest);
    expect(await updateRescoreNeeded(latest)).toBe(false);
    const listed = await (await openCustomerTable(latest))!.table.query({ shop: null, text: '', byOrder: [], tier: null, badge: null, sortBy: 'monetary', ascending: false }, 0, 10);
    expect(listed.rows.map((row) => [row.buyerId, row.tier?.label['zh-CN']])).toEqual([['茶友小王', '银卡会员'], ['张三丰', '银卡会员'], ['lily_2019', '银卡会员']]);
    expect(await badgeLooks(latest, 'taobao', rows, 'zh-CN')).toEqual((await lookupRows(latest, 'taobao', rows, 'zh-CN')).map(lookOf));
    expect(JSON.stringify(await badgeLooks(latest, 'taobao', rows, 'zh-CN'))).toContain('银卡会员');
    const kept = await allFollowUps(latest);
    expect(kept.find((f) => f.id === followUps[0]!.id)?.status).toBe('done');
    expect(kept.find((f) => f.id === followUps[1]!.id)).toMatchObject({ status: 'snoozed', snoozedUntilDay: followUps[1]!.dueDay + 30 });
    expect(await latest.get('keptDates', 'taobao:茶友小王')).toEqual({ key: 'taobao:茶友小王', dates: [{ name: 'birthday', monthDay: '05-17' }] });
  });
});
