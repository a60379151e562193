import { loadedRules, type Amount, type Condition, type Coupon, type FactCondition, type Rule, type RuleEvent, type RuleFile } from './rule-file';
import { RuleSet } from './rule-set';
import { countBelow } from '../sorted';
import type { Registry } from './registry';

/**
 * An amount given per currency: `{"byCurrency": {"CNY": 400, "USD": 60}, "topShare": 0.4}`. A shop
 * in a currency the table names gets its amount; one in another currency gets, with `topShare`,
 * the top share of its own customers by spend (monetaryPercentile), and without it no amount at all.
 */
export interface MoneyTable {
  byCurrency: Record<string, number>;
  topShare?: number;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
export const isMoneyTable = (value: unknown): value is MoneyTable => isObject(value) && isObject(value.byCurrency);

/** How a rule's amounts apply to customers in one currency. */
export type AmountsFor =
  | { how: 'plain' }
  | { how: 'table'; amounts: number[] }
  | { how: 'share'; shares: number[]; /** The table named the currency, but its amount took in too many of the shop's customers. */ tableDidNotFit?: boolean }
  | { how: 'none'; why: 'no-amount' | 'other-currency'; currency?: string };

/** A table's amount for a currency, if it names one. */
const tableAmount = (table: { byCurrency: Record<string, number> }, currency: string): number | undefined =>
  Object.hasOwn(table.byCurrency, currency) ? table.byCurrency[currency] : undefined;

/**
 * Where a rule's amounts come from for a currency, and the rule as it applies then (null: not at
 * all). `useShares`: the table's amount did not fit this shop (see unfitTables), so shares of its
 * spend apply. `couponLeftToStaff`: a coupon (or a tier benefit's) has no amount for the currency,
 * so it goes without its figures.
 */
export function ruleForCurrency(
  rule: Rule,
  file: Pick<RuleFile, 'currency'>,
  currency: string,
  registry: Registry,
  useShares = false,
): { rule: Rule | null; amounts: AmountsFor; couponLeftToStaff: boolean } {
  const amounts: number[] = [];
  const shares: number[] = [];
  let missing: AmountsFor | null = null;
  const resolve = (condition: Condition): Condition => {
    if ('all' in condition) return { ...condition, all: condition.all.map(resolve) };
    if ('any' in condition) return { ...condition, any: condition.any.map(resolve) };
    if ('not' in condition) return { ...condition, not: resolve(condition.not) };
    if (!('fact' in condition)) return condition;
    const test = condition as FactCondition;
    if (isMoneyTable(test.value)) {
      const amount = tableAmount(test.value, currency);
      if (typeof amount === 'number' && !(useShares && test.value.topShare !== undefined)) {
        amounts.push(amount);
        return { ...test, value: amount };
      }
      if (typeof test.value.topShare === 'number') {
        const share = test.value.topShare;
        shares.push(share);
        return { ...test, fact: 'monetaryPercentile', value: Number((1 - share).toFixed(4)) };
      }
      missing ??= { how: 'none', why: 'no-amount' };
      return test;
    }
    // A plain amount in a file that states another currency cannot be trusted for this one.
    if (file.currency && file.currency !== currency && typeof test.value === 'number' && registry.facts.get(test.fact)?.unit === 'money') {
      missing ??= { how: 'none', why: 'other-currency', currency: file.currency };
    }
    return test;
  };
  const conditions = resolve(rule.conditions) as Rule['conditions'];
  const resolvedCoupon = (coupon: Coupon | undefined): Coupon | undefined | null => {
    if (!coupon || !('off' in coupon)) return coupon;
    const off = amountFor(coupon.off, file, currency);
    const minimumSpend = coupon.minimumSpend === undefined ? undefined : amountFor(coupon.minimumSpend, file, currency);
    return off === null || minimumSpend === null ? null : { off, ...(minimumSpend === undefined ? {} : { minimumSpend }) };
  };
  let event: RuleEvent = rule.event;
  let couponLeftToStaff = false;
  if (event.type === 'treatment' || event.type === 'follow-up') {
    const coupon = resolvedCoupon(event.params.coupon);
    couponLeftToStaff = coupon === null;
    if (coupon === null) {
      // No amount for this currency: staff choose the coupon's value. A text that states it cannot be sent, so its rule is not used (and says so).
      const { coupon: _coupon, ...params } = event.params;
      if (COUPON_FIGURES.test(JSON.stringify(event.params))) missing ??= { how: 'none', why: 'no-amount' };
      else event = { ...event, params } as RuleEvent;
    } else if (coupon !== event.params.coupon) event = { ...event, params: { ...event.params, coupon } } as RuleEvent;
  } else if (event.type === 'tier' && event.params.benefits) {
    // A benefit whose coupon has no amount here keeps its name and loses its figures; the tier stands.
    const benefits = event.params.benefits.map((benefit) => {
      const coupon = resolvedCoupon(benefit.coupon);
      if (coupon === benefit.coupon) return benefit;
      if (!coupon) couponLeftToStaff = true;
      const { detail: _detail, coupon: _coupon, ...rest } = benefit;
      return coupon ? { ...benefit, coupon } : rest;
    });
    event = { ...event, params: { ...event.params, benefits } };
  }
  if (missing) return { rule: null, amounts: missing, couponLeftToStaff: false };
  const how: AmountsFor = shares.length > 0 ? { how: 'share', shares, ...(useShares ? { tableDidNotFit: true } : {}) } : amounts.length > 0 ? { how: 'table', amounts } : { how: 'plain' };
  return { rule: { ...rule, conditions, event }, amounts: how, couponLeftToStaff };
}

const COUPON_FIGURES = /\{(?:coupon|minimumSpend)\}/;

/** An amount for a currency: a table's entry, or a plain number in the file's own currency (or a file that states none); null when there is none. */
function amountFor(amount: Amount, file: Pick<RuleFile, 'currency'>, currency: string): number | null {
  if (typeof amount === 'number') return !file.currency || file.currency === currency ? amount : null;
  return tableAmount(amount, currency) ?? null;
}

/** Buyers in a currency below which a table is not judged against their spend. */
export const MIN_BUYERS_TO_JUDGE = 50;

/**
 * Rules, by `fileId/name`, whose table amount for a currency does not fit the shop: it takes in more
 * than twice the rule's `topShare` of the customers who bought (a retail ladder's top rung in a
 * wholesaler's shop). They climb by shares of the shop's spend instead. The file's own currency
 * (the textbook's) is used as written. `spend`: net spend of each customer who bought, ascending.
 */
export function unfitTables(files: readonly RuleFile[], currency: string, spend: Float64Array): Set<string> {
  const unfit = new Set<string>();
  // A handful of buyers says nothing about how a shop spends: the table stands.
  if (spend.length < MIN_BUYERS_TO_JUDGE) return unfit;
  const shareAtLeast = (amount: number) => (spend.length - countBelow(spend, amount)) / spend.length;
  const visit = (condition: Condition, ref: string, file: RuleFile) => {
    if ('all' in condition) return condition.all.forEach((c) => visit(c, ref, file));
    if ('any' in condition) return condition.any.forEach((c) => visit(c, ref, file));
    if ('not' in condition) return visit(condition.not, ref, file);
    if (!('fact' in condition)) return;
    const { fact, operator, value } = condition as FactCondition;
    if (fact !== 'monetary' || !isMoneyTable(value) || value.topShare === undefined || !/^greaterThan/.test(operator)) return;
    const amount = tableAmount(value, currency);
    if (typeof amount === 'number' && shareAtLeast(amount) > 2 * value.topShare) unfit.add(ref);
  };
  for (const file of files) if (file.currency !== currency) for (const rule of file.rules) visit(rule.conditions, `${file.id}/${rule.name}`, file);
  return unfit;
}

/** The rule files as they apply to customers who buy in `currency`: tables resolved, rules without an amount for it left out. */
export function filesForCurrency(files: readonly RuleFile[], currency: string, registry: Registry, unfit?: ReadonlySet<string>): RuleFile[] {
  return files.map((file) => ({
    ...file,
    rules: file.rules.flatMap((rule) => {
      const resolved = ruleForCurrency(rule, file, currency, registry, unfit?.has(`${file.id}/${rule.name}`)).rule;
      return resolved ? [resolved] : [];
    }),
  }));
}

/** Each currency's net spend per customer who bought, gathered a customer at a time (no object per customer). */
export class SpendLists {
  private readonly lists = new Map<string, number[]>();
  add(currency: string, spend: number): void {
    let list = this.lists.get(currency);
    if (!list) this.lists.set(currency, (list = []));
    list.push(spend);
  }
  /** Each currency's spends, ascending. */
  sorted(): Map<string, Float64Array> {
    return new Map([...this.lists].map(([currency, list]) => [currency, Float64Array.from(list).sort()]));
  }
}

/** Each currency's net spend per customer who bought, ascending, from customers' figures. */
export function spendByCurrency(customers: Iterable<{ currency: string; spend: number; bought: boolean }>): Map<string, Float64Array> {
  const lists = new SpendLists();
  for (const { currency, spend, bought } of customers) if (bought) lists.add(currency, spend);
  return lists.sorted();
}

/** Two shares of a shop's spend (see `spendByCurrency`) as one: the two threads of a large shop's rescore each read half. */
export function joinedSpend(mine: ReadonlyMap<string, Float64Array>, theirs?: ReadonlyMap<string, Float64Array>): Map<string, Float64Array> {
  const joined = new Map(mine);
  for (const [currency, list] of theirs ?? []) {
    const own = joined.get(currency);
    if (!own) joined.set(currency, list);
    else joined.set(currency, merged(own, list));
  }
  return joined;
}

/** Two ascending lists as one: a sort of the two together took the rescore 0.6 s at a million customers. */
function merged(a: Float64Array, b: Float64Array): Float64Array {
  const both = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) both[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  both.set(a.subarray(i), k);
  both.set(b.subarray(j), k + a.length - i);
  return both;
}

/**
 * The rules as they apply to customers of each currency (amounts per currency resolved, tables
 * that do not fit the shop's spend replaced by shares of it), built once per currency. `unfit`
 * gives, per currency, the rules whose table did not fit (from `unfitTables`).
 */
export function ruleSetsByCurrency(ruleFiles: readonly RuleFile[], registry: Registry, unfit: (currency: string) => ReadonlySet<string> = () => new Set()): (currency: string) => RuleSet {
  const sets = new Map<string, RuleSet>();
  return (currency) => {
    let set = sets.get(currency);
    if (!set) sets.set(currency, (set = new RuleSet(loadedRules(filesForCurrency(ruleFiles, currency, registry, unfit(currency))), registry)));
    return set;
  };
}

/**
 * One line per rule whose amounts are not a table's for `currency` (shares of the shop's spend, or
 * not applied at all), and per rule whose coupon has no amount for it. What the Rules page shows,
 * for the command line's summary.
 */
export function amountNotes(files: readonly RuleFile[], currency: string, registry: Registry, unfit: ReadonlySet<string> = new Set()): string[] {
  const notes: string[] = [];
  for (const file of files) {
    for (const rule of file.rules) {
      const ref = `${file.id}/${rule.name}`;
      const { amounts, couponLeftToStaff } = ruleForCurrency(rule, file, currency, registry, unfit.has(ref));
      if (couponLeftToStaff) notes.push(`${ref}: its coupon has no ${currency} amount, so it goes without figures (staff choose them)`);
      const shares = amounts.how === 'share' ? amounts.shares.map((share) => `${Math.round(share * 100)}%`).join(' / ') : '';
      if (amounts.how === 'share') {
        notes.push(`${ref}: ${amounts.tableDidNotFit ? `its ${currency} amount would take in too many of the shop's buyers, so` : `no ${currency} amount, so`} the shop's top ${shares} by spend`);
      } else if (amounts.how === 'none') {
        notes.push(`${ref}: not applied to ${currency} customers (${amounts.why === 'other-currency' ? `its amounts are in ${amounts.currency}` : `no ${currency} amount`})`);
      }
    }
  }
  return notes;
}
