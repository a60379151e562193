import type { Localised } from './localised';

/**
 * The shop's KPIs over a period, as the course material measures a CRM's results: who bought,
 * who was new, who came back, who was lost and who was won back, and what they spent. Every KPI
 * is defined here, once, from each customer's purchase occasions (orders merged by local day, net
 * of refunds and returns, which count on the day of the purchase they belong to).
 */

/** Local days (days since 1970-01-01 in the shop's zone), both ends included. */
export interface Period {
  first: number;
  last: number;
}

export type PeriodKind = 'month' | 'quarter' | 'year' | 'custom';

const DAY_MS = 86_400_000;
const dayOf = (year: number, month: number) => Date.UTC(year, month, 1) / DAY_MS;

/** The month, quarter or year holding a day, or the one `back` before it. */
export function calendarPeriod(kind: Exclude<PeriodKind, 'custom'>, day: number, back = 0): Period {
  const date = new Date(day * DAY_MS);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  if (kind === 'year') return { first: dayOf(year - back, 0), last: dayOf(year - back + 1, 0) - 1 };
  const span = kind === 'month' ? 1 : 3;
  const start = month - (month % span) - back * span;
  return { first: dayOf(year, start), last: dayOf(year, start + span) - 1 };
}

/** The period a KPI is compared with: the calendar one before, or as many days just before a custom one. */
export function previousPeriod(kind: PeriodKind, period: Period): Period {
  if (kind !== 'custom') return calendarPeriod(kind, period.first, 1);
  const days = period.last - period.first + 1;
  return { first: period.first - days, last: period.first - 1 };
}

/** Which period a seller picked: a month, quarter or year `back` before the one holding the as-of day, or days of their own. */
export type PeriodChoice = { kind: Exclude<PeriodKind, 'custom'>; back: number } | { kind: 'custom'; period: Period };

export const periodOfChoice = (choice: PeriodChoice, asOfDay: number): Period => (choice.kind === 'custom' ? choice.period : calendarPeriod(choice.kind, asOfDay, choice.back));

export interface KpiSettings {
  /** A new customer's second purchase counts within this many days of the first. */
  secondWithinDays: number;
  /** A customer who had not bought for more than this many days when a period began was lost (流失) then. */
  lapsedAfterDays: number;
}

export const DEFAULT_KPI_SETTINGS: KpiSettings = { secondWithinDays: 90, lapsedAfterDays: 180 };

/** The period the Overview's KPIs open on: last month, a whole month against a whole month (this one so far would count its buyers as lost). */
export const OPENING_PERIOD: PeriodChoice = { kind: 'month', back: 1 };

/** The periods the KPIs' chart shows, up to the chosen one. */
export const TREND_PERIODS = 12;

/** Every customer's purchase occasions, in columns (see the customer table's `occasion:` records). */
export interface OccasionColumns {
  size: number;
  /** Row r's occasions are `start[r]` to `start[r + 1] - 1`, in day order. */
  start: Uint32Array;
  day: Int32Array;
  spendMinor: Float64Array;
  /** Each row's currency, as a position in `currencies`. */
  currency: Uint32Array;
  currencies: readonly string[];
}

/** The counts and sums every KPI of one period is made of. */
export interface PeriodFigures {
  period: Period;
  /** The last day counted: the as-of day while the period is not over. */
  through: number;
  buyers: number;
  newCustomers: number;
  /** Buyers who bought on two or more days of the period. */
  repeatBuyers: number;
  /** New customers whose first `secondWithinDays` days were over by the as-of day, and those of them who bought again within them. */
  newSettled: number;
  newBoughtAgain: number;
  /** Customers who bought in the period before, and those of them who did not buy in this one. */
  previousBuyers: number;
  churned: number;
  /** Customers lost when the period began (bought before, not for more than `lapsedAfterDays`), and those of them who bought in it. */
  lapsed: number;
  reactivated: number;
  /** By currency: its buyers and their net sales in the period. */
  byCurrency: Record<string, { buyers: number; netSalesMinor: number }>;
}

/**
 * One period's figures over the rows `keep` lets through (a shop's, or all). A pass over every
 * occasion: at a million customers a few tens of milliseconds.
 */
export function periodFigures(columns: OccasionColumns, period: Period, previous: Period, asOfDay: number, settings: KpiSettings, keep: (row: number) => boolean = () => true): PeriodFigures {
  const through = Math.min(period.last, asOfDay);
  const { start, day, spendMinor, currency } = columns;
  const figures: PeriodFigures = {
    period, through, buyers: 0, newCustomers: 0, repeatBuyers: 0, newSettled: 0, newBoughtAgain: 0,
    previousBuyers: 0, churned: 0, lapsed: 0, reactivated: 0, byCurrency: {},
  };
  const buyersBy = new Float64Array(columns.currencies.length);
  const salesBy = new Float64Array(columns.currencies.length);
  for (let row = 0; row < columns.size; row += 1) {
    const from = start[row]!;
    const to = start[row + 1]!;
    if (from === to || !keep(row)) continue;
    let inPeriod = 0;
    let spend = 0;
    let inPrevious = false;
    let lastBefore = Number.NEGATIVE_INFINITY;
    for (let i = from; i < to; i += 1) {
      const d = day[i]!;
      if (d > through) break;
      if (d < period.first) {
        lastBefore = d;
        if (d >= previous.first && d <= previous.last) inPrevious = true;
      } else {
        inPeriod += 1;
        spend += spendMinor[i]!;
      }
    }
    const first = day[from]!;
    if (inPeriod > 0) {
      figures.buyers += 1;
      if (inPeriod >= 2) figures.repeatBuyers += 1;
      const code = currency[row]!;
      buyersBy[code] = buyersBy[code]! + 1;
      salesBy[code] = salesBy[code]! + spend;
    }
    if (first >= period.first && first <= through) {
      figures.newCustomers += 1;
      if (first + settings.secondWithinDays <= asOfDay) {
        figures.newSettled += 1;
        if (to - from > 1 && day[from + 1]! <= first + settings.secondWithinDays) figures.newBoughtAgain += 1;
      }
    }
    if (inPrevious) {
      figures.previousBuyers += 1;
      if (inPeriod === 0) figures.churned += 1;
    }
    if (period.first - lastBefore > settings.lapsedAfterDays && lastBefore !== Number.NEGATIVE_INFINITY) {
      figures.lapsed += 1;
      if (inPeriod > 0) figures.reactivated += 1;
    }
  }
  columns.currencies.forEach((code, i) => {
    if (buyersBy[i]! > 0 || salesBy[i] !== 0) figures.byCurrency[code] = { buyers: buyersBy[i]!, netSalesMinor: salesBy[i]! };
  });
  return figures;
}

/**
 * A choice's periods, counted over occasions: the chosen, the one before, and up to `trend` in all
 * (oldest first), as the Overview shows them.
 */
export function choiceFigures(columns: OccasionColumns, choice: PeriodChoice, asOfDay: number, settings: KpiSettings, trend: number, keep?: (row: number) => boolean): { current: PeriodFigures; previous: PeriodFigures; trend?: PeriodFigures[] } {
  const { kind } = choice;
  const period = periodOfChoice(choice, asOfDay);
  const previous = previousPeriod(kind, period);
  const current = periodFigures(columns, period, previous, asOfDay, settings, keep);
  const before = periodFigures(columns, previous, previousPeriod(kind, previous), asOfDay, settings, keep);
  const periods: PeriodFigures[] = [current, before];
  for (let span = previous; periods.length < trend; ) {
    span = previousPeriod(kind, span);
    periods.push(periodFigures(columns, span, previousPeriod(kind, span), asOfDay, settings, keep));
  }
  return { current, previous: before, ...(trend > 0 && { trend: periods.slice(0, trend).reverse() }) };
}

/** A customer's predicted value counted into the customer equity of their currency; unknown (NaN) is not counted. */
export function countEquity(equity: Record<string, { customers: number; value: number }>, currency: string, value: number): void {
  if (value !== value) return;
  const entry = (equity[currency] ??= { customers: 0, value: 0 });
  entry.customers += 1;
  entry.value += value;
}

const COUNTED = ['buyers', 'newCustomers', 'repeatBuyers', 'newSettled', 'newBoughtAgain', 'previousBuyers', 'churned', 'lapsed', 'reactivated'] as const;

/**
 * One period's figures with some customers' taken out (`out`) and others' put in (`in`), each
 * counted over the same period: every figure is a count or a sum of customers counted on their
 * own, so this is what counting everyone again gives.
 */
export function figuresMoved(figures: PeriodFigures, out: PeriodFigures, into: PeriodFigures): PeriodFigures {
  const moved: PeriodFigures = { ...figures, byCurrency: {} };
  for (const name of COUNTED) moved[name] = figures[name] - out[name] + into[name];
  for (const code of new Set([...Object.keys(figures.byCurrency), ...Object.keys(into.byCurrency)])) {
    const [was, gone, come] = [figures.byCurrency[code], out.byCurrency[code], into.byCurrency[code]];
    const buyers = (was?.buyers ?? 0) - (gone?.buyers ?? 0) + (come?.buyers ?? 0);
    const netSalesMinor = (was?.netSalesMinor ?? 0) - (gone?.netSalesMinor ?? 0) + (come?.netSalesMinor ?? 0);
    // As a count of everyone leaves out a currency nobody bought in.
    if (buyers > 0 || netSalesMinor !== 0) moved.byCurrency[code] = { buyers, netSalesMinor };
  }
  return moved;
}

export type KpiId = 'buyers' | 'new-customers' | 'repurchase-rate' | 'second-purchase-rate' | 'churn-rate' | 'reactivation-rate' | 'customer-spend' | 'net-sales';

export interface Kpi {
  id: KpiId;
  label: Localised;
  /** How it is counted, in the seller's words: shown on hover. */
  definition(settings: KpiSettings): Localised;
  kind: 'count' | 'rate' | 'money';
  /** Its value in a period (money in minor units of `currency`); null where there is nothing to divide by. */
  value(figures: PeriodFigures, currency: string): number | null;
}

const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** The KPIs in the order the Overview shows them. */
export const KPIS: readonly Kpi[] = [
  {
    id: 'buyers', kind: 'count',
    label: { en: 'Customers who bought', 'zh-CN': '成交客户数' },
    definition: () => ({ en: 'Customers with at least one purchase in the period (orders merged by day).', 'zh-CN': '周期内至少购买一次的客户数（同一天的订单合并为一次）。' }),
    value: (f) => f.buyers,
  },
  {
    id: 'new-customers', kind: 'count',
    label: { en: 'New customers', 'zh-CN': '新客户数' },
    definition: () => ({ en: 'Customers whose first purchase ever was in the period.', 'zh-CN': '首次购买发生在周期内的客户数。' }),
    value: (f) => f.newCustomers,
  },
  {
    id: 'repurchase-rate', kind: 'rate',
    label: { en: 'Repurchase rate', 'zh-CN': '复购率' },
    definition: () => ({ en: 'Of the customers who bought in the period, the share who bought on two or more days of it.', 'zh-CN': '周期内成交客户中，在两天或以上购买的客户所占比例。' }),
    value: (f) => share(f.repeatBuyers, f.buyers),
  },
  {
    id: 'second-purchase-rate', kind: 'rate',
    label: { en: 'New customers’ second purchase', 'zh-CN': '新客户二次回购率' },
    definition: (s) => ({
      en: `Of the period's new customers whose first ${s.secondWithinDays} days are over, the share who bought again within ${s.secondWithinDays} days of their first purchase.`,
      'zh-CN': `周期内的新客户中（首单后已满 ${s.secondWithinDays} 天者），在首单后 ${s.secondWithinDays} 天内再次购买的比例。`,
    }),
    value: (f) => share(f.newBoughtAgain, f.newSettled),
  },
  {
    id: 'churn-rate', kind: 'rate',
    label: { en: 'Churn rate', 'zh-CN': '客户流失率' },
    definition: () => ({ en: 'Of the customers who bought in the previous period, the share who did not buy in this one.', 'zh-CN': '上一周期的成交客户中，本周期没有再购买的比例。' }),
    value: (f) => share(f.churned, f.previousBuyers),
  },
  {
    id: 'reactivation-rate', kind: 'rate',
    label: { en: 'Reactivation rate', 'zh-CN': '流失激活率' },
    definition: (s) => ({
      en: `Of the customers who had not bought for more than ${s.lapsedAfterDays} days when the period began, the share who bought in it.`,
      'zh-CN': `周期开始时已超过 ${s.lapsedAfterDays} 天未购买的流失客户中，在本周期内购买的比例。`,
    }),
    value: (f) => share(f.reactivated, f.lapsed),
  },
  {
    id: 'customer-spend', kind: 'money',
    label: { en: 'Spend per customer', 'zh-CN': '客单价' },
    definition: () => ({ en: 'Net sales in the period divided by the customers who bought (in this currency).', 'zh-CN': '周期内净销售额除以成交客户数（按此币种）。' }),
    value: (f, currency) => {
      const figures = f.byCurrency[currency];
      return figures ? share(figures.netSalesMinor, figures.buyers) : null;
    },
  },
  {
    id: 'net-sales', kind: 'money',
    label: { en: 'Net sales', 'zh-CN': '净销售额' },
    definition: () => ({ en: 'What customers paid for the period’s purchases, less refunds and returns of them.', 'zh-CN': '周期内购买的实付金额，减去这些购买的退款和退货。' }),
    value: (f, currency) => f.byCurrency[currency]?.netSalesMinor ?? 0,
  },
];

/** 客户资产: the predicted value of the next 12 months, summed, as the last rescore saw the customers. */
export const CUSTOMER_EQUITY = {
  fact: 'predictedClv365',
  label: { en: 'Customer equity', 'zh-CN': '客户资产' },
  definition: { en: 'The sum of every customer’s predicted value for the next 12 months (BG/NBD and Gamma-Gamma), as of the last rescore.', 'zh-CN': '所有客户未来 12 个月预测价值之和（BG/NBD 与 Gamma-Gamma 模型），以最近一次评分为准。' },
} as const satisfies { fact: string; label: Localised; definition: Localised };
