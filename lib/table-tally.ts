import type { CustomerTableHead, ShopKpis, ShopSeen } from './customer-table';
import { choiceFigures, countEquity, CUSTOMER_EQUITY, DEFAULT_KPI_SETTINGS, figuresMoved, OPENING_PERIOD, TREND_PERIODS, type OccasionColumns } from './kpis';
import { emptyTally, tallyCustomer, TALLIED_FACTS, type OverviewRecord, type OverviewTally, type TalliedCustomer } from './overview';
import { shopOfKey } from './shops';
import { keyHashes } from './snapshots';
import type { Facts, FactValue } from './scoring/scorer';
import type { MissedFollowUp } from './engine/outcome';
import type { Localised } from './localised';
import { emptyForecast, FORECAST_FACTS, tallyForecast, type ForecastEntry } from './forecast';
import { SpendLists } from './engine/currency';
import { countSegments, type InSegments } from './segments';
import { codesOf, type CodeColumn } from './table-codes';
import { numberValues } from './table-numbers';

/**
 * The Overview's tallies counted again from the customer table the last whole rescore wrote, with
 * some customers as rescored since: the rescore of the touched keeps the Overview and the Segments
 * page right without a whole rescore. Each row goes through `tallyCustomer`, in the table's order
 * (the whole rescore's), so the figures are the ones a whole rescore would count.
 */

/** The table's records the tally reads. */
export function tallyRecordNames(head: CustomerTableHead): string[] {
  const facts = [...TALLIED_FACTS, ...FORECAST_FACTS, 'monetary', 'orderCount'];
  // What the opening KPIs are moved with (see `openingKpisOfTable`).
  const equity = `fact:${CUSTOMER_EQUITY.fact}`;
  const occasions = head.openingKpis ? ['occasionEnd', 'occasionDay', 'occasionSpend', ...(equity in head.columns ? [equity] : [])] : [];
  const spend = (head.spendCurrencies ?? []).map((currency) => `spend:${currency}`);
  return ['keyHash', 'keySecondHash', 'tier', 'badgeSet', 'treatmentSet', 'missedSet', 'currency', 'shop', 'orderCount', 'monetaryMinor', ...occasions, ...spend, ...facts.map((fact) => `fact:${fact}`).filter((name) => name in head.columns)];
}

/**
 * The rows of the customers of `keys` the table holds, found by the key's two hashes (64 bits: at
 * a million rows, a chance in ten million of taking one row for another), not by reading their lines.
 */
export function rowsOfKeys(keys: Iterable<string>, records: ReadonlyMap<string, ArrayBuffer>): Map<string, number> {
  const [first, second] = [new Uint32Array(records.get('keyHash')!), new Uint32Array(records.get('keySecondHash')!)];
  const wanted = new Map<number, Array<[number, string]>>();
  for (const key of keys) {
    const [a, b] = keyHashes(key);
    (wanted.get(a) ?? wanted.set(a, []).get(a)!).push([b, key]);
  }
  const rows = new Map<string, number>();
  for (let row = 0; row < first.length; row += 1) {
    const named = wanted.get(first[row]!);
    if (named) for (const [b, key] of named) if (b === second[row]) rows.set(key, row);
  }
  return rows;
}

/**
 * The tallies of every shop and of each: the table's rows, those of customers in `now` as they are
 * now (at their rows, `rowsOf`), then the customers of `now` the table does not hold (new since it
 * was written), in the order given. `records` holds the records `tallyRecordNames` names.
 */
export function tallyOfTable(head: CustomerTableHead, records: ReadonlyMap<string, ArrayBuffer>, now: ReadonlyMap<string, TalliedCustomer>, rowsOf: ReadonlyMap<string, number>, held: HeldCodes, asOfDay: number): OverviewRecord {
  const replaced = new Map([...rowsOf].map(([key, row]) => [row, key]));
  const codes = (name: string) => codesOf(records.get(name)!, head.size);
  const [tiers, currencies, shops] = ['tier', 'currency', 'shop'].map(codes) as [CodeColumn, CodeColumn, CodeColumn];
  const orderCounts = new Uint32Array(records.get('orderCount')!);
  const monetary = new Float64Array(records.get('monetaryMinor')!);
  // Each fact as a function of the row: unknown (and a value of another type, which the tally takes as unknown) is null.
  const facts = TALLIED_FACTS.flatMap((fact): Array<[string, (row: number) => FactValue]> => {
    const column = head.columns[`fact:${fact}`];
    const bytes = records.get(`fact:${fact}`);
    if (!column || !bytes) return [];
    if (column.kind === 'text') {
      const values = codesOf(bytes, head.size);
      return [[fact, (row: number) => (values[row] === 0 ? null : column.values[values[row]! - 1]!)]];
    }
    if (column.kind === 'number') {
      const values = numberValues(column, bytes);
      return [[fact, (row: number) => (Number.isNaN(values[row]) ? null : values[row]!)]];
    }
    const values = new Uint8Array(bytes);
    return [[fact, (row: number) => (values[row] === 0 ? null : values[row] === 2)]];
  });
  const badgesOf = head.badgeSets.map((set) => set.map((i) => head.badges[i]!));
  const treatmentsOf = head.treatmentSets.map((set) => set.map((i) => head.treatments[i]!));
  const record: OverviewRecord = { id: 'overview', asOfDay, all: emptyTally(), byShop: {} };
  const shopTally = (shop: string): OverviewTally => (record.byShop[shop] ??= emptyTally());
  // One row object for every row: the tally keeps none of it but the head's shared labels.
  const rowFacts: Facts = {};
  const row: TalliedCustomer = { currency: '', orderCount: 0, monetaryMinor: 0, tier: null, badges: [], treatments: [], facts: rowFacts };
  // A shop of one shop (most sellers'): its tally is every shop's, counted once and copied.
  const shopsIn = new Set([...head.shops, ...[...now.keys()].map(shopOfKey)]);
  const onlyShop = shopsIn.size === 1 ? [...shopsIn][0]! : null;
  const tally = (customer: TalliedCustomer, shop: string, segments: boolean) => {
    tallyCustomer(record.all, customer, segments);
    if (onlyShop === null) tallyCustomer(shopTally(shop), customer, segments);
  };
  // The table's rows are counted in their segments by code (`held`), each code's customers at once
  // after: a segment's key made for each of a row's tier, badges and tags was most of the tally at a million.
  const tagsHeld = head.shops.map(() => new Map<string, number>());
  for (let at = 0; at < head.size; at += 1) {
    const key = replaced.get(at);
    if (key !== undefined) {
      tally(now.get(key)!, shopOfKey(key), true);
      continue;
    }
    row.currency = head.currencies[currencies[at]!]!;
    row.orderCount = orderCounts[at]!;
    row.monetaryMinor = monetary[at]!;
    row.tier = tiers[at] === 0 ? null : head.tiers[tiers[at]! - 1]!;
    for (const [fact, value] of facts) rowFacts[fact] = value(at);
    tally(row, head.shops[shops[at]!]!, false);
    const tags = rowFacts.tags;
    if (typeof tags === 'string') tagsHeld[shops[at]!]!.set(tags, (tagsHeld[shops[at]!]!.get(tags) ?? 0) + 1);
  }
  head.shops.forEach((shop, code) => {
    const count = (segments: InSegments, n: number) => {
      if (n === 0) return;
      countSegments(record.all.segments, segments, n);
      if (onlyShop === null) countSegments(shopTally(shop).segments, segments, n);
    };
    held.tiers[code]!.forEach((n, tier) => count({ tier: tier === 0 ? null : head.tiers[tier - 1]!, badges: [], treatments: [] }, n));
    held.badgeSets[code]!.forEach((n, set) => count({ tier: null, badges: badgesOf[set]!, treatments: [] }, n));
    held.treatmentSets[code]!.forEach((n, set) => count({ tier: null, badges: [], treatments: treatmentsOf[set]! }, n));
    for (const [tags, n] of tagsHeld[code]!) count({ tier: null, badges: [], treatments: [], facts: { tags } }, n);
  });
  for (const [key, customer] of now) if (!rowsOf.has(key)) tally(customer, shopOfKey(key), true);
  if (onlyShop !== null) record.byShop[onlyShop] = structuredClone(record.all);
  return record;
}

/** A flag per row of the table: 1 where a touched customer's row is, whose figures are `now`'s. */
function replacedRows(head: CustomerTableHead, rowsOf: ReadonlyMap<string, number>): Uint8Array {
  const replaced = new Uint8Array(head.size);
  for (const row of rowsOf.values()) replaced[row] = 1;
  return replaced;
}

/** Per shop (by code), how many of the table's rows the touched leave as they were hold each tier, badge set and treatment set code. */
export interface HeldCodes {
  customers: Float64Array;
  tiers: Float64Array[];
  badgeSets: Float64Array[];
  treatmentSets: Float64Array[];
}

/** The codes the table's rows the touched leave hold, counted once for the tally's segments and the filters' choices. */
export function heldCodes(head: CustomerTableHead, records: ReadonlyMap<string, ArrayBuffer>, rowsOf: ReadonlyMap<string, number>): HeldCodes {
  const [tiers, badgeSets, treatmentSets, shops] = ['tier', 'badgeSet', 'treatmentSet', 'shop'].map((name) => codesOf(records.get(name)!, head.size)) as [CodeColumn, CodeColumn, CodeColumn, CodeColumn];
  const replaced = replacedRows(head, rowsOf);
  const perShop = (codes: number) => head.shops.map(() => new Float64Array(codes));
  const held: HeldCodes = { customers: new Float64Array(head.shops.length), tiers: perShop(head.tiers.length + 1), badgeSets: perShop(head.badgeSets.length), treatmentSets: perShop(head.treatmentSets.length) };
  for (let row = 0; row < head.size; row += 1) {
    if (replaced[row]) continue;
    const shop = shops[row]!;
    held.customers[shop]! += 1;
    held.tiers[shop]![tiers[row]!]! += 1;
    held.badgeSets[shop]![badgeSets[row]!]! += 1;
    held.treatmentSets[shop]![treatmentSets[row]!]! += 1;
  }
  return held;
}

/**
 * What each shop's customers have among the table's rows the touched leave as they were: the
 * filters' choices over a patch offer only what someone still has (a tier the day's buyers all
 * left is no longer offered). In the table's codes; the patch's rows are added by the query worker.
 */
export function seenOfTable(held: HeldCodes): ShopSeen[] {
  const codesOf = (counts: Float64Array) => [...counts.keys()].filter((code) => counts[code]! > 0);
  return [...held.customers].map((customers, shop) => ({ customers, tiers: codesOf(held.tiers[shop]!), badgeSets: codesOf(held.badgeSets[shop]!) }));
}

/** Who lapsed before each follow-up's window (see `RescoreStatus.followUpsMissed`): the table's rows, those in `rowsOf` as `now` has them, and `now`'s new customers. */
export function missedOfTable(head: CustomerTableHead, records: ReadonlyMap<string, ArrayBuffer>, now: ReadonlyMap<string, readonly MissedFollowUp[]>, rowsOf: ReadonlyMap<string, number>): Record<string, { label: Localised; customers: number }> {
  const sets = codesOf(records.get('missedSet')!, head.size);
  const replaced = replacedRows(head, rowsOf);
  const perSet = new Float64Array(head.missedSets.length);
  for (let row = 0; row < head.size; row += 1) if (!replaced[row]) perSet[sets[row]!]! += 1;
  const missed: Record<string, { label: Localised; customers: number }> = {};
  const add = ({ ref, label }: MissedFollowUp, customers: number) => ((missed[ref] ??= { label, customers: 0 }).customers += customers);
  head.missedSets.forEach((set, code) => {
    if (perSet[code]! > 0) for (const i of set) add(head.missed[i]!, perSet[code]!);
  });
  for (const list of now.values()) for (const lapsed of list) add(lapsed, 1);
  return missed;
}

/** A number column of the table's records, in its width; null without it. */
function numbers(head: CustomerTableHead, records: ReadonlyMap<string, ArrayBuffer>, name: string): Float32Array | Float64Array | null {
  const column = head.columns[name];
  const bytes = records.get(name);
  return column?.kind === 'number' && bytes ? numberValues(column, bytes) : null;
}

/** The day's forecast entry (see `tallyForecast`): the table's rows, those in `rowsOf` with `now`'s facts, and `now`'s new customers. */
export function forecastOfTable(head: CustomerTableHead, records: ReadonlyMap<string, ArrayBuffer>, now: ReadonlyMap<string, Facts>, rowsOf: ReadonlyMap<string, number>, asOfDay: number): ForecastEntry {
  const entry: ForecastEntry = { asOfDay, all: emptyForecast(), byShop: {} };
  const add = (facts: Facts, shop: string) => {
    tallyForecast(entry.all, facts);
    tallyForecast((entry.byShop[shop] ??= emptyForecast()), facts);
  };
  const [in30, in90] = [numbers(head, records, 'fact:expectedPurchases30d'), numbers(head, records, 'fact:expectedPurchases90d')];
  const shops = codesOf(records.get('shop')!, head.size);
  const replaced = new Map([...rowsOf].map(([key, row]) => [row, key]));
  const facts: Facts = {};
  for (let row = 0; row < head.size; row += 1) {
    const key = replaced.get(row);
    if (key !== undefined) {
      add(now.get(key)!, shopOfKey(key));
      continue;
    }
    // Unknown is NaN in the columns: not a number to the tally.
    facts.expectedPurchases30d = in30 && !Number.isNaN(in30[row]) ? in30[row]! : null;
    facts.expectedPurchases90d = in90 && !Number.isNaN(in90[row]) ? in90[row]! : null;
    add(facts, head.shops[shops[row]!]!);
  }
  for (const [key, customer] of now) if (!rowsOf.has(key)) add(customer, shopOfKey(key));
  return entry;
}

/**
 * Each currency's sorted spend of the customers who bought (what a rule preview weighs amounts
 * against, see `CustomerTable.spend`): the table's kept lists, the touched rows' old spend taken out
 * and `now`'s put in, merged rather than sorted again. Null when the table keeps no lists.
 */
export function spendOfTable(head: CustomerTableHead, records: ReadonlyMap<string, ArrayBuffer>, now: ReadonlyMap<string, { currency: string; facts: Facts }>, rowsOf: ReadonlyMap<string, number>): Map<string, Float64Array> | null {
  if (!head.spendCurrencies) return null;
  const [monetary, orderCount] = [numbers(head, records, 'fact:monetary'), numbers(head, records, 'fact:orderCount')];
  const currencies = codesOf(records.get('currency')!, head.size);
  // As the lists were counted: a buyer has orders; unknown spend counts as 0.
  const spendOf = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? 0 : value);
  const gone = new SpendLists();
  for (const row of rowsOf.values()) if ((orderCount?.[row] ?? 0) > 0) gone.add(head.currencies[currencies[row]!]!, spendOf(monetary?.[row]));
  const come = new SpendLists();
  for (const { currency, facts } of now.values()) if (Number(facts.orderCount) > 0) come.add(currency, typeof facts.monetary === 'number' ? facts.monetary : 0);
  const [taken, added] = [gone.sorted(), come.sorted()];
  const lists = new Map<string, Float64Array>();
  for (const currency of new Set([...head.spendCurrencies, ...added.keys()])) {
    const kept = records.get(`spend:${currency}`);
    const merged = mergedSpend(kept ? new Float64Array(kept) : new Float64Array(0), taken.get(currency) ?? new Float64Array(0), added.get(currency) ?? new Float64Array(0));
    if (merged.length > 0) lists.set(currency, merged);
  }
  return lists;
}

/** A sorted list with the sorted `out` taken out (each once) and the sorted `in` put in. */
function mergedSpend(list: Float64Array, out: Float64Array, add: Float64Array): Float64Array {
  const merged = new Float64Array(list.length - out.length + add.length);
  let [i, o, a, at] = [0, 0, 0, 0];
  while (i < list.length || a < add.length) {
    if (i < list.length && o < out.length && out[o]! < list[i]!) o += 1; // not in the list: nothing to take out
    else if (i < list.length && o < out.length && list[i] === out[o]) {
      i += 1;
      o += 1;
    } else if (a < add.length && (i >= list.length || add[a]! <= list[i]!)) merged[at++] = add[a++]!;
    else merged[at++] = list[i++]!;
  }
  return merged.subarray(0, at);
}

/**
 * The Overview's opening KPIs over the table with the touched as they are now, where the table kept
 * its own: every period's figures with the touched rows' counted over their occasions then taken
 * out and `touched`'s (their figures now, counted by the patch's builder) put in, as each customer
 * counts on their own; the customer equity summed again over the column with each touched
 * customer's value in their row and the new ones after, as the patched table sums it. `now`: the
 * touched in the patch's order. Counted over the patched table by the background after the
 * rescore, they took a second of every customer's purchases read and walked, beside the pages a
 * seller opens after an import.
 */
export function openingKpisOfTable(head: CustomerTableHead, records: ReadonlyMap<string, ArrayBuffer>, touched: ShopKpis | undefined, now: ReadonlyMap<string, { currency: string; facts: Facts }>, rowsOf: ReadonlyMap<string, number>): ShopKpis | null {
  const opening = head.openingKpis;
  if (!opening?.trend || !touched?.trend) return null;
  const end = new Uint32Array(records.get('occasionEnd')!);
  const [day, spend] = [new Int32Array(records.get('occasionDay')!), new Float64Array(records.get('occasionSpend')!)];
  const currency = codesOf(records.get('currency')!, head.size);
  const rows = [...rowsOf.values()];
  const startOf = (row: number) => (row > 0 ? end[row - 1]! : 0);
  const start = new Uint32Array(rows.length + 1);
  rows.forEach((row, i) => (start[i + 1] = start[i]! + end[row]! - startOf(row)));
  const was: OccasionColumns = { size: rows.length, start, day: new Int32Array(start[rows.length]!), spendMinor: new Float64Array(start[rows.length]!), currency: Uint32Array.from(rows, (row) => currency[row]!), currencies: head.currencies };
  rows.forEach((row, i) => {
    was.day.set(day.subarray(startOf(row), end[row]), start[i]);
    was.spendMinor.set(spend.subarray(startOf(row), end[row]), start[i]);
  });
  const gone = choiceFigures(was, OPENING_PERIOD, head.asOfDay, DEFAULT_KPI_SETTINGS, TREND_PERIODS);
  return {
    ...opening,
    current: figuresMoved(opening.current, gone.current, touched.current),
    previous: figuresMoved(opening.previous, gone.previous, touched.previous),
    trend: opening.trend.map((figures, i) => figuresMoved(figures, gone.trend![i]!, touched.trend![i]!)),
    equity: equityOver(head, records, currency, now, rowsOf),
  };
}

/** The customer equity of every currency over the table's rows, those in `rowsOf` with `now`'s value, then `now`'s new customers. */
function equityOver(head: CustomerTableHead, records: ReadonlyMap<string, ArrayBuffer>, currency: CodeColumn, now: ReadonlyMap<string, { currency: string; facts: Facts }>, rowsOf: ReadonlyMap<string, number>): ShopKpis['equity'] {
  const equity: ShopKpis['equity'] = {};
  const values = numbers(head, records, `fact:${CUSTOMER_EQUITY.fact}`);
  if (!values) return equity;
  // Counted as the patched table's KPIs count it (`countEquity`), so the two sums are the same.
  // A column holds a value of another type as unknown.
  const valueNow = (customer: { facts: Facts }) => {
    const value = customer.facts[CUSTOMER_EQUITY.fact];
    return typeof value === 'number' ? value : Number.NaN;
  };
  // Each touched row's place in `touched`, from 1 (a lookup per row of a million was 80 ms).
  const touched = [...now.values()];
  const placeOf = new Map([...now.keys()].map((key, i) => [key, i + 1]));
  const replaced = new Uint32Array(head.size);
  for (const [key, row] of rowsOf) replaced[row] = placeOf.get(key)!;
  for (let row = 0; row < head.size; row += 1) {
    const at = replaced[row]!;
    if (at > 0) countEquity(equity, touched[at - 1]!.currency, valueNow(touched[at - 1]!));
    else countEquity(equity, head.currencies[currency[row]!]!, values[row]!);
  }
  for (const [key, customer] of now) if (!rowsOf.has(key)) countEquity(equity, customer.currency, valueNow(customer));
  return equity;
}
