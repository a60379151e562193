import type { BadgeOutcome, TierOutcome, TreatmentOutcome } from './engine/outcome';
import type { Localised } from './localised';
import type { Customer } from './model';
import type { Facts } from './scoring/scorer';
import { byKey, type Segment, type SegmentMember } from './segments';
import { shopOfKey } from './shops';
import { ascendingOrder, countAtMost } from './sorted';

/**
 * The customer table: what the Customers page lists, sorts, filters and searches, in columns
 * (typed arrays, and text as lines), written by the rescore. A page reads the few columns a query
 * needs, not every customer's profile, so a million customers list as fast as a thousand.
 */

export interface TableTier {
  ref: string;
  label: Localised;
  colour: string;
  rank: number;
}
export interface TableBadge {
  ref: string;
  label: Localised;
  colour: string;
}
export interface TableTreatment {
  ref: string;
  label: Localised;
}

/** A number column (unknown is NaN), in 32 bits when every value fits exactly; a text column as codes into its sorted values (0: unknown). */
export type TableColumn = { kind: 'number'; bits: 32 | 64 } | { kind: 'text'; values: string[] };

export interface CustomerTableHead {
  name: 'head';
  /** Names one build: columns of two builds never mix. */
  built: string;
  /** The store's counts it was built from: an import since lists its new customers only after the next rescore. */
  counts: { customers: number; orders: number };
  size: number;
  tiers: TableTier[];
  badges: TableBadge[];
  /** Each distinct list of badges customers have, as positions in `badges`, in the rules' order. */
  badgeSets: number[][];
  treatments: TableTreatment[];
  /** Each distinct list of treatments customers have, as positions in `treatments`. */
  treatmentSets: number[][];
  currencies: string[];
  shops: string[];
  /** The columns by name: `fact:<fact>` and `customer:<field>`. */
  columns: Record<string, TableColumn>;
}

/**
 * Records of the table besides its head: `keys` and `buyerIds` hold one JSON string per line,
 * `contacts` the JSON of [names, emails, phones], `search` each customer's buyer id, names and
 * emails in lower case (a line each); `tier`, `badgeSet`, `treatmentSet`, `currency` and `shop` are
 * codes (Uint32), and the columns' bytes are under their names.
 */
export type TableRecord = CustomerTableHead | { name: string; text: string } | { name: string; bytes: ArrayBuffer };

/** The aggregate's fields the list shows beside the facts. */
const CUSTOMER_COLUMNS = ['orderCount', 'monetaryMinor', 'lastOrderAt'] as const;

/** A text's code in a dictionary, adding it on first sight. */
function codeIn<T>(codes: Map<string, number>, list: T[], key: string, value: T): number {
  let code = codes.get(key);
  if (code === undefined) {
    code = list.length;
    codes.set(key, code);
    list.push(value);
  }
  return code;
}

/** One line of a lines column: never a line break inside. */
export const searchLine = (customer: Pick<Customer, 'buyerId' | 'names' | 'emails'>): string =>
  [customer.buyerId, ...customer.names, ...customer.emails].join('\u0001').toLowerCase().replace(/\n/g, ' ');

/** Collects the table as the rescore scores each customer. */
export class CustomerTableBuilder {
  private size = 0;
  private capacity: number;
  private readonly keys: string[] = [];
  private readonly buyerIds: string[] = [];
  private readonly search: string[] = [];
  private readonly contacts: string[] = [];
  /** Number columns with where each value comes from, worked out once: `add` runs per customer. */
  private readonly numbers: Array<{ name: string; value(facts: Facts, customer: Customer): unknown; values: Float64Array }> = [];
  private readonly texts: Array<{ name: string; fact: string; values: Array<string | undefined> }> = [];
  private codes: Record<'tier' | 'badgeSet' | 'treatmentSet' | 'currency' | 'shop', Uint32Array>;
  private readonly tiers: TableTier[] = [];
  private readonly badges: TableBadge[] = [];
  private readonly badgeSets: number[][] = [];
  private readonly treatments: TableTreatment[] = [];
  private readonly treatmentSets: number[][] = [];
  private readonly currencies: string[] = [];
  private readonly shops: string[] = [];
  private readonly dictionaries = { tier: new Map<string, number>(), badge: new Map<string, number>(), badgeSet: new Map<string, number>(), treatment: new Map<string, number>(), treatmentSet: new Map<string, number>(), currency: new Map<string, number>(), shop: new Map<string, number>() };

  /** `facts`: each fact's type (boolean facts are not listed); `expected`: about how many customers. */
  constructor(facts: ReadonlyMap<string, { type: string }>, expected = 1024) {
    this.capacity = Math.max(16, expected);
    for (const [fact, spec] of facts) {
      if (spec.type === 'number') this.numbers.push({ name: `fact:${fact}`, value: (facts) => facts[fact], values: new Float64Array(this.capacity) });
      else if (spec.type === 'string') this.texts.push({ name: `fact:${fact}`, fact, values: [] });
    }
    for (const field of CUSTOMER_COLUMNS) this.numbers.push({ name: `customer:${field}`, value: (_, customer) => customer[field], values: new Float64Array(this.capacity) });
    const codes = () => new Uint32Array(this.capacity);
    this.codes = { tier: codes(), badgeSet: codes(), treatmentSet: codes(), currency: codes(), shop: codes() };
  }

  private grow(): void {
    this.capacity *= 2;
    const grown = <T extends Float64Array | Uint32Array>(array: T): T => {
      const copy = new (array.constructor as new (n: number) => T)(this.capacity);
      copy.set(array);
      return copy;
    };
    for (const column of this.numbers) column.values = grown(column.values);
    const { tier, badgeSet, treatmentSet, currency, shop } = this.codes;
    this.codes = { tier: grown(tier), badgeSet: grown(badgeSet), treatmentSet: grown(treatmentSet), currency: grown(currency), shop: grown(shop) };
  }

  add(customer: Customer, facts: Facts, tier: TierOutcome | null, badges: readonly BadgeOutcome[], treatments: readonly TreatmentOutcome[] = []): void {
    if (this.size === this.capacity) this.grow();
    const row = this.size;
    this.size += 1;
    this.keys.push(JSON.stringify(customer.key));
    this.buyerIds.push(JSON.stringify(customer.buyerId));
    this.search.push(searchLine(customer));
    this.contacts.push(JSON.stringify([customer.names, customer.emails, customer.phones]));
    for (const column of this.numbers) {
      const value = column.value(facts, customer);
      column.values[row] = typeof value === 'number' ? value : Number.NaN;
    }
    for (const column of this.texts) {
      const value = facts[column.fact];
      column.values.push(typeof value === 'string' ? value : undefined);
    }
    const { dictionaries: d } = this;
    this.codes.tier[row] = tier ? 1 + codeIn(d.tier, this.tiers, JSON.stringify([tier.ref, tier.label, tier.colour, tier.rank]), { ref: tier.ref, label: tier.label, colour: tier.colour, rank: tier.rank }) : 0;
    const set = badges.map((b) => codeIn(d.badge, this.badges, JSON.stringify([b.ref, b.label, b.colour]), { ref: b.ref, label: b.label, colour: b.colour }));
    this.codes.badgeSet[row] = codeIn(d.badgeSet, this.badgeSets, set.join(','), set);
    const given = treatments.map((x) => codeIn(d.treatment, this.treatments, JSON.stringify([x.ref, x.label]), { ref: x.ref, label: x.label }));
    this.codes.treatmentSet[row] = codeIn(d.treatmentSet, this.treatmentSets, given.join(','), given);
    this.codes.currency[row] = codeIn(d.currency, this.currencies, customer.currency, customer.currency);
    const shop = shopOfKey(customer.key);
    this.codes.shop[row] = codeIn(d.shop, this.shops, shop, shop);
  }

  finish(built: string, counts: CustomerTableHead['counts']): TableRecord[] {
    const n = this.size;
    const columns: Record<string, TableColumn> = {};
    const records: TableRecord[] = [
      { name: 'keys', text: this.keys.join('\n') },
      { name: 'buyerIds', text: this.buyerIds.join('\n') },
      { name: 'search', text: this.search.join('\n') },
      { name: 'contacts', text: this.contacts.join('\n') },
      ...Object.entries(this.codes).map(([name, codes]) => ({ name, bytes: codes.slice(0, n).buffer })),
    ];
    for (const { name, values: all } of this.numbers) {
      const values = all.subarray(0, n);
      const narrow = Float32Array.from(values);
      const exact = narrow.every((value, i) => value === values[i] || (Number.isNaN(value) && Number.isNaN(values[i]!)));
      columns[name] = { kind: 'number', bits: exact ? 32 : 64 };
      records.push({ name, bytes: exact ? narrow.buffer : values.slice().buffer });
    }
    for (const { name, values: column } of this.texts) {
      const values = [...new Set(column.filter((value): value is string => value !== undefined))].sort();
      const codeOf = new Map(values.map((value, i) => [value, i + 1]));
      columns[name] = { kind: 'text', values };
      records.push({ name, bytes: Uint32Array.from(column, (value) => (value === undefined ? 0 : codeOf.get(value)!)).buffer });
    }
    const head: CustomerTableHead = { name: 'head', built, counts, size: n, tiers: this.tiers, badges: this.badges, badgeSets: this.badgeSets, treatments: this.treatments, treatmentSets: this.treatmentSets, currencies: this.currencies, shops: this.shops, columns };
    return [head, ...records];
  }
}

/** What the Customers page asks: a shop (or all), a search, filters and a sort. */
export interface TableQuery {
  shop: string | null;
  /** Part of a buyer id, name or email. */
  text: string;
  /** Customers whose order number is the text (the store's aliases name them, see `customersWithOrder`). */
  byOrder: readonly string[];
  /** A tier rule's ref, `none` for customers with no tier, or null for all. */
  tier: string | null;
  /** A badge rule's ref, or null for all. */
  badge: string | null;
  /** A cell of the R × F grid (the Overview links there), or null for all. */
  rfm?: { r: number; f: number } | null;
  /** A group the models put customers in (a lifecycle stage, a value quadrant): a text fact and its value, or null for all. */
  group?: { fact: string; value: string } | null;
  /** A fact to sort by, highest first unless `ascending` (text facts in their alphabetical order); unknown values go last. */
  sortBy: string;
  ascending: boolean;
}

/** One listed customer: what a row of the list shows. */
export interface ListedCustomer {
  key: string;
  buyerId: string;
  tier: { ref: string; label: Localised; colour: string } | null;
  badges: TableBadge[];
  orderCount: number;
  monetaryMinor: number;
  currency: string;
  avgOrderValue: number | null;
  lastOrderAt: number;
  rfmCode: string | null;
}

export interface TableAnswer {
  /** Customers of the shop (of every shop when none is chosen), whatever the filters. */
  customers: number;
  /** Customers the query keeps. */
  total: number;
  from: number;
  rows: ListedCustomer[];
  /** The tiers and badges the shop's customers have: the filters' choices, best tier first. */
  choices: { tiers: TableTier[]; badges: TableBadge[] };
  /** Where the answer's time went: reading columns, sorting, and in all (what the scale bench reports). */
  spent?: { readMs: number; sortMs: number; totalMs: number };
}

type Column = Float32Array | Float64Array | Uint32Array;

/** Text laid out a line each, with where each line starts: a search is one scan of one string, not a test per customer. */
export class Lines {
  readonly starts: Uint32Array;
  constructor(readonly text: string, count: number) {
    this.starts = new Uint32Array(count);
    for (let line = 1, at = text.indexOf('\n'); line < count && at >= 0; line += 1, at = text.indexOf('\n', at + 1)) this.starts[line] = at + 1;
  }
  line(row: number): string {
    const end = row + 1 < this.starts.length ? this.starts[row + 1]! - 1 : this.text.length;
    return this.text.slice(this.starts[row], end);
  }
  /** The line a position of the text falls in. */
  lineAt(position: number): number {
    return countAtMost(this.starts, position) - 1;
  }
  /** Rows whose line holds `part`, one hit per row (never across two lines), ascending. */
  holding(part: string): number[] {
    const found: number[] = [];
    for (let at = this.text.indexOf(part); at >= 0; ) {
      const row = this.lineAt(at);
      found.push(row);
      at = row + 1 < this.starts.length ? this.text.indexOf(part, this.starts[row + 1]) : -1;
    }
    return found;
  }
  /** The row whose line is exactly `line`, if any. */
  find(line: string): number | undefined {
    for (let at = this.text.indexOf(line); at >= 0; at = this.text.indexOf(line, at + 1)) {
      const row = this.lineAt(at);
      if (this.starts[row] === at && this.line(row) === line) return row;
    }
    return undefined;
  }
}

/** Reads records of the table's build by name; throws when the build changed under it. */
export type TableReader = (names: readonly string[]) => Promise<Map<string, ArrayBuffer | string>>;

/** Rows a query keeps, kept for the next window of the same query (a scroll). */
interface Listing {
  query: string;
  rows: Uint32Array;
}

/**
 * Answers queries over the table, reading each column the first time a query needs it. Keeps the
 * last sort and the last listing, so scrolling and typing cost only what changed.
 */
export class CustomerTable {
  private readonly loaded = new Map<string, Column | Lines>();
  private readonly loading = new Map<string, Promise<void>>();
  private sorted: { by: string; rows: Uint32Array } | null = null;
  private listing: Listing | null = null;
  private readonly spent = { readMs: 0, sortMs: 0 };
  private readonly choiceCache = new Map<string, Pick<TableAnswer, 'choices' | 'customers'>>();

  constructor(
    readonly head: CustomerTableHead,
    private readonly read: TableReader,
  ) {}

  /** Reads what a search needs ahead of the first one (a million customers' text takes a moment). */
  async warm(): Promise<void> {
    await this.need(['search', 'keys']);
  }

  /** Loads the columns not loaded yet; a column already being read (the search text, read ahead) is waited for, not read twice. */
  private async need(names: readonly string[]): Promise<void> {
    const wanted = names.filter((name) => !this.loaded.has(name) && (name in this.head.columns || !name.startsWith('fact:')));
    const missing = wanted.filter((name) => !this.loading.has(name));
    if (missing.length > 0) {
      const read = this.load(missing);
      for (const name of missing) this.loading.set(name, read);
      void read.finally(() => missing.forEach((name) => this.loading.delete(name))).catch(() => undefined);
    }
    await Promise.all(wanted.map((name) => this.loading.get(name)));
  }

  private async load(names: readonly string[]): Promise<void> {
    const started = performance.now();
    const records = await this.read(names);
    for (const name of names) {
      const record = records.get(name);
      if (record === undefined) throw new Error(`The customer table has no ${name}`);
      if (typeof record === 'string') this.loaded.set(name, new Lines(record, this.head.size));
      else {
        const spec = this.head.columns[name];
        this.loaded.set(name, spec?.kind === 'number' ? (spec.bits === 32 ? new Float32Array(record) : new Float64Array(record)) : new Uint32Array(record));
      }
    }
    this.spent.readMs += performance.now() - started;
  }

  private column(name: string): Column | undefined {
    return this.loaded.get(name) as Column | undefined;
  }
  private lines(name: string): Lines {
    return this.loaded.get(name) as Lines;
  }

  /** Every row in the order of a fact, highest first unless ascending; unknown values last, ties in the table's order. */
  private async order(sortBy: string, ascending: boolean): Promise<Uint32Array> {
    const by = `${sortBy}|${ascending}`;
    if (this.sorted?.by === by) return this.sorted.rows;
    const name = `fact:${sortBy}`;
    await this.need([name]);
    const values = this.column(name);
    const keys = new Float64Array(this.head.size);
    if (values) {
      const text = this.head.columns[name]!.kind === 'text';
      for (let row = 0; row < keys.length; row += 1) {
        const value = values[row]!;
        const unknown = text ? value === 0 : Number.isNaN(value);
        keys[row] = unknown ? Number.POSITIVE_INFINITY : ascending ? value : -value;
      }
    }
    const started = performance.now();
    this.sorted = { by, rows: ascendingOrder(keys) };
    this.spent.sortMs += performance.now() - started;
    return this.sorted.rows;
  }

  /** Which rows a query's filters keep (null: all), each filter one pass over a column. */
  private async kept(query: TableQuery): Promise<Uint8Array | null> {
    const n = this.head.size;
    let keep: Uint8Array | null = null;
    const narrow = (test: (row: number) => boolean) => {
      keep ??= new Uint8Array(n).fill(1);
      for (let row = 0; row < n; row += 1) if (keep[row] && !test(row)) keep[row] = 0;
    };
    if (query.shop !== null) {
      await this.need(['shop']);
      const shops = this.column('shop')!;
      const code = this.head.shops.indexOf(query.shop);
      narrow((row) => shops[row] === code);
    }
    if (query.tier !== null) {
      await this.need(['tier']);
      const tiers = this.column('tier')!;
      const codes = new Set(query.tier === 'none' ? [0] : this.head.tiers.flatMap((tier, i) => (tier.ref === query.tier ? [i + 1] : [])));
      narrow((row) => codes.has(tiers[row]!));
    }
    if (query.badge !== null) {
      await this.need(['badgeSet']);
      const sets = this.column('badgeSet')!;
      const holding = new Uint8Array(this.head.badgeSets.length);
      this.head.badgeSets.forEach((set, i) => (holding[i] = set.some((badge) => this.head.badges[badge]!.ref === query.badge) ? 1 : 0));
      narrow((row) => holding[sets[row]!] === 1);
    }
    if (query.rfm) {
      await this.need(['fact:rfmR', 'fact:rfmF']);
      const [r, f] = [this.column('fact:rfmR'), this.column('fact:rfmF')];
      const { r: wantR, f: wantF } = query.rfm;
      narrow((row) => r?.[row] === wantR && f?.[row] === wantF);
    }
    if (query.group) {
      const name = `fact:${query.group.fact}`;
      await this.need([name]);
      const values = this.column(name);
      const spec = this.head.columns[name];
      const wanted = spec?.kind === 'text' ? spec.values.indexOf(query.group.value) + 1 : -1;
      narrow((row) => wanted > 0 && values?.[row] === wanted);
    }
    const text = query.text.trim().toLowerCase().replace(/\n/g, ' ');
    if (text !== '') {
      await this.need(['search', 'keys']);
      const found = new Uint8Array(n);
      for (const row of this.lines('search').holding(text)) found[row] = 1;
      for (const key of query.byOrder) {
        const row = this.lines('keys').find(JSON.stringify(key));
        if (row !== undefined) found[row] = 1;
      }
      narrow((row) => found[row] === 1);
    }
    return keep;
  }

  private async list(query: TableQuery): Promise<Uint32Array> {
    const id = JSON.stringify([query.shop, query.text.trim().toLowerCase(), query.byOrder, query.tier, query.badge, query.rfm ?? null, query.group ?? null, query.sortBy, query.ascending]);
    if (this.listing?.query === id) return this.listing.rows;
    const order = await this.order(query.sortBy, query.ascending);
    const keep = await this.kept(query);
    let rows = order;
    if (keep) {
      let count = 0;
      for (let row = 0; row < keep.length; row += 1) count += keep[row]!;
      rows = new Uint32Array(count);
      let at = 0;
      for (const row of order) if (keep[row]) rows[at++] = row;
    }
    this.listing = { query: id, rows };
    return rows;
  }

  /** The tiers and badges some customer of the shop has, and how many customers it has. */
  private async choices(shop: string | null): Promise<Pick<TableAnswer, 'choices' | 'customers'>> {
    const cached = this.choiceCache.get(JSON.stringify(shop));
    if (cached) return cached;
    await this.need(['shop', 'tier', 'badgeSet']);
    const [shops, tiers, sets] = [this.column('shop')!, this.column('tier')!, this.column('badgeSet')!];
    const code = shop === null ? -1 : this.head.shops.indexOf(shop);
    const tierSeen = new Uint8Array(this.head.tiers.length + 1);
    const setSeen = new Uint8Array(this.head.badgeSets.length);
    let customers = 0;
    for (let row = 0; row < this.head.size; row += 1) {
      if (shop !== null && shops[row] !== code) continue;
      customers += 1;
      tierSeen[tiers[row]!] = 1;
      setSeen[sets[row]!] = 1;
    }
    const byRef = <T extends { ref: string }>(list: T[]) => [...new Map(list.map((item) => [item.ref, item])).values()];
    const choices = {
      customers,
      choices: {
        tiers: byRef(this.head.tiers.filter((_, i) => tierSeen[i + 1])).sort((a, b) => b.rank - a.rank),
        badges: byRef(this.head.badgeSets.filter((_, i) => setSeen[i]).flatMap((set) => set.map((badge) => this.head.badges[badge]!))),
      },
    };
    this.choiceCache.set(JSON.stringify(shop), choices);
    return choices;
  }

  /** The rows from `from` of what a query keeps, with the count and the filters' choices. */
  async query(query: TableQuery, from: number, count: number): Promise<TableAnswer> {
    const started = performance.now();
    const before = { ...this.spent };
    const rows = await this.list(query);
    const { choices, customers } = await this.choices(query.shop);
    const shown = rows.subarray(Math.max(0, from), Math.max(0, from) + count);
    await this.need(['keys', 'buyerIds', 'tier', 'badgeSet', 'currency', 'customer:orderCount', 'customer:monetaryMinor', 'customer:lastOrderAt', 'fact:avgOrderValue', 'fact:rfmCode']);
    const listed = Array.from(shown, (row) => this.listed(row));
    const spent = { readMs: this.spent.readMs - before.readMs, sortMs: this.spent.sortMs - before.sortMs, totalMs: performance.now() - started };
    return { customers, total: rows.length, from, rows: listed, choices, spent };
  }

  /** A segment's customers (of a shop, or all), in the order of their keys, as an export lists them. */
  async members(segment: Pick<Segment, 'kind' | 'ref'>, shop: string | null): Promise<SegmentMember[]> {
    const columns = ['shop', 'tier', 'badgeSet', 'treatmentSet', 'keys', 'buyerIds', 'contacts', 'currency', 'customer:orderCount', 'customer:monetaryMinor', 'customer:lastOrderAt', 'fact:avgOrderValue', 'fact:rfmCode', 'fact:churnRisk'];
    await this.need(columns);
    const { head } = this;
    const shopCode = shop === null ? -1 : head.shops.indexOf(shop);
    const shops = this.column('shop')!;
    const holding = (sets: number[][], entries: Array<{ ref: string }>) => Uint8Array.from(sets, (set) => (set.some((i) => entries[i]!.ref === segment.ref) ? 1 : 0));
    const [codes, inSegment] =
      segment.kind === 'tier'
        ? [this.column('tier')!, Uint8Array.from([0, ...head.tiers.map((tier) => (tier.ref === segment.ref ? 1 : 0))])]
        : segment.kind === 'badge'
          ? [this.column('badgeSet')!, holding(head.badgeSets, head.badges)]
          : [this.column('treatmentSet')!, holding(head.treatmentSets, head.treatments)];
    const members: SegmentMember[] = [];
    for (let row = 0; row < head.size; row += 1) {
      if ((shop === null || shops[row] === shopCode) && inSegment[codes[row]!]) members.push(this.member(row));
    }
    return members.sort(byKey);
  }

  private member(row: number): SegmentMember {
    const listed = this.listed(row);
    const [names, emails, phones] = JSON.parse(this.lines('contacts').line(row)) as [string[], string[], string[]];
    const churnRisk = this.column('fact:churnRisk')?.[row] ?? Number.NaN;
    return {
      key: listed.key,
      buyerId: listed.buyerId,
      names,
      emails,
      phones,
      tier: listed.tier && { label: listed.tier.label },
      orderCount: listed.orderCount,
      monetaryMinor: listed.monetaryMinor,
      currency: listed.currency,
      lastOrderAt: listed.lastOrderAt,
      avgOrderValue: listed.avgOrderValue,
      rfmCode: listed.rfmCode,
      churnRisk: Number.isNaN(churnRisk) ? null : churnRisk,
    };
  }

  private listed(row: number): ListedCustomer {
    const number = (name: string) => this.column(name)?.[row] ?? Number.NaN;
    const tier = this.head.tiers[this.column('tier')![row]! - 1];
    const avgOrderValue = number('fact:avgOrderValue');
    const rfm = this.head.columns['fact:rfmCode'];
    const rfmCode = rfm?.kind === 'text' ? (rfm.values[number('fact:rfmCode') - 1] ?? null) : null;
    return {
      key: JSON.parse(this.lines('keys').line(row)) as string,
      buyerId: JSON.parse(this.lines('buyerIds').line(row)) as string,
      tier: tier ? { ref: tier.ref, label: tier.label, colour: tier.colour } : null,
      badges: this.head.badgeSets[this.column('badgeSet')![row]!]!.map((badge) => this.head.badges[badge]!),
      orderCount: number('customer:orderCount'),
      monetaryMinor: number('customer:monetaryMinor'),
      currency: this.head.currencies[this.column('currency')![row]!]!,
      avgOrderValue: Number.isNaN(avgOrderValue) ? null : avgOrderValue,
      lastOrderAt: number('customer:lastOrderAt'),
      rfmCode,
    };
  }
}
