import type { CustomerRow } from './db/customer-list';
import type { Localised } from './localised';
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

/** The shop at a glance: counts, net sales (in the shop's currency, else the one most customers buy in), the member ladder, and the R × F grid. */
export function overviewOf(rows: readonly CustomerRow[], shopCurrency?: string): Overview {
  const byCurrency = new Map<string, number>();
  for (const row of rows) byCurrency.set(row.currency, (byCurrency.get(row.currency) ?? 0) + 1);
  const currency = shopCurrency || ([...byCurrency].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'CNY');
  const tiers = new Map<string | null, { ref: string | null; label: Localised | null; colour: string; rank: number; customers: number }>();
  const rfm = [5, 4, 3, 2, 1].map((r) => [1, 2, 3, 4, 5].map((f) => ({ r, f, customers: 0, monetaryShare: 0 })));
  let orders = 0;
  let netSalesMinor = 0;
  let unscored = 0;
  const frequencies: Overview['frequencies'] = [null, null, null, null, null];
  const stages = new Map<string, number>();
  const lostBands = new Map<string, number>();
  const quadrants = new Map<string, number>();
  const count = (counts: Map<string, number>, value: string) => counts.set(value, (counts.get(value) ?? 0) + 1);
  for (const row of rows) {
    const { lifecycleStage, lostBand, valueQuadrant } = row.facts;
    if (isLifecycleStage(lifecycleStage)) count(stages, lifecycleStage);
    if (typeof lostBand === 'string') count(lostBands, lostBand);
    if (isValueQuadrant(valueQuadrant)) count(quadrants, valueQuadrant);
    orders += row.orderCount;
    if (row.currency === currency) netSalesMinor += row.monetaryMinor;
    const key = row.tier?.ref ?? null;
    const tier = tiers.get(key) ?? { ref: key, label: row.tier?.label ?? null, colour: row.tier?.colour ?? '#bfbfbf', rank: row.tier?.rank ?? -1, customers: 0 };
    tier.customers += 1;
    tiers.set(key, tier);
    const { rfmR: r, rfmF: f } = row.facts;
    if (typeof r !== 'number' || typeof f !== 'number') {
      unscored += 1;
      continue;
    }
    const cell = rfm[5 - r]![f - 1]!;
    cell.customers += 1;
    const purchases = typeof row.facts.frequency === 'number' ? row.facts.frequency : row.orderCount;
    const range = frequencies[f - 1];
    if (!range) frequencies[f - 1] = { f, fewest: purchases, most: purchases };
    else [range.fewest, range.most] = [Math.min(range.fewest, purchases), Math.max(range.most, purchases)];
    if (row.currency === currency) cell.monetaryShare += row.monetaryMinor;
  }
  for (const line of rfm) for (const cell of line) cell.monetaryShare = netSalesMinor > 0 ? cell.monetaryShare / netSalesMinor : 0;
  return {
    customers: rows.length,
    orders,
    currency,
    netSalesMinor,
    otherCurrencies: rows.length - (byCurrency.get(currency) ?? 0),
    tiers: [...tiers.values()].sort((a, b) => b.rank - a.rank).map(({ ref, label, colour, customers }) => ({ ref, label, colour, customers })),
    rfm,
    unscored,
    frequencies,
    stages: LIFECYCLE_STAGES.map((stage) => ({ stage, customers: stages.get(stage) ?? 0 })),
    lostBands: LOST_BANDS.map((band) => ({ band, customers: lostBands.get(band) ?? 0 })),
    quadrants: quadrants.size === 0 ? [] : VALUE_QUADRANTS.map((quadrant) => ({ quadrant, customers: quadrants.get(quadrant) ?? 0 })),
  };
}
