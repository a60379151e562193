import type { OccasionColumns } from './kpis';

/**
 * Cohort retention: customers grouped by the month (or week) of their first purchase, and for each
 * month since, the share of them who bought in it and what they had spent in all by its end, per
 * customer of the cohort. Counted from the same purchase occasions as the shop's KPIs.
 */

export type CohortUnit = 'month' | 'week';

export interface Cohort {
  /** The first day of the cohort's month or week. */
  first: number;
  customers: number;
  /** By months (weeks) since the cohort's own, from 0: customers who bought in it; none past the as-of day. */
  bought: number[];
  /** By months (weeks) since, cumulative net spend of the cohort's customers to its end, in minor units. */
  spentMinor: number[];
}

export interface CohortTable {
  unit: CohortUnit;
  currency: string;
  /** Newest cohort first. */
  cohorts: Cohort[];
  /** Customers who first bought in another currency, left out (their money cannot be summed with this one's). */
  otherCurrencies: number;
}

const DAY_MS = 86_400_000;

/** A day's month or week as a running number, and the first day of such a number. 1970-01-01 was a Thursday: weeks start on Monday. */
export const unitOf = (unit: CohortUnit, day: number): number => {
  if (unit === 'week') return Math.floor((day + 3) / 7);
  const date = new Date(day * DAY_MS);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
};
export const firstDayOf = (unit: CohortUnit, index: number): number => (unit === 'week' ? index * 7 - 3 : Date.UTC(Math.floor(index / 12), index % 12, 1) / DAY_MS);

/**
 * The cohorts of the last `cohorts` months (weeks) up to the as-of day, of the customers of one
 * currency that `keep` lets through. One pass over every occasion.
 */
export function cohortTable(columns: OccasionColumns, unit: CohortUnit, currency: string, asOfDay: number, count: number, keep: (row: number) => boolean = () => true): CohortTable {
  // A shop's occasions fall on a few thousand days: each day's month is worked out once.
  const months = new Map<number, number>();
  const indexOf = unit === 'week' ? (day: number) => unitOf(unit, day) : (day: number) => {
    let month = months.get(day);
    if (month === undefined) months.set(day, (month = unitOf(unit, day)));
    return month;
  };
  const last = unitOf(unit, asOfDay);
  const oldest = last - count + 1;
  const code = columns.currencies.indexOf(currency);
  const customers = new Float64Array(count);
  const bought = Array.from({ length: count }, (_, i) => new Float64Array(count - i));
  const spent = Array.from({ length: count }, (_, i) => new Float64Array(count - i));
  let otherCurrencies = 0;
  for (let row = 0; row < columns.size; row += 1) {
    const from = columns.start[row]!;
    const to = columns.start[row + 1]!;
    if (from === to || !keep(row)) continue;
    const first = indexOf(columns.day[from]!);
    if (first < oldest || first > last) continue;
    if (columns.currency[row] !== code) {
      otherCurrencies += 1;
      continue;
    }
    const cohort = first - oldest;
    customers[cohort] = customers[cohort]! + 1;
    const boughtBy = bought[cohort]!;
    const spentBy = spent[cohort]!;
    let seen = -1;
    for (let i = from; i < to; i += 1) {
      const d = columns.day[i]!;
      if (d > asOfDay) break;
      const since = indexOf(d) - first;
      spentBy[since] = spentBy[since]! + columns.spendMinor[i]!;
      if (since !== seen) {
        boughtBy[since] = boughtBy[since]! + 1;
        seen = since;
      }
    }
  }
  const cohorts: Cohort[] = [];
  for (let cohort = count - 1; cohort >= 0; cohort -= 1) {
    let total = 0;
    cohorts.push({
      first: firstDayOf(unit, oldest + cohort),
      customers: customers[cohort]!,
      bought: Array.from(bought[cohort]!),
      spentMinor: Array.from(spent[cohort]!, (minor) => (total += minor)),
    });
  }
  return { unit, currency, cohorts, otherCurrencies };
}
