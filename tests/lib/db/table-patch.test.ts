import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { countOpeningKpis, keepOpeningKpis, openCustomerTable, storedTableRecords, TableQueries } from '../../../lib/db/customer-table';
import { rescore } from '../../../lib/db/rescore';
import { rescoreTouched } from '../../../lib/db/rescore-touched';
import type { Database } from '../../../lib/db/schema';
import { CustomerTable, type CustomerTableHead, type ListedCustomer, type TableQuery, type TableRecord } from '../../../lib/customer-table';
import { PatchedTable, partName, type StoredTablePatch } from '../../../lib/table-patch';
import { DEFAULT_KPI_SETTINGS, OPENING_PERIOD, TREND_PERIODS } from '../../../lib/kpis';
import { previewRuleFile } from '../../../lib/engine/preview';
import { defaultRegistry } from '../../../lib/engine/registry';
import type { OverviewRecord } from '../../../lib/overview';
import { segmentsOfCounts } from '../../../lib/segments';
import { keyHashes, movement, SnapshotReader } from '../../../lib/snapshots';
import { snapshotDays, snapshotOf } from '../../../lib/db/snapshots';
import { ROOT } from '../../helpers';
import { importText, shopsAfterADay, WOO_HEADER } from './day-of-orders';
import { isoDay, localDayNumber } from '../../../lib/time';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ALL: TableQuery = { shop: null, text: '', byOrder: [], tier: null, badge: null, sortBy: 'monetary', ascending: false };

/** What a sort orders by, as the list shows it: the sequence a list must give whatever the order of ties. */
const SHOWN: Record<string, (row: ListedCustomer) => unknown> = {
  monetary: (row) => row.monetaryMinor,
  orderCount: (row) => row.orderCount,
  avgOrderValue: (row) => row.avgOrderValue,
  rfmCode: (row) => row.rfmCode,
};

/** Everything the Customers page, the KPIs, the Segments' exports and the rule preview read of the table. */
async function readings(db: Database, overview: OverviewRecord) {
  const opened = (await openCustomerTable(db))!;
  const { table } = opened;
  const queries: TableQuery[] = [
    ...Object.keys(SHOWN).flatMap((sortBy) => [{ ...ALL, sortBy }, { ...ALL, sortBy, ascending: true }]),
    { ...ALL, shop: 'woocommerce' },
    { ...ALL, text: 'marie' },
    { ...ALL, text: '@example.' },
    { ...ALL, tag: '回访' },
    { ...ALL, group: { fact: 'lifecycleStage', value: 'new' } },
    { ...ALL, rfm: { r: 5, f: 1 } },
    ...segmentsOfCounts(overview.all.segments).flatMap((segment): TableQuery[] => (segment.kind === 'tier' ? [{ ...ALL, tier: segment.ref }] : segment.kind === 'badge' ? [{ ...ALL, badge: segment.ref }] : [])),
  ];
  const lists = [];
  for (const query of queries) {
    const answer = await table.query(query, 0, 100_000);
    const byKey = [...answer.rows].sort((a, b) => (a.key < b.key ? -1 : 1));
    lists.push({ query, total: answer.total, customers: answer.customers, choices: answer.choices, byKey, sorted: answer.rows.map(SHOWN[query.sortBy]!) });
  }
  const rulesDir = join(ROOT, 'rules');
  const previews = [];
  for (const file of readdirSync(rulesDir).filter((name) => name.endsWith('.json'))) {
    const preview = await previewRuleFile(readFileSync(join(rulesDir, file), 'utf8'), file, defaultRegistry(), (facts) => table.factRows(facts));
    previews.push({ file, matches: preview.matches, rules: preview.rules });
  }
  const members = [];
  for (const segment of segmentsOfCounts(overview.all.segments)) members.push(await table.members(segment, null));
  // The day's snapshot: where each customer stands, and how many moved since the month before, by ref.
  const [earlier, today] = await Promise.all((await snapshotDays(db)).map((day) => snapshotOf(db, day)));
  const everyone = (await table.query(ALL, 0, 100_000)).rows.map((row) => row.key).sort();
  const reader = new SnapshotReader(today!);
  const moved = (['tier', 'segment', 'stage'] as const).map((dimension) => {
    const { groups, counts, arrived, left } = movement(earlier!, today!, dimension);
    const cells = counts.flatMap((row, from) => row.flatMap((n, to) => (n > 0 ? [`${groups[from]!.ref} → ${groups[to]!.ref}: ${n}`] : []))).sort();
    return { dimension, cells, arrived: arrived.flatMap((n, to) => (n > 0 ? [`${groups[to]!.ref}: ${n}`] : [])).sort(), left };
  });
  return {
    standings: everyone.map((key) => [key, reader.standingOf(keyHashes(key))]),
    moved,
    notListed: opened.notListed,
    size: table.head.size,
    lists,
    kpis: await table.kpis(null, OPENING_PERIOD, DEFAULT_KPI_SETTINGS, TREND_PERIODS),
    shopKpis: await table.kpis('woocommerce', { kind: 'month', back: 0 }, DEFAULT_KPI_SETTINGS),
    cohorts: await table.cohorts(null, 'month', 6, 'CNY'),
    // What the rule preview weighs amounts against: each currency's buyers' spend, sorted.
    spend: [...(await table.spend())].map(([currency, list]) => [currency, Array.from(list)]),
    previews,
    members,
  };
}

describe('the customer table under a rescore of the touched', () => {
  it('lists, sorts, filters, searches, counts KPIs, previews rules and counts movement as the whole rescore after it does', async () => {
    const { db, asOf, newBuyers } = await shopsAfterADay();
    const stale = (await openCustomerTable(db))!;
    // The import's new customers are not listed yet, and the page says how many.
    expect(newBuyers).toBeGreaterThan(0);
    expect(stale.notListed).toBe(newBuyers);
    expect((await stale.table.query({ ...ALL, text: 'grace' }, 0, 10)).total).toBe(0);

    expect(await rescoreTouched(db, asOf)).toMatchObject({ state: 'done' });
    const overview = (await db.get('meta', 'overview')) as OverviewRecord;
    const patched = await readings(db, overview);
    expect(await rescore(db, { reason: 'import', ...asOf })).toMatchObject({ state: 'done', modelsKept: true });
    const whole = await readings(db, overview);
    expect(patched).toEqual(whole);

    // Not vacuous: the day's customers are listed with their new figures, and the lists are full.
    expect(patched.notListed).toBe(0);
    const grace = patched.lists.find((list) => list.query.text === '@example.')!;
    expect(grace.byKey.map((row) => row.key)).toContain('woocommerce:grace@example.com');
    expect(grace.byKey.find((row) => row.key === 'woocommerce:ada@example.com')).toMatchObject({ orderCount: 2, monetaryMinor: 41_500 });
    expect(patched.lists.every((list) => list.total > 0)).toBe(true);
    expect(patched.lists.find((list) => list.query.tag === '回访')!.byKey.map((row) => row.key)).toEqual(['woocommerce:b@example.com']);
    expect(patched.previews.some((preview) => preview.matches > 0)).toBe(true);
    expect(patched.standings.find(([key]) => key === 'woocommerce:grace@example.com')![1]).not.toBeNull();
    expect(patched.moved[0]!.cells.length).toBeGreaterThan(1);
  });

  it('leaves the day’s snapshot as the whole rescore wrote it, the touched’s standings kept beside it until the next whole rescore of the day', async () => {
    const { db, asOf, dayCustomers } = await shopsAfterADay();
    const day = localDayNumber(asOf.asOf, asOf.timeZone);
    const written = (await db.get('snapshots', day))!;
    expect(await rescoreTouched(db, asOf)).toMatchObject({ state: 'done', complete: true });
    // Only the day's patch was written: the day's record is the whole rescore's, byte for byte.
    expect(new Uint8Array((await db.get('snapshots', day))!.bytes)).toEqual(new Uint8Array(written.bytes));
    expect((await db.get('snapshotPatches', day))!.size).toBe(dayCustomers);
    expect(await db.getAllKeys('snapshotPatches')).toEqual([day]);
    // Read back, the day holds the new buyers the record alone lacks.
    const grace = keyHashes('woocommerce:grace@example.com');
    expect(new SnapshotReader(written).standingOf(grace)).toBeNull();
    expect(new SnapshotReader((await snapshotOf(db, day))!).standingOf(grace)).not.toBeNull();
    // The whole rescore of the day writes the day whole: the patch goes with it.
    expect(await rescore(db, { reason: 'import', ...asOf })).toMatchObject({ state: 'done', modelsKept: true });
    expect(await db.getAllKeys('snapshotPatches')).toEqual([]);
    expect(new SnapshotReader((await db.get('snapshots', day))!).standingOf(grace)).not.toBeNull();
  });

  it('has the next day’s rescore read the day’s standings with the touched’s over them: a new buyer’s tier dates from the day', async () => {
    const { db, asOf } = await shopsAfterADay();
    const day = localDayNumber(asOf.asOf, asOf.timeZone);
    expect(await rescoreTouched(db, asOf)).toMatchObject({ state: 'done', complete: true });
    const grace = keyHashes('woocommerce:grace@example.com');
    const onTheDay = new SnapshotReader((await snapshotOf(db, day))!).standingOf(grace)!;
    expect(await rescore(db, { reason: 'daily', ...asOf, asOf: asOf.asOf + 86_400_000 })).toMatchObject({ state: 'done' });
    const nextDay = new SnapshotReader((await db.get('snapshots', day + 1))!).standingOf(grace)!;
    expect(nextDay.tier).toBe(onTheDay.tier);
    expect(nextDay.tierSince).toBe(day);
    // And the day, read back, is still the day with its patch.
    expect(new SnapshotReader((await snapshotOf(db, day))!).standingOf(grace)).toEqual(onTheDay);
  });

  it('opens a day’s patch without its rows’ text, reads each of its parts once where first needed, and never a newer patch’s', async () => {
    const { db, asOf } = await shopsAfterADay();
    expect(await rescoreTouched(db, asOf)).toMatchObject({ state: 'done' });
    const head = (await db.get('customerTable', 'head')) as CustomerTableHead;
    const stored = (await db.get('customerTable', `${head.built}/patch`)) as { patch: StoredTablePatch };
    expect(stored.patch.records.map((record) => record.name).sort()).toEqual(['badgeSet', 'head', 'shop', 'tier']);
    expect(stored.patch.apart).toEqual(expect.arrayContaining(['rows:0', 'search:0', 'occasionEnd', 'fact:monetary']));
    const partsRead = vi.spyOn(IDBObjectStore.prototype, 'get');
    const reads = (name: string) => partsRead.mock.calls.filter(([key]) => typeof key === 'string' && key.includes('/patch:') && key.endsWith(`:${name}`)).length;
    const anyPart = () => partsRead.mock.calls.filter(([key]) => typeof key === 'string' && key.includes('/patch:')).length;
    try {
      const { table } = (await openCustomerTable(db))!;
      expect(anyPart()).toBe(0);
      // A count reads the columns it counts and no row's text; a list and a search, the text they show and search.
      await table.query({ ...ALL, sortBy: 'orderCount' }, 0, 0);
      expect([reads('fact:orderCount'), reads('rows:0'), reads('search:0')]).toEqual([1, 0, 0]);
      const listed = await table.query(ALL, 0, 100_000);
      expect(listed.rows.map((row) => row.key)).toContain('woocommerce:grace@example.com');
      await table.query({ ...ALL, text: 'grace' }, 0, 10);
      await table.query({ ...ALL, text: 'ada' }, 0, 10);
      await table.query(ALL, 0, 100_000);
      expect([reads('rows:0'), reads('search:0')]).toEqual([1, 1]);

      // Ada orders again in the evening: a page still on the morning's table is told it was replaced,
      // rather than shown the evening's rows at the morning's places.
      const { table: morning } = (await openCustomerTable(db))!;
      await importText(db, 'evening.csv', `${WOO_HEADER}\n42,${isoDay(localDayNumber(asOf.asOf, asOf.timeZone))},ada@example.com,Ada,Lovelace,70.00`);
      expect(await rescoreTouched(db, asOf)).toMatchObject({ state: 'done' });
      await expect(morning.query({ ...ALL, text: 'ada' }, 0, 10)).rejects.toThrow(/rebuilt/);
      // The morning's parts are gone with it; the evening's are read.
      const evening = (await db.get('customerTable', `${head.built}/patch`)) as { patch: StoredTablePatch };
      expect(evening.patch.written).not.toBe(stored.patch.written);
      const keys = (await db.getAllKeys('customerTable')).map(String).filter((key) => key.startsWith(`${head.built}/patch:`));
      expect(keys.length).toBe(evening.patch.apart!.length);
      expect(keys.every((key) => key.startsWith(`${head.built}/patch:${evening.patch.written}:`))).toBe(true);
      const { table: now } = (await openCustomerTable(db))!;
      expect((await now.query({ ...ALL, text: 'ada' }, 0, 10)).rows.find((row) => row.key === 'woocommerce:ada@example.com')).toMatchObject({ orderCount: 3 });
    } finally {
      partsRead.mockRestore();
    }
  });

  it('reads a patch the release before stored in one record as this release’s, stored apart', async () => {
    const { db, asOf } = await shopsAfterADay();
    expect(await rescoreTouched(db, asOf)).toMatchObject({ state: 'done' });
    const overview = (await db.get('meta', 'overview')) as OverviewRecord;
    const apart = await readings(db, overview);
    // As the release before wrote it: every record of the small table in the patch's own, no parts.
    const head = (await db.get('customerTable', 'head')) as CustomerTableHead;
    const stored = await storedTableRecords(db);
    const { patch } = stored.get('patch') as { patch: StoredTablePatch };
    const parts = patch.apart!.map((name) => ({ ...stored.get(partName(patch, name))!, name }) as TableRecord);
    expect(parts.map((part) => part.name)).toContain('rows:0');
    // The spend lists it brings were held in the patch's record itself.
    const isSpend = (part: TableRecord) => part.name.startsWith('spend:');
    const spend = parts.filter(isSpend).map((part): [string, ArrayBuffer] => [part.name.slice('spend:'.length), (part as { bytes: ArrayBuffer }).bytes]);
    expect(spend.length).toBeGreaterThan(0);
    const { apart: _, spendCurrencies: __, ...before } = patch;
    const storePatch = async (record: StoredTablePatch, keptParts: TableRecord[]) => {
      const tx = db.transaction('customerTable', 'readwrite');
      await Promise.all([
        tx.store.delete(IDBKeyRange.bound(`${head.built}/patch:`, `${head.built}/patch:\uffff`)),
        tx.store.put({ name: `${head.built}/patch`, patch: record }),
        ...keptParts.map((part) => tx.store.put({ ...part, name: `${head.built}/${partName(patch, part.name)}` } as TableRecord)),
        tx.done,
      ]);
    };
    await storePatch({ ...before, records: [...patch.records, ...parts.filter((part) => !isSpend(part))], spend }, []);
    expect([...(await storedTableRecords(db)).keys()].filter((name) => name.startsWith('patch:'))).toEqual([]);
    expect(await readings(db, overview)).toEqual(apart);
    // And as the last release wrote it: its parts apart, the spend lists in the patch's record.
    await storePatch({ ...before, apart: parts.filter((part) => !isSpend(part)).map((part) => part.name), spend }, parts.filter((part) => !isSpend(part)));
    expect(await readings(db, overview)).toEqual(apart);
  });

  it('keeps with the patch the opening KPIs as every customer’s purchases count them over it, and the next patch its own', async () => {
    const { db, asOf } = await shopsAfterADay();
    const before = (await openCustomerTable(db))!.table.head.openingKpis!;
    expect(await rescoreTouched(db, asOf)).toMatchObject({ state: 'done' });
    /** Counted afresh from every customer's purchases over the patched table, not the ones kept. */
    const counted = async () => {
      const { table } = (await openCustomerTable(db))!;
      const kept = table.head.openingKpis;
      delete table.head.openingKpis;
      return { kept, counted: await table.kpis(null, OPENING_PERIOD, DEFAULT_KPI_SETTINGS, TREND_PERIODS) };
    };
    const first = await counted();
    expect(first.kept).toEqual(first.counted);
    // Not vacuous: the day's customers moved them.
    expect(first.kept).not.toEqual(before);
    expect(first.kept!.trend).toHaveLength(TREND_PERIODS);
    // Nothing left for the background or a page to count.
    expect(await countOpeningKpis(db)).toBeNull();

    // Later the same day Ada orders again: the next patch keeps its own, and KPIs counted before it are not kept with it.
    const stale = { built: (await openCustomerTable(db))!.table.head.built, written: 0, kpis: first.kept! };
    await importText(db, 'evening.csv', `${WOO_HEADER}\n41,${isoDay(localDayNumber(asOf.asOf, asOf.timeZone))},ada@example.com,Ada,Lovelace,70.00`);
    expect(await rescoreTouched(db, asOf)).toMatchObject({ state: 'done' });
    expect(await keepOpeningKpis(db, stale)).toBe(false);
    const again = await counted();
    expect(again.kept).toEqual(again.counted);
    expect(again.kept).not.toEqual(first.kept);
    // As the whole rescore after the day counts them; the customer equity, a sum of predicted
    // values, up to the last digits of a sum taken in another order of customers.
    const { equity: keptEquity, ...kept } = again.kept!;
    expect(await rescore(db, { reason: 'import', ...asOf })).toMatchObject({ state: 'done', modelsKept: true });
    const { equity, ...whole } = (await openCustomerTable(db))!.table.head.openingKpis!;
    expect(whole).toEqual(kept);
    expect(Object.keys(equity).sort()).toEqual(Object.keys(keptEquity).sort());
    for (const [currency, { customers, value }] of Object.entries(equity)) {
      expect(keptEquity[currency]!.customers).toBe(customers);
      expect(keptEquity[currency]!.value).toBeCloseTo(value, 6);
    }
  });

  it('has the opening KPIs over a patch without them (the release before’s) kept by the query worker that counted them', async () => {
    const { db, asOf } = await shopsAfterADay();
    expect(await rescoreTouched(db, asOf)).toMatchObject({ state: 'done' });
    // As the release before stored the patch: without the KPIs, which the background counted after.
    const head = (await db.get('customerTable', 'head')) as CustomerTableHead;
    const stored = (await db.get('customerTable', `${head.built}/patch`)) as { name: string; patch: StoredTablePatch };
    const { openingKpis: _counted, ...without } = stored.patch;
    await db.put('customerTable', { ...stored, patch: without } as TableRecord);
    expect((await openCustomerTable(db))!.table.head.openingKpis).toBeUndefined();
    const queries = new TableQueries(async () => db);
    const ask = (id: number) => queries.kpis({ kind: 'kpis', id, storeVersion: 'after the day', shop: null, period: OPENING_PERIOD, settings: DEFAULT_KPI_SETTINGS, trend: TREND_PERIODS });
    const first = await ask(1);
    if (first.kind !== 'kpis') throw new Error(`no KPIs: ${first.kind}`);
    expect(first.kpis.current.buyers).toBeGreaterThan(0);
    // Kept with the patch in the store, for every Overview opened later, and for this worker's.
    await vi.waitFor(async () => expect((await openCustomerTable(db))!.table.head.openingKpis).toEqual(first.kpis), { timeout: 10_000 });
    expect(await countOpeningKpis(db)).toBeNull();
    expect(await ask(2)).toEqual({ ...first, id: 2 });
  });

  it('reads none of the table’s spend lists the patch brings its own of', async () => {
    const { db, asOf } = await shopsAfterADay();
    expect(await rescoreTouched(db, asOf)).toMatchObject({ state: 'done' });
    const stored = await storedTableRecords(db);
    const head = stored.get('head') as CustomerTableHead;
    const { patch } = stored.get('patch') as { patch: StoredTablePatch };
    // Stored apart from the record the patch is opened from, as its parts are.
    expect(patch.spend).toBeUndefined();
    expect(patch.spendCurrencies?.length).toBeGreaterThan(0);
    const brought = patch.spendCurrencies!.map((currency) => [currency, [...new Float64Array((stored.get(partName(patch, `spend:${currency}`)) as { bytes: ArrayBuffer }).bytes)]]);
    const read: string[] = [];
    const table = new CustomerTable(head, async (names) => {
      read.push(...names);
      return new Map(names.map((name) => { const record = stored.get(name)!; return [name, 'text' in record ? record.text : (record as { bytes: ArrayBuffer }).bytes] as const; }));
    }, new PatchedTable(head, patch));
    const spend = await (await table.factRows(['monetary', 'orderCount'])).spend();
    expect(read.filter((name) => name.startsWith('spend:'))).toEqual([]);
    expect([...spend].map(([currency, list]) => [currency, [...list]])).toEqual(brought);
    // Each the table's list with the day's customers in: as long as the buyers of its currency.
    for (const [currency, list] of brought as Array<[string, number[]]>) expect(list.length).toBe((await table.query({ ...ALL, shop: null }, 0, 100_000)).rows.filter((row) => row.currency === currency && row.orderCount > 0).length);
  });

  it('offers as filter choices only the tiers and badges some customer holds after the day', async () => {
    const { db, asOf } = await shopsAfterADay();
    const before = (await (await openCustomerTable(db))!.table.query({ ...ALL, shop: 'woocommerce' }, 0, 100_000)).choices;
    // Later the same day every WooCommerce buyer orders again: none of them is lapsed or at risk now.
    const day = isoDay(localDayNumber(asOf.asOf, asOf.timeZone));
    const emails = ['a@example.com', 'b@example.com', 'marie@example.org', 'ada@example.com', 'grace@example.com', 'marie.c@example.net'];
    await importText(db, 'evening.csv', [WOO_HEADER, ...emails.map((email, i) => `${31 + i},${day},${email},Buyer,${i},60.00`)].join('\n'));
    expect(await rescoreTouched(db, asOf)).toMatchObject({ state: 'done' });
    const { table } = (await openCustomerTable(db))!;
    const offered = new Map<string | null, Set<string>>();
    for (const shop of [null, ...table.head.shops]) {
      const answer = await table.query({ ...ALL, shop }, 0, 100_000);
      // Counted from the rows listed, not from the table's own record of them.
      const held = { tiers: new Set(answer.rows.flatMap((row) => (row.tier ? [row.tier.ref] : []))), badges: new Set(answer.rows.flatMap((row) => row.badges.map((badge) => badge.ref))) };
      expect(answer.rows.length).toBeGreaterThan(0);
      expect(answer.customers).toBe(answer.rows.length);
      expect(new Set(answer.choices.tiers.map((tier) => tier.ref))).toEqual(held.tiers);
      expect(new Set(answer.choices.badges.map((badge) => badge.ref))).toEqual(held.badges);
      offered.set(shop, held.badges);
    }
    // Not vacuous: the shop offered badges before the day that nobody of it holds after.
    expect(before.badges.filter((badge) => !offered.get('woocommerce')!.has(badge.ref)).length).toBeGreaterThan(0);
  });
});
