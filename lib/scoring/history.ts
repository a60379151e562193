import { isPurchase } from '../customers';
import { netSpendMinor, type Customer, type Order } from '../model';
import { localDayNumber } from '../time';
import type { CustomerHistory, ProductPurchases, ScoreContext } from './scorer';

export type ScoringBase = Omit<ScoreContext, 'models'>;

const YEAR_DAYS = 365;
const PURCHASE = 1;
const REFUND = 2;
/** Placed and not paid (as the export says): a 催付 touchpoint. */
const UNPAID = 4;
/** Shipped and not yet delivered (as the export says): in-transit care. */
const IN_TRANSIT = 8;

function flagsOf(order: Order): number {
  return (
    (isPurchase(order) ? PURCHASE : 0) |
    (order.isReturn || order.refundedMinor > 0 ? REFUND : 0) |
    (order.status === 'unpaid' ? UNPAID : 0) |
    (order.status === 'shipped' && order.deliveredAt === undefined ? IN_TRANSIT : 0)
  );
}

/**
 * Collects what the scorers need of each customer's orders as they stream by: per order its
 * local day, net spend, and whether it is a purchase occasion. A few numbers per order, in typed
 * columns by the customer's slot (CustomerTallies), so the command line can score a file of
 * millions of rows without holding its orders, nor a list or a key per customer.
 */
export class HistoryCollector {
  private count = 0;
  private slots = new Uint32Array(1024);
  private instants = new Float64Array(1024);
  private spends = new Float64Array(1024);
  private flags = new Uint8Array(1024);

  /** `moneyOnly`: a later part of an order already counted (its money, not another occasion). */
  add(slot: number, order: Order, moneyOnly = false): void {
    if (this.count === this.slots.length) this.grow();
    const i = this.count;
    this.slots[i] = slot;
    this.instants[i] = order.createdAt;
    this.spends[i] = netSpendMinor(order);
    this.flags[i] = moneyOnly ? 0 : flagsOf(order);
    this.count += 1;
  }

  /**
   * Once every order is in: each customer's entries side by side (a counting sort by slot), in time
   * order. Exports list the newest order first: sorted here once, not at each of the fits' and the
   * scoring's walks (1.9 of 33 s at 300,000 customers). The collector is empty after.
   */
  seal(customers: number): CollectedHistories {
    const { count, slots } = this;
    const offsets = new Uint32Array(customers + 1);
    for (let i = 0; i < count; i += 1) offsets[slots[i]! + 1]! += 1;
    for (let slot = 0; slot < customers; slot += 1) offsets[slot + 1]! += offsets[slot]!;
    const next = offsets.slice(0, customers);
    const entries = new Float64Array(count * 3);
    for (let i = 0; i < count; i += 1) {
      const at = 3 * next[slots[i]!]!++;
      entries[at] = this.instants[i]!;
      entries[at + 1] = this.spends[i]!;
      entries[at + 2] = this.flags[i]!;
    }
    for (let slot = 0; slot < customers; slot += 1) {
      const from = 3 * offsets[slot]!;
      const to = 3 * offsets[slot + 1]!;
      for (let at = from + 3; at < to; at += 3) {
        if (entries[at]! >= entries[at - 3]!) continue;
        entries.set(inTimeOrder(entries, from, to), from);
        break;
      }
    }
    this.count = 0;
    this.slots = new Uint32Array(0);
    this.instants = new Float64Array(0);
    this.spends = new Float64Array(0);
    this.flags = new Uint8Array(0);
    return new CollectedHistories(offsets, entries);
  }

  private grow(): void {
    // By half again, not double: at millions of orders the columns are the command's biggest allocation.
    const capacity = Math.ceil(this.slots.length * 1.5);
    const widen = <T extends Uint32Array | Float64Array | Uint8Array>(column: T, make: (n: number) => T): T => {
      const wider = make(capacity);
      wider.set(column);
      return wider;
    };
    this.slots = widen(this.slots, (n) => new Uint32Array(n));
    this.instants = widen(this.instants, (n) => new Float64Array(n));
    this.spends = widen(this.spends, (n) => new Float64Array(n));
    this.flags = widen(this.flags, (n) => new Uint8Array(n));
  }
}

/** Every customer's collected entries, by slot: a history is built when it is read, and not kept. */
export class CollectedHistories {
  constructor(
    private readonly offsets: Uint32Array,
    private readonly entries: Float64Array,
  ) {}

  history(customer: Customer, slot: number, ctx: ScoringBase): CustomerHistory {
    return historyFromEntries(customer, this.entries, ctx, 3 * this.offsets[slot]!, 3 * this.offsets[slot + 1]!);
  }

  /** The entries of `slots` side by side, for another thread to build their histories: the i-th slot's are at `offsets[i]` to `offsets[i + 1]`. */
  entriesOf(slots: ArrayLike<number>): { offsets: Uint32Array<ArrayBuffer>; entries: Float64Array<ArrayBuffer> } {
    const offsets = new Uint32Array(slots.length + 1);
    for (let i = 0; i < slots.length; i += 1) offsets[i + 1] = offsets[i]! + this.offsets[slots[i]! + 1]! - this.offsets[slots[i]!]!;
    const entries = new Float64Array(3 * offsets[slots.length]!);
    for (let i = 0; i < slots.length; i += 1) entries.set(this.entries.subarray(3 * this.offsets[slots[i]!]!, 3 * this.offsets[slots[i]! + 1]!), 3 * offsets[i]!);
    return { offsets, entries };
  }
}

/**
 * What scoring reads of a customer's orders, whatever the as-of day and time zone: a few numbers
 * per order and the products bought. The import keeps it beside the customer, so a rescore reads
 * it instead of parsing every order history.
 */
export interface OrderDigest {
  /** Per order: instant, net spend (minor units), flags; repeated, in time order. */
  e: number[];
  /** Per product bought in a purchase: its SKU (or title), title, and the instants of the purchases holding it, ascending. */
  p?: Array<[string, string, ...number[]]>;
}

export function digestOf(orders: readonly Order[]): OrderDigest {
  const sorted = [...orders].sort((a, b) => a.createdAt - b.createdAt);
  const e: number[] = [];
  const products = new Map<string, [string, string, ...number[]]>();
  for (const order of sorted) {
    e.push(order.createdAt, netSpendMinor(order), flagsOf(order));
    if (!isPurchase(order)) continue;
    for (const item of order.items) {
      // Exports without SKUs (Taobao's order report) name a product by its title.
      const sku = item.sku || item.title;
      if (!sku || item.quantity <= 0) continue;
      let product = products.get(sku);
      if (!product) products.set(sku, (product = [sku, item.title || sku]));
      if (product[product.length - 1] !== order.createdAt) product.push(order.createdAt);
    }
  }
  return products.size === 0 ? { e } : { e, p: [...products.values()] };
}

/** A stored customer's history from their orders, with the products they bought. */
export function historyFromOrders(customer: Customer, orders: readonly Order[], ctx: ScoringBase): CustomerHistory {
  return historyFromDigest(customer, digestOf(orders), ctx);
}

/** A customer's history from the digest of their orders, up to the as-of day. */
export function historyFromDigest(customer: Customer, digest: OrderDigest, ctx: ScoringBase): CustomerHistory {
  const history = historyFromEntries(customer, digest.e, ctx);
  if (!digest.p) return history;
  const products: ProductPurchases[] = [];
  for (const product of digest.p) {
    // A digest's product is its SKU, its title, then its instants.
    const days = daysUpTo(product as ArrayLike<unknown> as ArrayLike<number>, 2, product.length, ctx);
    if (days) products.push({ sku: product[0], title: product[1], days });
  }
  // Set on the history made above rather than spread into a copy: the copy of ten fields took 330 bytes a customer.
  if (products.length > 0) history.products = products.slice();
  return history;
}

/**
 * The local days of a product's purchases up to the as-of day, from its instants `from` to `to`
 * (ascending); null where it was bought only later. Read in place: a view or a copy of each
 * product's instants was most of the cost of making a million histories.
 */
export function daysUpTo(instants: ArrayLike<number>, from: number, to: number, ctx: ScoringBase): number[] | null {
  const days: number[] = [];
  for (let i = from; i < to; i += 1) {
    const day = localDayNumber(instants[i]!, ctx.timeZone);
    if (day > ctx.asOfDay) break;
    if (days[days.length - 1] !== day) days.push(day);
  }
  return days.length > 0 ? days.slice() : null;
}

/** Merges a customer's orders into purchase occasions by local day (交易按天合并), up to the as-of day. */
export function historyFromEntries(customer: Customer, entries: ArrayLike<number>, ctx: ScoringBase, from = 0, to = entries.length): CustomerHistory {
  let spendLast365dMinor = 0;
  let netSpendMinor = 0;
  let purchases = 0;
  let refunds = 0;
  let lastUnpaidDay: number | null = null;
  let firstInTransitDay: number | null = null;
  const occasionDays: number[] = [];
  const occasionSpendMinor: number[] = [];
  // Entries come in time order (digestOf sorts them), so a day's entries come together, one day
  // after another: each day is summed as it goes by, with no map of days to sort. One step past the
  // last entry closes the last day.
  let day = Number.NaN;
  let daySpend = 0;
  let dayPurchase = false;
  for (let i = from; ; i += 3) {
    const ended = i >= to;
    const entryDay = ended ? Number.NaN : localDayNumber(entries[i]!, ctx.timeZone);
    if (entryDay > ctx.asOfDay) continue; // after the as-of date: not yet happened
    if (entryDay < day) return historyFromEntries(customer, inTimeOrder(entries, from, to), ctx);
    if (ended || entryDay !== day) {
      if (dayPurchase) {
        occasionDays.push(day);
        occasionSpendMinor.push(daySpend);
      } else if (occasionSpendMinor.length > 0) {
        // Money without a purchase that day (a return, a refund booked later) belongs to the occasion before it.
        occasionSpendMinor[occasionSpendMinor.length - 1]! += daySpend;
      }
      if (ended) break;
      day = entryDay;
      daySpend = 0;
      dayPurchase = false;
    }
    const spend = entries[i + 1]!;
    const flags = entries[i + 2]!;
    netSpendMinor += spend;
    if (entryDay > ctx.asOfDay - YEAR_DAYS) spendLast365dMinor += spend;
    if (flags & PURCHASE) purchases += 1;
    if (flags & REFUND) refunds += 1;
    if (flags & UNPAID && (lastUnpaidDay === null || entryDay > lastUnpaidDay)) lastUnpaidDay = entryDay;
    if (flags & IN_TRANSIT && (firstInTransitDay === null || entryDay < firstInTransitDay)) firstInTransitDay = entryDay;
    daySpend += spend;
    dayPurchase ||= (flags & PURCHASE) !== 0;
  }
  // An unpaid order the buyer has since bought past (a later purchase) is abandoned, not one to chase.
  const lastOccasion = occasionDays[occasionDays.length - 1];
  if (lastUnpaidDay !== null && lastOccasion !== undefined && lastOccasion > lastUnpaidDay) lastUnpaidDay = null;
  // Copied to their length: a pushed array keeps room for 16, and a million histories are kept at once.
  return { customer, occasionDays: occasionDays.slice(), occasionSpendMinor: occasionSpendMinor.slice(), spendLast365dMinor, netSpendMinor, purchases, refunds, lastUnpaidDay, firstInTransitDay };
}

/** Entries (instant, spend, flags) `from` to `to` sorted by instant, for a digest not written in time order. */
function inTimeOrder(entries: ArrayLike<number>, from: number, to: number): number[] {
  const triples: Array<[number, number, number]> = [];
  for (let i = from; i < to; i += 3) triples.push([entries[i]!, entries[i + 1]!, entries[i + 2]!]);
  return triples.sort((a, b) => a[0] - b[0]).flat();
}
