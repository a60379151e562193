import { both, type Localised } from '../localised';
import { BUCKETS, bucketOf, readBucket, storedBucket, type StoredBucket } from './buckets';
import type { Database } from './schema';
import { countDue, FollowUpGrouper, mergeFollowUps, type DailyCapacity, type DueTally, type FollowUpGroup, type FollowUpGroups, type FollowUpRecord, type FollowUpStatus } from '../follow-ups';
import { bucketSlices } from './slices';
import type { RuleProblem } from '../engine/validate';
import { allRescored, rescoredCustomer, type RescoredCustomer } from './rescored';
import { isScored, readProfiles, type Profile } from './profile-bucket';
import { baseOfBuild, profileOf, readStoredCustomer, scoredAgainContext, wholeProfiles } from './profile-facts';
import type { TouchedRescore } from './touched';
import { followUpGroupsOverList, followUpListInForce, keepWorked, workedNow, type ListInForce } from './follow-up-list';

// The profile bucket's codec has a module of its own, which the rescored layer reads too.
export { readProfiles, storedProfiles, type Profile, type StoredProfile, type StoredProfiles } from './profile-bucket';

export interface StoredRuleFile {
  /** File name, e.g. "member-ladder.json". */
  file: string;
  text: string;
  updatedAt: number;
  /** The texts it had before, newest first (at most RULE_FILE_VERSIONS), so an edit can be undone. */
  history?: Array<{ text: string; savedAt: number }>;
}

/** How the last (or current) rescore went; `meta` record "rescore". */
export interface RescoreStatus {
  id: 'rescore';
  state: 'running' | 'done' | 'failed';
  /** `update`: a release whose store needs what only a rescore writes (the badge index); `notes`: staff changed what they keep for a customer. */
  reason: 'import' | 'notes' | 'rules' | 'daily' | 'manual' | 'update';
  startedAt: number;
  finishedAt: number | null;
  asOfDay: number;
  /** The local day of the shop's first order (past months' snapshots are rebuilt from it), once scored. */
  firstOrderDay?: number;
  customers: number;
  /** Customers scored so far. */
  scored: number;
  /** While a rescore of the touched runs: how many customers it scores (what an import or staff's notes changed). */
  touching?: number;
  followUpsOpen: number;
  /** Follow-ups not raised because their window had passed, by rule: how many customers (absent in statuses from before windows). */
  followUpsMissed?: Record<string, { label: Localised; customers: number }>;
  /** Per currency, the rules (`file/rule`) whose table amount did not fit the shop's spend, so shares of it applied. */
  unfitTables?: Record<string, string[]>;
  /** Rule files that were skipped for problems, with the first problems, for the seller to fix. */
  ruleProblems: RuleProblem[];
  error: string | null;
  /** The error in both languages, when it is one the seller can act on. */
  problem?: Localised;
  /**
   * Where the time went, in ms: reading the customers, fitting, reading again a slice the second
   * thread failed to score, scoring and rules, writing profiles and follow-ups, taking in the second
   * thread's slices, the badge index, the customer table.
   */
  phases?: Partial<Record<'read' | 'fit' | 'slices' | 'score' | 'write' | 'join' | 'index' | 'table', number>>;
  /** Scored with the models and rule tables of the day's last whole rescore (after a small import or notes), not fitted afresh. */
  modelsKept?: boolean;
  /** After an import or staff's notes: the rescore of the touched customers that ran first, or why it could not. */
  touched?: TouchedRescore;
  /** A whole rescore run in a worker of its own (see lib/background/worker-thread.ts); absent where the background ran it. */
  thread?: 'worker';
  /** Scored on two threads, each half the buckets (see lib/db/rescore-part.ts); absent where one thread scored every customer. */
  threads?: 2;
}

/** A customer's profile: as the rescore of the touched found it, else as the whole rescore did. */
export async function getProfile(db: Database, customerKey: string): Promise<Profile | undefined> {
  const [stored, rescored] = await Promise.all([db.get('profiles', bucketOf(customerKey)), rescoredCustomer(db, customerKey)]);
  if (rescored) return rescored.profile;
  const profile = readProfiles(stored)[customerKey];
  if (!profile || isScored(profile)) return profile;
  const [customer, base] = await Promise.all([readStoredCustomer(db, customerKey), baseOfBuild(db, profile.built)]);
  return profileOf(profile, customer, base);
}

/** Every customer's profile as the whole rescore left it (not the layer of the touched), by key: what a check of a rescore reads. */
export async function allProfiles(db: Database): Promise<Record<string, Profile>> {
  const context = await scoredAgainContext(db);
  const all: Record<string, Profile> = {};
  for await (const { customers, profiles } of bucketSlices(db, ['customers', 'profiles'], 64)) {
    const customersOf = new Map(customers.map((stored) => [stored.bucket, stored]));
    for (const stored of profiles) for (const [key, profile] of wholeProfiles(readProfiles(stored), customersOf.get(stored.bucket), context)) all[key] = profile;
  }
  return all;
}

export async function rescoreStatus(db: Database): Promise<RescoreStatus | undefined> {
  const status = (await db.get('meta', 'rescore')) as RescoreStatus | undefined;
  // Releases before the bilingual checker stored each problem as its English line ("file: pointer: message").
  if (status) status.ruleProblems = status.ruleProblems.map((p: RuleProblem | string) => (typeof p === 'string' ? problemOfLine(p) : p));
  return status;
}

function problemOfLine(line: string): RuleProblem {
  const [file = '', pointer = '', ...rest] = line.split(': ');
  const message = rest.join(': ');
  return { file, pointer: pointer === '/' ? '' : pointer, message: both(message, message) };
}

/** The customer a follow-up id (`ref|customer key|due date`) belongs to. */
export const customerOfFollowUp = (id: string) => id.slice(id.indexOf('|') + 1, id.lastIndexOf('|'));

/**
 * The follow-ups as staff work them: a bucket's as the whole rescore left them, with the customers a
 * rescore of the touched found since merged over theirs. Each bucket is passed through `bucket`;
 * `rest` gives the rescored customers whose buckets held none.
 */
class FollowUpsOverLayer {
  private readonly left: Set<string>;
  constructor(private readonly layer: ReadonlyMap<string, RescoredCustomer>) {
    this.left = new Set(layer.keys());
  }

  bucket(map: Record<string, FollowUpRecord>): FollowUpRecord[] {
    if (this.layer.size === 0) return Object.values(map);
    const records: FollowUpRecord[] = [];
    const layered = new Map<string, Record<string, FollowUpRecord>>();
    for (const [id, record] of Object.entries(map)) {
      if (!this.layer.has(record.customerKey)) {
        records.push(record);
        continue;
      }
      let own = layered.get(record.customerKey);
      if (!own) layered.set(record.customerKey, (own = {}));
      own[id] = record;
    }
    for (const [key, own] of layered) {
      this.left.delete(key);
      records.push(...Object.values(overRescored(own, this.layer.get(key))));
    }
    return records;
  }

  rest(): FollowUpRecord[] {
    return [...this.left].flatMap((key) => Object.values(overRescored({}, this.layer.get(key))));
  }
}

/** Every follow-up in the store, in due order. */
export async function allFollowUps(db: Database): Promise<FollowUpRecord[]> {
  const [buckets, layer] = await Promise.all([db.getAll('followups'), allRescored(db)]);
  return followUpsOverLayer(buckets, layer);
}

/** The follow-ups of stored buckets with a layer of rescored customers over them, in due order: as staff see them. */
export function followUpsOverLayer(buckets: readonly StoredBucket[], layer: ReadonlyMap<string, RescoredCustomer>): FollowUpRecord[] {
  const over = new FollowUpsOverLayer(layer);
  return [...buckets.flatMap((stored) => over.bucket(readBucket<FollowUpRecord>(stored))), ...over.rest()].sort((a, b) => a.dueDay - b.dueDay || (a.id < b.id ? -1 : 1));
}

/** Buckets of follow-ups read at a time: a sixty-fourth of them, parsed in a page's short task. */
const FOLLOW_UP_SLICE = 16;

/**
 * The follow-ups grouped as staff work them on a day (see FollowUpGrouper): each group's count and
 * its first `shown`, read a slice of buckets at a time, so no page holds every follow-up.
 */
export async function followUpGroups(db: Database, today: number, capacity: DailyCapacity = {}, shown: Partial<Record<FollowUpGroup, number>> = {}): Promise<FollowUpGroups> {
  return new KeptFollowUps(db).groups(today, capacity, shown);
}

/**
 * The follow-up list (tens of MB at a million customers) read once and grouped as often as asked:
 * a page keeps one while the store's version holds, as staff show more or mark them done. Staff's
 * changes (one small record) are read again for each grouping.
 */
export class KeptFollowUps {
  private inForce: Promise<ListInForce | null> | null = null;
  constructor(private readonly db: Database) {}

  async groups(today: number, capacity: DailyCapacity = {}, shown: Partial<Record<FollowUpGroup, number>> = {}): Promise<FollowUpGroups> {
    const db = this.db;
    // A read that failed is not kept: the next grouping reads again.
    const inForce = await (this.inForce ??= followUpListInForce(db).catch((error: unknown) => {
      this.inForce = null;
      throw error;
    }));
    if (inForce) return followUpGroupsOverList(db, { ...inForce, worked: await workedNow(db, inForce) }, today, capacity, shown);
    // A store from before the list, until its next whole rescore.
    const layer = await allRescored(db);
    const grouper = new FollowUpGrouper(today, capacity, shown);
    const over = new FollowUpsOverLayer(layer);
    for await (const { followups } of bucketSlices(db, ['followups'], FOLLOW_UP_SLICE)) {
      for (const stored of followups) for (const record of over.bucket(readBucket<FollowUpRecord>(stored))) grouper.add(record);
    }
    for (const record of over.rest()) grouper.add(record);
    return grouper.finish();
  }
}

/**
 * The follow-ups still to work counted by due day (the Overview's `meta` record "dueTally"), and the open ones, with
 * the customers of `layer` as a rescore of the touched found them. Read in the caller's
 * transaction, which writes the tally: a status staff change meanwhile waits for it, not lost.
 */
export async function dueTallyOver(followups: { getAll(range: IDBKeyRange): Promise<StoredBucket[]> }, layer: ReadonlyMap<string, RescoredCustomer>): Promise<{ due: DueTally; open: number }> {
  const due: DueTally = { id: 'dueTally', counts: {} };
  let open = 0;
  const count = (record: FollowUpRecord) => {
    countDue(due, record, 1);
    if (record.status === 'open') open += 1;
  };
  const over = new FollowUpsOverLayer(layer);
  for (let first = 0; first < BUCKETS; first += FOLLOW_UP_SLICE) {
    for (const stored of await followups.getAll(IDBKeyRange.bound(first, first + FOLLOW_UP_SLICE - 1))) for (const record of over.bucket(readBucket<FollowUpRecord>(stored))) count(record);
  }
  for (const record of over.rest()) count(record);
  return { due, open };
}

/**
 * A customer's follow-ups from their bucket's: as a rescore of the touched found them, merged with
 * what staff did (as the next whole rescore will merge them), else the whole rescore's.
 */
function customersFollowUps(bucketMap: Record<string, FollowUpRecord>, customerKey: string, rescored: RescoredCustomer | undefined): Record<string, FollowUpRecord> {
  return overRescored(Object.fromEntries(Object.entries(bucketMap).filter(([, f]) => f.customerKey === customerKey)), rescored);
}

/** One customer's follow-ups as the whole rescore left them, with what a rescore of the touched raised since merged over them. */
const overRescored = (own: Record<string, FollowUpRecord>, rescored: RescoredCustomer | undefined) =>
  rescored ? mergeFollowUps(own, Object.fromEntries(rescored.raised.map((f) => [f.id, f])), rescored.profile.asOfDay) : own;

/** One customer's follow-ups (one bucket read), in due order. */
export async function followUpsOf(db: Database, customerKey: string): Promise<FollowUpRecord[]> {
  const [stored, rescored] = await Promise.all([db.get('followups', bucketOf(customerKey)), rescoredCustomer(db, customerKey)]);
  return Object.values(customersFollowUps(readBucket<FollowUpRecord>(stored), customerKey, rescored)).sort((a, b) => a.dueDay - b.dueDay);
}

/** Marks a follow-up done, or snoozes it until a day; the next rescore keeps what staff chose. */
export async function setFollowUpStatus(db: Database, id: string, status: FollowUpStatus, untilDay: number | null = null): Promise<FollowUpRecord> {
  const customerKey = customerOfFollowUp(id);
  const bucket = bucketOf(customerKey);
  const rescored = await rescoredCustomer(db, customerKey);
  const tx = db.transaction(['followups', 'meta', 'customerTable'], 'readwrite');
  const [stored, due] = await Promise.all([tx.objectStore('followups').get(bucket), tx.objectStore('meta').get('dueTally') as Promise<DueTally | undefined>]);
  const map = readBucket<FollowUpRecord>(stored);
  // One the rescore of the touched raised is kept in the bucket once worked: the next whole rescore merges it as any other.
  const record = customersFollowUps(map, customerKey, rescored)[id];
  if (!record) throw new Error(`No follow-up ${id}`);
  const counted = id in map;
  const changed = (map[id] = { ...record, status, snoozedUntilDay: status === 'snoozed' ? untilDay : null, updatedAt: Date.now() });
  const writes: Promise<unknown>[] = [tx.objectStore('followups').put(storedBucket(bucket, map)), keepWorked(tx.objectStore('customerTable'), changed)];
  // The Overview's count of follow-ups due moves with the one staff worked (a store from before the
  // count has none yet); it counts the whole rescore's follow-ups, until the next counts them all.
  if (due && counted) {
    countDue(due, record, -1);
    countDue(due, changed, 1);
    writes.push(tx.objectStore('meta').put(due));
  }
  await Promise.all([...writes, tx.done]);
  return changed;
}
