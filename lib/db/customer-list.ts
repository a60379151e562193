import { aliasKey } from '../aliases';
import type { Localised } from '../localised';
import type { Customer } from '../model';
import type { Facts } from '../scoring/scorer';
import { readBucket, type StoredBucket } from './buckets';
import { customersForAlias } from './customers';
import type { Profile } from './profiles';
import type { Database } from './schema';
import { bucketSlices } from './slices';
import { countAtMost } from '../sorted';

/** One customer as the Customers page lists them: the aggregate, what the rules say, every fact. */
export interface CustomerRow extends Pick<Customer, 'key' | 'buyerId' | 'names' | 'emails' | 'phones' | 'orderCount' | 'monetaryMinor' | 'currency' | 'lastOrderAt'> {
  tier: { ref: string; label: Localised; colour: string; rank: number } | null;
  badges: Array<{ ref: string; label: Localised; colour: string }>;
  treatments: Array<{ ref: string; label: Localised }>;
  facts: Facts;
  /** Buyer id, names and emails in lower case: what a search matches inside. */
  searchText: string;
}

/** Buckets parsed between two yields to the page: about 20 ms of work on a slow machine. */
const BUCKETS_PER_SLICE = 32;

/**
 * Every customer with their profile. The records come in two reads; their JSON is parsed a slice
 * of buckets at a time, yielding between slices, so a page showing 100,000 customers keeps
 * responding while it reads them (progress is the share of buckets parsed).
 */
export async function loadCustomerRows(db: Database, onProgress?: (share: number) => void): Promise<CustomerRow[]> {
  // A slice of buckets per read: the browser turns each result into objects on this thread, and
  // one read of every bucket held the page for half a second.
  const customers: StoredBucket[] = [];
  const profiles: StoredBucket[] = [];
  for await (const slice of bucketSlices(db, ['customers', 'profiles'], BUCKETS_PER_SLICE)) {
    customers.push(...slice.customers);
    profiles.push(...slice.profiles);
  }
  const total = Math.max(1, customers.length + profiles.length);
  let parsed = 0;
  const sliceDone = async () => {
    parsed += 1;
    if (parsed % BUCKETS_PER_SLICE !== 0) return;
    onProgress?.(parsed / total);
    await new Promise((resume) => setTimeout(resume, 0));
  };
  const profileOf = new Map<string, Profile>();
  for (const stored of profiles) {
    for (const [key, profile] of Object.entries(readBucket<Profile>(stored))) profileOf.set(key, profile);
    await sliceDone();
  }
  const rows: CustomerRow[] = [];
  for (const stored of customers) {
    for (const customer of Object.values(readBucket<Customer>(stored))) {
      const profile = profileOf.get(customer.key);
      rows.push({
        key: customer.key,
        buyerId: customer.buyerId,
        names: customer.names,
        emails: customer.emails,
        phones: customer.phones,
        orderCount: customer.orderCount,
        monetaryMinor: customer.monetaryMinor,
        currency: customer.currency,
        lastOrderAt: customer.lastOrderAt,
        tier: profile?.tier ? { ref: profile.tier.ref, label: profile.tier.label, colour: profile.tier.colour, rank: profile.tier.rank } : null,
        badges: (profile?.badges ?? []).map((b) => ({ ref: b.ref, label: b.label, colour: b.colour })),
        treatments: (profile?.treatments ?? []).map((x) => ({ ref: x.ref, label: x.label })),
        facts: profile?.facts ?? {},
        // One line: the search lays every customer's text end to end, a line each.
        searchText: [customer.buyerId, ...customer.names, ...customer.emails].join('\u0001').toLowerCase().replace(/\n/g, ' '),
      });
    }
    await sliceDone();
  }
  onProgress?.(1);
  return rows;
}

interface SharedRead {
  db: Database;
  storeVersion: string;
  rows: Promise<CustomerRow[]>;
  share: number;
  listeners: Set<(share: number) => void>;
}
let lastRead: SharedRead | null = null;

/**
 * The rows as the store is at a version (its last import and rescore), of one shop or all, read
 * once for every page that shows them (Overview, Customers, Segments, the rule editor's preview):
 * a big shop takes seconds to read, and moving between pages should not. Each caller hears the
 * read's progress.
 */
export async function customerRowsAsOf(db: Database, storeVersion: string, onProgress?: (share: number) => void, shop: string | null = null): Promise<CustomerRow[]> {
  const rows = await allRowsAsOf(db, storeVersion, onProgress);
  return shop === null ? rows : rows.filter((row) => row.key.startsWith(`${shop}:`));
}

function allRowsAsOf(db: Database, storeVersion: string, onProgress?: (share: number) => void): Promise<CustomerRow[]> {
  if (lastRead?.db !== db || lastRead.storeVersion !== storeVersion) {
    const read: SharedRead = { db, storeVersion, share: 0, listeners: new Set(), rows: Promise.resolve([]) };
    read.rows = loadCustomerRows(db, (share) => {
      read.share = share;
      for (const listener of read.listeners) listener(share);
    });
    lastRead = read;
  }
  const read = lastRead;
  if (onProgress) {
    read.listeners.add(onProgress);
    onProgress(read.share);
    void read.rows.finally(() => read.listeners.delete(onProgress));
  }
  return read.rows;
}

/** The customers an order number names (`#1001` or `1001`): the store's own order aliases. */
export async function customersWithOrder(db: Database, query: string): Promise<string[]> {
  const orderId = query.trim().replace(/^#/, '');
  if (!/^[\w-]{3,40}$/.test(orderId)) return [];
  const [bare, hashed] = await Promise.all([customersForAlias(db, aliasKey.order(orderId)), customersForAlias(db, aliasKey.order(`#${orderId}`))]);
  return [...new Set([...bare, ...hashed])];
}

export interface CustomerFilter {
  /** Part of a buyer id, name or email; an order number finds its buyer through `byOrder`. */
  text: string;
  /** Customer keys whose order number is the text (from `customersWithOrder`). */
  byOrder: readonly string[];
  /** A tier rule's ref, `none` for customers with no tier, or null for all. */
  tier: string | null;
  /** A badge rule's ref, or null for all. */
  badge: string | null;
  /** A cell of the R × F grid (the Overview links there), or null for all. */
  rfm?: { r: number; f: number } | null;
  /** A group the models put customers in (a lifecycle stage, a value quadrant): the fact and its value, or null for all. */
  group?: { fact: string; value: string } | null;
}

export interface CustomerQuery extends CustomerFilter {
  /** A fact to sort by, highest first unless `ascending`; unknown values go last. */
  sortBy: string;
  ascending: boolean;
}

/**
 * Customers in the order of a fact, with their search texts laid end to end, one line each: a
 * search is then one scan of one string, not a test per customer.
 */
export class SortedCustomers {
  private readonly text: string;
  /** Where each row's line starts in `text`. */
  private readonly starts: Uint32Array;
  private positions: Map<string, number> | null = null;

  constructor(readonly rows: readonly CustomerRow[]) {
    this.starts = new Uint32Array(rows.length);
    let at = 0;
    rows.forEach((row, i) => {
      this.starts[i] = at;
      at += row.searchText.length + 1;
    });
    this.text = rows.map((row) => row.searchText).join('\n');
  }

  /** Positions of the rows whose search text holds `part`, ascending. */
  containing(part: string): number[] {
    const found: number[] = [];
    for (let at = this.text.indexOf(part); at >= 0; ) {
      const row = countAtMost(this.starts, at) - 1;
      found.push(row);
      // On from the next row's line: one hit per row is enough.
      at = row + 1 < this.rows.length ? this.text.indexOf(part, this.starts[row + 1]) : -1;
    }
    return found;
  }

  /** The position of a customer in the order. */
  positionOf(key: string): number | undefined {
    this.positions ??= new Map(this.rows.map((row, i) => [row.key, i]));
    return this.positions.get(key);
  }
}

/**
 * The rows in the order of a fact, highest first unless ascending (text facts in their alphabetical
 * order, Z first), unknown values last; ties keep the order the rows came in (the store's, the
 * same on every read). The values become numbers first, so the sort compares numbers only.
 */
export function sortCustomers(rows: readonly CustomerRow[], sortBy: string, ascending: boolean): SortedCustomers {
  // Text facts (rfmCode, the models' status) have few distinct values: their rank is their number.
  const texts = [...new Set(rows.map((row) => row.facts[sortBy]).filter((value): value is string => typeof value === 'string'))].sort();
  const rankOf = new Map(texts.map((text, i) => [text, i]));
  const values = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    const value = row.facts[sortBy];
    const number = typeof value === 'number' ? value : typeof value === 'string' ? rankOf.get(value)! : null;
    values[i] = number === null ? Number.POSITIVE_INFINITY : ascending ? number : -number;
  });
  const order = Array.from(rows.keys()).sort((a, b) => values[a]! - values[b]! || a - b);
  return new SortedCustomers(order.map((i) => rows[i]!));
}

/** The rows a filter keeps, in the sorted order. The page sorts once per choice of fact and filters on every keystroke. */
export function filterCustomers(sorted: SortedCustomers, filter: CustomerFilter): CustomerRow[] {
  const text = filter.text.trim().toLowerCase().replace(/\n/g, ' ');
  let rows: readonly CustomerRow[] = sorted.rows;
  if (text !== '') {
    const positions = new Set(sorted.containing(text));
    for (const key of filter.byOrder) {
      const position = sorted.positionOf(key);
      if (position !== undefined) positions.add(position);
    }
    rows = [...positions].sort((a, b) => a - b).map((position) => sorted.rows[position]!);
  }
  const { rfm, group } = filter;
  if (filter.tier === null && filter.badge === null && !rfm && !group) return [...rows];
  return rows.filter(
    (row) =>
      (filter.tier === null || (filter.tier === 'none' ? row.tier === null : row.tier?.ref === filter.tier)) &&
      (filter.badge === null || row.badges.some((b) => b.ref === filter.badge)) &&
      (!rfm || (row.facts.rfmR === rfm.r && row.facts.rfmF === rfm.f)) &&
      (!group || row.facts[group.fact] === group.value),
  );
}

/** The rows a query asks for, sorted. */
export function queryCustomers(rows: readonly CustomerRow[], query: CustomerQuery): CustomerRow[] {
  return filterCustomers(sortCustomers(rows, query.sortBy, query.ascending), query);
}
