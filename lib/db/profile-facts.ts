import type { Customer, CustomerNotes, KeptDate } from '../model';
import type { OrderDigest, ScoringBase } from '../scoring/history';
import type { StoredCustomer } from '../scoring/population';
import { bucketOf, readBucket, withChanges, type StoredCustomers } from './buckets';
import { isScored, type Profile, type StoredProfile } from './profile-bucket';
import type { Database } from './schema';
import { bucketAndChanges } from './slices';
import { factsAgain } from './profile-scoring';

/**
 * What a whole rescore scored every customer with besides their own records: the day and the
 * fitted models (`meta` record `profileBase:<build>`). Its profiles keep no facts (`v: 3`): a reader
 * scores them again with it. Written before the rescore's first bucket, and kept while a bucket of
 * its build may be left (a rescore that fails midway leaves buckets of two builds).
 */
export interface ProfileBase {
  id: `profileBase:${string}`;
  built: string;
  base: ScoringBase;
  models: Record<string, unknown>;
}

export const profileBases = () => IDBKeyRange.bound('profileBase:', 'profileBase:\uffff');
export const profileBaseId = (built: string): ProfileBase['id'] => `profileBase:${built}`;

/** The base of a build, read once for every card and lookup: a build's base never changes, so the last one read is kept. */
let lastBase: { db: Database; built: string; base: Promise<ProfileBase | undefined> } | null = null;
export function baseOfBuild(db: Database, built: string): Promise<ProfileBase | undefined> {
  if (lastBase?.db !== db || lastBase.built !== built) {
    const base = db.get('meta', profileBaseId(built)) as Promise<ProfileBase | undefined>;
    lastBase = { db, built, base };
    // A failed read is not kept: the next reader asks again.
    base.catch(() => lastBase?.base === base && (lastBase = null));
  }
  return lastBase.base;
}

/** Forgets the base kept (a store emptied or restored; tests that take one away). */
export function forgetBases(): void {
  lastBase = null;
}

/** A stored profile whole: a `v: 3` one with its facts scored again. None without the customer or the base of its build. */
export function profileOf(stored: StoredProfile, customer: StoredCustomer | undefined, base: ProfileBase | undefined): Profile | undefined {
  if (isScored(stored)) return stored;
  if (!customer || base?.built !== stored.built) return undefined;
  const { built: _built, previous, ...outcomes } = stored;
  return { ...outcomes, facts: factsAgain(customer, previous, base), asOfDay: base.base.asOfDay };
}

/** Each customer's order digest in a customers bucket as read (with its changes); null where the bucket has none yet. */
export const digestsOf = (stored: StoredCustomers | undefined): Record<string, OrderDigest> | null => (stored?.digests === undefined ? null : (JSON.parse(stored.digests) as Record<string, OrderDigest>));

/**
 * A customer of a customers bucket as read, as the rescore scores them: their record, their order
 * digest (an empty one where they have no orders of any kind), what staff keep. None without their
 * record, or where the bucket has no digests yet: the whole rescore adds them to every bucket before
 * it writes a profile, and every import writes them since.
 */
export function customerInBucket(records: Readonly<Record<string, Customer>>, digests: Readonly<Record<string, OrderDigest>> | null, key: string, keptDates: KeptDate[] | undefined, notes: CustomerNotes | undefined): StoredCustomer | undefined {
  const customer = records[key];
  if (!customer || !digests) return undefined;
  return { customer, digest: digests[key] ?? { e: [] }, ...(keptDates && { keptDates }), ...(notes && { notes }) };
}

/** One customer as the rescore reads them, from the store (see `customerInBucket`). */
export async function readStoredCustomer(db: Database, key: string): Promise<StoredCustomer | undefined> {
  const [[customers, changes], dates, notes] = await Promise.all([bucketAndChanges(db, 'customers', bucketOf(key)), db.get('keptDates', key), db.get('customerNotes', key)]);
  const read = withChanges(customers, changes);
  return customerInBucket(readBucket<Customer>(read), digestsOf(read), key, dates?.dates, notes);
}

/** What scoring every customer's profile again needs besides their buckets: the bases by build, what staff keep. */
export interface AllScoredAgain {
  bases: ReadonlyMap<string, ProfileBase>;
  kept: ReadonlyMap<string, KeptDate[]>;
  notes: ReadonlyMap<string, CustomerNotes>;
}

/** Reads what `wholeProfiles` needs: a store holds the bases of one build, or of two after a rescore that failed midway. */
export async function scoredAgainContext(db: Database): Promise<AllScoredAgain> {
  const [bases, kept, notes] = await Promise.all([db.getAll('meta', profileBases()) as Promise<ProfileBase[]>, db.getAll('keptDates'), db.getAll('customerNotes')]);
  return { bases: new Map(bases.map((base) => [base.built, base])), kept: new Map(kept.map((r) => [r.key, r.dates])), notes: new Map(notes.map((r) => [r.key, r])) };
}

/**
 * A bucket's profiles whole, from it and its customers bucket (with its changes). A `v: 3` profile
 * whose customer, digest or base is missing is left out: no facts are made up.
 */
export function wholeProfiles(profiles: Record<string, StoredProfile>, customers: StoredCustomers | undefined, { bases, kept, notes }: AllScoredAgain): Map<string, Profile> {
  const whole = new Map<string, Profile>();
  let records: Record<string, Customer> | null = null;
  let digests: Record<string, OrderDigest> | null | undefined;
  for (const [key, stored] of Object.entries(profiles)) {
    if (isScored(stored)) {
      whole.set(key, stored);
      continue;
    }
    records ??= readBucket<Customer>(customers);
    digests ??= digestsOf(customers);
    const profile = profileOf(stored, customerInBucket(records, digests, key, kept.get(key), notes.get(key)), bases.get(stored.built));
    if (profile) whole.set(key, profile);
  }
  return whole;
}
