import { aliasKey } from '../aliases';
import type { Localised } from '../localised';
import type { Customer } from '../model';
import type { Facts } from '../scoring/scorer';
import { readBucket, type StoredBucket } from './buckets';
import { customersForAlias } from './customers';
import { readProfiles, type Profile, type StoredProfiles } from './profile-bucket';
import { scoredAgainContext, wholeProfiles } from './profile-facts';
import type { Database } from './schema';
import { bucketSlices } from './slices';
import { pause } from '../pace';

/** One customer with their profile, as pages that read every customer have them (the rule editor's preview, a store without tallies): the aggregate, what the rules say, every fact. */
export interface CustomerRow extends Pick<Customer, 'key' | 'buyerId' | 'names' | 'emails' | 'phones' | 'orderCount' | 'monetaryMinor' | 'currency' | 'lastOrderAt'> {
  tier: { ref: string; label: Localised; colour: string; rank: number } | null;
  badges: Array<{ ref: string; label: Localised; colour: string }>;
  treatments: Array<{ ref: string; label: Localised }>;
  facts: Facts;
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
  const profiles: StoredProfiles[] = [];
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
    await pause();
  };
  const profileOf = new Map<string, Profile>();
  const customersOf = new Map(customers.map((stored) => [stored.bucket, stored]));
  const context = await scoredAgainContext(db);
  for (const stored of profiles) {
    for (const [key, profile] of wholeProfiles(readProfiles(stored), customersOf.get(stored.bucket), context)) profileOf.set(key, profile);
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

/**
 * The customers a search text names exactly: a buyer id of one of the shops (the customer's key),
 * an email or a name, each one bucket of aliases. What a search shows first while every
 * customer's search text is still being read.
 */
export async function customersNamedBy(db: Database, query: string, shops: readonly string[]): Promise<string[]> {
  const text = query.trim();
  if (text === '') return [];
  const ids = [...new Set([text, text.toLowerCase()])];
  const aliases = await Promise.all([customersForAlias(db, aliasKey.email(text)), customersForAlias(db, aliasKey.name(text))]);
  return [...new Set([...shops.flatMap((shop) => ids.map((id) => `${shop}:${id}`)), ...aliases.flat()])];
}

/** The customers an order number names (`#1001` or `1001`): the store's own order aliases. */
export async function customersWithOrder(db: Database, query: string): Promise<string[]> {
  const orderId = query.trim().replace(/^#/, '');
  if (!/^[\w-]{3,40}$/.test(orderId)) return [];
  const [bare, hashed] = await Promise.all([customersForAlias(db, aliasKey.order(orderId)), customersForAlias(db, aliasKey.order(`#${orderId}`))]);
  return [...new Set([...bare, ...hashed])];
}
