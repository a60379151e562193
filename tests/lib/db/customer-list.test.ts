import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Lines, type TableQuery } from '../../../lib/customer-table';
import { customersWithOrder, loadCustomerRows } from '../../../lib/db/customer-list';
import { openCustomerTable } from '../../../lib/db/customer-table';
import type { Database } from '../../../lib/db/schema';
import { importFile } from '../../../lib/db/importer';
import { rescore } from '../../../lib/db/rescore';
import { openTiermarkDB } from '../../../lib/db/schema';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { endOfDay } from '../../../lib/time';
import { fixture, importable } from '../../helpers';

async function taobaoShop() {
  const db = await openTiermarkDB(`customer-list-test-${Math.random()}`);
  const bytes = new Uint8Array(readFileSync(fixture('taobao-order-report.gbk.csv')));
  await importFile(db, await importable('ExportOrderList.csv', bytes, 4096), {});
  await rescore(db, { reason: 'import', timeZone: 'Asia/Shanghai', settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay('2024-05-01', 'Asia/Shanghai') });
  return db;
}

const ALL: TableQuery = { shop: null, text: '', byOrder: [], tier: null, badge: null, sortBy: 'monetary', ascending: false };

/** Every customer a query lists, from the customer table the rescore wrote. */
async function listed(db: Database, query: TableQuery) {
  return (await (await openCustomerTable(db))!.table.query(query, 0, 100)).rows;
}

describe('the customer list', () => {
  it('lists every customer with their tier and facts, biggest spender first', async () => {
    const db = await taobaoShop();
    const all = await listed(db, ALL);
    expect(all.map((row) => row.buyerId)).toEqual(['茶友小王', '张三丰', 'lily_2019']);
    // 茶友小王: 128 + 256, a member; 张三丰's closed order does not count.
    expect(all[0]).toMatchObject({ orderCount: 2, monetaryMinor: 38_400, currency: 'CNY', tier: { label: { 'zh-CN': '普通会员' } }, avgOrderValue: 192 });
    expect(all[1]!.monetaryMinor).toBe(15_000);
    expect((await listed(db, { ...ALL, ascending: true })).map((row) => row.buyerId)).toEqual(['lily_2019', '张三丰', '茶友小王']);
    // A text fact sorts in its alphabetical order: RFM codes 155, 311, 513 (张三丰's refunded order is no purchase: F 1).
    expect((await listed(db, { ...ALL, sortBy: 'rfmCode', ascending: true })).map((row) => row.rfmCode)).toEqual(['155', '311', '513']);
    expect((await listed(db, { ...ALL, sortBy: 'rfmCode' })).map((row) => row.rfmCode)).toEqual(['513', '311', '155']);
  });

  it('finds a customer by part of a buyer id or name, or by an order number', async () => {
    const db = await taobaoShop();
    expect((await listed(db, { ...ALL, text: 'LILY' })).map((row) => row.key)).toEqual(['taobao:lily_2019']);
    expect((await listed(db, { ...ALL, text: '王小明' })).map((row) => row.key)).toEqual(['taobao:茶友小王']);
    const byOrder = await customersWithOrder(db, ' 2847561230006 ');
    expect(byOrder).toEqual(['taobao:张三丰']);
    expect((await listed(db, { ...ALL, text: '2847561230006', byOrder })).map((row) => row.key)).toEqual(['taobao:张三丰']);
    expect(await customersWithOrder(db, '9999999999999')).toEqual([]);
    expect(await listed(db, { ...ALL, text: 'nobody' })).toEqual([]);
  });

  it('filters by tier, by no tier, and by badge', async () => {
    const db = await taobaoShop();
    const rows = await loadCustomerRows(db);
    const member = rows.find((row) => row.buyerId === '茶友小王')!.tier!.ref;
    // Each has a successful trade: all three are 普通会员, none without a tier.
    expect((await listed(db, { ...ALL, tier: member })).map((row) => row.buyerId)).toEqual(['茶友小王', '张三丰', 'lily_2019']);
    expect((await listed(db, { ...ALL, tier: 'none' }))).toEqual([]);
    expect((await listed(db, { ...ALL, tier: 'member-ladder#no-such-tier' }))).toEqual([]);
    const lily = rows.find((row) => row.buyerId === 'lily_2019')!;
    // A cell of the R × F grid: lily_2019 is 311, 张三丰 513.
    expect((await listed(db, { ...ALL, rfm: { r: 3, f: 1 } })).map((row) => row.buyerId)).toEqual(['lily_2019']);
    expect((await listed(db, { ...ALL, rfm: { r: 5, f: 1 } })).map((row) => row.buyerId)).toEqual(['张三丰']);
    expect((await listed(db, { ...ALL, rfm: { r: 5, f: 5 } }))).toEqual([]);
    // A lifecycle stage (the Overview links there): 茶友小王 bought twice 42 days apart, last 19 days
    // ago, so is within their own cycle with two purchases; lily_2019 bought once, 11 days ago.
    expect((await listed(db, { ...ALL, group: { fact: 'lifecycleStage', value: 'growing' } })).map((row) => row.buyerId)).toEqual(['茶友小王']);
    expect((await listed(db, { ...ALL, group: { fact: 'lifecycleStage', value: 'new' } })).map((row) => row.buyerId)).toContain('lily_2019');
    expect((await listed(db, { ...ALL, group: { fact: 'lifecycleStage', value: 'lost' } }))).toEqual([]);
    const badge = lily.badges[0]!;
    const withBadge = (await listed(db, { ...ALL, badge: badge.ref }));
    expect(withBadge.map((row) => row.buyerId)).toContain('lily_2019');
    expect(withBadge.every((row) => row.badges.some((b) => b.ref === badge.ref))).toBe(true);
  });

  it('searches the texts end to end: one hit per customer, never across two customers', () => {
    const lines = new Lines(['wang\u0001wang@x.cn', 'li', 'ning', 'wei wang'].join('\n'), 4);
    expect(lines.holding('wang')).toEqual([0, 3]);
    // "li" + "ning" meet only across the line between two customers.
    expect(lines.holding('lin')).toEqual([]);
    expect(lines.holding('ng')).toEqual([0, 2, 3]);
    expect(lines.holding('nobody')).toEqual([]);
    expect(lines.line(2)).toBe('ning');
  });
});
