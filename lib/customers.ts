import { netSpendMinor, SPENDING_STATUSES, type Customer, type Order, type Platform } from './model';
import { idOfKey } from './shops';

/**
 * A purchase occasion (成功交易): an order the buyer kept, wholly or in part. Unpaid, cancelled and
 * fully refunded orders are history on the card, not purchases (a partly refunded order keeps its
 * live status and stays one); a return is not one either.
 */
export function isPurchase(order: Pick<Order, 'isReturn' | 'status'>): boolean {
  return !order.isReturn && order.status !== 'refunded' && SPENDING_STATUSES.has(order.status);
}

/**
 * A copy of `text` that does not keep alive the big string it was cut from (V8 slices share
 * their parent; papaparse's cells are slices of a whole chunk).
 */
export function detach(text: string): string {
  return ` ${text}`.slice(1);
}

interface Identities {
  names: string[];
  emails: string[];
  phones: string[];
}

const INITIAL_CAPACITY = 1024;

/** Some customers' tallies as plain data (see `CustomerTallies.columnsOf`), the i-th customer's at place i. */
export interface TallyColumns {
  keys: string[];
  currencies: string[];
  platforms: Platform[];
  identities: Identities[] | null;
  orderCount: Int32Array<ArrayBuffer>;
  refundCount: Int32Array<ArrayBuffer>;
  monetaryMinor: Float64Array<ArrayBuffer>;
  firstPurchaseAt: Float64Array<ArrayBuffer>;
  lastPurchaseAt: Float64Array<ArrayBuffer>;
  firstAnyAt: Float64Array<ArrayBuffer>;
  lastAnyAt: Float64Array<ArrayBuffer>;
  lastDeliveredAt: Float64Array<ArrayBuffer>;
  birthdays: Map<number, { at: number; monthDay: string }>;
}

/** The typed columns of `TallyColumns`: sent to another thread by moving their buffers. */
const NUMBER_COLUMNS = ['orderCount', 'refundCount', 'monetaryMinor', 'firstPurchaseAt', 'lastPurchaseAt', 'firstAnyAt', 'lastAnyAt', 'lastDeliveredAt'] as const;

/**
 * Customers' figures added up order by order, kept in columns (typed arrays) so that a file with
 * hundreds of thousands of customers stays small. Every customer aggregate is built here: one
 * customer from the store, or a whole file on the command line.
 */
export class CustomerTallies {
  private readonly slots = new Map<string, number>();
  private keys: string[] = [];
  private currencies: string[] = [];
  private platforms: Platform[] = [];
  private identities: Identities[] | null;
  private capacity = 0;
  private orderCount = new Int32Array(0);
  private refundCount = new Int32Array(0);
  private monetaryMinor = new Float64Array(0);
  // Instants; NaN until the first order of that kind.
  private firstPurchaseAt = new Float64Array(0);
  private lastPurchaseAt = new Float64Array(0);
  private firstAnyAt = new Float64Array(0);
  private lastAnyAt = new Float64Array(0);
  private lastDeliveredAt = new Float64Array(0);
  /** By slot: the newest order's birthday and when that order was placed (few customers have one). */
  private birthdays = new Map<number, { at: number; monthDay: string }>();

  /** `withIdentities: false` keeps figures only (no names, emails, phones): for big files on the command line. */
  constructor(withIdentities = true) {
    this.identities = withIdentities ? [] : null;
  }

  get size(): number {
    return this.keys.length;
  }

  /** Adds an order to its customer (guest orders are the caller's to skip); returns the customer's slot (0, 1, … in order of first appearance). */
  add(customerKey: string, order: Order): number {
    const slot = this.slot(customerKey, order);
    this.monetaryMinor[slot]! += netSpendMinor(order);
    if (order.isReturn || order.refundedMinor > 0) this.refundCount[slot]! += 1;
    const at = order.createdAt;
    if (isPurchase(order)) {
      this.orderCount[slot]! += 1;
      if (!(this.firstPurchaseAt[slot]! <= at)) this.firstPurchaseAt[slot] = at;
      if (!(this.lastPurchaseAt[slot]! >= at)) this.lastPurchaseAt[slot] = at;
    }
    if (!(this.firstAnyAt[slot]! <= at)) this.firstAnyAt[slot] = at;
    if (!(this.lastAnyAt[slot]! >= at)) this.lastAnyAt[slot] = at;
    if (order.deliveredAt !== undefined && !(this.lastDeliveredAt[slot]! >= order.deliveredAt)) this.lastDeliveredAt[slot] = order.deliveredAt;
    const birthday = order.buyer.birthday;
    if (birthday && !((this.birthdays.get(slot)?.at ?? -Infinity) > at)) this.birthdays.set(slot, { at, monthDay: detach(birthday) });
    const identity = this.identities?.[slot];
    if (identity) {
      const { buyer } = order;
      if (buyer.name && !identity.names.includes(buyer.name)) identity.names.push(detach(buyer.name));
      const email = buyer.email?.toLowerCase();
      if (email && !identity.emails.includes(email)) identity.emails.push(detach(email));
      if (buyer.phone && !identity.phones.includes(buyer.phone)) identity.phones.push(detach(buyer.phone));
    }
    return slot;
  }

  /** A later part of an order already added, whose money adds to it (one row per sub-order exports); returns the customer's slot. */
  addMoneyOnly(customerKey: string, order: Order): number {
    const slot = this.slot(customerKey, order);
    this.monetaryMinor[slot]! += netSpendMinor(order);
    return slot;
  }

  customers(): Customer[] {
    return this.keys.map((key, slot) => this.customer(slot, key));
  }

  /** Customers in order of first appearance, built one at a time. */
  *each(): Generator<Customer> {
    for (let slot = 0; slot < this.keys.length; slot += 1) yield this.customer(slot, this.keys[slot]!);
  }

  /** The slots by descending net spend, ties in order of first appearance: a big file's customers are then built one at a time, never held whole. */
  slotsBySpend(): Uint32Array {
    const { monetaryMinor } = this;
    const slots = Uint32Array.from(this.keys, (_, slot) => slot);
    return slots.sort((a, b) => monetaryMinor[b]! - monetaryMinor[a]! || a - b);
  }

  /** The customers in `slots`, in that order, as plain data: another thread builds them with `CustomerTallies.reading`. */
  columnsOf(slots: ArrayLike<number>): TallyColumns {
    const n = slots.length;
    const pick = <T>(column: readonly T[]) => Array.from({ length: n }, (_, i) => column[slots[i]!]!);
    const numbers = Object.fromEntries(NUMBER_COLUMNS.map((name) => {
      const from = this[name];
      const to = new (from.constructor as new (n: number) => typeof from)(n);
      for (let i = 0; i < n; i += 1) to[i] = from[slots[i]!]!;
      return [name, to];
    })) as Pick<TallyColumns, (typeof NUMBER_COLUMNS)[number]>;
    const birthdays = new Map<number, { at: number; monthDay: string }>();
    if (this.birthdays.size > 0) for (let i = 0; i < n; i += 1) if (this.birthdays.has(slots[i]!)) birthdays.set(i, this.birthdays.get(slots[i]!)!);
    return { keys: pick(this.keys), currencies: pick(this.currencies), platforms: pick(this.platforms), identities: this.identities && pick(this.identities), ...numbers, birthdays };
  }

  /** The buffers of `columns`' typed columns, to move rather than copy them to another thread. */
  static buffersOf(columns: TallyColumns): ArrayBuffer[] {
    return NUMBER_COLUMNS.map((name) => columns[name].buffer);
  }

  /** Tallies to read customers from (`customerAt`, in the columns' order); not to add to. */
  static reading(columns: TallyColumns): CustomerTallies {
    const tallies = new CustomerTallies(columns.identities !== null);
    Object.assign(tallies, { ...columns, capacity: columns.keys.length });
    return tallies;
  }

  /** The customer in a slot, built afresh. */
  customerAt(slot: number): Customer {
    return this.customer(slot, this.keys[slot]!);
  }

  private customer(slot: number, key: string): Customer {
    const purchased = this.orderCount[slot]! > 0;
    const delivered = this.lastDeliveredAt[slot]!;
    const identity = this.identities?.[slot];
    return {
      key,
      platform: this.platforms[slot]!,
      buyerId: idOfKey(key),
      names: identity?.names ?? [],
      emails: identity?.emails ?? [],
      phones: identity?.phones ?? [],
      orderCount: this.orderCount[slot]!,
      monetaryMinor: this.monetaryMinor[slot]!,
      currency: this.currencies[slot]!,
      // A customer with no purchase yet (only unpaid orders) is dated by the orders they placed.
      firstOrderAt: purchased ? this.firstPurchaseAt[slot]! : this.firstAnyAt[slot]!,
      lastOrderAt: purchased ? this.lastPurchaseAt[slot]! : this.lastAnyAt[slot]!,
      lastDeliveredAt: Number.isNaN(delivered) ? undefined : delivered,
      refundCount: this.refundCount[slot]!,
      ...(this.birthdays.has(slot) ? { birthday: this.birthdays.get(slot)!.monthDay } : {}),
    };
  }

  private slot(customerKey: string, { currency, platform }: Order): number {
    let slot = this.slots.get(customerKey);
    if (slot !== undefined) return slot;
    slot = this.keys.length;
    if (slot === this.capacity) this.grow();
    const key = detach(customerKey);
    this.slots.set(key, slot);
    this.keys.push(key);
    this.currencies.push(currency);
    this.platforms.push(platform);
    this.identities?.push({ names: [], emails: [], phones: [] });
    for (const column of [this.firstPurchaseAt, this.lastPurchaseAt, this.firstAnyAt, this.lastAnyAt, this.lastDeliveredAt]) column[slot] = Number.NaN;
    return slot;
  }

  private grow(): void {
    const capacity = Math.max(INITIAL_CAPACITY, this.capacity * 2);
    const widen = <T extends Int32Array | Float64Array>(column: T): T => {
      const wider = new (column.constructor as new (n: number) => T)(capacity);
      wider.set(column);
      return wider;
    };
    this.orderCount = widen(this.orderCount);
    this.refundCount = widen(this.refundCount);
    this.monetaryMinor = widen(this.monetaryMinor);
    this.firstPurchaseAt = widen(this.firstPurchaseAt);
    this.lastPurchaseAt = widen(this.lastPurchaseAt);
    this.firstAnyAt = widen(this.firstAnyAt);
    this.lastAnyAt = widen(this.lastAnyAt);
    this.lastDeliveredAt = widen(this.lastDeliveredAt);
    this.capacity = capacity;
  }
}

/** Builds customers' aggregates from their whole histories, in the order given. */
export function buildCustomers(histories: Iterable<readonly [string, readonly Order[]]>): Customer[] {
  // One tally for the lot: its columns are allocated once, not per customer.
  const tallies = new CustomerTallies();
  for (const [key, orders] of histories) for (const order of orders) tallies.add(key, order);
  return tallies.customers();
}

export const buildCustomer = (key: string, orders: readonly Order[]): Customer => buildCustomers([[key, orders]])[0]!;

/** Groups orders by customer key and builds every customer; guest orders (no key) are skipped. */
export function summariseCustomers(orders: Iterable<Order>): Customer[] {
  const tallies = new CustomerTallies();
  for (const order of orders) if (order.customerKey !== null) tallies.add(order.customerKey, order);
  return tallies.customers();
}
