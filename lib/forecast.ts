import type { Facts } from './scoring/scorer';

/**
 * The shop's forecast of purchases (orders merged by day) by the customers it has: the sum of
 * their BG/NBD expectations for the next 30 and 90 days, kept by each rescore with its as-of day,
 * so that once later orders are imported the Overview sets each forecast against what happened.
 */
export interface ForecastTally {
  /** Customers the model gave an expectation for. */
  customers: number;
  expected30: number;
  expected90: number;
}

export interface ForecastEntry {
  asOfDay: number;
  all: ForecastTally;
  byShop: Record<string, ForecastTally>;
}

/** `meta` record "forecasts": one entry per as-of day, oldest first. */
export interface ForecastRecord {
  id: 'forecasts';
  entries: ForecastEntry[];
}

/** A year and more of daily rescores: enough to check any forecast of the last year. */
const KEPT = 400;

export const emptyForecast = (): ForecastTally => ({ customers: 0, expected30: 0, expected90: 0 });

/** The facts `tallyForecast` reads. */
export const FORECAST_FACTS = ['expectedPurchases30d', 'expectedPurchases90d'] as const;

export function tallyForecast(tally: ForecastTally, facts: Facts): void {
  const { expectedPurchases30d: in30, expectedPurchases90d: in90 } = facts;
  if (typeof in30 !== 'number' || typeof in90 !== 'number') return;
  tally.customers += 1;
  tally.expected30 += in30;
  tally.expected90 += in90;
}

/** The record with an entry added: a rescore of the same as-of day replaces that day's. */
export function withForecast(record: ForecastRecord | undefined, entry: ForecastEntry): ForecastRecord {
  const entries = (record?.entries ?? []).filter((kept) => kept.asOfDay !== entry.asOfDay);
  entries.push(entry);
  entries.sort((a, b) => a.asOfDay - b.asOfDay);
  return { id: 'forecasts', entries: entries.slice(-KEPT) };
}

/** The forecasts worth setting against what happened: before the last as-of day, one a week at most, newest first. */
export function forecastsToCheck(entries: readonly ForecastEntry[], asOfDay: number, count = 26): ForecastEntry[] {
  const picked: ForecastEntry[] = [];
  for (let i = entries.length - 1; i >= 0 && picked.length < count; i -= 1) {
    const entry = entries[i]!;
    if (entry.asOfDay >= asOfDay) continue;
    if (picked.length > 0 && picked[picked.length - 1]!.asOfDay - entry.asOfDay < 7) continue;
    picked.push(entry);
  }
  return picked;
}

/** What happened after each forecast day: purchases in the next 30 and 90 days by customers who had bought by then. */
export interface ForecastActual {
  day: number;
  within30: number;
  within90: number;
}
