import type { Localised } from '../localised';
import type { Customer, CustomerNotes, KeptDate } from '../model';
import type { Standing } from '../snapshots';

/** A fact's value: flat primitives only (DESIGN.md, "Facts are flat primitives"); null when unknown. */
export type FactValue = number | string | boolean | null;
export type Facts = Record<string, FactValue>;

export interface FactSpec {
  type: 'number' | 'string' | 'boolean';
  /** For numbers: money is in the shop currency's major units. */
  unit?: 'money' | 'days' | 'share' | 'count';
  description: Localised;
}

/** A customer's history as the scorers see it: the aggregate and the purchase occasions. */
export interface CustomerHistory {
  /** In fits and in past months' rebuilds, without who they are: names, emails, phones and buyer id are empty. Score from the orders. */
  customer: Customer;
  /** Local day numbers (days since 1970-01-01 in the shop's zone) of purchase occasions, ascending: orders on one day are one occasion. */
  occasionDays: number[];
  /** Net spend of each occasion, minor units. */
  occasionSpendMinor: number[];
  /** Up to the as-of day: net spend (minor units), orders that were purchases, orders with a refund or return. */
  netSpendMinor: number;
  purchases: number;
  refunds: number;
  /** Net spend in the 365 days up to the as-of day, minor units. */
  spendLast365dMinor: number;
  /** Local day of the newest order still unpaid (none bought since), and of the oldest shipped but not delivered; null when none. */
  lastUnpaidDay?: number | null;
  firstInTransitDay?: number | null;
  /** Dates the seller keeps for the customer (the customer's page); a kept birthday wins over one from an export. */
  keptDates?: readonly KeptDate[];
  /** The tags and flags staff keep for the customer (the customer's page). */
  notes?: Pick<CustomerNotes, 'tags' | 'doNotContact' | 'hideOnPages'>;
  /** Where the customer stood at the last rescore of an earlier day (lib/snapshots.ts); absent for a customer new since. */
  previous?: Standing;
  /** The products (by SKU) the customer bought, each with the local days they bought it, ascending; absent where line items were not kept (the command line). */
  products?: ProductPurchases[];
}

export interface ProductPurchases {
  sku: string;
  title: string;
  days: number[];
}

export interface ScoreSettings {
  /** Monthly discount rate for CLV. */
  clvDiscountRate: number;
}

export interface ScoreContext {
  /** The as-of moment (end of the as-of day) and its local day number. */
  asOf: number;
  asOfDay: number;
  timeZone: string;
  settings: ScoreSettings;
  /** The fitted models of the scorers that ran before, by id (CLV reads the BG/NBD parameters). */
  models: Readonly<Record<string, unknown>>;
}

export const DEFAULT_SCORE_SETTINGS: ScoreSettings = { clvDiscountRate: 0.01 };

/** One customer as a scorer sees it: the history and the facts of the scorers before it. */
export interface Scored {
  history: CustomerHistory;
  facts: Facts;
}

/**
 * A fit under way: each customer of the population is added in turn, then the model is made of them.
 * A large shop's customers are fitted in two halves, on two threads: the second half's fitting hands
 * over what it `taken` in, and the first `join`s it before making the model, which must be the one
 * a single fitting given both halves in turn makes.
 */
export interface Fitting<Model> {
  add(customer: Scored): void;
  model(): Model;
  /** What it has taken in, as data that crosses to another thread (structured-cloneable). */
  taken(): unknown;
  /** Takes in what a fitting of the customers after these has `taken`. */
  join(taken: unknown): void;
}

export interface Scorer<Model = unknown> {
  id: string;
  version: number;
  /** The facts it provides; every score returns all of them. */
  facts: Record<string, FactSpec>;
  /** Scorers whose facts this one reads; they run first. */
  after?: readonly string[];
  /**
   * Scorers whose facts its fit reads, where fewer than `after` (a fit of histories alone: none).
   * A fit is made in the first walk over the shop after those it reads: each walk of a million
   * customers makes their histories afresh.
   */
  fitReads?: readonly string[];
  /**
   * Runs once per rescore on the whole population (breakpoints, model parameters): each customer is
   * added to the fitting it returns. Fits that read no model of one another's share one walk.
   */
  fit?(ctx: ScoreContext): Fitting<Model>;
  /** What of the fitted model the dashboard shows (kept with the rescore, JSON): e.g. products bought together. */
  publish?(model: Model): unknown;
  /** Pure and cheap; never throws on odd data: unknown values are null, with a reason fact where one helps. */
  score(customer: Scored, model: Model, ctx: ScoreContext): Facts;
}

/** A scorer's model fitted on these customers alone, their facts as given. */
export function fitOn<Model>(scorer: Scorer<Model>, population: Iterable<Scored>, ctx: ScoreContext): Model {
  const fitting = scorer.fit!(ctx);
  for (const customer of population) fitting.add(customer);
  return fitting.model();
}

/** Identity helper for typing. */
export function defineScorer<Model>(scorer: Scorer<Model>): Scorer<Model> {
  return scorer;
}

/** Money facts are in major units, rounded to the currency's minor unit. */
export function majorUnits(minor: number, digits: number): number {
  return Math.round(minor) / 10 ** digits;
}

/** As `Number(value.toFixed(digits))`, without making the text (see `rounded`): for figures worked out for every customer. */
export const fixed = (value: number, digits: number): number => rounded(value, digits) ?? Number(value.toFixed(digits));

/** A model figure rounded for output, or null when the arithmetic broke down: a fact is never NaN or Infinity. */
export function rounded(value: number, digits: number): number | null {
  if (!Number.isFinite(value)) return null;
  // The scaled value's nearest whole is the decimal toFixed writes unless the value lies near a half,
  // where toFixed, which rounds the exact binary value, decides: toFixed's text was some 7% of scoring.
  const scale = 10 ** digits;
  const scaled = value * scale;
  const whole = Math.round(scaled);
  // As toFixed's text reads: "-0.00" for a small negative value, but "0.00" for -0.
  if (digits <= 8 && Math.abs(scaled) < 1e9 && Math.abs(Math.abs(scaled - whole) - 0.5) > 1e-6) return whole === 0 ? (value < 0 ? -0 : 0) : whole / scale;
  return Number(value.toFixed(digits));
}
