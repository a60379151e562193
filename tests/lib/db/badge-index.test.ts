import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadgeIndexBuilder, FILTER, TABLE_MAX_LOOKS, WHOLE_INDEX_MAX, badgeLooks, badgePatch, indexLooks, shardBits, storedBadgeIndex, storedLook, wholeBadgeIndex, writeBadgeIndex, type BadgeIndexHead, type BuiltBadgeIndex } from '../../../lib/db/badge-index';
import { clearLookupCache, lookupRows } from '../../../lib/db/lookup';
import { importFile } from '../../../lib/db/importer';
import { rescore, updateRescoreNeeded } from '../../../lib/db/rescore';
import { openTiermarkDB, storeCounts } from '../../../lib/db/schema';
import { DEMO_EXPORT_END, demoOrders } from '../../../lib/demo/shop';
import { sha256Hex } from '../../../lib/import/encoding';
import { both } from '../../../lib/localised';
import { BadgeIndex, keyHashes, lookOf } from '../../../lib/overlay/badge-index';
import type { Ref } from '../../../lib/overlay/site-adapter';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { chunked, FIXTURES, importable } from '../../helpers';
import { aliasDigest } from '../../../lib/db/alias-digest';

async function demoShop() {
  const db = await openTiermarkDB(`badge-index-test-${Math.random()}`);
  const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'demo/ExportOrderList202611201200.csv')));
  await importFile(db, await importable('ExportOrderList202611201200.csv', bytes, 65_536), {});
  await rescore(db, { reason: 'import', timeZone: 'Asia/Shanghai', settings: DEFAULT_SCORE_SETTINGS, asOf: DEMO_EXPORT_END });
  return db;
}

const VIP = storedLook({ label: both('VIP', 'VIP会员'), colour: '#c0392b' }, [{ label: both('Churn risk', '流失预警'), colour: '#e67e22' }]);
const PLAIN = storedLook(null, []);
/** An index's shards by number (the filter's among them), to compare one written with one built. */
const inOrder = (index: BuiltBadgeIndex | null) => index && { ...index, shards: [...index.shards].sort((a, b) => a.shard - b.shard) };
/** The counts of a store no import has written: an index built for it is current. */
const NO_COUNTS = { customers: 0, orders: 0 };

describe('the badge index the rescore writes in shards', () => {
  it('gives customers with the same tier and badges one look, however their outcomes were made', async () => {
    const builder = new BadgeIndexBuilder();
    const gold = both('Gold', '金卡');
    const churn = both('Churn risk', '流失预警');
    // A rule's shared outcome, a tier made for each customer (its benefits read their facts) with the same label, and an equal label made apart.
    const shared = { label: gold, colour: '#b7950b' };
    const outcomes = [
      [shared, [{ label: churn, colour: '#e67e22' }]],
      [shared, []],
      [{ label: gold, colour: '#b7950b', benefits: ['a'] }, []],
      [{ label: both('Gold', '金卡'), colour: '#b7950b' }, []],
      [{ label: gold, colour: '#000000' }, []],
      [null, [{ label: churn, colour: '#e67e22' }, { label: both('VIP', 'VIP'), colour: '#111111' }, { label: both('Third', '三'), colour: '#222222' }]],
      [null, [{ label: churn, colour: '#e67e22' }, { label: both('VIP', 'VIP'), colour: '#111111' }, { label: both('Fourth', '四'), colour: '#333333' }]],
    ] as const;
    outcomes.forEach(([tier, badges], i) => builder.addCustomer({ key: `taobao:b${i}`, platform: 'taobao', buyerId: `b${i}` }, builder.lookOf(tier, badges)));
    const { head } = builder.finish('build-1', NO_COUNTS);
    // Gold with churn, Gold, Gold in black, and churn with VIP (a third badge is not shown).
    expect(head.looks).toEqual([
      storedLook(shared, [{ label: churn, colour: '#e67e22' }]),
      storedLook(shared, []),
      storedLook({ label: gold, colour: '#000000' }, []),
      storedLook(null, [{ label: churn, colour: '#e67e22' }, { label: both('VIP', 'VIP'), colour: '#111111' }]),
    ]);
  });

  it('finds every identifier in its shard, in either language, and nothing else', async () => {
    const db = await openTiermarkDB(`badge-shards-${Math.random()}`);
    const builder = new BadgeIndexBuilder();
    const customers = 40_000;
    for (let i = 0; i < customers; i += 1) builder.addCustomer({ key: `taobao:buyer${i}`, platform: 'taobao', buyerId: `buyer${i}` }, i % 3 ? PLAIN : VIP);
    // The same buyer id in a second Taobao shop names two customers; on JD it is another platform's.
    builder.addCustomer({ key: 'taobao-2:buyer7', platform: 'taobao', buyerId: 'buyer7' }, VIP);
    builder.addCustomer({ key: 'jd:jd_buyer', platform: 'jd', buyerId: 'jd_buyer' }, VIP);
    builder.addDigest(aliasDigest(0, { 'order:2847561230001': ['taobao:buyer1'], 'name:王伟': ['taobao:buyer1', 'taobao:buyer2'], 'ext:99': ['taobao:buyer3'], 'order:5': ['taobao:nobody'] }));
    const index = builder.finish('build-1', NO_COUNTS);
    await writeBadgeIndex(db, index);

    // Shards by hash, each some kilobytes: what a page reads does not grow with the shop.
    expect(index.head.bits).toBe(shardBits(customers + 3));
    const shards = index.shards.filter((s) => s.shard !== FILTER);
    expect(shards.length).toBe(1 << index.head.bits);
    expect(Math.max(...shards.map((s) => s.bytes.byteLength))).toBeLessThan(20_000);
    // The filter that spares a shard read for words no customer has: 10 bits an identifier.
    expect(index.shards.find((s) => s.shard === FILTER)!.bytes.byteLength).toBe(2 ** Math.ceil(Math.log2((customers + 3) * 10)) / 8);
    const entries = shards.reduce((n, s) => n + s.bytes.byteLength / 10, 0);
    // Every buyer id once (buyer7's two shops as one entry), the JD buyer's id, the order and the name; not the ext: id nor an alias of nobody.
    expect(entries).toBe(customers + 1 + 2);

    const zh = (rows: Ref[][], platform: 'taobao' | 'jd' | null = 'taobao') => badgeLooks(db, platform, rows, 'zh-CN');
    const vipZh = { kind: 'customer', tier: { label: 'VIP会员', colour: '#c0392b' }, badges: [{ label: '流失预警', colour: '#e67e22' }] };
    const plain = { kind: 'customer', tier: null, badges: [] };
    expect(await zh([[{ kind: 'id', value: 'buyer0' }], [{ kind: 'id', value: 'buyer1' }], [{ kind: 'id', value: 'buyer39999' }]])).toEqual([vipZh, plain, vipZh]);
    expect(await badgeLooks(db, 'taobao', [[{ kind: 'id', value: 'buyer3' }]], 'en')).toEqual([{ ...vipZh, tier: { label: 'VIP', colour: '#c0392b' }, badges: [{ label: 'Churn risk', colour: '#e67e22' }] }]);
    expect(await zh([[{ kind: 'order', value: '2847561230001' }], [{ kind: 'name', value: ' 王伟 ' }], [{ kind: 'id', value: 'buyer7' }]])).toEqual([plain, { kind: 'ambiguous', count: 2 }, { kind: 'ambiguous', count: 2 }]);
    // Strongest ref first: the order number names one customer where the name names two.
    expect(await zh([[{ kind: 'name', value: '王伟' }, { kind: 'order', value: '2847561230001' }]])).toEqual([plain]);
    // Unknown identifiers, a platform's own order id, and a buyer id of another platform: nothing.
    expect(await zh([[{ kind: 'id', value: 'buyer40000' }], [{ kind: 'order', value: '99' }], [{ kind: 'order', value: '5' }], [{ kind: 'id', value: 'jd_buyer' }]])).toEqual([null, null, null, null]);
    expect(await zh([[{ kind: 'id', value: 'jd_buyer' }], [{ kind: 'id', value: 'buyer8' }]], 'jd')).toEqual([vipZh, null]);
    // On a page of no known platform, a buyer id is any platform's: one customer on JD, two in Taobao shops.
    expect(await zh([[{ kind: 'id', value: 'jd_buyer' }], [{ kind: 'id', value: 'buyer7' }], [{ kind: 'id', value: 'buyer9' }]], null)).toEqual([vipZh, { kind: 'ambiguous', count: 2 }, vipZh]);
  });

  it('gives an alias the look of the customer it names, also where two keys share a first hash', async () => {
    // Two customer keys whose first 32-bit hash is the same: the second hash tells them apart.
    const firsts = new Map<number, number>();
    let pair: [number, number] | null = null;
    for (let i = 0; pair === null; i += 1) {
      const first = keyHashes(`taobao:d${i}`)[0];
      const seen = firsts.get(first);
      if (seen === undefined) firsts.set(first, i);
      else pair = [seen, i];
    }
    const builder = new BadgeIndexBuilder();
    const customers = 5000;
    const keys = [...Array.from({ length: customers }, (_, i) => `c${i}`), ...pair.map((n) => `d${n}`)];
    keys.forEach((id, i) => builder.addCustomer({ key: `taobao:${id}`, platform: 'taobao', buyerId: id }, i === customers ? VIP : i === customers + 1 ? PLAIN : i % 2 ? VIP : PLAIN));
    builder.addDigest(aliasDigest(0, Object.fromEntries(keys.map((id, i) => [`order:${9_000_000_000 + i}`, [`taobao:${id}`]]))));
    const db = await openTiermarkDB(`badge-alias-${Math.random()}`);
    await writeBadgeIndex(db, builder.finish('build-1', NO_COUNTS));
    const orderOf = (n: number): Ref[] => [{ kind: 'order', value: String(9_000_000_000 + n) }];
    const tierOf = (look: unknown) => (look as { tier: { label: string } | null } | null)?.tier?.label ?? null;
    const looks = await badgeLooks(db, 'taobao', keys.map((_, i) => orderOf(i)), 'en');
    expect(looks!.every((look) => look !== null)).toBe(true);
    expect(looks!.map(tierOf)).toEqual(keys.map((_, i) => (i === customers ? 'VIP' : i === customers + 1 ? null : i % 2 ? 'VIP' : null)));
  });

  it('tells apart buyer ids that share a first hash, one of them in two shops', async () => {
    const firsts = new Map<number, number>();
    let pair: [number, number] | null = null;
    for (let i = 0; pair === null; i += 1) {
      const first = keyHashes(`id:taobao:e${i}`)[0];
      const seen = firsts.get(first);
      if (seen === undefined) firsts.set(first, i);
      else pair = [seen, i];
    }
    const [a, b] = pair.map((n) => `e${n}`) as [string, string];
    const builder = new BadgeIndexBuilder();
    for (let i = 0; i < 3000; i += 1) builder.addCustomer({ key: `taobao:c${i}`, platform: 'taobao', buyerId: `c${i}` }, PLAIN);
    // The first of the two, the second, then the first again in a second shop: the two entries of the first are one, ambiguous.
    builder.addCustomer({ key: `taobao:${a}`, platform: 'taobao', buyerId: a }, VIP);
    builder.addCustomer({ key: `taobao:${b}`, platform: 'taobao', buyerId: b }, VIP);
    builder.addCustomer({ key: `taobao-2:${a}`, platform: 'taobao', buyerId: a }, PLAIN);
    const index = builder.finish('build-1', NO_COUNTS);
    expect(index.head.entries).toBe(3000 + 2);
    const db = await openTiermarkDB(`badge-shared-first-${Math.random()}`);
    await writeBadgeIndex(db, index);
    const looks = await badgeLooks(db, 'taobao', [[{ kind: 'id', value: a }], [{ kind: 'id', value: b }], [{ kind: 'id', value: 'c7' }]], 'en');
    expect(looks).toEqual([{ kind: 'ambiguous', count: 2 }, { kind: 'customer', tier: { label: 'VIP', colour: '#c0392b' }, badges: [{ label: 'Churn risk', colour: '#e67e22' }] }, { kind: 'customer', tier: null, badges: [] }]);
  });

  it('gives every row of the demo shop the badge the lookup gives it, from the shards and from the whole index a page gets, on a known platform and on none', async () => {
    const db = await demoShop();
    const orders = demoOrders();
    const rows: Ref[][] = [
      ...orders.map((o): Ref[] => [{ kind: 'order', value: o.orderId }, { kind: 'id', value: o.nick }]),
      ...orders.map((o): Ref[] => [{ kind: 'id', value: o.nick }]),
      ...orders.map((o): Ref[] => [{ kind: 'name', value: o.name }]),
      ...orders.map((o): Ref[] => [{ kind: 'phone', value: o.mobile }, { kind: 'name', value: o.name }]),
      // Strangers: an order number and a buyer the shop has never seen, a masked name.
      ...orders.slice(0, 50).map((o): Ref[] => [{ kind: 'order', value: `9${o.orderId}` }, { kind: 'id', value: `${o.nick}_x` }]),
      [{ kind: 'name', value: '王**' }],
    ];
    // The whole index a small shop's seller page gets, decoded there as the page decodes it.
    const whole = new BadgeIndex(JSON.parse(JSON.stringify(await wholeBadgeIndex(db, 'zh-CN', 'v1'))));
    expect(whole.version).toBe('v1');
    for (const platform of ['taobao', null] as const) {
      const expected = (await lookupRows(db, platform, rows, 'zh-CN')).map(lookOf);
      expect(await badgeLooks(db, platform, rows, 'zh-CN')).toEqual(expected);
      expect(rows.map((refs) => whole.look(refs, platform))).toEqual(expected);
      // Not vacuous: real tiers, strangers unknown, and the shop's shared names marked ambiguous.
      expect(expected.filter((look) => look?.kind === 'customer' && look.tier !== null).length).toBeGreaterThan(orders.length);
      expect(expected.slice(-51).every((look) => look === null)).toBe(true);
      const wangWei = new Set(orders.filter((o) => o.name === '王伟').map((o) => o.nick)).size;
      expect(wangWei).toBeGreaterThan(1);
      expect(expected.some((look) => look?.kind === 'ambiguous' && look.count === wangWei)).toBe(true);
    }
  });

  it('is sent whole to a page only for a shop of up to WHOLE_INDEX_MAX identifiers', async () => {
    const db = await openTiermarkDB(`badge-whole-${Math.random()}`);
    const write = async (customers: number) => {
      const builder = new BadgeIndexBuilder();
      for (let i = 0; i < customers; i += 1) builder.addCustomer({ key: `shopify:${i}`, platform: 'shopify', buyerId: `b${i}@example.com` }, PLAIN);
      await writeBadgeIndex(db, builder.finish(`build-${customers}`, NO_COUNTS));
    };
    await write(WHOLE_INDEX_MAX);
    const whole = await wholeBadgeIndex(db, 'en', 'v');
    expect(whole?.size).toBe(WHOLE_INDEX_MAX);
    expect(new BadgeIndex(whole!).look([{ kind: 'id', value: 'b99999@example.com' }], 'shopify')).toEqual({ kind: 'customer', tier: null, badges: [] });
    await write(WHOLE_INDEX_MAX + 1);
    expect(await wholeBadgeIndex(db, 'en', 'v')).toBeNull();
  });

  it('is written again by each rescore, and a page is answered from the new build only', async () => {
    const db = await demoShop();
    const row: Ref[][] = [[{ kind: 'id', value: demoOrders()[0]!.nick }]];
    const before = (await db.get('meta', 'badgeIndex')) as BadgeIndexHead;
    const first = await badgeLooks(db, 'taobao', row, 'en');
    expect(first?.[0]).toBeTruthy();
    // A rebuild behind the cache's back (another context's rescore): its looks are numbered anew.
    const builder = new BadgeIndexBuilder();
    builder.addCustomer({ key: 'taobao:someone', platform: 'taobao', buyerId: 'someone' }, PLAIN);
    builder.addCustomer({ key: `taobao:${demoOrders()[0]!.nick}`, platform: 'taobao', buyerId: demoOrders()[0]!.nick }, VIP);
    await writeBadgeIndex(db, builder.finish('build-2', await storeCounts(db)));
    expect(await badgeLooks(db, 'taobao', row, 'en')).toEqual([{ kind: 'customer', tier: { label: 'VIP', colour: '#c0392b' }, badges: [{ label: 'Churn risk', colour: '#e67e22' }] }]);
    await rescore(db, { reason: 'manual', timeZone: 'Asia/Shanghai', settings: DEFAULT_SCORE_SETTINGS, asOf: DEMO_EXPORT_END });
    clearLookupCache(db);
    const after = (await db.get('meta', 'badgeIndex')) as BadgeIndexHead;
    expect(after.built).not.toBe(before.built);
    expect(after.entries).toBe(before.entries);
    expect(await badgeLooks(db, 'taobao', row, 'en')).toEqual(first);
  });

  it('is written beside the build pages read: a page asking meanwhile is answered from the old build, never a mix, and one build stays', async () => {
    const db = await openTiermarkDB(`badge-beside-${Math.random()}`);
    const built = (build: string, look: typeof VIP) => {
      const builder = new BadgeIndexBuilder();
      for (let i = 0; i < 140_000; i += 1) builder.addCustomer({ key: `taobao:buyer${i}`, platform: 'taobao', buyerId: `buyer${i}` }, look);
      return builder.finish(build, NO_COUNTS);
    };
    const [first, second] = [built('build-1', VIP), built('build-2', PLAIN)];
    await writeBadgeIndex(db, first);
    // Rows across the shards: a mix would show as some rows of each build.
    const rows: Ref[][] = Array.from({ length: 50 }, (_, i) => [{ kind: 'id', value: `buyer${i * 2789}` }]);
    const tiers = async () => (await badgeLooks(db, 'taobao', rows, 'en'))!.map((look) => (look?.kind === 'customer' ? (look.tier?.label ?? 'none') : null));
    expect(new Set(await tiers())).toEqual(new Set(['VIP']));

    let written = false;
    const writing = writeBadgeIndex(db, second).then((dropLast) => ((written = true), dropLast));
    // More shards than one transaction puts: the page's questions come in between.
    expect(second.shards.length).toBeGreaterThan(2 * 128);
    const answers: string[] = [];
    while (!written) answers.push([...new Set(await tiers())].join());
    const dropLast = await writing;
    expect(answers[0]).toBe('VIP');
    expect(answers.filter((answer) => answer !== 'VIP' && answer !== 'none')).toEqual([]);
    expect(new Set(await tiers())).toEqual(new Set(['none']));
    // The old build's shards stay until the writer's caller lets them go, and answer nothing meanwhile.
    expect(await db.count('badgeShards')).toBeGreaterThan(second.shards.length);
    await dropLast();
    expect(new Set(await tiers())).toEqual(new Set(['none']));
    // The old build's shards went; what is stored reads back as built.
    expect(await db.count('badgeShards')).toBe(second.shards.length);
    expect(inOrder(await storedBadgeIndex(db))).toEqual(inOrder(second));
  });

  it('reads an index an earlier release wrote under the shards’ own numbers, and replaces it', async () => {
    const db = await openTiermarkDB(`badge-earlier-${Math.random()}`);
    const builder = new BadgeIndexBuilder();
    for (let i = 0; i < 3000; i += 1) builder.addCustomer({ key: `taobao:buyer${i}`, platform: 'taobao', buyerId: `buyer${i}` }, i % 2 ? VIP : PLAIN);
    const earlier = builder.finish('build-0', NO_COUNTS);
    const tx = db.transaction(['badgeShards', 'meta'], 'readwrite');
    await Promise.all([...earlier.shards.map((shard) => tx.objectStore('badgeShards').put(shard)), tx.objectStore('meta').put(earlier.head), tx.done]);
    const row = (i: number): Ref[] => [{ kind: 'id', value: `buyer${i}` }];
    const tierOf = (looks: unknown) => (looks as Array<{ tier: { label: string } | null }>).map((look) => look.tier?.label ?? null);
    expect(tierOf(await badgeLooks(db, 'taobao', [row(1), row(2), row(2999)], 'en'))).toEqual(['VIP', null, 'VIP']);
    expect(await wholeBadgeIndex(db, 'en', 'v')).toMatchObject({ size: 3000 });

    const again = new BadgeIndexBuilder();
    for (let i = 0; i < 3000; i += 1) again.addCustomer({ key: `taobao:buyer${i}`, platform: 'taobao', buyerId: `buyer${i}` }, i % 2 ? PLAIN : VIP);
    const next = again.finish('build-1', NO_COUNTS);
    await (await writeBadgeIndex(db, next))();
    expect(tierOf(await badgeLooks(db, 'taobao', [row(1), row(2), row(2999)], 'en'))).toEqual([null, 'VIP', null]);
    expect(await db.count('badgeShards')).toBe(next.shards.length);
    expect(inOrder(await storedBadgeIndex(db))).toEqual(inOrder(next));
  });

  it('is not used once an import has changed the store, until the rescore after it', async () => {
    const db = await demoShop();
    const row: Ref[][] = [[{ kind: 'id', value: demoOrders()[0]!.nick }]];
    expect(await badgeLooks(db, 'taobao', row, 'en')).not.toBeNull();
    expect(await wholeBadgeIndex(db, 'en', 'v')).not.toBeNull();
    // A new buyer's order: the index knows nothing of them, so every row is looked up meanwhile.
    const csv = readFileSync(join(FIXTURES, 'demo/ExportOrderList202611201200.csv'));
    const text = new TextDecoder('gb18030').decode(csv);
    const header = text.slice(0, text.indexOf('\n') + 1);
    const first = text.slice(header.length, text.indexOf('\n', header.length) + 1);
    const nick = demoOrders()[0]!.nick;
    const more = new TextEncoder().encode(header + first.replace(/\d{10,}/, '9999999999999999').replaceAll(nick, '新来的买家'));
    await importFile(db, { name: 'more.csv', size: more.length, hash: await sha256Hex(more), stream: () => chunked(more, 65_536) }, {});
    expect((await storeCounts(db)).customers).toBe(321);
    expect(await badgeLooks(db, 'taobao', row, 'en')).toBeNull();
    expect(await wholeBadgeIndex(db, 'en', 'v')).toBeNull();
    await rescore(db, { reason: 'import', timeZone: 'Asia/Shanghai', settings: DEFAULT_SCORE_SETTINGS, asOf: DEMO_EXPORT_END });
    const rows: Ref[][] = [...row, [{ kind: 'id', value: '新来的买家' }]];
    expect(await badgeLooks(db, 'taobao', rows, 'en')).toEqual((await lookupRows(db, 'taobao', rows, 'en')).map(lookOf));
    expect((await badgeLooks(db, 'taobao', rows, 'en'))?.[1]).toMatchObject({ kind: 'customer' });
  });

  it('is missing only for a shop with customers and no rescore since the index came, and not after that rescore failed', async () => {
    const db = await demoShop();
    expect(await updateRescoreNeeded(db)).toBe(false);
    await db.delete('meta', 'badgeIndex');
    expect(await updateRescoreNeeded(db)).toBe(true);
    expect(await badgeLooks(db, 'taobao', [[{ kind: 'id', value: demoOrders()[0]!.nick }]], 'en')).toBeNull();
    expect(await updateRescoreNeeded(await openTiermarkDB(`empty-${Math.random()}`))).toBe(false);
    // Once the rescore for it has failed, not asked again at every start of the worker.
    await db.put('meta', { ...(await db.get('meta', 'rescore'))!, reason: 'update', state: 'failed' } as never);
    expect(await updateRescoreNeeded(db)).toBe(false);
  });

  it('lists every look the index and its patch hold, in the page’s language, for a seller page to size its badges by', async () => {
    const db = await openTiermarkDB(`index-looks-${Math.random()}`);
    expect(await indexLooks(db, 'en')).toBeNull();
    const builder = new BadgeIndexBuilder();
    builder.addCustomer({ key: 'taobao:a', platform: 'taobao', buyerId: 'a' }, VIP);
    builder.addCustomer({ key: 'taobao:b', platform: 'taobao', buyerId: 'b' }, PLAIN);
    // One buyer id in two shops: the index's own ambiguous look.
    builder.addCustomer({ key: 'taobao:c', platform: 'taobao', buyerId: 'c' }, PLAIN);
    builder.addCustomer({ key: 'taobao-2:c', platform: 'taobao', buyerId: 'c' }, PLAIN);
    const { head, shards } = builder.finish('build-1', NO_COUNTS);
    await writeBadgeIndex(db, { head, shards });
    expect(await indexLooks(db, 'zh-CN')).toEqual(expect.arrayContaining([
      { kind: 'customer', tier: { label: 'VIP会员', colour: '#c0392b' }, badges: [{ label: '流失预警', colour: '#e67e22' }] },
      { kind: 'customer', tier: null, badges: [] },
      { kind: 'ambiguous', count: 2 },
    ]));
    expect(await indexLooks(db, 'zh-CN')).toHaveLength(head.looks.length);
    // A day's rescore of the touched gives a customer a look the whole build never made: the patch's looks count too.
    const gold = storedLook({ label: both('Gold', '金卡'), colour: '#b7950b' }, [{ label: both('Win back', '召回'), colour: '#2980b9' }]);
    await db.put('meta', badgePatch('build-1', NO_COUNTS, [{ customer: { key: 'taobao:b', platform: 'taobao', buyerId: 'b' }, look: gold, added: false }], new Uint32Array(0)) as never);
    expect(await indexLooks(db, 'en')).toContainEqual({ kind: 'customer', tier: { label: 'Gold', colour: '#b7950b' }, badges: [{ label: 'Win back', colour: '#2980b9' }] });
    // Rules whose looks are too many to send every page: none, and the page sizes badges as they come.
    const many = new BadgeIndexBuilder();
    for (let i = 0; i <= TABLE_MAX_LOOKS; i += 1) many.addCustomer({ key: `taobao:m${i}`, platform: 'taobao', buyerId: `m${i}` }, storedLook({ label: both(`Tier ${i}`, `等级 ${i}`), colour: '#000000' }, []));
    await writeBadgeIndex(db, many.finish('build-2', NO_COUNTS));
    await db.delete('meta', 'badgePatch');
    expect(await indexLooks(db, 'en')).toBeNull();
  });
});
