import type { IDBPObjectStore, IDBPTransaction, StoreNames } from 'idb';
import type { Customer } from '../model';
import { digestOf, type OrderDigest } from '../scoring/history';
import { aliasesOf, namedOf, type Named } from './buckets';
import { mergeStaged, stagedWords } from './staged-identifiers';
import { scorers } from '../../plugins/scorers';
import { customersForAlias, getCustomerEntry } from './customers';
import { storeCounts, type Database, type TiermarkDB } from './schema';
import type { BadgeIndexHead } from './badge-index';
import type { RescoreStatus } from './profiles';
import { baseOfBuild } from './profile-facts';

/**
 * The customers imports changed since the last whole rescore, kept as each commit left them, with
 * the customers each of their identifiers names now: all a rescore of only those customers reads
 * (a million customers' buckets take a minute to parse; a day's changed customers, a moment).
 * Written in the commit's own transactions; cleared by the whole rescore that has read them.
 */

/** Beyond this many changed customers since the last whole rescore, only a whole rescore is worth it. */
export const TOUCHED_MAX = 50_000;

/** `meta` record "touched": how many were staged, and whether more came than are staged. */
export interface TouchedCount {
  id: 'touched';
  customers: number;
  overflow: boolean;
}

/** A changed customer: the aggregate, the order digest, and whether the commit added them (no whole rescore has seen them). */
export type TouchedCustomer = [Customer, OrderDigest, boolean];
/** One commit's changed customers with their order digest, as JSON. A batch staged by the releases before holds identifiers as text too, with whom each names (or each one's list). */
type TouchedPart = { customers?: readonly TouchedCustomer[]; aliases?: ReadonlyArray<[string, Named | string[]]> };

type Stores = ArrayLike<StoreNames<TiermarkDB>>;
/** The stores of a commit's transaction that staging writes. */
export type Writable = { touched: IDBPObjectStore<TiermarkDB, Stores, 'touched', 'readwrite'>; meta: IDBPObjectStore<TiermarkDB, Stores, 'meta', 'readwrite'> };

/**
 * Stages a commit group's changed customers, in the commit's transaction; past TOUCHED_MAX it
 * only marks the overflow, and what is staged is no longer enough for a rescore of the touched.
 */
export async function stageTouchedCustomers(stores: Writable, changed: number, customers: () => readonly TouchedCustomer[]): Promise<void> {
  if (changed === 0) return;
  const count = ((await stores.meta.get('touched')) as TouchedCount | undefined) ?? { id: 'touched', customers: 0, overflow: false };
  if (count.overflow) return;
  count.customers += changed;
  count.overflow = count.customers > TOUCHED_MAX;
  // Made only while staged: a first import of a million customers pays for its first 50,000.
  await Promise.all([stores.meta.put(count), count.overflow ? undefined : stores.touched.put({ json: JSON.stringify({ customers: customers() } satisfies TouchedPart) })]);
}

/** Whether a commit's identifiers are still staged: not once its customers overflowed. */
export async function stagingTouched(db: Database): Promise<boolean> {
  return !((await db.get('meta', 'touched')) as TouchedCount | undefined)?.overflow;
}

/** Stages identifiers a commit added or holds, each with whom it names once added (by their hashes, see staged-identifiers.ts); nothing past the overflow. */
export async function stageTouchedAliases(stores: Writable, aliases: ReadonlyArray<readonly [string, Named]>): Promise<void> {
  if (aliases.length === 0) return;
  const count = (await stores.meta.get('touched')) as TouchedCount | undefined;
  if (count?.overflow) return;
  await stores.touched.put({ identifiers: stagedWords(aliases).buffer });
}

/**
 * Stages a customer the store already holds, as they are (staff changed their notes, tags or kept
 * dates, which rules read), with the identifiers that name only them: the hidden's badges go from
 * each, the rest show their new look. One they share shows "ambiguous" as before.
 */
export async function stageStoredCustomer(db: Database, key: string): Promise<void> {
  const entry = await getCustomerEntry(db, key);
  if (!entry?.customer) return;
  const { customer, orders } = entry;
  const identifiers = aliasesOf(customer, orders).filter((alias) => !alias.startsWith('ext:'));
  const named = (await Promise.all(identifiers.map(async (alias): Promise<[string, Named]> => [alias, namedOf(await customersForAlias(db, alias))]))).filter(([, named]) => named === key);
  const tx = db.transaction(['touched', 'meta'], 'readwrite');
  const stores = { touched: tx.objectStore('touched'), meta: tx.objectStore('meta') };
  await stageTouchedCustomers(stores, 1, () => [[customer, digestOf(orders), false]]);
  await Promise.all([stageTouchedAliases(stores, named), tx.done]);
}

export interface Touched {
  /** The last staged batch: a whole rescore that read the store after it clears up to it. */
  lastSeq: number;
  overflow: boolean;
  /** `added`: not in the last whole rescore. */
  customers: Map<string, { customer: Customer; digest: OrderDigest; added: boolean }>;
  /** Whether some customer was staged more than once (two imports of the day both changed them). */
  repeated: boolean;
  /** Identifiers imports added or hold since, with whom each names: sorted by their hashes, each once (see staged-identifiers.ts). */
  identifiers: Uint32Array;
}

/** Everything staged since the last whole rescore, later commits over earlier ones. */
export async function touchedSince(db: Database): Promise<Touched> {
  const tx = db.transaction(['touched', 'meta'], 'readonly');
  const [batches, count] = await Promise.all([tx.objectStore('touched').getAll(), tx.objectStore('meta').get('touched') as Promise<TouchedCount | undefined>]);
  const customers: Touched['customers'] = new Map();
  const identifiers: Uint32Array[] = [];
  let lastSeq = 0;
  let staged = 0;
  for (const batch of batches) {
    lastSeq = Math.max(lastSeq, batch.seq!);
    if (batch.identifiers) identifiers.push(new Uint32Array(batch.identifiers));
    if (batch.json === undefined) continue;
    const part = JSON.parse(batch.json) as TouchedPart;
    for (const [customer, digest, added] of part.customers ?? []) customers.set(customer.key, { customer, digest, added: added || customers.get(customer.key)?.added === true });
    staged += part.customers?.length ?? 0;
    if (part.aliases) identifiers.push(stagedWords(part.aliases.map(([alias, named]) => [alias, Array.isArray(named) ? namedOf(named) : named])));
  }
  return { lastSeq, overflow: count?.overflow ?? false, customers, repeated: staged > customers.size, identifiers: mergeStaged(identifiers) };
}

/**
 * In the transaction of the rescore of the touched that read them: where some customer was staged
 * more than once, the batches `touched` was read from as one, under the last one's number, so the
 * next reads each customer once, not once per import since the whole rescore (a shop importing a
 * few files a day parsed them all again each time); a batch a commit staged meanwhile comes after
 * it, as it came after them. Batches of distinct customers (a day's first import) stay as they
 * are: written again as one, 18 MB of text at a million, for nothing saved. Either way the count of the
 * staged is made again of distinct customers: counted per import, four imports of one day's
 * customers at a million passed TOUCHED_MAX and forced a whole rescore.
 */
export async function compactTouched(stores: Writable, touched: Touched): Promise<void> {
  if (touched.lastSeq === 0) return;
  // In this transaction no commit stages: the batches after lastSeq are all that came meanwhile.
  const [count, later] = await Promise.all([stores.meta.get('touched') as Promise<TouchedCount | undefined>, stores.touched.getAll(IDBKeyRange.lowerBound(touched.lastSeq, true))]);
  const keys = new Set(touched.customers.keys());
  for (const batch of later) for (const [customer] of batch.json === undefined ? [] : ((JSON.parse(batch.json) as TouchedPart).customers ?? [])) keys.add(customer.key);
  const customers = () => [...touched.customers.values()].map(({ customer, digest, added }): TouchedCustomer => [customer, digest, added]);
  await Promise.all([
    ...(touched.repeated
      ? [
          stores.touched.delete(IDBKeyRange.upperBound(touched.lastSeq, true)),
          // Sorted and each once already: the next rescore of the touched only merges what came after.
          stores.touched.put({ seq: touched.lastSeq, json: JSON.stringify({ customers: customers() } satisfies TouchedPart), identifiers: touched.identifiers.slice().buffer }),
        ]
      : []),
    count && !count.overflow && count.customers !== keys.size && stores.meta.put({ ...count, customers: keys.size }),
  ]);
}

/** The last staged batch's number now (0 for none): what a whole rescore starting now will have read. */
export async function lastTouchedSeq(db: Database): Promise<number> {
  const cursor = await db.transaction('touched').store.openKeyCursor(null, 'prev');
  return cursor?.key ?? 0;
}

/**
 * What a whole rescore leaves for the rescores of the touched after it, written with its badge
 * index (`meta` record "rescoreBase"): the fitted models, the rules' unfit tables, and what else
 * the scores depend on. A rescore of the touched scores as the whole one would, or not at all.
 */
export interface RescoreBase {
  id: 'rescoreBase';
  /** The badge index's build it was written with. */
  built: string;
  asOfDay: number;
  /** The rules in force, the scorers' versions, the settings and the time zone, as text: any change, and only a whole rescore will do. */
  inputs: string;
  models: Record<string, unknown>;
  /** Each currency the shop's customers buy in, with the rule tables unfit for it. */
  unfit: Record<string, string[]>;
}

/** The record as stored: its models are those of its build's profiles' base (`ProfileBase`), not written twice; a release before that wrote them in it. */
export type StoredRescoreBase = Omit<RescoreBase, 'models'> & { models?: RescoreBase['models'] };

/** The text of what scores depend on besides the customers (see RescoreBase.inputs). */
export function rescoreInputs(ruleFiles: unknown, settings: unknown, timeZone: string): string {
  return JSON.stringify({ ruleFiles, scorers: scorers.map((s) => `${s.id}@${s.version}`), settings, timeZone });
}

type Clearing = IDBPTransaction<TiermarkDB, ['badgeShards', 'meta', 'rescored', 'touched'], 'readwrite'>;

/**
 * In the transaction of a whole rescore's badge index, that rescore started when `upTo` was the
 * last batch: those batches, and the rescore of the touched over the last index, are in it.
 * Batches a commit staged meanwhile stay for the next rescore, and so does their count.
 */
export async function clearTouchedIn(tx: Clearing, upTo: number, base: StoredRescoreBase): Promise<void> {
  await Promise.all([tx.objectStore('touched').delete(IDBKeyRange.upperBound(upTo)), tx.objectStore('rescored').clear(), tx.objectStore('meta').put(base)]);
  if ((await tx.objectStore('touched').count()) === 0) await tx.objectStore('meta').delete('touched');
}

/** Why a rescore cannot keep the last whole rescore's models and rule tables. */
export type WholeReason = 'no-base' | 'another-day' | 'inputs' | 'too-many' | 'new-currency' | 'store-changed';

/**
 * What a rescore of the touched did: how many it rescored and in how long, or why only a whole
 * rescore will do. `complete`: it also put the customer table, the Overview's tallies, the
 * follow-ups' counts, the day's snapshot and forecast right, so after an import or staff's notes
 * no whole rescore is needed until the next day's.
 */
export type TouchedRescore = { state: 'done'; customers: number; ms: number; phases?: TouchedPhases; complete?: boolean; /** The touched's earliest first order, as a local day: older history imported. */ firstOrderDay?: number } | { state: 'whole'; reason: WholeReason };
/** Where a rescore of the touched spent its time (ms): reading them with the day's models and what else scores read, scoring them, counting the figures again over the table and the snapshot, and the writes with the follow-ups' count. */
export type TouchedPhases = Record<'read' | 'score' | 'figures' | 'write', number>;

/** The rescores after which what changed is staged: the touched are rescored first, and the day's models may be kept. */
export const AFTER_STAGED: ReadonlySet<RescoreStatus['reason']> = new Set(['import', 'notes', 'manual']);

/** The last whole rescore's base and badge index, when they are in force for the day and the inputs. */
export type BaseInForce = { base: RescoreBase; head: BadgeIndexHead };

/** The last whole rescore's base, when its badge index is in place and it was made the same day with the same inputs. */
export async function baseInForce(db: Database, asOfDay: number, inputs: string): Promise<BaseInForce | { whole: WholeReason }> {
  const [base, head] = await Promise.all([db.get('meta', 'rescoreBase') as Promise<StoredRescoreBase | undefined>, db.get('meta', 'badgeIndex') as Promise<BadgeIndexHead | undefined>]);
  if (!base || !head?.built || head.built !== base.built) return { whole: 'no-base' };
  if (base.asOfDay !== asOfDay) return { whole: 'another-day' };
  if (base.inputs !== inputs) return { whole: 'inputs' };
  const models = base.models ?? (await baseOfBuild(db, base.built))?.models;
  if (!models) return { whole: 'no-base' };
  return { base: { ...base, models }, head };
}

/**
 * The last whole rescore's base, with what was touched since, when scores made with it now are
 * what that rescore would make: the same day and inputs, its badge index still in place, no more
 * touched than staged, no other change to the store, and no currency it did not see.
 */
export async function reusableBase(db: Database, asOfDay: number, inputs: string): Promise<{ base: RescoreBase; touched: Touched } | { whole: WholeReason }> {
  const inForce = await baseInForce(db, asOfDay, inputs);
  return 'whole' in inForce ? inForce : touchedOver(db, inForce);
}

/** The base in force with what was touched since, when no more were touched than staged, the store did not change otherwise, and they buy in currencies it saw. */
export async function touchedOver(db: Database, { base, head }: BaseInForce): Promise<{ base: RescoreBase; touched: Touched } | { whole: WholeReason }> {
  const [touched, counts] = await Promise.all([touchedSince(db), storeCounts(db)]);
  if (touched.overflow) return { whole: 'too-many' };
  // The customers the whole rescore counted as it started, and those imports added since, are the
  // store's: not after a restore or a deletion, or a rescore that read a store changing under it.
  let added = 0;
  for (const { added: isNew } of touched.customers.values()) if (isNew) added += 1;
  if (head.counts.customers + added !== counts.customers) return { whole: 'store-changed' };
  for (const { customer } of touched.customers.values()) if (!(customer.currency in base.unfit)) return { whole: 'new-currency' };
  return { base, touched };
}
