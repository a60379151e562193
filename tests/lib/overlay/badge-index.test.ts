import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { badgeIndex, clearLookupCache, lookupRows, lookupVersion } from '../../../lib/db/lookup';
import { importFile } from '../../../lib/db/importer';
import { rescore } from '../../../lib/db/rescore';
import { openTiermarkDB } from '../../../lib/db/schema';
import { DEMO_EXPORT_END, demoOrders } from '../../../lib/demo/shop';
import { sha256Hex } from '../../../lib/import/encoding';
import { BadgeIndex, lookOf, packBadgeIndex, type BadgeLook } from '../../../lib/overlay/badge-index';
import type { Ref } from '../../../lib/overlay/site-adapter';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { chunked, FIXTURES } from '../../helpers';

async function demoShop() {
  const db = await openTiermarkDB(`badge-index-test-${Math.random()}`);
  const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'demo/ExportOrderList202611201200.csv')));
  await importFile(db, { name: 'ExportOrderList202611201200.csv', size: bytes.length, hash: await sha256Hex(bytes), stream: () => chunked(bytes, 65_536) }, {});
  await rescore(db, { reason: 'import', timeZone: 'Asia/Shanghai', settings: DEFAULT_SCORE_SETTINGS, asOf: DEMO_EXPORT_END });
  return db;
}

describe('the badge index a seller page badges rows from', () => {
  it('packs keys to looks and finds each, and nothing else', () => {
    const looks: BadgeLook[] = [
      { kind: 'customer', tier: { label: 'VIP会员', colour: '#c0392b' }, badges: [{ label: '流失预警', colour: '#e67e22' }] },
      { kind: 'ambiguous', count: 2 },
    ];
    const entries = new Map<string, number>();
    for (let i = 0; i < 5000; i += 1) entries.set(`order:${2847561230000 + i}`, i % 2);
    entries.set('id:taobao:茶友小王', 0);
    entries.set('name:王伟', 1);
    const index = new BadgeIndex(JSON.parse(JSON.stringify(packBadgeIndex('v1', entries, looks))));
    expect(index.version).toBe('v1');
    expect(index.look([{ kind: 'order', value: '2847561230001' }], 'taobao')).toEqual(looks[1]);
    expect(index.look([{ kind: 'order', value: '2847561234998' }], 'taobao')).toEqual(looks[0]);
    expect(index.look([{ kind: 'id', value: '茶友小王' }], 'taobao')).toEqual(looks[0]);
    // A buyer id is the customer's on this platform only.
    expect(index.look([{ kind: 'id', value: '茶友小王' }], 'jd')).toBeNull();
    expect(index.look([{ kind: 'name', value: ' 王伟 ' }], 'taobao')).toEqual(looks[1]);
    expect(index.look([{ kind: 'order', value: '2847561235000' }, { kind: 'name', value: '李雷' }], 'taobao')).toBeNull();
    expect(new BadgeIndex(packBadgeIndex('empty', new Map(), [])!).look([{ kind: 'order', value: '1' }], 'taobao')).toBeNull();
  });

  it('gives every row of the demo shop the badge the lookup gives it, strongest ref first', async () => {
    const db = await demoShop();
    const packed = await badgeIndex(db, 'zh-CN');
    expect(packed).not.toBeNull();
    const index = new BadgeIndex(JSON.parse(JSON.stringify(packed)));
    const orders = demoOrders();
    const rows: Ref[][] = [
      ...orders.map((o): Ref[] => [{ kind: 'order', value: o.orderId }, { kind: 'id', value: o.nick }]),
      ...orders.map((o): Ref[] => [{ kind: 'name', value: o.name }]),
      ...orders.map((o): Ref[] => [{ kind: 'phone', value: o.mobile }, { kind: 'name', value: o.name }]),
      // Strangers: an order number and a buyer the shop has never seen, a masked name.
      ...orders.slice(0, 50).map((o): Ref[] => [{ kind: 'order', value: `9${o.orderId}` }, { kind: 'id', value: `${o.nick}_x` }]),
      [{ kind: 'name', value: '王**' }],
    ];
    const matches = await lookupRows(db, 'taobao', rows, 'zh-CN');
    const expected = matches.map(lookOf);
    expect(rows.map((refs) => index.look(refs, 'taobao'))).toEqual(expected);
    // Not vacuous: real tiers, strangers unknown, and the shop's shared names marked ambiguous.
    expect(expected.filter((look) => look?.kind === 'customer' && look.tier !== null).length).toBeGreaterThan(orders.length);
    expect(expected.slice(-51).every((look) => look === null)).toBe(true);
    const wangWei = new Set(orders.filter((o) => o.name === '王伟').map((o) => o.nick)).size;
    expect(wangWei).toBeGreaterThan(1);
    expect(expected.some((look) => look?.kind === 'ambiguous' && look.count === wangWei)).toBe(true);
  });

  it('is built again with a new version once the store changes', async () => {
    const db = await demoShop();
    const before = await badgeIndex(db, 'en');
    expect(before?.version).toBe(lookupVersion(db));
    expect(await badgeIndex(db, 'en')).toBe(before);
    clearLookupCache(db);
    const after = await badgeIndex(db, 'en');
    expect(after?.version).not.toBe(before?.version);
    expect(after?.version).toBe(lookupVersion(db));
  });
});
