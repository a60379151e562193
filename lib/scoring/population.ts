import type { Customer, CustomerNotes, KeptDate, Platform } from '../model';
import { daysUpTo, historyFromEntries, type OrderDigest, type ScoringBase } from './history';
import type { CustomerHistory, ProductPurchases } from './scorer';

/** A customer as stored: their record, the digest of their orders, and what staff keep for them. */
export interface StoredCustomer {
  customer: Customer;
  digest: OrderDigest;
  keptDates?: KeptDate[];
  notes?: CustomerNotes;
}

/** When a customer came into the store: their first order of any kind (one not paid too), as an import of that day would have them. */
export const firstOrderAt = ({ customer, digest }: StoredCustomer): number => Math.min(digest.e[0] ?? Infinity, customer.firstOrderAt);

/** A growable column of numbers. */
class Column<T extends Float64Array | Uint32Array> {
  size = 0;
  constructor(
    public values: T,
    private readonly make: (n: number) => T,
  ) {}
  push(value: number): void {
    if (this.size === this.values.length) this.reserve(this.size + 1);
    this.values[this.size++] = value;
  }
  /** Adds every value of `more`, each plus `offset`: at once, not a push a value. */
  append(more: ArrayLike<number>, offset = 0): void {
    this.reserve(this.size + more.length);
    if (offset === 0) this.values.set(more, this.size);
    else for (let i = 0; i < more.length; i += 1) this.values[this.size + i] = more[i]! + offset;
    this.size += more.length;
  }
  /** Room for `size` values. */
  private reserve(size: number): void {
    if (size <= this.values.length) return;
    // By half again: at millions of entries the columns are the population's biggest allocation.
    const wider = this.make(Math.max(size, Math.ceil(this.values.length * 1.5) + 16));
    wider.set(this.values.subarray(0, this.size));
    this.values = wider;
  }
  /** The column cut to its length, so a million customers' hold no spare room. */
  sealed(): T {
    return this.values.slice(0, this.size) as T;
  }
}
const numbers = () => new Column(new Float64Array(1024), (n) => new Float64Array(n));
const indexes = () => new Column(new Uint32Array(1024), (n) => new Uint32Array(n));

/**
 * Every stored customer in typed columns: what scoring reads of them (their record's figures, the
 * digest of their orders, the products they bought) and not who they are (names, emails, phones).
 * A history is made when it is read and not kept, so a fit walks a million customers holding a
 * tenth of what their parsed records and histories take (some 1.3 GB at that size).
 */
export class PopulationBuilder {
  private readonly keys: string[] = [];
  private readonly platforms: Platform[] = [];
  private readonly currencies: string[] = [];
  private readonly birthdays = new Map<number, string>();
  private readonly figures = { orderCount: numbers(), monetaryMinor: numbers(), firstOrderAt: numbers(), lastOrderAt: numbers(), lastDeliveredAt: numbers(), refundCount: numbers() };
  private readonly entryEnds = indexes();
  private readonly entries = numbers();
  private readonly productEnds = indexes();
  private readonly productNames = indexes();
  private readonly purchaseEnds = indexes();
  private readonly purchases = numbers();
  private readonly names: Array<[string, string]> = [];
  private readonly nameCodes = new Map<string, number>();
  private readonly shared = new Map<string, string>();

  /** One string per platform and currency: a million customers' own copies would be a million strings each. */
  private one<T extends string>(text: T): T {
    const known = this.shared.get(text);
    if (known !== undefined) return known as T;
    this.shared.set(text, text);
    return text;
  }

  /** A product's code, by its SKU and title: each named once however many customers bought it. */
  private nameCode(sku: string, title: string): number {
    const name = `${sku}\u0000${title}`;
    let code = this.nameCodes.get(name);
    if (code === undefined) this.nameCodes.set(name, (code = this.names.push([sku, title]) - 1));
    return code;
  }

  add({ customer, digest }: StoredCustomer): void {
    const slot = this.keys.length;
    this.keys.push(customer.key);
    this.platforms.push(this.one(customer.platform));
    this.currencies.push(this.one(customer.currency));
    if (customer.birthday !== undefined) this.birthdays.set(slot, customer.birthday);
    const { figures } = this;
    figures.orderCount.push(customer.orderCount);
    figures.monetaryMinor.push(customer.monetaryMinor);
    figures.firstOrderAt.push(customer.firstOrderAt);
    figures.lastOrderAt.push(customer.lastOrderAt);
    figures.lastDeliveredAt.push(customer.lastDeliveredAt ?? NaN);
    figures.refundCount.push(customer.refundCount);
    for (const value of digest.e) this.entries.push(value);
    this.entryEnds.push(this.entries.size);
    for (const [sku, title, ...instants] of digest.p ?? []) {
      this.productNames.push(this.nameCode(sku, title));
      for (const at of instants) this.purchases.push(at);
      this.purchaseEnds.push(this.purchases.size);
    }
    this.productEnds.push(this.productNames.size);
  }

  /** The customers added so far, as data another thread's builder takes in (see `append`). */
  part(): PopulationPart {
    const f = this.figures;
    return {
      keys: this.keys,
      platforms: this.platforms,
      currencies: this.currencies,
      birthdays: [...this.birthdays],
      figures: { orderCount: f.orderCount.sealed(), monetaryMinor: f.monetaryMinor.sealed(), firstOrderAt: f.firstOrderAt.sealed(), lastOrderAt: f.lastOrderAt.sealed(), lastDeliveredAt: f.lastDeliveredAt.sealed(), refundCount: f.refundCount.sealed() },
      entryEnds: this.entryEnds.sealed(),
      entries: this.entries.sealed(),
      productEnds: this.productEnds.sealed(),
      productNames: this.productNames.sealed(),
      purchaseEnds: this.purchaseEnds.sealed(),
      purchases: this.purchases.sealed(),
      names: this.names,
    };
  }

  /** Adds another builder's customers after these: the population is then the one read of both in turn. */
  append(part: PopulationPart): void {
    const slots = this.keys.length;
    const [entries, products, purchases] = [this.entries.size, this.productNames.size, this.purchases.size];
    part.keys.forEach((key, i) => {
      this.keys.push(key);
      this.platforms.push(this.one(part.platforms[i]!));
      this.currencies.push(this.one(part.currencies[i]!));
    });
    for (const [slot, birthday] of part.birthdays) this.birthdays.set(slots + slot, birthday);
    for (const name of Object.keys(this.figures) as Array<keyof typeof this.figures>) this.figures[name].append(part.figures[name]);
    this.entries.append(part.entries);
    this.entryEnds.append(part.entryEnds, entries);
    const codes = Uint32Array.from(part.names, ([sku, title]) => this.nameCode(sku, title));
    this.productNames.append(part.productNames.map((code) => codes[code]!));
    this.productEnds.append(part.productEnds, products);
    this.purchases.append(part.purchases);
    this.purchaseEnds.append(part.purchaseEnds, purchases);
  }

  finish(keptDates: ReadonlyMap<string, KeptDate[]>, notes: ReadonlyMap<string, CustomerNotes>): Population {
    const f = this.figures;
    return new Population(
      this.keys,
      this.platforms,
      this.currencies,
      this.birthdays,
      { orderCount: f.orderCount.sealed(), monetaryMinor: f.monetaryMinor.sealed(), firstOrderAt: f.firstOrderAt.sealed(), lastOrderAt: f.lastOrderAt.sealed(), lastDeliveredAt: f.lastDeliveredAt.sealed(), refundCount: f.refundCount.sealed() },
      { entryEnds: this.entryEnds.sealed(), entries: this.entries.sealed(), productEnds: this.productEnds.sealed(), productNames: this.productNames.sealed(), purchaseEnds: this.purchaseEnds.sealed(), purchases: this.purchases.sealed() },
      this.names,
      keptDates,
      notes,
    );
  }
}

/** What `PopulationBuilder.part` hands over: data only, so it crosses to another thread. */
export interface PopulationPart {
  keys: string[];
  platforms: Platform[];
  currencies: string[];
  birthdays: Array<[number, string]>;
  figures: Record<'orderCount' | 'monetaryMinor' | 'firstOrderAt' | 'lastOrderAt' | 'lastDeliveredAt' | 'refundCount', Float64Array>;
  entryEnds: Uint32Array;
  entries: Float64Array;
  productEnds: Uint32Array;
  productNames: Uint32Array;
  purchaseEnds: Uint32Array;
  purchases: Float64Array;
  names: Array<[string, string]>;
}

/** The typed columns of a population part, to move rather than copy to another thread. */
export const populationPartBuffers = (part: PopulationPart): ArrayBuffer[] =>
  [...Object.values(part.figures), part.entryEnds, part.entries, part.productEnds, part.productNames, part.purchaseEnds, part.purchases].map((column) => column.buffer as ArrayBuffer);

const NO_IDENTITIES: readonly string[] = Object.freeze([]);

export class Population {
  constructor(
    private readonly keys: readonly string[],
    private readonly platforms: readonly Platform[],
    private readonly currencies: readonly string[],
    private readonly birthdays: ReadonlyMap<number, string>,
    private readonly figures: Record<'orderCount' | 'monetaryMinor' | 'firstOrderAt' | 'lastOrderAt' | 'lastDeliveredAt' | 'refundCount', Float64Array>,
    private readonly orders: Record<'entryEnds' | 'productEnds' | 'productNames' | 'purchaseEnds', Uint32Array> & Record<'entries' | 'purchases', Float64Array>,
    private readonly names: ReadonlyArray<readonly [string, string]>,
    private readonly keptDates: ReadonlyMap<string, KeptDate[]>,
    private readonly notes: ReadonlyMap<string, CustomerNotes>,
  ) {}

  get size(): number {
    return this.keys.length;
  }

  key(slot: number): string {
    return this.keys[slot]!;
  }

  currency(slot: number): string {
    return this.currencies[slot]!;
  }

  /** What the rules' amounts are weighed against: each customer's net spend in major units, and whether they bought. */
  spend(minorDigits: (currency: string) => number): Array<{ currency: string; spend: number; bought: boolean }> {
    return this.keys.map((_, slot) => ({ currency: this.currencies[slot]!, spend: this.figures.monetaryMinor[slot]! / 10 ** minorDigits(this.currencies[slot]!), bought: this.figures.orderCount[slot]! > 0 }));
  }

  /** As `firstOrderAt` of the stored customer. */
  firstOrderAt(slot: number): number {
    const { entryEnds, entries } = this.orders;
    const from = slot === 0 ? 0 : entryEnds[slot - 1]!;
    return Math.min(from < entryEnds[slot]! ? entries[from]! : Infinity, this.figures.firstOrderAt[slot]!);
  }

  /**
   * The customer's record as scoring reads it: their figures, without who they are (their names,
   * emails, phones and buyer id are empty). No scorer reads those: they score orders.
   */
  customer(slot: number): Customer {
    const f = this.figures;
    const customer: Customer = {
      key: this.keys[slot]!,
      platform: this.platforms[slot]!,
      buyerId: '',
      names: NO_IDENTITIES as string[],
      emails: NO_IDENTITIES as string[],
      phones: NO_IDENTITIES as string[],
      orderCount: f.orderCount[slot]!,
      monetaryMinor: f.monetaryMinor[slot]!,
      currency: this.currencies[slot]!,
      firstOrderAt: f.firstOrderAt[slot]!,
      lastOrderAt: f.lastOrderAt[slot]!,
      refundCount: f.refundCount[slot]!,
    };
    const delivered = f.lastDeliveredAt[slot]!;
    if (!Number.isNaN(delivered)) customer.lastDeliveredAt = delivered;
    const birthday = this.birthdays.get(slot);
    if (birthday !== undefined) customer.birthday = birthday;
    return customer;
  }

  /** The customer's history as of the base day, with what staff keep for them: as `historyOf` their stored record. */
  history(slot: number, base: ScoringBase): CustomerHistory {
    const { entryEnds, entries, productEnds, productNames, purchaseEnds, purchases } = this.orders;
    const customer = this.customer(slot);
    // Read in place, not through views of the columns: a view made per customer and product was
    // most of the cost of a walk over a million.
    const history = historyFromEntries(customer, entries, base, slot === 0 ? 0 : entryEnds[slot - 1]!, entryEnds[slot]!);
    const first = slot === 0 ? 0 : productEnds[slot - 1]!;
    const last = productEnds[slot]!;
    if (last > first) {
      const products: ProductPurchases[] = [];
      for (let p = first; p < last; p += 1) {
        const days = daysUpTo(purchases, p === 0 ? 0 : purchaseEnds[p - 1]!, purchaseEnds[p]!, base);
        if (!days) continue;
        const [sku, title] = this.names[productNames[p]!]!;
        products.push({ sku, title, days });
      }
      if (products.length > 0) history.products = products.slice();
    }
    return withKept(history, this.keptDates.get(customer.key), this.notes.get(customer.key));
  }

  /** Every customer's history as of the base day, made afresh: for a fit, which may walk them several times. */
  *histories(base: ScoringBase): Generator<CustomerHistory> {
    for (let slot = 0; slot < this.keys.length; slot += 1) yield this.history(slot, base);
  }
}

/** A history with the dates and notes staff keep for the customer, when they keep any. */
export const withKept = (history: CustomerHistory, keptDates: KeptDate[] | undefined, notes: CustomerNotes | undefined): CustomerHistory =>
  keptDates || notes ? { ...history, ...(keptDates && { keptDates }), ...(notes && { notes }) } : history;
