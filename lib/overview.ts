import type { CustomerRow } from './db/customer-list';
import type { Localised } from './localised';
import { countSegments, type InSegments, type SegmentCounts } from './segments';
import { isLifecycleStage, LIFECYCLE_STAGES, LOST_BANDS, type LifecycleStage, type LostBand } from './lifecycle';
import { isValueQuadrant, VALUE_QUADRANTS, type ValueQuadrant } from './value-matrix';

export interface RfmCell {
  r: number;
  f: number;
  customers: number;
  /** Share of the shop's net spend (in its main currency) from these customers. */
  monetaryShare: number;
}

export interface Overview {
  customers: number;
  /** Orders that were purchases (each customer's orderCount): unpaid and closed ones are not. */
  orders: number;
  /** Net sales in the currency most customers buy in; other currencies are counted apart. */
  currency: string;
  netSalesMinor: number;
  otherCurrencies: number;
  tiers: Array<{ ref: string | null; label: Localised | null; colour: string; customers: number }>;
  /** R (rows, 5 best first) by F (columns, 1 to 5). */
  rfm: RfmCell[][];
  /** Customers not yet given an RFM code (no purchase yet). */
  unscored: number;
  /**
   * What each F score is in purchases in this shop: the fewest and most of its customers, or null
   * where nobody has that score (equal counts get equal scores, so in a shop of one-time buyers a
   * second purchase is F 4 and nobody is F 2 or 3).
   */
  frequencies: Array<{ f: number; fewest: number; most: number } | null>;
  /** Customers per lifecycle stage, in the stages' order; lost ones also by how long they have been gone. */
  stages: Array<{ stage: LifecycleStage; customers: number }>;
  lostBands: Array<{ band: LostBand; customers: number }>;
  /** Customers per value × potential quadrant; none at all where the models gave no predicted value. */
  quadrants: Array<{ quadrant: ValueQuadrant; customers: number }>;
}

/** What the tally needs of a customer: their aggregate's figures, tier and facts. */
export type TalliedCustomer = Pick<CustomerRow, 'currency' | 'orderCount' | 'monetaryMinor' | 'tier' | 'facts'> & InSegments;

/**
 * The Overview's figures as counts and sums, kept by the rescore as it scores (plain data, stored
 * in `meta`), so the Overview reads one record, not every customer. Sums of money are kept per
 * currency: which one the Overview shows is the seller's setting, or the one most customers buy in.
 */
export interface OverviewTally {
  customers: number;
  orders: number;
  /** Per currency: its customers, their net sales, and their net sales in each R × F cell (R5 to R1, F1 to F5, row by row). */
  byCurrency: Record<string, { customers: number; netSalesMinor: number; rfmMinor: number[] }>;
  /** By tier ref ("" for no tier). */
  tiers: Record<string, { ref: string | null; label: Localised | null; colour: string; rank: number; customers: number }>;
  /** Customers in each R × F cell, in the order of `rfmMinor`. */
  rfmCustomers: number[];
  unscored: number;
  frequencies: Array<{ fewest: number; most: number } | null>;
  stages: Record<string, number>;
  lostBands: Record<string, number>;
  quadrants: Record<string, number>;
  /** The Segments page's sizes: each tier, badge and treatment. */
  segments: SegmentCounts;
}

/** The last rescore's tallies, of all shops and of each (by shop id): `meta` record "overview". */
export interface OverviewRecord {
  id: 'overview';
  asOfDay: number;
  all: OverviewTally;
  byShop: Record<string, OverviewTally>;
}

export function emptyTally(): OverviewTally {
  return {
    customers: 0, orders: 0, byCurrency: {}, tiers: {}, rfmCustomers: Array<number>(25).fill(0), unscored: 0,
    frequencies: [null, null, null, null, null], stages: {}, lostBands: {}, quadrants: {}, segments: {},
  };
}

const count = (counts: Record<string, number>, value: string) => (counts[value] = (counts[value] ?? 0) + 1);

/** The facts `tallyCustomer` reads (the Segments' counts read `tags`): what a tally counted from the customer table needs of its columns. */
export const TALLIED_FACTS = ['lifecycleStage', 'lostBand', 'valueQuadrant', 'rfmR', 'rfmF', 'frequency', 'tags'] as const;

/** Counts a customer in a tally; `segments: false` leaves their segments to the caller (see `tallyOfTable`, which counts them by code). */
export function tallyCustomer(tally: OverviewTally, row: TalliedCustomer, segments = true): void {
  const { lifecycleStage, lostBand, valueQuadrant, rfmR: r, rfmF: f } = row.facts;
  if (isLifecycleStage(lifecycleStage)) count(tally.stages, lifecycleStage);
  if (typeof lostBand === 'string') count(tally.lostBands, lostBand);
  if (isValueQuadrant(valueQuadrant)) count(tally.quadrants, valueQuadrant);
  tally.customers += 1;
  tally.orders += row.orderCount;
  if (segments) countSegments(tally.segments, row);
  const money = (tally.byCurrency[row.currency] ??= { customers: 0, netSalesMinor: 0, rfmMinor: Array<number>(25).fill(0) });
  money.customers += 1;
  money.netSalesMinor += row.monetaryMinor;
  const key = row.tier?.ref ?? '';
  const tier = (tally.tiers[key] ??= { ref: row.tier?.ref ?? null, label: row.tier?.label ?? null, colour: row.tier?.colour ?? '#bfbfbf', rank: row.tier?.rank ?? -1, customers: 0 });
  tier.customers += 1;
  if (typeof r !== 'number' || typeof f !== 'number') {
    tally.unscored += 1;
    return;
  }
  const cell = (5 - r) * 5 + (f - 1);
  tally.rfmCustomers[cell]! += 1;
  money.rfmMinor[cell]! += row.monetaryMinor;
  const purchases = typeof row.facts.frequency === 'number' ? row.facts.frequency : row.orderCount;
  const range = tally.frequencies[f - 1];
  if (!range) tally.frequencies[f - 1] = { fewest: purchases, most: purchases };
  else [range.fewest, range.most] = [Math.min(range.fewest, purchases), Math.max(range.most, purchases)];
}

/** Adds a tally's counts to another's: the tallies of a rescore's parts, scored on two threads, made one. */
export function addTally(into: OverviewTally, from: OverviewTally): void {
  const add = (to: Record<string, number>, counts: Record<string, number>) => {
    for (const [key, n] of Object.entries(counts)) to[key] = (to[key] ?? 0) + n;
  };
  into.customers += from.customers;
  into.orders += from.orders;
  into.unscored += from.unscored;
  for (const [currency, money] of Object.entries(from.byCurrency)) {
    const mine = (into.byCurrency[currency] ??= { customers: 0, netSalesMinor: 0, rfmMinor: Array<number>(25).fill(0) });
    mine.customers += money.customers;
    mine.netSalesMinor += money.netSalesMinor;
    money.rfmMinor.forEach((minor, cell) => (mine.rfmMinor[cell]! += minor));
  }
  for (const [key, tier] of Object.entries(from.tiers)) {
    const mine = into.tiers[key];
    if (mine) mine.customers += tier.customers;
    else into.tiers[key] = { ...tier };
  }
  from.rfmCustomers.forEach((n, cell) => (into.rfmCustomers[cell]! += n));
  from.frequencies.forEach((range, f) => {
    const mine = into.frequencies[f];
    if (!range) return;
    if (!mine) into.frequencies[f] = { ...range };
    else [mine.fewest, mine.most] = [Math.min(mine.fewest, range.fewest), Math.max(mine.most, range.most)];
  });
  add(into.stages, from.stages);
  add(into.lostBands, from.lostBands);
  add(into.quadrants, from.quadrants);
  for (const [key, segment] of Object.entries(from.segments)) {
    const mine = into.segments[key];
    if (mine) mine.count += segment.count;
    else into.segments[key] = { ...segment };
  }
}

/** The shop at a glance from its tally: net sales in the shop's currency (else the one most customers buy in), the member ladder, the R × F grid. */
export function overviewOfTally(tally: OverviewTally, shopCurrency?: string): Overview {
  const mostCustomers = Object.entries(tally.byCurrency).sort((a, b) => b[1].customers - a[1].customers)[0]?.[0];
  const currency = shopCurrency || (mostCustomers ?? 'CNY');
  const money = tally.byCurrency[currency];
  const netSalesMinor = money?.netSalesMinor ?? 0;
  const rfm = [5, 4, 3, 2, 1].map((r, row) =>
    [1, 2, 3, 4, 5].map((f, column) => {
      const cell = row * 5 + column;
      return { r, f, customers: tally.rfmCustomers[cell] ?? 0, monetaryShare: netSalesMinor > 0 ? (money?.rfmMinor[cell] ?? 0) / netSalesMinor : 0 };
    }),
  );
  return {
    customers: tally.customers,
    orders: tally.orders,
    currency,
    netSalesMinor,
    otherCurrencies: tally.customers - (money?.customers ?? 0),
    tiers: Object.values(tally.tiers).sort((a, b) => b.rank - a.rank).map(({ ref, label, colour, customers }) => ({ ref, label, colour, customers })),
    rfm,
    unscored: tally.unscored,
    frequencies: tally.frequencies.map((range, i) => range && { f: i + 1, ...range }),
    stages: LIFECYCLE_STAGES.map((stage) => ({ stage, customers: tally.stages[stage] ?? 0 })),
    lostBands: LOST_BANDS.map((band) => ({ band, customers: tally.lostBands[band] ?? 0 })),
    quadrants: Object.keys(tally.quadrants).length === 0 ? [] : VALUE_QUADRANTS.map((quadrant) => ({ quadrant, customers: tally.quadrants[quadrant] ?? 0 })),
  };
}

/** The Overview of a list of customers, as the rescore's tally gives it. */
export function overviewOf(rows: readonly TalliedCustomer[], shopCurrency?: string): Overview {
  const tally = emptyTally();
  for (const row of rows) tallyCustomer(tally, row);
  return overviewOfTally(tally, shopCurrency);
}
