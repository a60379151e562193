import { aliasKey } from '../aliases';
import type { Localised } from '../formats';
import type { Customer } from '../model';
import type { Facts } from '../scoring/scorer';
import { readBucket } from './buckets';
import { customersForAlias } from './customers';
import type { Profile } from './profiles';
import type { Database } from './schema';

/** One customer as the Customers page lists them: the aggregate, what the rules say, every fact. */
export interface CustomerRow {
  key: string;
  buyerId: string;
  names: string[];
  emails: string[];
  orderCount: number;
  monetaryMinor: number;
  currency: string;
  lastOrderAt: number;
  tier: { ref: string; label: Localised; colour: string; rank: number } | null;
  badges: Array<{ ref: string; label: Localised; colour: string }>;
  facts: Facts;
  /** Buyer id, names and emails in lower case: what a search matches inside. */
  searchText: string;
}

/** Every customer with their profile, read once for the Customers page (a few records per thousand customers). */
export async function loadCustomerRows(db: Database): Promise<CustomerRow[]> {
  const [customers, profiles] = await Promise.all([db.getAll('customers'), db.getAll('profiles')]);
  const profileOf = new Map<string, Profile>();
  for (const stored of profiles) for (const [key, profile] of Object.entries(readBucket<Profile>(stored))) profileOf.set(key, profile);
  const rows: CustomerRow[] = [];
  for (const stored of customers) {
    for (const customer of Object.values(readBucket<Customer>(stored))) {
      const profile = profileOf.get(customer.key);
      rows.push({
        key: customer.key,
        buyerId: customer.buyerId,
        names: customer.names,
        emails: customer.emails,
        orderCount: customer.orderCount,
        monetaryMinor: customer.monetaryMinor,
        currency: customer.currency,
        lastOrderAt: customer.lastOrderAt,
        tier: profile?.tier ? { ref: profile.tier.ref, label: profile.tier.label, colour: profile.tier.colour, rank: profile.tier.rank } : null,
        badges: (profile?.badges ?? []).map((b) => ({ ref: b.ref, label: b.label, colour: b.colour })),
        facts: profile?.facts ?? {},
        searchText: [customer.buyerId, ...customer.names, ...customer.emails].join('\u0001').toLowerCase(),
      });
    }
  }
  return rows;
}

/** The customers an order number names (`#1001` or `1001`): the store's own order aliases. */
export async function customersWithOrder(db: Database, query: string): Promise<string[]> {
  const orderId = query.trim().replace(/^#/, '');
  if (!/^[\w-]{3,40}$/.test(orderId)) return [];
  const [bare, hashed] = await Promise.all([customersForAlias(db, aliasKey.order(orderId)), customersForAlias(db, aliasKey.order(`#${orderId}`))]);
  return [...new Set([...bare, ...hashed])];
}

export interface CustomerQuery {
  /** Part of a buyer id, name or email; an order number finds its buyer through `byOrder`. */
  text: string;
  /** Customer keys whose order number is the text (from `customersWithOrder`). */
  byOrder: readonly string[];
  /** A tier rule's ref, `none` for customers with no tier, or null for all. */
  tier: string | null;
  /** A badge rule's ref, or null for all. */
  badge: string | null;
  /** A fact to sort by, highest first unless `ascending`; unknown values go last. */
  sortBy: string;
  ascending: boolean;
}

/** The rows a query asks for, sorted. Runs over the rows in memory: one pass, then one sort. */
export function queryCustomers(rows: readonly CustomerRow[], query: CustomerQuery): CustomerRow[] {
  const text = query.text.trim().toLowerCase();
  const byOrder = new Set(query.byOrder);
  const found = rows.filter(
    (row) =>
      (text === '' || byOrder.has(row.key) || row.searchText.includes(text)) &&
      (query.tier === null || (query.tier === 'none' ? row.tier === null : row.tier?.ref === query.tier)) &&
      (query.badge === null || row.badges.some((b) => b.ref === query.badge)),
  );
  const direction = query.ascending ? 1 : -1;
  const value = (row: CustomerRow) => row.facts[query.sortBy];
  return found.sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    if (x === y) return a.buyerId < b.buyerId ? -1 : a.buyerId > b.buyerId ? 1 : 0;
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    return (x < y ? -1 : 1) * direction;
  });
}
