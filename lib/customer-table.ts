import type { BadgeOutcome, MissedFollowUp, TierOutcome, TreatmentOutcome } from './engine/outcome';
import type { FactRows } from './engine/preview';
import { SpendLists } from './engine/currency';
import type { Localised } from './localised';
import { TAG_SEPARATOR, type Customer } from './model';
import type { CustomerHistory, Facts, FactValue } from './scoring/scorer';
import { byKey, type Segment, type SegmentMember } from './segments';
import { shopOfKey } from './shops';
import { fnv1a } from './hash';
import { keyHashes, type MovedCell } from './snapshots';
import { ascendingOrder, countAtMost } from './sorted';
import type { GroupOutcome } from './ab-test';
import type { ForecastActual } from './forecast';
import { cohortTable, type CohortTable, type CohortUnit } from './cohorts';
import { PatchedTable, type StoredTablePatch } from './table-patch';
import type { FollowUpList } from './follow-up-list';
import type { FollowUpRecord } from './follow-ups';
import { codeIn, codesOf, entryKeys, narrowCodes } from './table-codes';
import { NumberColumn, numberValues, type NumberCoding } from './table-numbers';
import { choiceFigures, countEquity, CUSTOMER_EQUITY, DEFAULT_KPI_SETTINGS, OPENING_PERIOD, TREND_PERIODS, type KpiSettings, type OccasionColumns, type PeriodChoice, type PeriodFigures, type PeriodKind } from './kpis';

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
export interface TableMissed {
  ref: string;
  label: Localised;
}

/**
 * A fact's column: numbers (unknown is NaN) in the narrowest coding every value is exact in (see
 * NumberCoding), texts as codes into their sorted values (0: unknown), booleans as bytes (0:
 * unknown, 1: false, 2: true).
 * `other`: how many customers lack the fact or have a value of another type, kept as they are in
 * the record `other:<fact>` so a rule previewed over the table sees what the rescore saw.
 */
export type TableColumn = (({ kind: 'number' } & NumberCoding) | { kind: 'text'; values: string[] } | { kind: 'boolean' }) & { other?: number };

/** Bumped when the records change shape: a table of another layout is not read, and the next start of the background rescores. */
export const TABLE_LAYOUT = 9;

/**
 * Lines per record of the blocked records. Chromium keeps a record over 64 kB in a file of its own,
 * and one under it in its database, whose writing and deleting cost its own process some 20 ms a
 * MB: at a million customers, the rescore's 225 MB of blocks under 64 kB took that process some
 * 4.5 s to write and 5.5 s to delete, against about 1 s each for files. A block is over 64 kB where
 * its rows average over 128 bytes (a Shopify buyer's with an email is some 190, a Chinese name
 * counts two bytes a character) and its search lines over 16; shorter lines still make smaller
 * blocks, at the old cost. A window of 40 rows reads at most 40 blocks.
 */
export interface TableBlocks {
  rows: number;
  search: number;
}
export const TABLE_BLOCKS: TableBlocks = { rows: 512, search: 4096 };

/**
 * Search lines per read while the text is read ahead: a sort asked for meanwhile waits for one
 * read at most. At a million customers a read of 64 blocks of 1,024 (about 4 MB) held a sort
 * change for a few hundred milliseconds; 16,384 lines are about 1 MB.
 */
const SEARCH_LINES_PER_READ = 16_384;

/** The order the Customers page opens in: the rescore writes it, so the first rows need no sort. */
export const OPENING_ORDER = { sortBy: 'monetary', ascending: false } as const;

/** What the customers of one shop have: the filters' choices without reading a column. */
export interface ShopSeen {
  customers: number;
  /** Tier codes (0: no tier) and badge sets some customer of the shop has. */
  tiers: number[];
  badgeSets: number[];
}

export interface CustomerTableHead {
  name: 'head';
  layout: number;
  /** Names one build: columns of two builds never mix. */
  built: string;
  /** The store's counts it was built from: an import since lists its new customers only after the next rescore. */
  counts: { customers: number; orders: number };
  size: number;
  blocks: TableBlocks;
  tiers: TableTier[];
  badges: TableBadge[];
  /** Each distinct list of badges customers have, as positions in `badges`, in the rules' order. */
  badgeSets: number[][];
  treatments: TableTreatment[];
  /** Each distinct list of treatments customers have, as positions in `treatments`. */
  treatmentSets: number[][];
  /** The follow-up rules some customer lapsed before the window of (not raised), and each distinct list of them, as positions. */
  missed: TableMissed[];
  missedSets: number[][];
  currencies: string[];
  shops: string[];
  /** By shop code. */
  seen: ShopSeen[];
  /** The columns by name: `fact:<fact>`. */
  columns: Record<string, TableColumn>;
  /** The rescore's as-of day: the facts' and the occasions' last day. */
  asOfDay: number;
  /** The KPIs the Overview opens on (every shop, `OPENING_PERIOD`, the default settings, the chart's periods), counted as the table is built. */
  openingKpis?: ShopKpis;
  /** The currencies whose buyers' spend, sorted, is kept as `spend:<currency>` (what a rule preview weighs amounts against). */
  spendCurrencies?: string[];
}

/**
 * Records of the table besides its head:
 * - `rows:<block>`: a `RowLine` of JSON per customer, what a listed row and an exported member show;
 * - `search:<block>`: each customer's buyer id, names and emails in lower case, a line each;
 * - `tier`, `badgeSet`, `treatmentSet`, `currency`, `shop` (codes), `keyHash` (FNV-1a of the key),
 *   `keySecondHash` (the snapshots' second hash of it), `missedSet`, `orderCount` and `opening` (the
 *   rows in `OPENING_ORDER`), each a Uint32Array;
 * - `monetaryMinor` (Float64Array): with `orderCount`, the customer's own figures the Overview tallies;
 * - each fact column's bytes under its name;
 * - every customer's purchase occasions, for the shop's KPIs: `occasionDay` (Int32Array) and
 *   `occasionSpend` (Float64Array, minor units), each customer's after the one before, and
 *   `occasionEnd` (Uint32Array), where each customer's end;
 * - `spend:<currency>`: the spend of that currency's buyers, ascending (Float64Array).
 */
export type TableRecord =
  | CustomerTableHead
  | { name: string; text: string }
  | { name: string; bytes: ArrayBuffer }
  | { name: string; patch: StoredTablePatch }
  // The follow-ups of the build's rescore, and what staff changed of them since (see follow-up-list.ts).
  | { name: string; followUps: FollowUpList }
  | { name: string; worked: Record<string, FollowUpRecord> }
  // What the rescore of the touched raised over the build's follow-ups (see rescored.ts).
  | { name: string; raisedOver: string };

/** One customer's line in a `rows` block. Unknown numbers are null. */
export type RowLine = [
  key: string,
  buyerId: string,
  names: string[],
  emails: string[],
  phones: string[],
  tier: number,
  badgeSet: number,
  currency: number,
  orderCount: number,
  monetaryMinor: number,
  lastOrderAt: number,
  avgOrderValue: number | null,
  rfmCode: string | null,
  churnRisk: number | null,
];

const NO_OCCASIONS = { occasionDays: [], occasionSpendMinor: [] };

/** What a search looks in, a line per customer: never a line break inside, and each text once (a buyer id is often the email too). */
export function searchLine({ buyerId, names, emails }: Pick<Customer, 'buyerId' | 'names' | 'emails'>): string {
  const texts: string[] = [];
  const put = (text: string) => {
    const searched = text.toLowerCase().replace(/\n/g, ' ');
    if (!texts.includes(searched)) texts.push(searched);
  };
  put(buyerId);
  for (const name of names) put(name);
  for (const email of emails) put(email);
  return texts.join('\u0001');
}

/** A search as its lines are scanned for it. */
const searchedText = (text: string) => text.trim().toLowerCase().replace(/\n/g, ' ');

type Column = Float32Array | Float64Array | Uint32Array | Int32Array | Uint8Array | Uint16Array;

/** Each row's place in the order of a column, ascending: highest first unless `ascending`, unknown values (and every row, without the column) last. */
function sortKeys(values: Column | undefined, text: boolean, size: number, ascending: boolean): Float64Array {
  const keys = new Float64Array(size);
  if (values) for (let row = 0; row < size; row += 1) keys[row] = sortKeyOf(values, text, row, ascending);
  return keys;
}

/** One row's place in the order of a column (see `sortKeys`); every row alike without the column. */
function sortKeyOf(values: Column | undefined, text: boolean, row: number, ascending: boolean): number {
  if (!values) return 0;
  const value = values[row]!;
  const unknown = text ? value === 0 : Number.isNaN(value);
  return unknown ? Number.POSITIVE_INFINITY : ascending ? value : -value;
}

/** A stored column of `rows` as read: numbers decoded, booleans as bytes, and codes (of a text fact, or the table's own). */
const factValues = (spec: TableColumn | undefined, bytes: ArrayBuffer, rows: number): Column =>
  spec?.kind === 'number' ? numberValues(spec, bytes) : spec?.kind === 'boolean' ? new Uint8Array(bytes) : codesOf(bytes, rows);

/** Every row in the order of a column (see `sortKeys`), ties in the table's order. */
const orderBy = (values: Column | undefined, text: boolean, size: number, ascending: boolean): Uint32Array => ascendingOrder(sortKeys(values, text, size, ascending));

/** Lines gathered into records of `size` lines each, named `<prefix>:<block>`. */
class BlockedLines {
  private lines: string[] = [];
  private made = 0;
  records: Array<{ name: string; text: string }> = [];
  constructor(
    private readonly prefix: string,
    private readonly size: number,
  ) {}
  add(line: string): void {
    this.lines.push(line);
    if (this.lines.length === this.size) this.flush();
  }
  flush(): void {
    if (this.lines.length === 0) return;
    this.records.push({ name: `${this.prefix}:${this.made++}`, text: this.lines.join('\n') });
    this.lines = [];
  }
  /** The blocks filled since the last call, given up. */
  take(): Array<{ name: string; text: string }> {
    const taken = this.records;
    this.records = [];
    return taken;
  }
}

/**
 * A builder's column cut to the rows it holds: itself when it is full (the rescore sizes the
 * columns by the customers it counted), so a million customers' columns are not copied at the end.
 */
const filled = <T extends Float32Array | Float64Array | Uint32Array | Uint8Array | Int32Array>(values: T, n: number): T => (values.length === n ? values : (values.slice(0, n) as T));

/** A row line's tier, badge set and currency codes, as its JSON has them (see RowLine). */
const lineCodes = (tier: number, badgeSet: number, currency: number) => `${tier},${badgeSet},${currency}`;

/** A text value's code in a builder's column (from 1, in order of first sight), adding it on first sight. */
function textCode(codes: Map<string, number>, value: string): number {
  let code = codes.get(value);
  if (code === undefined) codes.set(value, (code = codes.size + 1));
  return code;
}

/** The columns of dictionary codes, stored narrow (see narrowCodes); the rest of `codes` are 32-bit values. */
const NARROW: ReadonlySet<string> = new Set(['tier', 'badgeSet', 'treatmentSet', 'missedSet', 'currency', 'shop']);

/** What a `CustomerTableBuilder` holds of its rows, each code as it coded them in its dictionaries (see `part`). */
export interface TablePart extends Pick<CustomerTableHead, 'tiers' | 'badges' | 'badgeSets' | 'treatments' | 'treatmentSets' | 'missed' | 'missedSets' | 'currencies' | 'shops'> {
  size: number;
  /** The builder's fact columns of each type, in its order (the registry's). */
  numbers: Array<{ coding: NumberCoding; values: ArrayBuffer }>;
  texts: Array<{ values: Uint32Array; codes: string[] }>;
  booleans: Uint8Array[];
  others: Array<[string, Array<[number] | [number, unknown]>]>;
  codes: Record<'tier' | 'badgeSet' | 'treatmentSet' | 'missedSet' | 'currency' | 'shop' | 'keyHash' | 'keySecondHash' | 'orderCount' | 'occasionEnd', Uint32Array>;
  monetaryMinor: Float64Array;
  /** Where each row's line has its codes. */
  lineCodesAt: Uint32Array;
  occasionDay: Int32Array;
  occasionSpend: Float64Array;
  /** The texts of its blocks of rows and of search lines, in order. */
  rows: string[];
  search: string[];
}

/** Collects the table as the rescore scores each customer; `finish` once, as it hands over its columns. */
export class CustomerTableBuilder {
  private size = 0;
  private capacity: number;
  private readonly rows: BlockedLines;
  private readonly search: BlockedLines;
  /** The fact columns by type. */
  private readonly numbers: Array<{ name: string; fact: string; values: NumberColumn }> = [];
  /** Codes in order of first sight (0: unknown), put in the values' sorted order by `finish`. */
  private readonly texts: Array<{ name: string; fact: string; values: Uint32Array; codes: Map<string, number> }> = [];
  private readonly booleans: Array<{ name: string; fact: string; values: Uint8Array }> = [];
  /** By fact: customers without it, as [row], or with a value of another type than the fact's, as [row, value]. */
  private readonly others = new Map<string, Array<[number] | [number, unknown]>>();
  private codes: Record<'tier' | 'badgeSet' | 'treatmentSet' | 'missedSet' | 'currency' | 'shop' | 'keyHash' | 'keySecondHash' | 'orderCount' | 'occasionEnd', Uint32Array>;
  private monetaryMinor: Float64Array;
  /** Where each row's line has its tier, badge set and currency codes (see `add`). */
  private lineCodesAt: Uint32Array;
  private occasionDay = new Int32Array(1024);
  private occasionSpend = new Float64Array(1024);
  private occasions = 0;
  private readonly tiers: TableTier[] = [];
  private readonly badges: TableBadge[] = [];
  private readonly badgeSets: number[][] = [];
  private readonly treatments: TableTreatment[] = [];
  private readonly treatmentSets: number[][] = [];
  private readonly missed: TableMissed[] = [];
  private readonly missedSets: number[][] = [];
  private readonly currencies: string[] = [];
  private readonly shops: string[] = [];
  private readonly seen: Array<{ customers: number; tiers: Set<number>; badgeSets: Set<number> }> = [];
  private readonly outcomeCodes = new WeakMap<object, number>();
  private readonly dictionaries = { tier: new Map<string, number>(), badge: new Map<string, number>(), badgeSet: new Map<string, number>(), treatment: new Map<string, number>(), treatmentSet: new Map<string, number>(), missed: new Map<string, number>(), missedSet: new Map<string, number>(), currency: new Map<string, number>(), shop: new Map<string, number>() };

  /** `facts`: each fact's type; `expected`: about how many customers; `blocks`: smaller in tests, to cross their edges. */
  constructor(
    facts: ReadonlyMap<string, { type: string }>,
    expected = 1024,
    private readonly blocks: TableBlocks = TABLE_BLOCKS,
  ) {
    this.capacity = Math.max(16, expected);
    this.rows = new BlockedLines('rows', blocks.rows);
    this.search = new BlockedLines('search', blocks.search);
    for (const [fact, spec] of facts) {
      if (spec.type === 'number') this.numbers.push({ name: `fact:${fact}`, fact, values: new NumberColumn(this.capacity) });
      else if (spec.type === 'string') this.texts.push({ name: `fact:${fact}`, fact, values: new Uint32Array(this.capacity), codes: new Map() });
      else if (spec.type === 'boolean') this.booleans.push({ name: `fact:${fact}`, fact, values: new Uint8Array(this.capacity) });
    }
    const codes = () => new Uint32Array(this.capacity);
    this.codes = { tier: codes(), badgeSet: codes(), treatmentSet: codes(), missedSet: codes(), currency: codes(), shop: codes(), keyHash: codes(), keySecondHash: codes(), orderCount: codes(), occasionEnd: codes() };
    this.monetaryMinor = new Float64Array(this.capacity);
    this.lineCodesAt = new Uint32Array(this.capacity);
  }

  private grow(): void {
    this.capacity *= 2;
    const grown = <T extends Float32Array | Float64Array | Uint32Array | Uint8Array>(array: T): T => {
      const copy = new (array.constructor as new (n: number) => T)(this.capacity);
      copy.set(array);
      return copy;
    };
    for (const column of this.numbers) column.values.grow(this.capacity);
    for (const column of this.texts) column.values = grown(column.values);
    for (const column of this.booleans) column.values = grown(column.values);
    for (const name of Object.keys(this.codes) as Array<keyof typeof this.codes>) this.codes[name] = grown(this.codes[name]);
    this.monetaryMinor = grown(this.monetaryMinor);
    this.lineCodesAt = grown(this.lineCodesAt);
  }

  add(
    customer: Customer,
    facts: Facts,
    tier: TierOutcome | null,
    badges: readonly BadgeOutcome[],
    treatments: readonly TreatmentOutcome[] = [],
    occasions: Pick<CustomerHistory, 'occasionDays' | 'occasionSpendMinor'> = NO_OCCASIONS,
    missed: readonly MissedFollowUp[] = [],
    /** The key's two hashes, when the caller has them already (the rescore makes them for the snapshots). */
    hashes: readonly [number, number] = keyHashes(customer.key),
  ): void {
    if (this.size === this.capacity) this.grow();
    const row = this.size;
    this.size += 1;
    this.addOccasions(row, occasions);
    for (const column of this.numbers) {
      const value = facts[column.fact];
      if (typeof value === 'number') column.values.set(row, value);
      else {
        column.values.set(row, Number.NaN);
        if (value !== null) this.other(column.fact, row, facts);
      }
    }
    for (const column of this.texts) {
      const value = facts[column.fact];
      if (typeof value === 'string') column.values[row] = textCode(column.codes, value);
      else if (value !== null) this.other(column.fact, row, facts);
    }
    for (const column of this.booleans) {
      const value = facts[column.fact];
      column.values[row] = value === true ? 2 : value === false ? 1 : 0;
      if (typeof value !== 'boolean' && value !== null) this.other(column.fact, row, facts);
    }
    const { dictionaries: d, codes } = this;
    codes.tier[row] = tier ? 1 + this.outcomeCode(tier, () => codeIn(d.tier, this.tiers, entryKeys.tier(tier), { ref: tier.ref, label: tier.label, colour: tier.colour, rank: tier.rank })) : 0;
    const set = badges.map((b) => this.outcomeCode(b, () => codeIn(d.badge, this.badges, entryKeys.badge(b), { ref: b.ref, label: b.label, colour: b.colour })));
    codes.badgeSet[row] = codeIn(d.badgeSet, this.badgeSets, entryKeys.set(set), set);
    const given = treatments.map((x) => this.outcomeCode(x, () => codeIn(d.treatment, this.treatments, entryKeys.treatment(x), { ref: x.ref, label: x.label })));
    codes.treatmentSet[row] = codeIn(d.treatmentSet, this.treatmentSets, entryKeys.set(given), given);
    const lapsed = missed.map((x) => codeIn(d.missed, this.missed, entryKeys.missed(x), { ref: x.ref, label: x.label }));
    codes.missedSet[row] = codeIn(d.missedSet, this.missedSets, entryKeys.set(lapsed), lapsed);
    codes.currency[row] = codeIn(d.currency, this.currencies, customer.currency, customer.currency);
    const shop = shopOfKey(customer.key);
    codes.shop[row] = codeIn(d.shop, this.shops, shop, shop);
    [codes.keyHash[row], codes.keySecondHash[row]] = hashes;
    codes.orderCount[row] = customer.orderCount;
    this.monetaryMinor[row] = customer.monetaryMinor;
    const seen = (this.seen[codes.shop[row]!] ??= { customers: 0, tiers: new Set(), badgeSets: new Set() });
    seen.customers += 1;
    seen.tiers.add(codes.tier[row]!);
    seen.badgeSets.add(codes.badgeSet[row]!);
    const number = (value: unknown) => (typeof value === 'number' && !Number.isNaN(value) ? value : null);
    // The line's JSON (a RowLine) in two parts around its codes, so that a builder taking this row in
    // (see `append`) puts its own codes in without parsing the line.
    const who = [customer.key, customer.buyerId, customer.names, customer.emails, customer.phones];
    const figures = [customer.orderCount, customer.monetaryMinor, customer.lastOrderAt, number(facts.avgOrderValue), typeof facts.rfmCode === 'string' ? facts.rfmCode : null, number(facts.churnRisk)];
    const before = JSON.stringify(who).slice(0, -1);
    this.lineCodesAt[row] = before.length + 1;
    this.rows.add(`${before},${lineCodes(codes.tier[row]!, codes.badgeSet[row]!, codes.currency[row]!)},${JSON.stringify(figures).slice(1)}`);
    this.search.add(searchLine(customer));
  }

  /**
   * An outcome's code, found by the object first: the rules share one object per rule among the
   * customers it fires for (lib/engine/outcome.ts), so its text is made once, not per customer.
   */
  private outcomeCode(outcome: object, byText: () => number): number {
    let code = this.outcomeCodes.get(outcome);
    if (code === undefined) this.outcomeCodes.set(outcome, (code = byText()));
    return code;
  }

  private addOccasions(row: number, { occasionDays, occasionSpendMinor }: Pick<CustomerHistory, 'occasionDays' | 'occasionSpendMinor'>): void {
    this.codes.occasionEnd[row] = this.moreOccasions(occasionDays, occasionSpendMinor);
  }

  /** Adds occasions after the last, and returns where they end. */
  private moreOccasions(occasionDays: ArrayLike<number>, occasionSpendMinor: ArrayLike<number>): number {
    const end = this.occasions + occasionDays.length;
    if (end > this.occasionDay.length) {
      const length = Math.max(end, this.occasionDay.length * 2);
      const days = new Int32Array(length);
      const spend = new Float64Array(length);
      days.set(this.occasionDay);
      spend.set(this.occasionSpend);
      this.occasionDay = days;
      this.occasionSpend = spend;
    }
    this.occasionDay.set(occasionDays, this.occasions);
    this.occasionSpend.set(occasionSpendMinor, this.occasions);
    this.occasions = end;
    return end;
  }

  private other(fact: string, row: number, facts: Facts): void {
    let list = this.others.get(fact);
    if (!list) this.others.set(fact, (list = []));
    list.push(fact in facts ? [row, facts[fact]] : [row]);
  }

  /**
   * The blocks of rows and search text filled so far, handed over once: the rescore writes them as
   * it goes rather than holding a million customers' text to the end.
   */
  takeBlocks(): Array<{ name: string; text: string }> {
    return [...this.rows.take(), ...this.search.take()];
  }

  /** Every row added so far, handed over: a part of the rescore scored on another thread, for `append`. */
  part(): TablePart {
    const n = this.size;
    this.rows.flush();
    this.search.flush();
    return {
      size: n,
      numbers: this.numbers.map(({ values }) => values.stored(n)),
      texts: this.texts.map(({ values, codes }) => ({ values: filled(values, n), codes: [...codes.keys()] })),
      booleans: this.booleans.map(({ values }) => filled(values, n)),
      others: [...this.others],
      codes: Object.fromEntries(Object.entries(this.codes).map(([name, codes]) => [name, filled(codes, n)])) as TablePart['codes'],
      monetaryMinor: filled(this.monetaryMinor, n),
      lineCodesAt: filled(this.lineCodesAt, n),
      occasionDay: filled(this.occasionDay, this.occasions),
      occasionSpend: filled(this.occasionSpend, this.occasions),
      tiers: this.tiers, badges: this.badges, badgeSets: this.badgeSets, treatments: this.treatments, treatmentSets: this.treatmentSets,
      missed: this.missed, missedSets: this.missedSets, currencies: this.currencies, shops: this.shops,
      rows: this.rows.take().map((block) => block.text),
      search: this.search.take().map((block) => block.text),
    };
  }

  /**
   * Adds a part's rows after these, every code as this builder codes it: the table is then the one
   * a single builder would have made of both parts' customers in turn.
   */
  append(part: TablePart): void {
    if (part.numbers.length !== this.numbers.length || part.texts.length !== this.texts.length || part.booleans.length !== this.booleans.length) {
      throw new Error('A part of the customer table was made with other facts than this one.');
    }
    const offset = this.size;
    const n = part.size;
    while (this.capacity < offset + n) this.grow();
    this.numbers.forEach((column, i) => column.values.setFrom(offset, part.numbers[i]!, n));
    this.texts.forEach((column, i) => {
      const theirs = part.texts[i]!;
      const code = [0, ...theirs.codes.map((value) => textCode(column.codes, value))];
      for (let row = 0; row < n; row += 1) column.values[offset + row] = code[theirs.values[row]!]!;
    });
    this.booleans.forEach((column, i) => column.values.set(part.booleans[i]!, offset));
    for (const [fact, list] of part.others) {
      let mine = this.others.get(fact);
      if (!mine) this.others.set(fact, (mine = []));
      for (const [row, ...value] of list) mine.push([row + offset, ...value] as [number] | [number, unknown]);
    }
    const d = this.dictionaries;
    const tiers = part.tiers.map((tier) => 1 + codeIn(d.tier, this.tiers, entryKeys.tier(tier), tier));
    const badges = part.badges.map((badge) => codeIn(d.badge, this.badges, entryKeys.badge(badge), badge));
    const treatments = part.treatments.map((treatment) => codeIn(d.treatment, this.treatments, entryKeys.treatment(treatment), treatment));
    const missed = part.missed.map((entry) => codeIn(d.missed, this.missed, entryKeys.missed(entry), entry));
    const setCodes = (sets: number[][], codes: readonly number[], dictionary: Map<string, number>, list: number[][]) =>
      sets.map((set) => {
        const mine = set.map((position) => codes[position]!);
        return codeIn(dictionary, list, entryKeys.set(mine), mine);
      });
    const recoded: Partial<Record<keyof typeof this.codes, readonly number[]>> = {
      tier: [0, ...tiers],
      badgeSet: setCodes(part.badgeSets, badges, d.badgeSet, this.badgeSets),
      treatmentSet: setCodes(part.treatmentSets, treatments, d.treatmentSet, this.treatmentSets),
      missedSet: setCodes(part.missedSets, missed, d.missedSet, this.missedSets),
      currency: part.currencies.map((currency) => codeIn(d.currency, this.currencies, currency, currency)),
      shop: part.shops.map((shop) => codeIn(d.shop, this.shops, shop, shop)),
    };
    for (const name of Object.keys(this.codes) as Array<keyof typeof this.codes>) {
      const [mine, theirs, code] = [this.codes[name], part.codes[name], recoded[name]];
      if (code) for (let row = 0; row < n; row += 1) mine[offset + row] = code[theirs[row]!]!;
      else if (name === 'occasionEnd') for (let row = 0; row < n; row += 1) mine[offset + row] = theirs[row]! + this.occasions;
      else mine.set(theirs, offset);
    }
    this.monetaryMinor.set(part.monetaryMinor, offset);
    this.moreOccasions(part.occasionDay, part.occasionSpend);
    const { codes } = this;
    for (let row = offset; row < offset + n; row += 1) {
      const seen = (this.seen[codes.shop[row]!] ??= { customers: 0, tiers: new Set(), badgeSets: new Set() });
      seen.customers += 1;
      seen.tiers.add(codes.tier[row]!);
      seen.badgeSets.add(codes.badgeSet[row]!);
    }
    // A line names its tier, badges and currency by code: as the part coded them, put as this builder codes them.
    let row = 0;
    for (const block of part.rows) {
      for (const text of block.split('\n')) {
        const at = part.lineCodesAt[row]!;
        const end = text.indexOf(',', text.indexOf(',', text.indexOf(',', at) + 1) + 1);
        const mine = offset + row;
        this.lineCodesAt[mine] = at;
        this.rows.add(`${text.slice(0, at)}${lineCodes(codes.tier[mine]!, codes.badgeSet[mine]!, codes.currency[mine]!)}${text.slice(end)}`);
        row += 1;
      }
    }
    for (const block of part.search) for (const text of block.split('\n')) this.search.add(text);
    this.size += n;
  }

  /**
   * The table's records not taken by `takeBlocks`, its head carrying the KPIs the Overview opens
   * on, counted from them as a page would.
   */
  async finish(built: string, counts: CustomerTableHead['counts'], asOfDay = 0): Promise<TableRecord[]> {
    const n = this.size;
    const columns: Record<string, TableColumn> = {};
    this.rows.flush();
    this.search.flush();
    const stored = new Map<string, ArrayBuffer>();
    for (const { name, values } of this.numbers) {
      const { coding, values: bytes } = values.stored(n);
      columns[name] = { kind: 'number', ...coding };
      stored.set(name, bytes);
    }
    for (const { name, values: seen, codes } of this.texts) {
      // Codes in the values' sorted order, so a sort by the fact sorts its codes.
      const values = [...codes.keys()].sort();
      const sorted = new Uint32Array(codes.size + 1);
      values.forEach((value, i) => (sorted[codes.get(value)!] = i + 1));
      const column = filled(seen, n);
      for (let row = 0; row < n; row += 1) column[row] = sorted[column[row]!]!;
      columns[name] = { kind: 'text', values };
      stored.set(name, narrowCodes(column).buffer as ArrayBuffer);
    }
    for (const { name, values } of this.booleans) {
      columns[name] = { kind: 'boolean' };
      stored.set(name, filled(values, n).buffer as ArrayBuffer);
    }
    const others = [...this.others].map(([fact, list]) => {
      columns[`fact:${fact}`]!.other = list.length;
      return { name: `other:${fact}`, text: JSON.stringify(list) };
    });
    const opening = `fact:${OPENING_ORDER.sortBy}`;
    const head: CustomerTableHead = {
      name: 'head',
      layout: TABLE_LAYOUT,
      built,
      counts,
      size: n,
      blocks: this.blocks,
      tiers: this.tiers,
      badges: this.badges,
      badgeSets: this.badgeSets,
      treatments: this.treatments,
      treatmentSets: this.treatmentSets,
      missed: this.missed,
      missedSets: this.missedSets,
      currencies: this.currencies,
      shops: this.shops,
      seen: this.seen.map((seen) => ({ customers: seen.customers, tiers: [...seen.tiers].sort((a, b) => a - b), badgeSets: [...seen.badgeSets].sort((a, b) => a - b) })),
      columns,
      asOfDay,
    };
    const records: TableRecord[] = [
      head,
      ...this.rows.records,
      ...this.search.records,
      ...Object.entries(this.codes).map(([name, codes]) => ({ name, bytes: (NARROW.has(name) ? narrowCodes(filled(codes, n)) : filled(codes, n)).buffer as ArrayBuffer })),
      { name: 'monetaryMinor', bytes: filled(this.monetaryMinor, n).buffer as ArrayBuffer },
      ...[...stored].map(([name, bytes]) => ({ name, bytes })),
      ...others,
      { name: 'occasionDay', bytes: filled(this.occasionDay, this.occasions).buffer as ArrayBuffer },
      { name: 'occasionSpend', bytes: filled(this.occasionSpend, this.occasions).buffer as ArrayBuffer },
      { name: 'opening', bytes: orderBy(stored.has(opening) ? factValues(columns[opening], stored.get(opening)!, n) : undefined, columns[opening]?.kind === 'text', n, OPENING_ORDER.ascending).buffer as ArrayBuffer },
    ];
    const byName = new Map(records.map((record) => [record.name, 'text' in record ? record.text : 'bytes' in record ? record.bytes : undefined]));
    const table = new CustomerTable(head, async (names) => new Map(names.map((name) => [name, byName.get(name)!])));
    head.openingKpis = await table.kpis(null, OPENING_PERIOD, DEFAULT_KPI_SETTINGS, TREND_PERIODS);
    const spend = await table.spend();
    head.spendCurrencies = [...spend.keys()];
    for (const [currency, list] of spend) records.push({ name: `spend:${currency}`, bytes: list.buffer as ArrayBuffer });
    return records;
  }
}

/** Up to this many rows or hashes are found by a native scan each rather than a lookup per row. */
const FEW = 32;

/** The rows of `found` that `keep` keeps (all when null), in the order given. */
function inOrder(order: Uint32Array, found: ReadonlySet<number>, keep: Uint8Array | null): Uint32Array {
  if (found.size > FEW) return order.filter((row) => found.has(row) && (!keep || keep[row] === 1));
  const at = [...found].filter((row) => !keep || keep[row] === 1).map((row) => [order.indexOf(row), row] as const);
  return Uint32Array.from(at.filter(([position]) => position >= 0).sort((a, b) => a[0] - b[0]), ([, row]) => row);
}

const sameChoice = (a: PeriodChoice, b: PeriodChoice) => a.kind !== 'custom' && b.kind !== 'custom' && a.kind === b.kind && a.back === b.back;
const sameSettings = (a: KpiSettings, b: KpiSettings) => a.secondWithinDays === b.secondWithinDays && a.lapsedAfterDays === b.lapsedAfterDays;

/** The column of the tags staff gave customers (plugins/scorers/notes.ts): each customer's tags joined. */
const TAGS = 'fact:tags';

/** Every tag some customer has, in order, from the head (a text column keeps its distinct values). */
function tagsOf(head: CustomerTableHead): string[] {
  const spec = head.columns[TAGS];
  return spec?.kind === 'text' ? [...new Set(spec.values.flatMap((value) => value.split(TAG_SEPARATOR)))].sort() : [];
}

/** The column of the do-not-contact flag staff set (plugins/scorers/notes.ts): a boolean's codes, 2 for true. */
const DO_NOT_CONTACT = 'fact:doNotContact';

/** The KPIs of a period and of the one before it, and the customer equity by currency (major units) with the customers predicted. */
export interface ShopKpis {
  asOfDay: number;
  kind: PeriodKind;
  settings: KpiSettings;
  current: PeriodFigures;
  previous: PeriodFigures;
  equity: Record<string, { customers: number; value: number }>;
  /** The figures of the periods up to this one, oldest first, when asked for. */
  trend?: PeriodFigures[];
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
  /** A tag staff gave customers (their page), or null for all. */
  tag?: string | null;
  /** A cell of the Overview's segment movement, or null for all; `movedKeys` are its customers' key hashes, read from the two snapshots. */
  moved?: MovedCell | null;
  movedKeys?: { first: Uint32Array; second: Uint32Array };
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
  /** The tiers and badges the shop's customers have, and the tags of any shop's: the filters' choices, best tier first. */
  choices: { tiers: TableTier[]; badges: TableBadge[]; tags?: string[] };
  /** Where the answer's time went: reading columns, sorting, and in all; when the worker got the request and began the query (epoch ms). What the scale bench reports. */
  spent?: { readMs: number; sortMs: number; totalMs: number; receivedAt?: number; startedAt?: number };
}

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
}

/** A customer without a fact, as [row], or with a value of another type than its column's, as [row, value]. */
type OtherValue = [number] | [number, unknown];
type OtherValues = Map<number, OtherValue>;

/** Reads records of the table's build by name; throws when the build changed under it. */
export type TableReader = (names: readonly string[]) => Promise<Map<string, ArrayBuffer | string>>;

/** Rows a query keeps, kept for the next window of the same query (a scroll). */
interface Listing {
  query: string;
  rows: Uint32Array;
}

/** The occasions' records: over a patch, read and rebuilt together. */
const OCCASIONS: readonly string[] = ['occasionEnd', 'occasionDay', 'occasionSpend'];

/** Rows of `rows` blocks kept for the next windows: a scroll back and forth reads none again, a long one does not fill the worker. */
const ROWS_KEPT = 65_536;
/** Rows of `rows` blocks read at once by an export: a million members are read in pieces. */
const ROWS_PER_READ = 32_768;
/** Whole blocks of `size` lines in `lines`, at least one (a table keeps the block sizes it was written with). */
const blocksIn = (lines: number, size: number) => Math.max(1, Math.floor(lines / size));

/**
 * Answers queries over the table, reading each column the first time a query needs it, and only
 * the blocks of rows a window shows. Keeps the last sort and the last listing, so scrolling and
 * typing cost only what changed.
 */
export class CustomerTable {
  private readonly loaded = new Map<string, Column | Lines | OtherValues>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly rowBlocks = new Map<number, Lines>();
  private sorted: { by: string; rows: Uint32Array } | null = null;
  private listing: Listing | null = null;
  private spendLists: Promise<Map<string, Float64Array>> | null = null;
  private occasionStart: Uint32Array | null = null;
  private readonly spent = { readMs: 0, sortMs: 0 };

  readonly head: CustomerTableHead;

  /** `patch`: the customers a rescore of the touched found since, read over the table's records. */
  constructor(
    head: CustomerTableHead,
    private readonly read: TableReader,
    private readonly patch: PatchedTable | null = null,
  ) {
    this.head = patch?.head ?? head;
  }

  /** The rows the stored blocks and columns hold: a patch's added rows are in none. */
  private get blockedRows(): number {
    return this.patch?.baseSize ?? this.head.size;
  }
  private blockCount(size: number): number {
    return Math.ceil(this.blockedRows / size);
  }
  /** How many lines a block holds: the last one may be short. */
  private linesIn(block: number, size: number): number {
    return Math.min(size, this.blockedRows - block * size);
  }
  private searchBlocks(): string[] {
    return Array.from({ length: this.blockCount(this.head.blocks.search) }, (_, block) => `search:${block}`);
  }

  /** Whether a search would wait for the search text (read once the first rows are shown): a first answer can come from exact identifiers. */
  get searchWaits(): boolean {
    return this.searchBlocks().some((name) => !this.loaded.has(name));
  }

  /**
   * Reads ahead of the first search: the key hashes (a search's first answer finds its customers
   * by them), then the search text a few blocks per read, so a sort asked for meanwhile is read in between.
   */
  async warm(): Promise<void> {
    await this.need(['keyHash']);
    const names = this.searchBlocks();
    const perRead = blocksIn(SEARCH_LINES_PER_READ, this.head.blocks.search);
    for (let at = 0; at < names.length; at += perRead) await this.need(names.slice(at, at + perRead));
  }

  /** Loads the columns not loaded yet; a column already being read (the search text, read ahead) is waited for, not read twice. */
  private async need(names: readonly string[]): Promise<void> {
    // Each once: a preview asks for the opening order's column and, often, the same fact.
    const wanted = [...new Set(names)].filter((name) => !this.loaded.has(name) && (name in this.head.columns || !name.startsWith('fact:')));
    const missing = wanted.filter((name) => !this.loading.has(name));
    if (missing.length > 0) {
      const read = this.load(missing);
      for (const name of missing) this.loading.set(name, read);
      void read.finally(() => missing.forEach((name) => this.loading.delete(name))).catch(() => undefined);
    }
    await Promise.all(wanted.map((name) => this.loading.get(name)));
  }

  private async load(wanted: readonly string[]): Promise<void> {
    const started = performance.now();
    const { patch } = this;
    // Over a patch the occasions are rebuilt from all three records at once.
    const names = patch && wanted.some((name) => OCCASIONS.includes(name)) ? [...new Set([...wanted, ...OCCASIONS])] : wanted;
    // Spend lists a patch brings replace the table's: not read (7 MB at a million).
    const [records] = await Promise.all([this.read(names.filter((name) => !patch?.bringsSpend(name))), this.patchParts(names)]);
    if (patch && OCCASIONS.some((name) => records.has(name))) {
      const [end, day, spend] = OCCASIONS.map((name) => records.get(name) as ArrayBuffer);
      const merged = patch.occasions(new Uint32Array(end!), new Int32Array(day!), new Float64Array(spend!));
      this.loaded.set('occasionEnd', merged.end).set('occasionDay', merged.day).set('occasionSpend', merged.spend);
    }
    for (const name of names) {
      if (patch && OCCASIONS.includes(name)) continue;
      if (patch?.bringsSpend(name)) {
        this.loaded.set(name, patch.spendList(name));
        continue;
      }
      let record = records.get(name);
      // A fact odd only in the patch's rows has no record in the table.
      if (patch && name.startsWith('other:')) record = patch.others(name, record as string | undefined);
      if (record === undefined) throw new Error(`The customer table has no ${name}`);
      if (typeof record === 'string') {
        if (name.startsWith('other:')) this.loaded.set(name, new Map((JSON.parse(record) as OtherValue[]).map((entry) => [entry[0], entry])));
        else this.loaded.set(name, new Lines(record, this.linesIn(Number(name.slice(name.indexOf(':') + 1)), this.head.blocks.search)));
      } else if (patch && !name.startsWith('spend:') && name !== 'opening') {
        this.loaded.set(name, patch.column(name, record));
      } else {
        const spec = this.head.columns[name];
        this.loaded.set(
          name,
          name === 'occasionDay' ? new Int32Array(record)
          : name === 'occasionSpend' || name.startsWith('spend:') ? new Float64Array(record)
          : factValues(spec, record, this.blockedRows),
        );
      }
    }
    this.spent.readMs += performance.now() - started;
  }

  /** The patch's own records of these names, stored apart from it (see `splitPatch`), read where not yet. */
  private async patchParts(names: readonly string[]): Promise<void> {
    const parts = this.patch?.partsToRead(names) ?? [];
    // Each once, also when a list and a search ask for it together.
    const missing = parts.filter((part) => !this.partsLoading.has(part));
    if (missing.length > 0) {
      const read = this.read(missing).then((records) => this.patch!.supply(records));
      for (const part of missing) this.partsLoading.set(part, read);
      // A failed read is read again by the next page that needs it.
      void read.catch(() => missing.forEach((part) => this.partsLoading.delete(part)));
    }
    await Promise.all(parts.map((part) => this.partsLoading.get(part)));
  }
  private readonly partsLoading = new Map<string, Promise<void>>();

  private column(name: string): Column | undefined {
    return this.loaded.get(name) as Column | undefined;
  }

  /** The rows' lines, in the order asked, from the blocks they fall in (a block read once for all its rows). */
  private async rowLines(rows: ArrayLike<number>): Promise<RowLine[]> {
    const { patch } = this;
    if (patch && Array.from(rows).some((row) => patch.holds(row))) {
      await this.patchParts(['rows:0']);
      const patched = patch.lines;
      // The patch's own lines; the rest from the blocks, in the order asked.
      const stored = Array.from(rows).filter((row) => !patched.has(row));
      const read = new Map(stored.map((row, i) => [row, i]));
      const lines = await this.rowLines(stored);
      return Array.from(rows, (row) => patched.get(row) ?? lines[read.get(row)!]!);
    }
    const size = this.head.blocks.rows;
    const blocks = new Set(Array.from(rows, (row) => Math.floor(row / size)));
    const missing = [...blocks].filter((block) => !this.rowBlocks.has(block));
    if (missing.length > 0) {
      const started = performance.now();
      const records = await this.read(missing.map((block) => `rows:${block}`));
      for (const block of missing) {
        const text = records.get(`rows:${block}`);
        if (typeof text !== 'string') throw new Error(`The customer table has no rows:${block}`);
        this.rowBlocks.set(block, new Lines(text, this.linesIn(block, size)));
      }
      this.spent.readMs += performance.now() - started;
    }
    const lines = Array.from(rows, (row) => JSON.parse(this.rowBlocks.get(Math.floor(row / size))!.line(row % size)) as RowLine);
    // The blocks just used are the newest; the oldest go first.
    for (const block of blocks) {
      const lines = this.rowBlocks.get(block)!;
      this.rowBlocks.delete(block);
      this.rowBlocks.set(block, lines);
    }
    for (const block of this.rowBlocks.keys()) {
      if (this.rowBlocks.size <= blocksIn(ROWS_KEPT, size)) break;
      this.rowBlocks.delete(block);
    }
    return lines;
  }

  /** Every row in the order of a fact, highest first unless ascending; unknown values last, ties in the table's order. */
  private async order(sortBy: string, ascending: boolean): Promise<Uint32Array> {
    if (sortBy === OPENING_ORDER.sortBy && ascending === OPENING_ORDER.ascending) {
      const name = `fact:${sortBy}`;
      await this.need(['opening', ...(this.patch ? [name] : [])]);
      const stored = this.column('opening') as Uint32Array;
      if (!this.patch) return stored;
      // Over a patch: the stored order without the patched rows, merged with them in theirs.
      if (this.sorted?.by !== 'opening') this.sorted = { by: 'opening', rows: this.patch.reordered(stored, sortKeys(this.column(name), this.head.columns[name]?.kind === 'text', this.head.size, ascending)) };
      return this.sorted.rows;
    }
    const by = `${sortBy}|${ascending}`;
    if (this.sorted?.by === by) return this.sorted.rows;
    const name = `fact:${sortBy}`;
    await this.need([name]);
    const started = performance.now();
    this.sorted = { by, rows: orderBy(this.column(name), this.head.columns[name]?.kind === 'text', this.head.size, ascending) };
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
    if (query.tag) {
      const spec = this.head.columns[TAGS];
      const tag = query.tag;
      if (spec?.kind === 'text') await this.need([TAGS]);
      // Which of the tag texts (a customer's tags, joined) hold the tag: one test per distinct text, not per customer.
      const holding = Uint8Array.from([0, ...(spec?.kind === 'text' ? spec.values : []).map((value) => (value.split(TAG_SEPARATOR).includes(tag) ? 1 : 0))]);
      const codes = this.column(TAGS);
      narrow((row) => codes !== undefined && holding[codes[row]!] === 1);
    }
    if (query.moved) {
      const found = await this.rowsWithHashes(query.movedKeys ?? { first: new Uint32Array(0), second: new Uint32Array(0) });
      narrow((row) => found[row] === 1);
    }
    const text = searchedText(query.text);
    if (text !== '') {
      const blocks = this.searchBlocks();
      await Promise.all([this.need([...blocks, ...(query.byOrder.length > 0 ? ['keyHash'] : [])]), this.patchParts(['search:0'])]);
      const found = new Uint8Array(n);
      blocks.forEach((name, block) => {
        const first = block * this.head.blocks.search;
        for (const row of (this.loaded.get(name) as Lines).holding(text)) found[first + row] = 1;
      });
      for (const [row, line] of this.patch?.searchLines ?? []) found[row] = line.includes(text) ? 1 : 0;
      for (const row of await this.rowsWithKeys(query.byOrder)) found[row] = 1;
      narrow((row) => found[row] === 1);
    }
    return keep;
  }

  /** The rows whose key hashes to one of `hashes` and passes `confirm`: the hash column finds candidates, their lines give the keys. */
  private async rowsConfirmed(hashes: { has(hash: number): boolean; keys(): Iterable<number>; size: number }, confirm: (key: string) => boolean): Promise<number[]> {
    await this.need(['keyHash']);
    const column = this.column('keyHash')! as Uint32Array;
    const candidates: number[] = [];
    if (hashes.size <= FEW) {
      // A search's few customers: a native scan per hash beats a lookup per row (a million rows).
      for (const hash of hashes.keys()) for (let row = column.indexOf(hash); row >= 0; row = column.indexOf(hash, row + 1)) candidates.push(row);
      candidates.sort((a, b) => a - b);
    } else for (let row = 0; row < this.head.size; row += 1) if (hashes.has(column[row]!)) candidates.push(row);
    const lines = await this.rowLines(candidates);
    return candidates.filter((_, i) => confirm(lines[i]![0]));
  }

  /** The rows of customers by key. */
  private async rowsWithKeys(keys: readonly string[]): Promise<number[]> {
    if (keys.length === 0) return [];
    const named = new Set(keys);
    return this.rowsConfirmed(new Set(keys.map(fnv1a)), (key) => named.has(key));
  }

  /** Which rows are the customers of two key hashes each (a snapshot's): the first finds candidates, the second confirms them. */
  private async rowsWithHashes({ first, second }: { first: Uint32Array; second: Uint32Array }): Promise<Uint8Array> {
    const found = new Uint8Array(this.head.size);
    if (first.length === 0) return found;
    const wanted = new Map<number, number[]>();
    first.forEach((hash, i) => (wanted.get(hash) ?? wanted.set(hash, []).get(hash)!).push(second[i]!));
    const rows = await this.rowsConfirmed(wanted, (key) => {
      const [a, b] = keyHashes(key);
      return wanted.get(a)!.includes(b);
    });
    for (const row of rows) found[row] = 1;
    return found;
  }

  /**
   * An A/B test's groups over a window of days after the day it started, counted from the
   * customers' occasions; spend in the currency most of them buy in (`otherCurrency`: the others,
   * left out). A customer no longer in the store is not counted.
   */
  async groupOutcomes(groups: ReadonlyArray<{ name: string; holdout: boolean; keys: readonly string[] }>, startedDay: number, windowDays: number): Promise<{ outcomes: GroupOutcome[]; currency: string | null; otherCurrency: number; gone: number; through: number }> {
    const { columns } = await this.occasions(null, ['keyHash']);
    const through = Math.min(startedDay + windowDays, this.head.asOfDay);
    const rowsOf = await Promise.all(groups.map((group) => this.rowsWithKeys(group.keys)));
    const tally = new Map<number, number>();
    for (const row of rowsOf.flat()) tally.set(columns.currency[row]!, (tally.get(columns.currency[row]!) ?? 0) + 1);
    const main = [...tally].sort((a, b) => b[1] - a[1])[0]?.[0];
    let otherCurrency = 0;
    const outcomes = groups.map((group, i) => {
      const outcome: GroupOutcome = { name: group.name, holdout: group.holdout, customers: 0, buyers: 0, spendMinor: 0, spendSquares: 0 };
      for (const row of rowsOf[i]!) {
        if (columns.currency[row] !== main) {
          otherCurrency += 1;
          continue;
        }
        let spend = 0;
        let bought = false;
        for (let at = columns.start[row]!; at < columns.start[row + 1]!; at += 1) {
          const day = columns.day[at]!;
          if (day > startedDay && day <= through) {
            bought = true;
            spend += columns.spendMinor[at]!;
          }
        }
        outcome.customers += 1;
        if (bought) outcome.buyers += 1;
        outcome.spendMinor += spend;
        outcome.spendSquares += spend * spend;
      }
      return outcome;
    });
    // Drawn customers the store no longer has (a shop deleted, a restore): said, not counted.
    const gone = groups.reduce((n, group, i) => n + group.keys.length - rowsOf[i]!.length, 0);
    return { outcomes, currency: main === undefined ? null : this.head.currencies[main]!, otherCurrency, gone, through };
  }

  private async list(query: TableQuery): Promise<Uint32Array> {
    const id = JSON.stringify([query.shop, query.text.trim().toLowerCase(), query.byOrder, query.tier, query.badge, query.rfm ?? null, query.group ?? null, query.tag ?? null, query.moved ?? null, query.sortBy, query.ascending]);
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

  /** The tiers and badges some customer of the shop has, and how many customers it has, from the head. */
  private choices(shop: string | null): Pick<TableAnswer, 'choices' | 'customers'> {
    const { head } = this;
    const seen = shop === null ? head.seen : head.seen.filter((_, code) => head.shops[code] === shop);
    const tierCodes = new Set(seen.flatMap((s) => s.tiers));
    const setCodes = new Set(seen.flatMap((s) => s.badgeSets));
    const byRef = <T extends { ref: string }>(list: T[]) => [...new Map(list.map((item) => [item.ref, item])).values()];
    return {
      customers: seen.reduce((n, s) => n + s.customers, 0),
      choices: {
        tiers: byRef(head.tiers.filter((_, i) => tierCodes.has(i + 1))).sort((a, b) => b.rank - a.rank),
        badges: byRef(head.badgeSets.filter((_, i) => setCodes.has(i)).flatMap((set) => set.map((badge) => head.badges[badge]!))),
        tags: tagsOf(head),
      },
    };
  }

  /**
   * A search's first answer, before every customer's search text is read: of the customers an
   * identifier in the text names exactly (`candidates`, and the order number's `byOrder`), those the
   * full search keeps too (their own line holds the text), with the other filters and the sort.
   * Its `total` counts only them; the full answer follows.
   */
  async queryAmong(query: TableQuery, candidates: readonly string[], from: number, count: number): Promise<TableAnswer> {
    const started = performance.now();
    const before = { ...this.spent };
    const text = searchedText(query.text);
    await this.need(['keyHash']);
    const rows = await this.rowsWithKeys([...new Set([...candidates, ...query.byOrder])]);
    const lines = await this.rowLines(rows);
    const found = new Set(rows.filter((_, i) => {
      const [key, buyerId, names, emails] = lines[i]!;
      return query.byOrder.includes(key) || searchLine({ buyerId, names, emails }).includes(text);
    }));
    const keep = await this.kept({ ...query, text: '', byOrder: [] });
    const order = await this.order(query.sortBy, query.ascending);
    const listed = inOrder(order, found, keep);
    const shown = listed.subarray(Math.max(0, from), Math.max(0, from) + count);
    const answerRows = (await this.rowLines(shown)).map((line) => this.listed(line));
    const spent = { readMs: this.spent.readMs - before.readMs, sortMs: this.spent.sortMs - before.sortMs, totalMs: performance.now() - started, startedAt: performance.timeOrigin + started };
    return { ...this.choices(query.shop), total: listed.length, from, rows: answerRows, spent };
  }

  /** The rows from `from` of what a query keeps, with the count and the filters' choices. */
  async query(query: TableQuery, from: number, count: number): Promise<TableAnswer> {
    const started = performance.now();
    const before = { ...this.spent };
    const rows = await this.list(query);
    const shown = rows.subarray(Math.max(0, from), Math.max(0, from) + count);
    const lines = await this.rowLines(shown);
    const listed = lines.map((line) => this.listed(line));
    const spent = { readMs: this.spent.readMs - before.readMs, sortMs: this.spent.sortMs - before.sortMs, totalMs: performance.now() - started, startedAt: performance.timeOrigin + started };
    return { ...this.choices(query.shop), total: rows.length, from, rows: listed, spent };
  }

  /** Every customer's values of the named facts, and currency. */
  async factRows(facts: readonly string[]): Promise<FactRows> {
    const { head } = this;
    const columns = facts.filter((fact) => `fact:${fact}` in head.columns);
    const opening = `fact:${OPENING_ORDER.sortBy}`;
    await this.need(['currency', opening, ...columns.map((fact) => `fact:${fact}`), ...columns.filter((fact) => head.columns[`fact:${fact}`]!.other).map((fact) => `other:${fact}`)]);
    const spent = this.column(opening);
    const spentIsText = head.columns[opening]?.kind === 'text';
    // One shape for every reader, read in one loop: the fill runs for every customer, twice per preview.
    const readers = columns.map((fact) => {
      const spec = head.columns[`fact:${fact}`]!;
      const other = this.loaded.get(`other:${fact}`) as OtherValues | undefined;
      // Which rows have an odd value, so the rest never look in the map.
      const odd = new Uint8Array(other ? head.size : 0);
      for (const row of other?.keys() ?? []) odd[row] = 1;
      return { fact, kind: spec.kind, values: this.column(`fact:${fact}`)!, texts: spec.kind === 'text' ? spec.values : [], other, odd };
    });
    const missing = facts.filter((fact) => !columns.includes(fact));
    const currencies = this.column('currency')!;
    return {
      size: head.size,
      // The opening order's key, row by row: no order of every row is read or merged over a patch.
      sampleKey: (row) => sortKeyOf(spent, spentIsText, row, OPENING_ORDER.ascending),
      currency: (row) => head.currencies[currencies[row]!]!,
      // A fact the customer lacks reads as undefined, as a missing one does in the rules (never `delete`, which makes every later read of the object slow).
      fill: (row, into) => {
        for (let i = 0; i < readers.length; i += 1) {
          const { fact, kind, values, texts, other, odd: hasOdd } = readers[i]!;
          const odd = other === undefined || hasOdd[row] === 0 ? undefined : other.get(row);
          let value: FactValue | undefined;
          if (odd !== undefined) value = odd.length === 1 ? undefined : (odd[1] as FactValue);
          else if (kind === 'number') value = values[row] === values[row] ? values[row]! : null;
          else if (kind === 'text') value = texts[values[row]! - 1] ?? null;
          else value = values[row] === 0 ? null : values[row] === 2;
          into[fact] = value as FactValue;
        }
        for (const fact of missing) into[fact] = undefined as unknown as FactValue;
      },
      buyerIds: async (rows) => (await this.rowLines(rows)).map((line) => line[1]),
      spend: () => this.spend(),
    };
  }

  /**
   * What the buyers of each currency spent, as the rules read spend and orders, ascending: the same
   * for every preview of this table, so worked out once, as it is built, and read from then on.
   */
  spend(): Promise<Map<string, Float64Array>> {
    this.spendLists ??= this.head.spendCurrencies ? this.keptSpend(this.head.spendCurrencies) : this.countedSpend();
    return this.spendLists;
  }

  private async keptSpend(currencies: readonly string[]): Promise<Map<string, Float64Array>> {
    await this.need(currencies.map((currency) => `spend:${currency}`));
    return new Map(currencies.map((currency) => [currency, this.loaded.get(`spend:${currency}`) as Float64Array]));
  }

  private async countedSpend(): Promise<Map<string, Float64Array>> {
    const rows = await this.factRows(['monetary', 'orderCount']);
    const facts: Facts = {};
    const lists = new SpendLists();
    for (let row = 0; row < rows.size; row += 1) {
      rows.fill(row, facts);
      if (Number(facts.orderCount) > 0) lists.add(rows.currency(row), typeof facts.monetary === 'number' ? facts.monetary : 0);
    }
    return lists.sorted();
  }

  /**
   * The shop's KPIs (of a shop, or all) in a period and the one before it, counted from every
   * customer's occasions up to the table's as-of day; and the customer equity as of then.
   */
  /** `trend`: also the figures of that many periods up to this one (oldest first), for the KPIs' chart. */
  async kpis(shop: string | null, choice: PeriodChoice, settings: KpiSettings, trend = 0): Promise<ShopKpis> {
    const { head } = this;
    const opening = head.openingKpis;
    if (opening && shop === null && trend <= TREND_PERIODS && sameChoice(choice, OPENING_PERIOD) && sameSettings(settings, DEFAULT_KPI_SETTINGS)) {
      const { trend: periods, ...figures } = opening;
      return trend > 0 ? { ...figures, trend: periods!.slice(-trend) } : figures;
    }
    const equityColumn = `fact:${CUSTOMER_EQUITY.fact}`;
    const hasEquity = head.columns[equityColumn]?.kind === 'number';
    const { columns, keep } = await this.occasions(shop, hasEquity ? [equityColumn] : []);
    const equity: ShopKpis['equity'] = {};
    if (hasEquity) {
      const values = this.column(equityColumn)!;
      for (let row = 0; row < head.size; row += 1) if (!keep || keep(row)) countEquity(equity, head.currencies[columns.currency[row]!]!, values[row]!);
    }
    return { asOfDay: head.asOfDay, kind: choice.kind, settings, ...choiceFigures(columns, choice, head.asOfDay, settings, trend, keep), equity };
  }

  /** The cohorts of the last `count` months or weeks, of the customers of a shop (or all) who buy in a currency. */
  async cohorts(shop: string | null, unit: CohortUnit, count: number, currency: string): Promise<CohortTable & { asOfDay: number }> {
    const { columns, keep } = await this.occasions(shop);
    return { ...cohortTable(columns, unit, currency, this.head.asOfDay, count, keep), asOfDay: this.head.asOfDay };
  }

  /**
   * What happened after each forecast day: purchases (occasions) in the next 30 and 90 days, up to
   * the table's as-of day, by the customers of a shop (or all) who had bought by that day, as the
   * forecast counted them. One pass over the occasions per forecast day.
   */
  async purchasesAfter(shop: string | null, days: readonly number[]): Promise<ForecastActual[]> {
    const { columns, keep } = await this.occasions(shop);
    const { start, day } = columns;
    const actual = days.map((d) => ({ day: d, within30: 0, within90: 0 }));
    for (let row = 0; row < columns.size; row += 1) {
      const from = start[row]!;
      const to = start[row + 1]!;
      if (from === to || (keep && !keep(row))) continue;
      const first = day[from]!;
      for (const entry of actual) {
        const d = entry.day;
        if (first > d) continue;
        for (let at = from + 1; at < to; at += 1) {
          const x = day[at]!;
          if (x <= d) continue;
          if (x > d + 90) break;
          entry.within90 += 1;
          if (x <= d + 30) entry.within30 += 1;
        }
      }
    }
    return actual;
  }

  /** Every customer's purchase occasions, and which rows are of a shop (all when null); `also`: columns read with them. */
  private async occasions(shop: string | null, also: readonly string[] = []): Promise<{ columns: OccasionColumns; keep?: (row: number) => boolean }> {
    const { head } = this;
    await this.need(['shop', 'currency', 'occasionEnd', 'occasionDay', 'occasionSpend', ...also]);
    const shopCode = shop === null ? -1 : head.shops.indexOf(shop);
    const shops = this.column('shop')!;
    // Where each customer's occasions start: made once per table, for every question after.
    if (!this.occasionStart) {
      this.occasionStart = new Uint32Array(head.size + 1);
      this.occasionStart.set(this.column('occasionEnd')!, 1);
    }
    const start = this.occasionStart;
    return {
      columns: {
        size: head.size, start, day: this.column('occasionDay') as Int32Array, spendMinor: this.column('occasionSpend') as Float64Array,
        currency: this.column('currency') as Uint32Array, currencies: head.currencies,
      },
      keep: shop === null ? undefined : (row: number) => shops[row] === shopCode,
    };
  }

  /** A segment's rows (of a shop, or all), ascending, but for those marked do-not-contact (`held`). */
  private async segmentRows(segment: Pick<Segment, 'kind' | 'ref'>, shop: string | null): Promise<{ rows: number[]; held: number }> {
    const { head } = this;
    const codesName = segment.kind === 'tier' ? 'tier' : segment.kind === 'badge' ? 'badgeSet' : segment.kind === 'tag' ? TAGS : 'treatmentSet';
    const flag = head.columns[DO_NOT_CONTACT]?.kind === 'boolean' ? DO_NOT_CONTACT : null;
    if (segment.kind === 'tag' && head.columns[TAGS]?.kind !== 'text') return { rows: [], held: 0 };
    await this.need(['shop', codesName, ...(flag ? [flag] : [])]);
    const shopCode = shop === null ? -1 : head.shops.indexOf(shop);
    const shops = this.column('shop')!;
    const codes = this.column(codesName)!;
    const marked = flag ? this.column(flag)! : null;
    const holding = (sets: number[][], entries: Array<{ ref: string }>) => Uint8Array.from(sets, (set) => (set.some((i) => entries[i]!.ref === segment.ref) ? 1 : 0));
    const tagTexts = head.columns[TAGS]?.kind === 'text' ? (head.columns[TAGS] as { values: string[] }).values : [];
    const inSegment =
      segment.kind === 'tier' ? Uint8Array.from([0, ...head.tiers.map((tier) => (tier.ref === segment.ref ? 1 : 0))])
      : segment.kind === 'badge' ? holding(head.badgeSets, head.badges)
      : segment.kind === 'tag' ? Uint8Array.from([0, ...tagTexts.map((text) => (text.split(TAG_SEPARATOR).includes(segment.ref) ? 1 : 0))])
      : holding(head.treatmentSets, head.treatments);
    const rows: number[] = [];
    let held = 0;
    for (let row = 0; row < head.size; row += 1) {
      if ((shop !== null && shops[row] !== shopCode) || !inSegment[codes[row]!]) continue;
      if (marked?.[row] === 2) held += 1;
      else rows.push(row);
    }
    return { rows, held };
  }

  /** A segment's customers (of a shop, or all), in the order of their keys, as an export lists them; none marked do-not-contact. */
  async members(segment: Pick<Segment, 'kind' | 'ref'>, shop: string | null): Promise<SegmentMember[]> {
    return (await this.segmentToContact(segment, shop)).members;
  }

  /** A segment's members, and how many of its customers staff marked do-not-contact (no export holds them). */
  async segmentToContact(segment: Pick<Segment, 'kind' | 'ref'>, shop: string | null): Promise<{ members: SegmentMember[]; doNotContact: number }> {
    const { head } = this;
    const { rows, held } = await this.segmentRows(segment, shop);
    // Rows ascend, so each piece covers a run of blocks, read once.
    const members: SegmentMember[] = [];
    const span = blocksIn(ROWS_PER_READ, head.blocks.rows) * head.blocks.rows;
    for (let at = 0, end = 0; at < rows.length; at = end) {
      const past = (Math.floor(rows[at]! / span) + 1) * span;
      while (end < rows.length && rows[end]! < past) end += 1;
      for (const line of await this.rowLines(rows.slice(at, end))) members.push(this.member(line));
    }
    return { members: members.sort(byKey), doNotContact: held };
  }

  private member(line: RowLine): SegmentMember {
    const listed = this.listed(line);
    const [, , names, emails, phones] = line;
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
      churnRisk: line[13],
    };
  }

  private listed(line: RowLine): ListedCustomer {
    const [key, buyerId, , , , tierCode, badgeSet, currency, orderCount, monetaryMinor, lastOrderAt, avgOrderValue, rfmCode] = line;
    const tier = this.head.tiers[tierCode - 1];
    return {
      key,
      buyerId,
      tier: tier ? { ref: tier.ref, label: tier.label, colour: tier.colour } : null,
      badges: this.head.badgeSets[badgeSet]!.map((badge) => this.head.badges[badge]!),
      orderCount,
      monetaryMinor,
      currency: this.head.currencies[currency]!,
      avgOrderValue,
      lastOrderAt,
      rfmCode,
    };
  }
}
