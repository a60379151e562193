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

/** Customers whose identities share one text (see IdentityColumn). */
const WHO_CHUNK = 256;

/** Who each customer is, by slot: the UTF-8 of each one's `[buyerId, names, emails, phones]` in JSON, joined by commas a chunk of customers at a time. */
interface Identities {
  bytes: Uint8Array;
  /** Where each chunk's bytes end. */
  chunkEnds: Uint32Array;
  size: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Who each customer is, as bytes a chunk of WHO_CHUNK customers at a time, read back a chunk at a
 * time. A string a customer is an object a customer for the collector to walk, and as strings the
 * rescore's threads peaked some 250 MB higher at a million customers; bytes are not the
 * collector's. Encoded or decoded a customer at a time, a call into the browser each took a tenth
 * of the whole rescore's scoring.
 */
class IdentityColumn {
  private bytes = new Uint8Array(1 << 16);
  private used = 0;
  private readonly chunkEnds = indexes();
  private pending: string[] = [];
  private size = 0;

  add({ buyerId, names, emails, phones }: Customer): void {
    this.pending.push(JSON.stringify([buyerId, names, emails, phones] satisfies Who));
    this.size += 1;
    if (this.pending.length === WHO_CHUNK) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const text = this.pending.join(',');
    this.pending = [];
    // A UTF-16 unit takes at most 3 bytes of UTF-8.
    if (this.used + text.length * 3 > this.bytes.length) {
      const wider = new Uint8Array(Math.max(this.used + text.length * 3, Math.ceil(this.bytes.length * 1.5)));
      wider.set(this.bytes.subarray(0, this.used));
      this.bytes = wider;
    }
    this.used += encoder.encodeInto(text, this.bytes.subarray(this.used)).written;
    this.chunkEnds.push(this.used);
  }

  sealed(): Identities {
    this.flush();
    return { bytes: this.bytes.slice(0, this.used), chunkEnds: this.chunkEnds.sealed(), size: this.size };
  }
}

/**
 * Every stored customer in typed columns: what scoring reads of them (their record's figures, the
 * digest of their orders, the products they bought), and who they are only where the builder is
 * told to keep it (the whole rescore scores from the columns; a fit reads no names).
 * A history is made when it is read and not kept, so a fit walks a million customers holding a
 * tenth of what their parsed records and histories take (some 1.3 GB at that size).
 */
export class PopulationBuilder {
  /** Who each customer is, by slot, where kept. */
  private readonly identities = new IdentityColumn();
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
  /** Each product's code by SKU, then title: no text made to look one up (a product of every customer's). */
  private readonly nameCodes = new Map<string, Map<string, number>>();
  private readonly shared = new Map<string, string>();

  constructor(private readonly keepIdentities = false) {}

  get size(): number {
    return this.keys.length;
  }

  /** One string per platform and currency: a million customers' own copies would be a million strings each. */
  private one<T extends string>(text: T): T {
    const known = this.shared.get(text);
    if (known !== undefined) return known as T;
    this.shared.set(text, text);
    return text;
  }

  /** A product's code, by its SKU and title: each named once however many customers bought it. */
  private nameCode(sku: string, title: string): number {
    let byTitle = this.nameCodes.get(sku);
    if (byTitle === undefined) this.nameCodes.set(sku, (byTitle = new Map()));
    let code = byTitle.get(title);
    if (code === undefined) byTitle.set(title, (code = this.names.push([sku, title]) - 1));
    return code;
  }

  add({ customer, digest }: StoredCustomer): void {
    const slot = this.keys.length;
    this.keys.push(customer.key);
    if (this.keepIdentities) this.identities.add(customer);
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
    // Read in place: a product's instants taken apart into a list of their own were garbage for each.
    for (const product of digest.p ?? []) {
      this.productNames.push(this.nameCode(product[0], product[1]));
      for (let at = 2; at < product.length; at += 1) this.purchases.push(product[at] as number);
      this.purchaseEnds.push(this.purchases.size);
    }
    this.productEnds.push(this.productNames.size);
  }

  finish(keptDates: ReadonlyMap<string, KeptDate[]>, notes: ReadonlyMap<string, CustomerNotes>): Population {
    const f = this.figures;
    return new Population(
      this.keys,
      this.identities.sealed(),
      this.platforms,
      this.currencies,
      this.birthdays,
      { orderCount: f.orderCount.sealed(), monetaryMinor: f.monetaryMinor.sealed(), firstOrderAt: f.firstOrderAt.sealed(), lastOrderAt: f.lastOrderAt.sealed(), lastDeliveredAt: f.lastDeliveredAt.sealed(), refundCount: f.refundCount.sealed() },
      { entryEnds: this.entryEnds.sealed(), entries: this.entries.sealed(), productEnds: this.productEnds.sealed(), productNames: this.productNames.sealed(), purchaseEnds: this.purchaseEnds.sealed(), purchases: this.purchases.sealed() },
      this.names,
      staffKept(this.keys, keptDates, notes),
    );
  }
}

/** What staff keep for a customer: their dates and notes. */
interface StaffKept {
  keptDates: KeptDate[] | undefined;
  notes: CustomerNotes | undefined;
}

/**
 * What staff keep, by slot: looked up by key once, where each walk over the customers (a round of
 * the fits, the scoring) looked up both by key again, some 0.35 s of a walk over half a million.
 */
function staffKept(keys: readonly string[], keptDates: ReadonlyMap<string, KeptDate[]>, notes: ReadonlyMap<string, CustomerNotes>): Map<number, StaffKept> {
  const kept = new Map<number, StaffKept>();
  if (keptDates.size === 0 && notes.size === 0) return kept;
  for (let slot = 0; slot < keys.length; slot += 1) {
    const key = keys[slot]!;
    const [dates, note] = [keptDates.get(key), notes.get(key)];
    if (dates || note) kept.set(slot, { keptDates: dates, notes: note });
  }
  return kept;
}

type Who = [buyerId: string, names: string[], emails: string[], phones: string[]];
const NO_ONE = Object.freeze([]) as unknown as string[];
const NOBODY: Who = ['', NO_ONE, NO_ONE, NO_ONE];

export class Population {
  constructor(
    private readonly keys: readonly string[],
    private readonly identities: Identities,
    private readonly platforms: readonly Platform[],
    private readonly currencies: readonly string[],
    private readonly birthdays: ReadonlyMap<number, string>,
    private readonly figures: Record<'orderCount' | 'monetaryMinor' | 'firstOrderAt' | 'lastOrderAt' | 'lastDeliveredAt' | 'refundCount', Float64Array>,
    private readonly orders: Record<'entryEnds' | 'productEnds' | 'productNames' | 'purchaseEnds', Uint32Array> & Record<'entries' | 'purchases', Float64Array>,
    private readonly names: ReadonlyArray<readonly [string, string]>,
    private readonly staff: ReadonlyMap<number, StaffKept>,
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

  /** What the rules' amounts are weighed against: the net spend in major units of each customer who bought, added to `lists` by currency (no object a customer). */
  spendInto(lists: { add(currency: string, spend: number): void }, minorDigits: (currency: string) => number): void {
    const { monetaryMinor, orderCount } = this.figures;
    for (let slot = 0; slot < this.keys.length; slot += 1) {
      const currency = this.currencies[slot]!;
      if (orderCount[slot]! > 0) lists.add(currency, monetaryMinor[slot]! / 10 ** minorDigits(currency));
    }
  }

  /** When the customer came into the store: their first order of any kind (one not paid too), as an import of that day would have them. */
  firstOrderAt(slot: number): number {
    const { entryEnds, entries } = this.orders;
    const from = slot === 0 ? 0 : entryEnds[slot - 1]!;
    return Math.min(from < entryEnds[slot]! ? entries[from]! : Infinity, this.figures.firstOrderAt[slot]!);
  }

  /**
   * The customer's record as scoring reads it: their figures, and who they are only when
   * `identified` (else their names, emails, phones and buyer id are empty: no scorer reads those,
   * they score orders). Asked who a customer is where it was not kept, it throws: an empty name
   * would be a wrong row, not a missing one.
   */
  customer(slot: number, identified = false): Customer {
    const f = this.figures;
    const [buyerId, names, emails, phones] = identified ? this.whoIs(slot) : NOBODY;
    const customer: Customer = {
      key: this.keys[slot]!,
      platform: this.platforms[slot]!,
      buyerId,
      names,
      emails,
      phones,
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

  /** The chunk of identities read last, parsed: scoring reads its customers in slot order. */
  private whoChunk: { at: number; who: Who[] } | null = null;

  private whoIs(slot: number): Who {
    if (slot >= this.identities.size) throw new Error(`Who the customer in slot ${slot} is was not kept.`);
    const at = Math.floor(slot / WHO_CHUNK);
    if (this.whoChunk?.at !== at) {
      const { bytes, chunkEnds } = this.identities;
      this.whoChunk = { at, who: JSON.parse(`[${decoder.decode(bytes.subarray(at === 0 ? 0 : chunkEnds[at - 1]!, chunkEnds[at]!))}]`) as Who[] };
    }
    return this.whoChunk.who[slot % WHO_CHUNK]!;
  }

  /** The customer's history as of the base day, with what staff keep for them: as `historyOf` their stored record (who they are only when `identified`). */
  history(slot: number, base: ScoringBase, identified = false): CustomerHistory {
    const { entryEnds, entries, productEnds, productNames, purchaseEnds, purchases } = this.orders;
    const customer = this.customer(slot, identified);
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
    const kept = this.staff.size > 0 ? this.staff.get(slot) : undefined;
    return kept ? withKept(history, kept.keptDates, kept.notes) : history;
  }

  /** Every customer's history as of the base day, made afresh: for a fit, which may walk them several times. */
  *histories(base: ScoringBase): Generator<CustomerHistory> {
    for (let slot = 0; slot < this.keys.length; slot += 1) yield this.history(slot, base);
  }
}

/** A history with the dates and notes staff keep for the customer, when they keep any. */
export const withKept = (history: CustomerHistory, keptDates: KeptDate[] | undefined, notes: CustomerNotes | undefined): CustomerHistory =>
  keptDates || notes ? { ...history, ...(keptDates && { keptDates }), ...(notes && { notes }) } : history;
