import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { storedTableRecords, TableQueries } from '../../../lib/db/customer-table';
import { CustomerTable, type CustomerTableHead } from '../../../lib/customer-table';
import { importFile } from '../../../lib/db/importer';
import { allProfiles } from '../../../lib/db/profiles';
import { rescore } from '../../../lib/db/rescore';
import { openTiermarkDB, type Database } from '../../../lib/db/schema';
import { sha256Hex } from '../../../lib/import/encoding';
import { calendarPeriod, DEFAULT_KPI_SETTINGS, OPENING_PERIOD, periodOfChoice, TREND_PERIODS, previousPeriod, type KpiSettings, type Period, type PeriodChoice, type PeriodFigures } from '../../../lib/kpis';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { endOfDay } from '../../../lib/time';
import { chunked, FIXTURES, importable, sharedData } from '../../helpers';

const ZONE = 'Europe/London';
let dbCount = 0;

type RetailRow = Record<'InvoiceNo' | 'Quantity' | 'InvoiceDate' | 'UnitPrice' | 'CustomerID', string>;

/** A row's local day: its wall date ("12/1/2010 8:45"), whatever the zone. */
const dayOfRow = (date: string) => {
  const [m, d, y] = date.split(' ')[0]!.split('/').map(Number);
  return Date.UTC(y!, m! - 1, d!) / 86_400_000;
};

/**
 * Each customer's purchase occasions worked out from the export's rows, apart from Tiermark's code:
 * a customer's purchase days are the days of their invoices; a credit note ("C…") is money back,
 * counted with the day's purchase or, on a day without one, with the purchase before.
 */
function occasionsFromRows(rows: readonly RetailRow[], asOfDay: number): Array<Array<{ day: number; cents: number }>> {
  const byCustomer = new Map<string, Map<number, { cents: number; purchase: boolean }>>();
  // As the import does (and says so): a row repeating an earlier row of its invoice exactly is counted once.
  const seen = new Set<string>();
  for (const row of rows) {
    const whole = JSON.stringify(row);
    if (seen.has(whole)) continue;
    seen.add(whole);
    if (!row.CustomerID) continue;
    const day = dayOfRow(row.InvoiceDate);
    if (day > asOfDay) continue;
    const days = byCustomer.get(row.CustomerID) ?? new Map();
    byCustomer.set(row.CustomerID, days);
    const slot = days.get(day) ?? { cents: 0, purchase: false };
    days.set(day, slot);
    slot.cents += Number(row.Quantity) * Math.round(Number(row.UnitPrice) * 100);
    if (!row.InvoiceNo.startsWith('C')) slot.purchase = true;
  }
  return [...byCustomer.values()].map((days) => {
    const occasions: Array<{ day: number; cents: number }> = [];
    for (const day of [...days.keys()].sort((a, b) => a - b)) {
      const { cents, purchase } = days.get(day)!;
      if (purchase) occasions.push({ day, cents });
      else if (occasions.length > 0) occasions[occasions.length - 1]!.cents += cents;
    }
    return occasions;
  }).filter((occasions) => occasions.length > 0);
}

/** The figures of a period from the rows' occasions, counted plainly. */
function expectedFigures(rows: readonly RetailRow[], period: Period, previous: Period, asOfDay: number, settings: KpiSettings): PeriodFigures {
  const through = Math.min(period.last, asOfDay);
  const within = (day: number, span: Period, last = span.last) => day >= span.first && day <= last;
  const figures: PeriodFigures = { period, through, buyers: 0, newCustomers: 0, repeatBuyers: 0, newSettled: 0, newBoughtAgain: 0, previousBuyers: 0, churned: 0, lapsed: 0, reactivated: 0, byCurrency: {} };
  let sales = 0;
  for (const occasions of occasionsFromRows(rows, asOfDay)) {
    const inPeriod = occasions.filter((o) => within(o.day, period, through));
    const before = occasions.filter((o) => o.day < period.first);
    const first = occasions[0]!.day;
    if (inPeriod.length > 0) figures.buyers += 1;
    if (inPeriod.length > 1) figures.repeatBuyers += 1;
    sales += inPeriod.reduce((sum, o) => sum + o.cents, 0);
    if (within(first, period, through)) {
      figures.newCustomers += 1;
      if (first + settings.secondWithinDays <= asOfDay) {
        figures.newSettled += 1;
        if (occasions[1] && occasions[1].day - first <= settings.secondWithinDays) figures.newBoughtAgain += 1;
      }
    }
    if (occasions.some((o) => within(o.day, previous))) {
      figures.previousBuyers += 1;
      if (inPeriod.length === 0) figures.churned += 1;
    }
    if (before.length > 0 && period.first - before[before.length - 1]!.day > settings.lapsedAfterDays) {
      figures.lapsed += 1;
      if (inPeriod.length > 0) figures.reactivated += 1;
    }
  }
  if (figures.buyers > 0) figures.byCurrency.GBP = { buyers: figures.buyers, netSalesMinor: sales };
  return figures;
}

/** The cohorts of the last `count` months or weeks (from Monday), newest first, from the rows' occasions. */
function expectedCohorts(rows: readonly RetailRow[], unit: 'month' | 'week', count: number, asOfDay: number) {
  const MONDAY = 4; // 1970-01-05
  const unitOf = (day: number) => (unit === 'week' ? Math.floor((day - MONDAY) / 7) : new Date(day * 86_400_000).getUTCFullYear() * 12 + new Date(day * 86_400_000).getUTCMonth());
  const firstDay = (index: number) => (unit === 'week' ? MONDAY + index * 7 : Date.UTC(Math.floor(index / 12), index % 12, 1) / 86_400_000);
  const customers = occasionsFromRows(rows, asOfDay);
  const last = unitOf(asOfDay);
  return Array.from({ length: count }, (_, i) => {
    const cohort = last - i;
    const members = customers.filter((occasions) => unitOf(occasions[0]!.day) === cohort);
    let total = 0;
    return {
      first: firstDay(cohort),
      customers: members.length,
      bought: Array.from({ length: i + 1 }, (_, since) => members.filter((occasions) => occasions.some((o) => unitOf(o.day) === cohort + since)).length),
      spentMinor: Array.from({ length: i + 1 }, (_, since) => (total += members.flatMap((occasions) => occasions.filter((o) => unitOf(o.day) === cohort + since)).reduce((sum, o) => sum + o.cents, 0))),
    };
  });
}

async function importRetail(db: Database, name: string, text: string) {
  const bytes = new TextEncoder().encode(text);
  const record = await importFile(db, await importable(name, bytes, 8192), { currency: 'GBP', timeZone: ZONE });
  expect(record.status).toBe('complete');
}

/** Every choice of period a seller has over the last two years, with both second-purchase and lost windows varied. */
function choicesOver(asOfDay: number): Array<[PeriodChoice, KpiSettings]> {
  const choices: PeriodChoice[] = [
    ...Array.from({ length: 13 }, (_, back) => ({ kind: 'month' as const, back })),
    ...Array.from({ length: 6 }, (_, back) => ({ kind: 'quarter' as const, back })),
    { kind: 'year', back: 0 }, { kind: 'year', back: 1 },
    { kind: 'custom', period: { first: asOfDay - 44, last: asOfDay } },
    { kind: 'custom', period: calendarPeriod('month', asOfDay - 200) },
  ];
  return choices.flatMap((choice, i) => [[choice, DEFAULT_KPI_SETTINGS], ...(i % 4 === 0 ? [[choice, { secondWithinDays: 30, lapsedAfterDays: 90 }] as [PeriodChoice, KpiSettings]] : [])]);
}

async function expectKpisOf(db: Database, rows: readonly RetailRow[], asOf: string) {
  const asOfDay = Date.parse(`${asOf}T00:00:00Z`) / 86_400_000;
  await rescore(db, { reason: 'import', timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay(asOf, ZONE) });
  const queries = new TableQueries(async () => db);
  let compared = 0;
  for (const [choice, settings] of choicesOver(asOfDay)) {
    const reply = await queries.kpis({ kind: 'kpis', id: 1, storeVersion: 'v1', shop: null, period: choice, settings });
    if (reply.kind !== 'kpis') throw new Error(JSON.stringify(reply));
    const period = periodOfChoice(choice, asOfDay);
    const previous = previousPeriod(choice.kind, period);
    const label = JSON.stringify([choice, settings]);
    expect(reply.kpis.asOfDay).toBe(asOfDay);
    expect(reply.kpis.current, label).toEqual(expectedFigures(rows, period, previous, asOfDay, settings));
    expect(reply.kpis.previous, label).toEqual(expectedFigures(rows, previous, previousPeriod(choice.kind, previous), asOfDay, settings));
    compared += reply.kpis.current.buyers;
  }
  // The chart's periods: twelve months up to last month, each as counted on its own.
  const trended = await queries.kpis({ kind: 'kpis', id: 3, storeVersion: 'v1', shop: null, period: { kind: 'month', back: 1 }, settings: DEFAULT_KPI_SETTINGS, trend: 12 });
  if (trended.kind !== 'kpis') throw new Error(JSON.stringify(trended));
  expect(trended.kpis.trend).toHaveLength(12);
  expect(trended.kpis.trend!.at(-1)).toEqual(trended.kpis.current);
  expect(trended.kpis.trend!.at(-2)).toEqual(trended.kpis.previous);
  for (const figures of trended.kpis.trend!) expect(figures).toEqual(expectedFigures(rows, figures.period, previousPeriod('month', figures.period), asOfDay, DEFAULT_KPI_SETTINGS));
  for (const [unit, count] of [['month', 24], ['week', 12]] as const) {
    const reply = await queries.cohorts({ kind: 'cohorts', id: 2, storeVersion: 'v1', shop: null, unit, count, currency: 'GBP' });
    if (reply.kind !== 'cohorts') throw new Error(JSON.stringify(reply));
    expect(reply.table.cohorts, unit).toEqual(expectedCohorts(rows, unit, count, asOfDay));
    expect(reply.table.otherCurrencies).toBe(0);
  }
  return compared;
}

/** A wholesaler's invoices over two years, in the Online Retail layout: repeat and one-off buyers, credit notes, guests. */
function generatedShop(): RetailRow[] {
  let seed = 20261202;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T,>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const start = Date.UTC(2023, 0, 1) / 86_400_000;
  const rows: RetailRow[] = [];
  let invoice = 500000;
  const date = (day: number) => {
    const d = new Date(day * 86_400_000);
    return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${8 + Math.floor(random() * 10)}:${String(Math.floor(random() * 60)).padStart(2, '0')}`;
  };
  for (let customer = 0; customer < 400; customer += 1) {
    const id = String(12000 + customer);
    let day = start + Math.floor(random() * 700);
    // Each buys every so often until they leave: some soon, some never.
    const leaves = day + Math.floor(random() * 500);
    const gap = 10 + Math.floor(random() * 90);
    for (let visit = 0; visit < 12 && day < Math.min(leaves, start + 731); visit += 1) {
      // Now and then two invoices on one day: one purchase occasion.
      for (let same = random() < 0.1 ? 2 : 1; same > 0; same -= 1) {
        invoice += 1;
        for (let line = 1 + Math.floor(random() * 3); line > 0; line -= 1) {
          rows.push({ InvoiceNo: String(invoice), Quantity: String(1 + Math.floor(random() * 24)), InvoiceDate: date(day), UnitPrice: pick(['0.85', '1.25', '2.55', '3.75', '9.95', '12.75']), CustomerID: id });
        }
      }
      if (random() < 0.15) {
        invoice += 1;
        const back = day + Math.floor(random() * 40);
        rows.push({ InvoiceNo: `C${invoice}`, Quantity: String(-1 - Math.floor(random() * 3)), InvoiceDate: date(back), UnitPrice: pick(['1.25', '2.55', '3.75']), CustomerID: id });
      }
      day += 1 + Math.floor(random() * 2 * gap);
    }
  }
  // Guests: no customer id, no customer KPI.
  for (let i = 0; i < 30; i += 1) rows.push({ InvoiceNo: String((invoice += 1)), Quantity: '2', InvoiceDate: date(start + i * 20), UnitPrice: '4.95', CustomerID: '' });
  return rows;
}

const HEADER = ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'];
const csvOf = (rows: readonly RetailRow[]) => Papa.unparse({ fields: HEADER, data: rows.map((row) => [row.InvoiceNo, 'SKU1', 'MUG', row.Quantity, row.InvoiceDate, row.UnitPrice, row.CustomerID, 'United Kingdom']) });

/** The generated wholesaler and, beside it, the demo Taobao shop in yuan, scored as of 2026-11-20. */
async function twoShops() {
  const rows = generatedShop();
  const db = await openTiermarkDB(`kpis-${(dbCount += 1)}`);
  await importRetail(db, 'invoices.csv', csvOf(rows));
  const demo = readFileSync(join(FIXTURES, 'demo/ExportOrderList202611201200.csv'));
  await importFile(db, { name: 'ExportOrderList202611201200.csv', size: demo.length, hash: await sha256Hex(demo), stream: () => chunked(demo, 8192) }, {});
  await rescore(db, { reason: 'import', timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay('2026-11-20', ZONE) });
  return { rows, db };
}

describe('shop KPIs over the stored customers', () => {
  it('equal the figures worked out from a generated wholesaler’s rows, for every month, quarter, year and custom span, and its cohorts by month and week', async () => {
    const rows = generatedShop();
    const db = await openTiermarkDB(`kpis-${(dbCount += 1)}`);
    await importRetail(db, 'invoices.csv', csvOf(rows));
    expect(await expectKpisOf(db, rows, '2024-12-31')).toBeGreaterThan(500);
  }, 60_000);

  it('count each shop on its own, and all shops together', async () => {
    const { rows, db } = await twoShops();
    const queries = new TableQueries(async () => db);
    const ask = async (shop: string | null, period: PeriodChoice) => {
      const reply = await queries.kpis({ kind: 'kpis', id: 1, storeVersion: 'v1', shop, period, settings: DEFAULT_KPI_SETTINGS });
      if (reply.kind !== 'kpis') throw new Error(JSON.stringify(reply));
      return reply.kpis;
    };
    const shops = await db.getAll('shops');
    const retailShop = shops.find((shop) => shop.platform !== 'taobao')!.id;
    const taobaoShop = shops.find((shop) => shop.platform === 'taobao')!.id;
    const asOfDay = Date.parse('2026-11-20T00:00:00Z') / 86_400_000;
    // The demo shop's orders are of 2024-11 to 2026-11: both shops bought in 2024's last quarter.
    const quarter = { kind: 'custom', period: calendarPeriod('quarter', Date.parse('2024-12-01T00:00:00Z') / 86_400_000) } as const;
    const [all, retail, taobao, none] = [await ask(null, quarter), await ask(retailShop, quarter), await ask(taobaoShop, quarter), await ask('no-such-shop', quarter)];
    expect(retail.current).toEqual(expectedFigures(rows, quarter.period, previousPeriod('custom', quarter.period), asOfDay, DEFAULT_KPI_SETTINGS));
    expect(taobao.current.buyers).toBeGreaterThan(0);
    expect(Object.keys(taobao.current.byCurrency)).toEqual(['CNY']);
    expect(all.current.buyers).toBe(retail.current.buyers + taobao.current.buyers);
    expect(all.current.byCurrency).toEqual({ ...retail.current.byCurrency, ...taobao.current.byCurrency });
    expect(none.current.buyers).toBe(0);
  }, 60_000);

  it('keep the figures the Overview opens on with the table: the same as counting them, given without reading the occasions', async () => {
    const { db } = await twoShops();
    const stored = await storedTableRecords(db);
    const head = stored.get('head') as CustomerTableHead;
    const read: string[] = [];
    const reader = async (names: readonly string[]) => {
      read.push(...names);
      return new Map(names.map((name) => { const record = stored.get(name) as { text?: string; bytes?: ArrayBuffer }; return [name, (record.text ?? record.bytes)!] as const; }));
    };
    const kept = new CustomerTable(head, reader);
    const counted = new CustomerTable({ ...head, openingKpis: undefined }, reader);
    const asked = [[OPENING_PERIOD, TREND_PERIODS], [OPENING_PERIOD, 0], [OPENING_PERIOD, 3]] as const;
    for (const [period, trend] of asked) {
      read.length = 0;
      const answer = await kept.kpis(null, period, DEFAULT_KPI_SETTINGS, trend);
      expect(read, `trend ${trend}`).toEqual([]);
      expect(answer, `trend ${trend}`).toEqual(await counted.kpis(null, period, DEFAULT_KPI_SETTINGS, trend));
    }
    expect(head.openingKpis!.current.buyers).toBeGreaterThan(0);
    expect(head.openingKpis!.trend).toHaveLength(TREND_PERIODS);
    // Any other question is counted from the occasions (by a table just opened: a table keeps the columns it read).
    const shop = head.shops[0]!;
    for (const [who, period, settings] of [[shop, OPENING_PERIOD, DEFAULT_KPI_SETTINGS], [null, { kind: 'month', back: 2 }, DEFAULT_KPI_SETTINGS], [null, OPENING_PERIOD, { secondWithinDays: 30, lapsedAfterDays: 180 }]] as const) {
      read.length = 0;
      await new CustomerTable(head, reader).kpis(who, period, settings);
      expect(read, JSON.stringify([who, period, settings])).toContain('occasionDay');
    }
  }, 60_000);

  it('sums the customers’ predicted 12-month value into the customer equity', async () => {
    const db = await openTiermarkDB(`kpis-${(dbCount += 1)}`);
    const demo = readFileSync(join(FIXTURES, 'demo/ExportOrderList202611201200.csv'));
    await importFile(db, { name: 'ExportOrderList202611201200.csv', size: demo.length, hash: await sha256Hex(demo), stream: () => chunked(demo, 8192) }, {});
    await rescore(db, { reason: 'import', timeZone: 'Asia/Shanghai', settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay('2026-11-20', 'Asia/Shanghai') });
    const reply = await new TableQueries(async () => db).kpis({ kind: 'kpis', id: 1, storeVersion: 'v1', shop: null, period: { kind: 'month', back: 0 }, settings: DEFAULT_KPI_SETTINGS });
    if (reply.kind !== 'kpis') throw new Error(JSON.stringify(reply));
    const predicted = Object.values(await allProfiles(db)).map((profile) => profile.facts.predictedClv365).filter((value): value is number => typeof value === 'number');
    expect(predicted.length).toBeGreaterThan(300);
    expect(reply.kpis.equity).toEqual({ CNY: { customers: predicted.length, value: expect.closeTo(predicted.reduce((sum, value) => sum + value, 0), 1) } });
  }, 60_000);

  const retail = sharedData('online-retail');
  it.skipIf(!retail.present)(`equal the figures and cohorts worked out from the UCI Online Retail rows of France and Germany (${retail.path})`, async () => {
    const db = await openTiermarkDB(`kpis-${(dbCount += 1)}`);
    const rows: RetailRow[] = [];
    for (const file of ['france.csv', 'germany.csv']) {
      const text = readFileSync(`${retail.path}/${file}`, 'utf8');
      rows.push(...Papa.parse<RetailRow>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true }).data);
      await importRetail(db, file, text);
    }
    expect(await expectKpisOf(db, rows, '2011-12-09')).toBeGreaterThan(1000);
  }, 120_000);
});
