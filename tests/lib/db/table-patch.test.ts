import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openCustomerTable } from '../../../lib/db/customer-table';
import { setNotes } from '../../../lib/db/customer-notes';
import { importFile } from '../../../lib/db/importer';
import { rescore } from '../../../lib/db/rescore';
import { rescoreTouched } from '../../../lib/db/rescore-touched';
import { openTiermarkDB, type Database } from '../../../lib/db/schema';
import { stageStoredCustomer } from '../../../lib/db/touched';
import type { ListedCustomer, TableQuery } from '../../../lib/customer-table';
import { DEFAULT_KPI_SETTINGS, OPENING_PERIOD, TREND_PERIODS } from '../../../lib/kpis';
import { demoExportText, demoOrders } from '../../../lib/demo/shop';
import { previewRuleFile } from '../../../lib/engine/preview';
import { defaultRegistry } from '../../../lib/engine/registry';
import { sha256Hex } from '../../../lib/import/encoding';
import type { OverviewRecord } from '../../../lib/overview';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { segmentsOfCounts } from '../../../lib/segments';
import { keyHashes, movement, SnapshotReader } from '../../../lib/snapshots';
import { snapshotDays } from '../../../lib/db/snapshots';
import { endOfDay } from '../../../lib/time';
import { chunked, ROOT } from '../../helpers';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const HEADER = 'Order Number,Order Date,Email (Billing),First Name (Billing),Last Name (Billing),Order Total';
const FIRST = `${HEADER}
1,2024-01-01,a@example.com,Wei,Wang,10.00
2,2024-01-02,b@example.com,Wei,Wang,20.00
3,2024-02-01,marie@example.org,Marie,Curie,500.00
5,2024-03-02,ada@example.com,Ada,Lovelace,15.00
`;
// The day's: Ada buys big, Grace and a second Marie Curie are new.
const NEXT_DAY = `${HEADER}
6,2024-03-10,ada@example.com,Ada,Lovelace,400.00
7,2024-03-10,grace@example.com,Grace,Hopper,50.00
8,2024-03-10,marie.c@example.net,Marie,Curie,25.00
`;
const ZONE = 'UTC';

async function importText(db: Database, name: string, text: string) {
  const bytes = new TextEncoder().encode(text);
  await importFile(db, { name, size: bytes.length, hash: await sha256Hex(bytes), stream: () => chunked(bytes, 4096) }, {});
}

/** The demo tea shop and a WooCommerce shop scored, then a day's orders of both imported and a tag given. */
async function shopsAfterADay() {
  const db = await openTiermarkDB(`table-patch-${Math.random()}`);
  const orders = demoOrders(400);
  const lastDays = new Set([...new Set(orders.map((o) => o.createdAt.slice(0, 10)))].sort().slice(-3));
  const asOf = { timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay([...lastDays].sort().at(-1)!, ZONE) };
  await importText(db, 'tea.csv', demoExportText(orders.filter((o) => !lastDays.has(o.createdAt.slice(0, 10)))));
  await importText(db, 'first.csv', FIRST);
  // A month before too: the day's snapshot carries since when each customer has had their tier, and movement is counted from it.
  expect(await rescore(db, { reason: 'daily', ...asOf, asOf: asOf.asOf - 30 * 86_400_000 })).toMatchObject({ state: 'done' });
  expect(await rescore(db, { reason: 'import', ...asOf })).toMatchObject({ state: 'done' });
  await importText(db, 'tea-day.csv', demoExportText(orders.filter((o) => lastDays.has(o.createdAt.slice(0, 10)))));
  await importText(db, 'next-day.csv', NEXT_DAY);
  await setNotes(db, { key: 'woocommerce:b@example.com', note: '', tags: ['回访'], doNotContact: false, hideOnPages: false });
  await stageStoredCustomer(db, 'woocommerce:b@example.com');
  return { db, asOf };
}

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
  const [earlier, today] = await Promise.all((await snapshotDays(db)).map((day) => db.get('snapshots', day)));
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
    previews,
    members,
  };
}

describe('the customer table under a rescore of the touched', () => {
  it('lists, sorts, filters, searches, counts KPIs, previews rules and counts movement as the whole rescore after it does', async () => {
    const { db, asOf } = await shopsAfterADay();
    const stale = (await openCustomerTable(db))!;
    // The import's new customers are not listed yet, and the page says how many.
    expect(stale.notListed).toBe(2);
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
});
