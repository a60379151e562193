import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CustomerTable, CustomerTableBuilder, searchLine, TABLE_LAYOUT, type CustomerTableHead, type ListedCustomer, type RowLine, type TableQuery } from '../../../lib/customer-table';
import { customersWithOrder, loadCustomerRows, type CustomerRow } from '../../../lib/db/customer-list';
import { bucketOf, BUCKETS } from '../../../lib/db/buckets';
import { openCustomerTable, putTableBlocks, storedTableRecords, TableQueries, writeCustomerTable, type WindowReply } from '../../../lib/db/customer-table';
import { importFile } from '../../../lib/db/importer';
import { rescore, SLICE_ORDER, updateRescoreNeeded } from '../../../lib/db/rescore';
import { openTiermarkDB, type Database } from '../../../lib/db/schema';
import { DEMO_EXPORT_END } from '../../../lib/demo/shop';
import { ruleSetsByCurrency, spendByCurrency, unfitTables } from '../../../lib/engine/currency';
import { DEFAULT_RULE_FILES } from '../../../lib/engine/default-rules';
import { defaultRegistry } from '../../../lib/engine/registry';
import { fnv1a } from '../../../lib/hash';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { ascendingOrder } from '../../../lib/sorted';
import { memberOfRow, membersOf, segmentsOf, splitSegment } from '../../../lib/segments';
import { exportSegment, segmentCsv, segmentFiles, type SegmentFilesRequest } from '../../../lib/ui/segment-export';
import Papa from 'papaparse';
import { fixture, importable } from '../../helpers';

const FIXTURES = join(__dirname, '../../fixtures');

async function importInto(db: Database, path: string, name: string, shop?: { id: string; name: string }) {
  const bytes = new Uint8Array(readFileSync(path));
  const settings = shop ? { shop: { ...shop, platform: 'taobao' as const, createdAt: 0 } } : {};
  await importFile(db, await importable(name, bytes, 65_536), settings);
}

/** The demo shop, the same export in a second Taobao shop (every buyer twice), and a JD shop: three shops, two currencies' worth of rules. */
async function threeShops() {
  const db = await openTiermarkDB(`customer-table-${Math.random()}`);
  await importInto(db, join(FIXTURES, 'demo/ExportOrderList202611201200.csv'), 'ExportOrderList202611201200.csv');
  await importInto(db, join(FIXTURES, 'demo/ExportOrderList202611201200.csv'), 'ExportOrderList202611201200.csv', { id: 'taobao-2', name: '二店' });
  await importInto(db, fixture('jd-orders.gbk.csv'), 'jd-orders.csv');
  await rescore(db, { reason: 'import', timeZone: 'Asia/Shanghai', settings: DEFAULT_SCORE_SETTINGS, asOf: DEMO_EXPORT_END });
  return db;
}

/**
 * Rows read the old way, bucket by bucket, put in the order the whole rescore scores them (its
 * slices in SLICE_ORDER), which the table keeps and breaks ties in.
 */
function inScoringOrder(rows: readonly CustomerRow[]): CustomerRow[] {
  const sliceAt = new Map(SLICE_ORDER.map((start, i) => [start, i]));
  const place = (row: CustomerRow) => sliceAt.get(bucketOf(row.key) - (bucketOf(row.key) % (BUCKETS / SLICE_ORDER.length)))!;
  return [...rows].sort((a, b) => place(a) - place(b));
}

/** What the list shows of a row read the old way: every customer and profile parsed. */
const shownOf = (row: CustomerRow): ListedCustomer => ({
  key: row.key,
  buyerId: row.buyerId,
  tier: row.tier && { ref: row.tier.ref, label: row.tier.label, colour: row.tier.colour },
  badges: row.badges,
  orderCount: row.orderCount,
  monetaryMinor: row.monetaryMinor,
  currency: row.currency,
  avgOrderValue: typeof row.facts.avgOrderValue === 'number' ? row.facts.avgOrderValue : null,
  lastOrderAt: row.lastOrderAt,
  rfmCode: typeof row.facts.rfmCode === 'string' ? row.facts.rfmCode : null,
});

/**
 * The list a query gives, worked out the plain way over rows read in full: each filter a test per
 * row, then a stable sort by the fact (known values first, text facts alphabetically).
 */
function plainQuery(rows: readonly CustomerRow[], query: TableQuery): CustomerRow[] {
  const text = query.text.trim().toLowerCase().replace(/\n/g, ' ');
  const kept = rows.filter(
    (row) =>
      (query.shop === null || row.key.startsWith(`${query.shop}:`)) &&
      (text === '' || searchLine(row).includes(text) || query.byOrder.includes(row.key)) &&
      (query.tier === null || (query.tier === 'none' ? row.tier === null : row.tier?.ref === query.tier)) &&
      (query.badge === null || row.badges.some((b) => b.ref === query.badge)) &&
      (!query.rfm || (row.facts.rfmR === query.rfm.r && row.facts.rfmF === query.rfm.f)) &&
      (!query.group || row.facts[query.group.fact] === query.group.value),
  );
  const known = (row: CustomerRow) => ['number', 'string'].includes(typeof row.facts[query.sortBy]);
  const compare = (a: CustomerRow, b: CustomerRow) => {
    const [x, y] = [a.facts[query.sortBy] as number | string, b.facts[query.sortBy] as number | string];
    const order = x < y ? -1 : x > y ? 1 : 0;
    return query.ascending ? order : -order;
  };
  return [...kept.filter(known).sort(compare), ...kept.filter((row) => !known(row))];
}

const ALL: TableQuery = { shop: null, text: '', byOrder: [], tier: null, badge: null, sortBy: 'monetary', ascending: false };

describe('the customer table the rescore writes', () => {
  it('lists, sorts, filters and searches exactly as reading every customer and profile does', async () => {
    const db = await threeShops();
    const rows = inScoringOrder(await loadCustomerRows(db));
    const opened = (await openCustomerTable(db))!;
    expect(opened.notListed).toBe(0);
    const { table } = opened;
    expect(table.head.size).toBe(rows.length);
    expect(new Set(rows.map((row) => row.key.split(':')[0])).size).toBe(3);
    // Each row's line is its RowLine's JSON as JSON.stringify writes it, made in parts around its codes.
    const stored = (await storedTableRecords(db)) as Map<string, { text?: string }>;
    const blocks = [...stored].filter(([name]) => name.startsWith('rows:')).sort(([a], [b]) => Number(a.slice(5)) - Number(b.slice(5)));
    const lines = blocks.flatMap(([, record]) => record.text!.split('\n'));
    expect(lines).toHaveLength(rows.length);
    for (const line of lines) expect(JSON.stringify(JSON.parse(line) as RowLine)).toBe(line);
    expect(lines.map((line) => (JSON.parse(line) as RowLine)[0])).toEqual(rows.map((row) => row.key));

    const check = async (query: TableQuery) => {
      const expected = plainQuery(rows, query).map(shownOf);
      const answer = await table.query(query, 0, rows.length);
      expect(answer.total, JSON.stringify(query)).toBe(expected.length);
      expect(answer.rows, JSON.stringify(query)).toEqual(expected);
    };
    // Every fact a seller can sort by, both ways: numbers, texts (RFM codes, stages), facts most customers lack.
    const sortable = [...defaultRegistry().facts].filter(([, spec]) => spec.type !== 'boolean').map(([name]) => name);
    for (const sortBy of [...sortable, 'noSuchFact']) for (const ascending of [false, true]) await check({ ...ALL, sortBy, ascending });
    // Every filter the page offers, alone and together, in each shop.
    const tiers = [...new Set(rows.flatMap((row) => (row.tier ? [row.tier.ref] : [])))];
    const badges = [...new Set(rows.flatMap((row) => row.badges.map((b) => b.ref)))];
    expect(tiers.length).toBeGreaterThan(1);
    expect(badges.length).toBeGreaterThan(1);
    for (const shop of [null, 'taobao', 'taobao-2', 'jd', 'no-such-shop']) {
      for (const tier of [null, 'none', ...tiers]) await check({ ...ALL, shop, tier });
      for (const badge of badges) await check({ ...ALL, shop, badge, sortBy: 'recencyDays', ascending: true });
      for (const [r, f] of [[5, 1], [1, 1], [3, 2], [5, 5]] as const) await check({ ...ALL, shop, rfm: { r, f } });
      for (const value of ['new', 'growing', 'lost', 'dormant', 'mature', 'nothing']) await check({ ...ALL, shop, group: { fact: 'lifecycleStage', value } });
      await check({ ...ALL, shop, tier: tiers[0]!, badge: badges[0]!, sortBy: 'churnRisk' });
    }
    // Searches: a fragment most names share, one buyer, Chinese and Latin text, nothing.
    const someone = rows[Math.floor(rows.length / 2)]!;
    for (const text of ['a', '王', someone.buyerId.slice(1, 4).toUpperCase(), someone.buyerId, '  ', 'nobody at all', '@']) {
      await check({ ...ALL, text });
      await check({ ...ALL, text, shop: 'taobao-2', sortBy: 'rfmCode' });
    }
  });

  it('finds a buyer by an order number and keeps a second page of the same query in step with the first', async () => {
    const db = await threeShops();
    const { table } = (await openCustomerTable(db))!;
    const rows = inScoringOrder(await loadCustomerRows(db));
    // The demo export's first order, in both Taobao shops: its number is in no buyer's name.
    const text = '3861204117002763731';
    const byOrder = await customersWithOrder(db, text);
    expect(byOrder.map((key) => key.split(':')[0]).sort()).toEqual(['taobao', 'taobao-2']);
    const query = { ...ALL, text, byOrder };
    const whole = await table.query(query, 0, rows.length);
    expect(whole.rows.map((row) => row.key)).toEqual(plainQuery(rows, query).map((row) => row.key));
    expect(whole.total).toBe(2);
    const common = { ...ALL, text: '7' };
    const all = await table.query(common, 0, rows.length);
    expect(all.total).toBeGreaterThan(20);
    const pages = [...(await table.query(common, 0, 7)).rows, ...(await table.query(common, 7, 7)).rows, ...(await table.query(common, 14, rows.length)).rows];
    expect(pages).toEqual(all.rows);
    // The filters' choices are what the shop's customers have, best tier first.
    const choices = (await table.query({ ...ALL, shop: 'jd' }, 0, 0)).choices;
    const jdTiers = new Set(rows.filter((row) => row.key.startsWith('jd:') && row.tier).map((row) => row.tier!.ref));
    expect(choices.tiers.map((tier) => tier.ref).sort()).toEqual([...jdTiers].sort());
    expect(choices.tiers.map((tier) => tier.rank)).toEqual([...choices.tiers.map((tier) => tier.rank)].sort((a, b) => b - a));
  });

  it('gives each segment’s members, and its export and split, as reading every customer does', async () => {
    const db = await threeShops();
    const rows = inScoringOrder(await loadCustomerRows(db));
    const { table } = (await openCustomerTable(db))!;
    const segments = segmentsOf(rows);
    expect(new Set(segments.map((segment) => segment.kind))).toEqual(new Set(['tier', 'badge', 'treatment']));
    for (const segment of segments) {
      for (const shop of [null, 'taobao-2', 'jd']) {
        const inShop = shop === null ? rows : rows.filter((row) => row.key.startsWith(`${shop}:`));
        expect(await table.members(segment, shop), `${segment.kind} ${segment.ref} in ${shop}`).toEqual(membersOf(inShop, segment).map(memberOfRow));
      }
    }
    const biggest = segments.filter((segment) => segment.kind === 'badge').sort((a, b) => b.count - a.count)[0]!;
    const members = await table.members(biggest, null);
    expect(members.length).toBe(biggest.count);
    const request = { language: 'zh-CN', timeZone: 'Asia/Shanghai', encoding: 'utf-8' } as const;
    const [whole] = (await segmentFiles(members, request))!;
    expect(whole).toMatchObject({ group: null, customers: biggest.count });
    const expectedCsv = await segmentCsv(membersOf(rows, biggest).map(memberOfRow), 'zh-CN', 'Asia/Shanghai');
    // Read back byte for byte, its BOM kept (Blob.text() would drop it).
    const text = async (blob: Blob) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(await blob.arrayBuffer());
    expect(await text(whole!.blob)).toBe(expectedCsv);
    // One line per member besides the header, counted in the file itself.
    expect(expectedCsv.trimEnd().split('\r\n')).toHaveLength(biggest.count + 1);
    // The textbook's A/B split: the same groups as splitting the rows read the old way, with the same seed.
    const split = { sizes: [6, 4], seed: 'win-back-2026-12' };
    const files = (await segmentFiles(members, { ...request, split }))!;
    const groups = splitSegment(membersOf(rows, biggest).map(memberOfRow), { sample: 10, groups: 2, ...split });
    expect(files.map((file) => [file.group, file.customers])).toEqual([['A', 6], ['B', 4]]);
    expect(await text(files[1]!.blob)).toBe(await segmentCsv(groups[1]!, 'zh-CN', 'Asia/Shanghai', 'B'));
    expect(await segmentFiles(members, { ...request, split: { sizes: [biggest.count, 1], seed: 's' } })).toBeNull();
    // GBK for older Excel: the same text, without the BOM.
    const [gbk] = (await segmentFiles(members, { ...request, encoding: 'gbk' }))!;
    expect(new TextDecoder('gbk').decode(await gbk!.blob.arrayBuffer())).toBe(expectedCsv.slice(1));
  });

  it('exports a segment anonymised: a pseudonym per customer, the same in every export and split, and nothing that names them', async () => {
    const db = await threeShops();
    const queries = new TableQueries(async () => db);
    const segments = segmentsOf(inScoringOrder(await loadCustomerRows(db)));
    const biggest = segments.filter((segment) => segment.kind === 'badge').sort((a, b) => b.count - a.count)[0]!;
    const files = { language: 'en', timeZone: 'Asia/Shanghai', encoding: 'utf-8' } as const;
    const exported = async (from: Database, more: Partial<SegmentFilesRequest> = {}) => {
      const reply = await exportSegment(new TableQueries(async () => from), { kind: 'segment', id: 1, storeVersion: 'v1', segment: biggest, shop: null, files: { ...files, ...more } });
      if (reply.kind !== 'files') throw new Error(JSON.stringify(reply));
      return Promise.all(reply.files!.map(async (file) => Papa.parse<string[]>((await file.blob.text()).replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data));
    };
    const [plain] = await exported(db);
    const [anonymous] = await exported(db, { anonymous: true });
    const members = await (await openCustomerTable(db))!.table.members(biggest, null);
    expect(anonymous![0]!.slice(0, 2)).toEqual(['Customer (pseudonym)', 'Tier']);
    expect(anonymous).toHaveLength(members.length + 1);
    // Each customer's figures, in the same order, under a pseudonym of their own.
    const pseudonyms = anonymous!.slice(1).map((row) => row[0]!);
    expect(new Set(pseudonyms).size).toBe(members.length);
    expect(pseudonyms.every((name) => /^C-[a-z2-9]{12}$/.test(name))).toBe(true);
    expect(anonymous!.slice(1).map((row) => row.slice(1))).toEqual(plain!.slice(1).map((row) => row.slice(4)));
    // Not one buyer id, name, email or phone of theirs anywhere in the file.
    const text = anonymous!.flat().join('\n');
    const identifiers = members.flatMap((member) => [member.buyerId, ...member.names, ...member.emails, ...member.phones]).filter((value) => value.length >= 2);
    expect(identifiers.length).toBeGreaterThan(members.length);
    expect(identifiers.filter((value) => text.includes(value))).toEqual([]);
    // The same pseudonyms in the next export and in an A/B split's groups; another store has its own secret.
    expect(await exported(db, { anonymous: true })).toEqual([anonymous]);
    const groups = await exported(db, { anonymous: true, split: { sizes: [6, 4], seed: 'win-back' } });
    const byPseudonym = new Map(anonymous!.slice(1).map((row) => [row[0]!, row.slice(1).join('|')]));
    for (const row of groups.flatMap((group) => group.slice(1))) expect(byPseudonym.get(row[1]!)).toBe(row.slice(2).join('|'));
    const other = await threeShops();
    const [elsewhere] = await exported(other, { anonymous: true });
    expect(elsewhere!.slice(1).filter((row) => byPseudonym.has(row[0]!))).toEqual([]);
  });

  it('says how many customers an import added since it was built, and never mixes two builds', async () => {
    const db = await openTiermarkDB(`customer-table-stale-${Math.random()}`);
    await importInto(db, join(FIXTURES, 'demo/ExportOrderList202611201200.csv'), 'ExportOrderList202611201200.csv');
    // Before the first rescore there is no table: the page says the list comes when it ends.
    const first = { kind: 'window', id: 0, storeVersion: 'first-import', query: { ...ALL }, from: 0, count: 5 } as const;
    expect(await new TableQueries(async () => db).answer(first)).toEqual({ id: 0, kind: 'missing' });
    // The rule editor's preview likewise, though a file with a mistake is checked at once.
    const ladder = JSON.stringify(DEFAULT_RULE_FILES['member-ladder.json']);
    const previewOf = (text: string) => new TableQueries(async () => db).preview({ kind: 'preview', id: 5, storeVersion: 'first-import', text, file: 'member-ladder.json' });
    expect(await previewOf(ladder)).toEqual({ id: 5, kind: 'missing' });
    expect(await previewOf(ladder.replace('"monetary"', '"spend"'))).toMatchObject({ kind: 'preview', preview: { problems: [expect.objectContaining({ pointer: expect.stringContaining('/fact') })] } });
    await rescore(db, { reason: 'import', timeZone: 'Asia/Shanghai', settings: DEFAULT_SCORE_SETTINGS, asOf: DEMO_EXPORT_END });
    const before = (await openCustomerTable(db))!;
    await importInto(db, fixture('jd-orders.gbk.csv'), 'jd-orders.csv');
    const jdCustomers = new Set((inScoringOrder(await loadCustomerRows(db))).filter((row) => row.key.startsWith('jd:')).map((row) => row.key)).size;
    expect(jdCustomers).toBeGreaterThan(0);
    const stale = (await openCustomerTable(db))!;
    expect(stale.notListed).toBe(jdCustomers);
    // The page says so, and so does an export made meanwhile: the same count beside its file.
    const queries = new TableQueries(async () => db);
    const window = await queries.answer({ kind: 'window', id: 1, storeVersion: 'after-import', query: { ...ALL }, from: 0, count: 5 });
    expect(window).toMatchObject({ kind: 'answer', notListed: jdCustomers });
    const tier = stale.table.head.tiers[0]!;
    const request = { kind: 'segment', id: 2, storeVersion: 'after-import', segment: { kind: 'tier', ref: tier.ref }, shop: null, files: { language: 'en', timeZone: 'UTC', encoding: 'utf-8' } } as const;
    expect(await exportSegment(queries, request)).toMatchObject({ kind: 'files', notListed: jdCustomers });
    expect(await queries.preview({ kind: 'preview', id: 6, storeVersion: 'after-import', text: ladder, file: 'member-ladder.json' })).toMatchObject({ kind: 'preview', over: stale.table.head.size, notListed: jdCustomers });
    // A rescore replaces the table while a page holds the old one: its next column read fails, never mixing the two.
    await rescore(db, { reason: 'import', timeZone: 'Asia/Shanghai', settings: DEFAULT_SCORE_SETTINGS, asOf: DEMO_EXPORT_END });
    await expect(before.table.query({ ...ALL, sortBy: 'pAlive' }, 0, 10)).rejects.toThrow(/rebuilt/);
    expect((await openCustomerTable(db))!.notListed).toBe(0);
  });

  it('previews each shipped rule file in the worker as running it over every customer’s profile does', async () => {
    const db = await threeShops();
    const rows = inScoringOrder(await loadCustomerRows(db));
    const registry = defaultRegistry();
    const queries = new TableQueries(async () => db);
    const spend = spendByCurrency(rows.map((row) => ({ currency: row.currency, spend: Number(row.facts.monetary) || 0, bought: Number(row.facts.orderCount) > 0 })));
    for (const [file, ruleFile] of Object.entries(DEFAULT_RULE_FILES)) {
      const reply = await queries.preview({ kind: 'preview', id: 1, storeVersion: 'v', text: JSON.stringify(ruleFile), file });
      if (reply.kind !== 'preview') throw new Error(JSON.stringify(reply));
      expect(reply.over).toBe(rows.length);
      // The file run the plain way: each customer's stored facts, the rules of their currency.
      const setFor = ruleSetsByCurrency([{ ...ruleFile, enabled: true }], registry, (currency) => unfitTables([ruleFile], currency, spend.get(currency) ?? new Float64Array()));
      const counts = new Map<string, number>();
      const matched: CustomerRow[] = [];
      for (const row of rows) {
        const fired = await setFor(row.currency).fired(row.facts);
        for (const rule of fired) counts.set(rule.ref, (counts.get(rule.ref) ?? 0) + 1);
        if (fired.length > 0) matched.push(row);
      }
      expect(reply.preview.rules.map((rule) => [rule.ref, rule.matches]), file).toEqual(ruleFile.rules.map((rule) => [`${ruleFile.id}/${rule.name}`, counts.get(`${ruleFile.id}/${rule.name}`) ?? 0]));
      expect(reply.preview.matches, file).toBe(matched.length);
      if (file === 'member-ladder.json') expect(matched.length).toBeGreaterThan(10);
      // The sample: matched buyers, the biggest spenders first.
      const spendOf = (buyerId: string) => matched.filter((row) => row.buyerId === buyerId).map((row) => Number(row.facts.monetary));
      const top = matched.map((row) => Number(row.facts.monetary)).sort((a, b) => b - a).slice(0, 5);
      expect(reply.preview.sample.map((buyerId) => Math.max(...spendOf(buyerId))), file).toEqual(top);
    }
    expect(Object.keys(DEFAULT_RULE_FILES).length).toBeGreaterThan(3);
    // The spend the shares are taken from, whatever facts the rows were read for, and again from the table's own copy.
    const { table } = (await openCustomerTable(db))!;
    expect(spend.get('CNY')!.length).toBeGreaterThan(10);
    expect(await (await table.factRows(['rfmCode'])).spend()).toEqual(spend);
    expect(await (await table.factRows(['monetary', 'churnRisk'])).spend()).toEqual(spend);
    // Kept as the table was built and read as kept, not counted again from the facts; a table built without them counts the same.
    expect([...table.head.spendCurrencies!].sort()).toEqual([...spend.keys()].sort());
    const stored = (await storedTableRecords(db)) as Map<string, { text?: string; bytes?: ArrayBuffer }>;
    const read: string[] = [];
    const reader = async (names: readonly string[]) => {
      read.push(...names);
      return new Map(names.map((name) => [name, (stored.get(name)!.text ?? stored.get(name)!.bytes)!] as const));
    };
    expect(await new CustomerTable(table.head, reader).spend()).toEqual(spend);
    expect(read.every((name) => name.startsWith('spend:'))).toBe(true);
    expect(await new CustomerTable({ ...table.head, spendCurrencies: undefined }, reader).spend()).toEqual(spend);
    expect(read).toContain('fact:monetary');
  });

  it('opens the table before a page asks, at the version the page asks at, and reads a preview’s columns ahead once', async () => {
    const db = await threeShops();
    const ladder = JSON.stringify(DEFAULT_RULE_FILES['member-ladder.json']);
    const preview = { kind: 'preview', id: 1, text: ladder, file: 'member-ladder.json' } as const;
    const expected = await new TableQueries(async () => db).preview({ ...preview, storeVersion: 'v' });
    expect(expected).toMatchObject({ kind: 'preview', preview: { matches: expect.any(Number) } });
    const { spent: _, ...answer } = expected as Extract<typeof expected, { kind: 'preview' }>;
    const gets = vi.spyOn(IDBObjectStore.prototype, 'get');
    const readsOf = (name: string) => gets.mock.calls.filter(([key]) => typeof key === 'string' && key.endsWith(`/${name}`)).length;
    try {
      // Opened ahead at the page's version, the file's columns read ahead while the page starts: the preview reads none again.
      const ahead = new TableQueries(async () => db);
      ahead.openAhead(Promise.resolve('v'));
      await ahead.previewAhead(ladder, 'member-ladder.json');
      const readAhead = readsOf('fact:monetary');
      expect(readAhead).toBe(1);
      expect(await ahead.preview({ ...preview, storeVersion: 'v' })).toMatchObject(answer);
      expect(readsOf('fact:monetary')).toBe(readAhead);
      // Opened once (each opening looks for a patch over the table).
      expect(readsOf('patch')).toBe(1);
      // Questions asked together while it is opened (the Overview asks four at once) wait for that one.
      gets.mockClear();
      const together = new TableQueries(async () => db);
      together.openAhead(Promise.resolve('v'));
      const replies = await Promise.all([together.preview({ ...preview, storeVersion: 'v' }), together.preview({ ...preview, id: 2, storeVersion: 'v' })]);
      expect(replies.map((reply) => reply.kind)).toEqual(['preview', 'preview']);
      expect(readsOf('patch')).toBe(1);
      // A page that read the store at another version (a rescore ended between) has the table opened again.
      gets.mockClear();
      const other = new TableQueries(async () => db);
      other.openAhead(Promise.resolve('before'));
      expect(await other.preview({ ...preview, storeVersion: 'v' })).toMatchObject(answer);
      expect(readsOf('patch')).toBe(2);
      // Nothing is read ahead for a file with a mistake, and its preview says what it is.
      gets.mockClear();
      const mistaken = new TableQueries(async () => db);
      mistaken.openAhead(Promise.resolve('v'));
      await mistaken.previewAhead(ladder.replace('"monetary"', '"spend"'), 'member-ladder.json');
      expect(readsOf('fact:monetary')).toBe(0);
    } finally {
      gets.mockRestore();
    }
  });

  it('keeps each code column as narrow as its codes allow, and answers from 8, 16 and 32 bits alike', async () => {
    const db = await threeShops();
    const base = inScoringOrder(await loadCustomerRows(db));
    // 900 customers with 300 tiers, some 600 badge sets and 300 lifecycle stages: past 8 bits each.
    const rows: CustomerRow[] = Array.from({ length: 900 }, (_, i) => {
      const row = base[i % base.length]!;
      const badge = (n: number) => ({ ref: `b${n}`, label: { en: `B${n}`, 'zh-CN': `徽${n}` }, colour: '#123456' });
      return {
        ...row,
        key: `${row.key}~${i}`,
        tier: i % 301 === 300 ? null : { ref: `t${i % 301}`, label: { en: `T${i % 301}`, 'zh-CN': `级${i % 301}` }, colour: '#654321', rank: i % 301 },
        badges: [badge(i % 30), badge(30 + (Math.floor(i / 30) % 30))],
        facts: { ...row.facts, lifecycleStage: `stage-${i % 300}` },
      };
    });
    const builder = new CustomerTableBuilder(defaultRegistry().facts, rows.length);
    for (const row of rows) builder.add(row as never, row.facts, row.tier, row.badges, row.treatments);
    const wide = await openTiermarkDB(`customer-table-wide-${Math.random()}`);
    await writeCustomerTable(wide, await builder.finish('wide', { customers: rows.length, orders: 0 }));
    const stored = await storedTableRecords(wide);
    const bytesPerRow = (name: string) => ((stored.get(name) as { bytes: ArrayBuffer }).bytes.byteLength / rows.length);
    expect(['tier', 'badgeSet', 'fact:lifecycleStage'].map(bytesPerRow)).toEqual([2, 2, 2]);
    expect(['currency', 'shop', 'treatmentSet'].map(bytesPerRow)).toEqual([1, 1, 1]);
    expect(['keyHash', 'orderCount'].map(bytesPerRow)).toEqual([4, 4]);
    const { table } = (await openCustomerTable(wide))!;
    const check = async (query: TableQuery) => {
      const answer = await table.query(query, 0, rows.length);
      expect(answer.rows, JSON.stringify(query)).toEqual(plainQuery(rows, query).map(shownOf));
    };
    for (const tier of [null, 'none', 't0', 't255', 't256', 't299']) await check({ ...ALL, tier });
    for (const badge of ['b0', 'b29', 'b30', 'b59']) await check({ ...ALL, badge, sortBy: 'lifecycleStage', ascending: true });
    for (const value of ['stage-0', 'stage-255', 'stage-299']) await check({ ...ALL, group: { fact: 'lifecycleStage', value }, sortBy: 'lifecycleStage' });
    await check({ ...ALL, shop: 'jd', tier: 't260', sortBy: 'lifecycleStage', ascending: false });
    // A table from before narrow columns, every code in 32 bits, reads the same.
    const widened = new Map([...stored].map(([name, record]) => {
      if (!('bytes' in record) || !['tier', 'badgeSet', 'treatmentSet', 'missedSet', 'currency', 'shop', 'fact:lifecycleStage'].includes(name)) return [name, record];
      const view = record.bytes.byteLength === rows.length ? new Uint8Array(record.bytes) : new Uint16Array(record.bytes);
      return [name, { ...record, bytes: Uint32Array.from(view).buffer }];
    }));
    const old = new CustomerTable(table.head, async (names) => new Map(names.map((name) => { const record = widened.get(name)!; return [name, 'text' in record ? record.text : (record as { bytes: ArrayBuffer }).bytes] as const; })));
    for (const query of [{ ...ALL, tier: 't256' }, { ...ALL, badge: 'b59', sortBy: 'lifecycleStage' }, { ...ALL, group: { fact: 'lifecycleStage', value: 'stage-299' } }]) {
      expect((await old.query(query, 0, rows.length)).rows).toEqual((await table.query(query, 0, rows.length)).rows);
    }
  });

  it('answers the same from blocks of a few rows, a window and a search reading across their edges', async () => {
    const db = await threeShops();
    const rows = inScoringOrder(await loadCustomerRows(db));
    const { table } = (await openCustomerTable(db))!;
    // The same customers in blocks of a few rows and search lines: most windows span several blocks, and the last block of each is short.
    const [perRows, perSearch] = [3, 4, 5, 7, 11].filter((n) => rows.length % n !== 0);
    const builder = new CustomerTableBuilder(defaultRegistry().facts, 4, { rows: perRows!, search: perSearch! });
    for (const row of rows) builder.add(row as never, row.facts, row.tier, row.badges, row.treatments);
    const small = await openTiermarkDB(`customer-table-blocks-${Math.random()}`);
    await writeCustomerTable(small, await builder.finish('small', { customers: rows.length, orders: 0 }));
    const { table: blocked } = (await openCustomerTable(small))!;
    const byOrder = await customersWithOrder(db, '3861204117002763731');
    for (const query of [ALL, { ...ALL, sortBy: 'recencyDays', ascending: true }, { ...ALL, text: 'a' }, { ...ALL, text: '王', shop: 'taobao-2' }, { ...ALL, text: '3861204117002763731', byOrder }, { ...ALL, shop: 'jd', tier: 'none' }]) {
      const whole = await table.query(query, 0, rows.length);
      expect(whole.total, JSON.stringify(query)).toBe(plainQuery(rows, query).length);
      for (const [from, count] of [[0, rows.length], [1, 5], [rows.length - 2, 40]] as const) {
        expect(await blocked.query(query, from, count), JSON.stringify([query, from])).toMatchObject({ total: whole.total, customers: whole.customers, rows: whole.rows.slice(from, from + count), choices: whole.choices });
      }
    }
    for (const segment of segmentsOf(rows)) expect(await blocked.members(segment, null)).toEqual(await table.members(segment, null));
  });

  it('is written a block at a time under its build while pages read the last build whole, and leaves no other build’s records', async () => {
    const db = await threeShops();
    const rows = inScoringOrder(await loadCustomerRows(db));
    const { table } = (await openCustomerTable(db))!;
    const build = (name: string) => {
      const builder = new CustomerTableBuilder(defaultRegistry().facts, 4, { rows: 7, search: 11 });
      return { builder, finish: () => builder.finish(name, { customers: rows.length, orders: 0 }) };
    };
    // What a query answers, without how long it took.
    const answered = async (t: CustomerTable, query: TableQuery) => {
      const { total, customers, rows: listed, choices } = await t.query(query, 0, rows.length);
      return { total, customers, listed, choices };
    };
    const store = await openTiermarkDB(`customer-table-staged-${Math.random()}`);
    const first = build('first');
    for (const row of rows) first.builder.add(row as never, row.facts, row.tier, row.badges, row.treatments);
    await writeCustomerTable(store, await first.finish());
    const { table: old } = (await openCustomerTable(store))!;
    // A rescore the browser stopped left blocks of its build.
    const stopped = build('stopped');
    for (const row of rows.slice(0, 30)) stopped.builder.add(row as never, row.facts, row.tier, row.badges, row.treatments);
    await Promise.all(putTableBlocks(store.transaction('customerTable', 'readwrite').store, 'stopped', stopped.builder.takeBlocks()));
    // The next one writes its blocks as they fill: the last build, open meanwhile, reads whole and unchanged.
    const next = build('next');
    let staged = 0;
    for (const [i, row] of rows.entries()) {
      next.builder.add(row as never, row.facts, row.tier, row.badges, row.treatments);
      if (i % 50 !== 49) continue;
      const blocks = next.builder.takeBlocks();
      staged += blocks.length;
      await Promise.all(putTableBlocks(store.transaction('customerTable', 'readwrite').store, 'next', blocks));
      expect(await answered(old, { ...ALL, text: 'a' })).toEqual(await answered(table, { ...ALL, text: 'a' }));
    }
    expect(staged).toBeGreaterThan(rows.length / 7);
    const dropOthers = await writeCustomerTable(store, await next.finish());
    const { table: current } = (await openCustomerTable(store))!;
    expect(current.head.built).toBe('next');
    for (const query of [ALL, { ...ALL, text: 'a' }, { ...ALL, sortBy: 'recencyDays', ascending: true }]) expect(await answered(current, query)).toEqual(await answered(table, query));
    // The other builds' records stay until the writer's caller lets them go: the new build answers meanwhile.
    expect(((await store.getAllKeys('customerTable')) as string[]).some((key) => key.startsWith('first/'))).toBe(true);
    await dropOthers();
    expect(await answered(current, ALL)).toEqual(await answered(table, ALL));
    // Every record left is the head or the new build's: its blocks all there, nothing of the first or the stopped build.
    const keys = (await store.getAllKeys('customerTable')) as string[];
    expect(keys.filter((key) => key !== 'head' && !key.startsWith('next/'))).toEqual([]);
    expect(keys.filter((key) => key.startsWith('next/rows:')).length).toBe(Math.ceil(rows.length / 7));
    expect(keys.filter((key) => key.startsWith('next/search:')).length).toBe(Math.ceil(rows.length / 11));
  });

  it('answers a search first from exact identifiers, with only customers the full search keeps, until every customer’s text is read', async () => {
    const db = await threeShops();
    const rows = inScoringOrder(await loadCustomerRows(db));
    // Named exactly by the text, worked out here from the rows: a buyer id, an email or a name.
    const namedBy = (row: CustomerRow, text: string) => {
      const lower = text.trim().toLowerCase();
      return row.buyerId === text.trim() || row.buyerId === lower || row.emails.some((email) => email.toLowerCase() === lower) || row.names.some((name) => name.trim().toLowerCase() === lower);
    };
    let id = 0;
    /** A search as the first question of a fresh worker (its search text not read yet), or of `queries`. */
    const search = async (text: string, more: Partial<TableQuery> = {}, queries = new TableQueries(async () => db)) => {
      const early: WindowReply[] = [];
      const query = { ...ALL, ...more, text };
      const full = await queries.answer({ kind: 'window', id: (id += 1), storeVersion: 'v1', query, from: 0, count: rows.length }, (reply) => early.push(reply));
      return { early, full, query };
    };
    // A buyer of the demo export is in both Taobao shops; their buyer id is part of no other's.
    const buyer = rows.find((row) => row.key.startsWith('taobao:') && rows.filter((other) => searchLine(other).includes(row.buyerId.toLowerCase())).length === 2)!;
    const withName = rows.find((row) => row.names.length > 0 && row.names[0] !== row.buyerId)!;
    const order = '3861204117002763731';
    const cases: Array<[string, Partial<TableQuery>]> = [[buyer.buyerId, {}], [` ${buyer.buyerId.toUpperCase()} `, {}], [withName.names[0]!, {}], [withName.names[0]!, { shop: 'taobao-2' }], [order, {}], [order, { tier: 'none' }], ['王', {}]];
    for (const [text, more] of cases) {
      const { early, full, query } = await search(text, more);
      const byOrder = text === order ? await customersWithOrder(db, order) : [];
      const expected = plainQuery(rows, { ...query, byOrder });
      if (full.kind !== 'answer') throw new Error(full.kind);
      expect(full.searching).toBeUndefined();
      expect(full.answer.rows.map((row) => row.key), text).toEqual(expected.map((row) => row.key));
      expect(early, text).toHaveLength(1);
      const first = early[0]!;
      if (first.kind !== 'answer') throw new Error(first.kind);
      expect(first.searching).toBe(true);
      const named = expected.filter((row) => byOrder.includes(row.key) || namedBy(row, text));
      expect(first.answer.rows.map((row) => row.key), text).toEqual(named.map((row) => row.key));
      expect(first.answer.total).toBe(named.length);
      expect(first.answer.customers).toBe(full.answer.customers);
      // A part of names names nobody exactly: the first answer is empty, and the page says it is still searching.
      if (text === '王') expect([named.length, full.answer.total > 0]).toEqual([0, true]);
      else if (!more.tier) expect(named.length, text).toBeGreaterThan(0);
    }
    const { early } = await search(buyer.buyerId);
    expect(early[0]!.kind === 'answer' && early[0]!.answer.rows.map((row) => row.key.split(':')[0]).sort()).toEqual(['taobao', 'taobao-2']);
    // Once a search has read every customer's text, the next is answered at once, with no first answer.
    const queries = new TableQueries(async () => db);
    await search('a', {}, queries);
    expect((await search(buyer.buyerId, {}, queries)).early).toEqual([]);
  });

  it('finds the customer an order names when another key has the same hash', async () => {
    // Two keys with the same FNV-1a hash: the hash only narrows the search, the key decides.
    const seen = new Map<number, string>();
    let pair: [string, string] | null = null;
    for (let i = 0; !pair; i += 1) {
      const key = `shopify:buyer-${i}`;
      const other = seen.get(fnv1a(key));
      if (other) pair = [other, key];
      else seen.set(fnv1a(key), key);
    }
    const builder = new CustomerTableBuilder(new Map([['monetary', { type: 'number' }]]));
    for (const key of pair) builder.add({ key, platform: 'shopify', buyerId: key.slice(8), names: [], emails: [], phones: [], orderCount: 1, monetaryMinor: 100, currency: 'USD', lastOrderAt: 0, firstOrderAt: 0 } as never, { monetary: 1 }, null, []);
    const db = await openTiermarkDB(`customer-table-collision-${Math.random()}`);
    await writeCustomerTable(db, await builder.finish('c', { customers: 2, orders: 2 }));
    const { table } = (await openCustomerTable(db))!;
    for (const key of pair) {
      const answer = await table.query({ ...ALL, text: '#1001', byOrder: [key] }, 0, 10);
      expect(answer.rows.map((row) => row.key)).toEqual([key]);
    }
  });

  it('is not read in an older layout, and the next start of the background rescores it', async () => {
    const db = await openTiermarkDB(`customer-table-layout-${Math.random()}`);
    await importInto(db, join(FIXTURES, 'demo/ExportOrderList202611201200.csv'), 'ExportOrderList202611201200.csv');
    await rescore(db, { reason: 'import', timeZone: 'Asia/Shanghai', settings: DEFAULT_SCORE_SETTINGS, asOf: DEMO_EXPORT_END });
    expect(await updateRescoreNeeded(db)).toBe(false);
    const head = (await db.get('customerTable', 'head')) as CustomerTableHead;
    await db.put('customerTable', { ...head, layout: TABLE_LAYOUT - 1 });
    expect(await openCustomerTable(db)).toBeNull();
    expect(await new TableQueries(async () => db).answer({ kind: 'window', id: 3, storeVersion: 'old-layout', query: { ...ALL }, from: 0, count: 5 })).toEqual({ id: 3, kind: 'missing' });
    expect(await updateRescoreNeeded(db)).toBe(true);
    await rescore(db, { reason: 'update', timeZone: 'Asia/Shanghai', settings: DEFAULT_SCORE_SETTINGS, asOf: DEMO_EXPORT_END });
    expect((await openCustomerTable(db))!.table.head.layout).toBe(TABLE_LAYOUT);
  });

  it('keeps numbers exactly, in the narrowest coding every value is exact in', async () => {
    const builder = new CustomerTableBuilder(new Map([['monetary', { type: 'number' }], ['frequency', { type: 'number' }], ['recencyDays', { type: 'number' }], ['rfmCode', { type: 'string' }]]), 1);
    const customer = (i: number) => ({ key: `taobao:b${i}`, platform: 'taobao', buyerId: `b${i}\nsecond line`, names: [], emails: [], phones: [], orderCount: i, monetaryMinor: 1_234_567_891 + i, currency: 'CNY', lastOrderAt: 1.7e12 + i, firstOrderAt: 0 }) as never;
    // recencyDays: whole days for the first 25 customers, then one in tenths: the column widens with the 25 kept.
    for (let i = 0; i < 40; i += 1) builder.add(customer(i), { monetary: (1_234_567_891 + i) / 100, frequency: i, recencyDays: i === 25 ? 25.1 : 40 - i, rfmCode: i % 2 ? '555' : '111' }, null, []);
    const [head, ...records] = await builder.finish('b', { customers: 40, orders: 40 });
    expect(head).toMatchObject({ size: 40, columns: { 'fact:monetary': { bits: 32, scale: 100 }, 'fact:frequency': { bits: 8, scale: 1 }, 'fact:recencyDays': { bits: 16, scale: 10 }, 'fact:rfmCode': { kind: 'text', values: ['111', '555'] } } });
    const db = await openTiermarkDB(`customer-table-exact-${Math.random()}`);
    await writeCustomerTable(db, [head!, ...records]);
    const { table } = (await openCustomerTable(db))!;
    const listed = await table.query({ ...ALL, sortBy: 'monetary' }, 0, 40);
    // Amounts a cent apart keep their order; a buyer id with a line break stays one row.
    expect(listed.rows.map((row) => row.orderCount)).toEqual(Array.from({ length: 40 }, (_, i) => 39 - i));
    expect(listed.rows[0]).toMatchObject({ buyerId: 'b39\nsecond line', monetaryMinor: 1_234_567_930, lastOrderAt: 1.7e12 + 39, rfmCode: '555' });
    expect((await table.query({ ...ALL, text: 'second line' }, 0, 40)).total).toBe(40);
    // Fewest days first: customers 39…26 (1–14 days), 24…15 (16–25), 25 (25.1), 14…0 (26–40).
    const byRecency = (await table.query({ ...ALL, sortBy: 'recencyDays', ascending: true }, 0, 40)).rows.map((row) => row.orderCount);
    const from = (first: number, count: number) => Array.from({ length: count }, (_, k) => first - k);
    expect(byRecency).toEqual([...from(39, 14), ...from(24, 10), 25, ...from(14, 15)]);
  });
});

describe('the ascending order of keys', () => {
  it('equals a stable comparison sort, negative numbers, zeros, infinities and ties included', () => {
    let seed = 7;
    const next = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const keys = Float64Array.from({ length: 50_000 }, () => {
      const pick = next();
      return pick < 0.1 ? Number.POSITIVE_INFINITY : pick < 0.2 ? -0 : pick < 0.3 ? 0 : pick < 0.6 ? Math.round(next() * 20) - 10 : (next() - 0.5) * 1e9;
    });
    const expected = Array.from(keys.keys()).sort((a, b) => keys[a]! - keys[b]! || a - b);
    expect(Array.from(ascendingOrder(keys))).toEqual(expected);
    expect(Array.from(ascendingOrder(new Float64Array([3, 1, 2])))).toEqual([1, 2, 0]);
    expect(ascendingOrder(new Float64Array(0)).length).toBe(0);
  });
});
