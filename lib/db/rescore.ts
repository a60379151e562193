import { outcomeOf, type FollowUpOutcome, type Outcome } from '../engine/outcome';
import type { RuleSet } from '../engine/rule-set';
import { defaultRegistry, type Registry } from '../engine/registry';
import { joinedSpend, ruleSetsByCurrency, SpendLists, unfitTables } from '../engine/currency';
import { minorDigits } from '../money';
import type { Customer, CustomerNotes, KeptDate } from '../model';
import type { RuleFile } from '../engine/rule-file';
import type { ScoringBase } from '../scoring/history';
import { fitHalf, fitScorersBetween, publishedModels, scoreCustomer } from '../scoring/pipeline';
import { AFTER_STAGED, clearTouchedIn, lastTouchedSeq, rescoreInputs, reusableBase, type RescoreBase, type StoredRescoreBase } from './touched';
import type { CustomerHistory, Facts, ScoreContext, ScoreSettings } from '../scoring/scorer';
import { PopulationBuilder, type Population, type StoredCustomer } from '../scoring/population';
import { localDayNumber } from '../time';
import { historiesOfStored, type StoredOrder } from './stored-orders';
import { BUCKETS, readBucket, storedCustomers, withChanges, type StoredCustomers } from './buckets';
import type { Profile, RescoreStatus } from './profiles';
import { OutcomesText, type ProfileBytes } from './profile-bucket';
import { customerInBucket, digestsOf, profileBases, profileBaseId, type ProfileBase } from './profile-facts';
import { historyOf } from './profile-scoring';
import { activeRuleFiles } from './rule-files';
import { allKeptDates } from './kept-dates';
import { allNotes } from './customer-notes';
import { storeCounts, type Database } from './schema';
import { bucketSlices, slicesOf } from './slices';
import { tallyCustomer, type TalliedCustomer } from '../overview';
import { countDue, mergeFollowUps, type FollowUpRecord } from '../follow-ups';
import { keyHashes, type SnapshotReader, type Standing } from '../snapshots';
import { snapshotBefore, writeSnapshot } from './snapshots';
import { tallyForecast, withForecast, type ForecastRecord } from '../forecast';
import { BadgeIndexBuilder, putBadgeShards, switchBadgeIndex, type BadgeIndexHead, type BadgeIndexPart, type BuiltBadgeIndex, type PutBadgeShards } from './badge-index';
import { PartsFrom, RescoreParts, talliesOf, type HalfRead, type PartJob, type RescoreHelper, type RescorePart } from './rescore-part';
import { digestSlices } from './alias-digest';
import { TABLE_LAYOUT, type CustomerTableHead, type TableBlocks } from '../customer-table';
import { putTableBlocks, writeCustomerTable } from './customer-table';
import { carryWorked, FOLLOW_UP_LIST } from './follow-up-list';
import { unfinishedRestore } from './backup';
import { both, SellerError } from '../localised';
import { ANSWER_MS, pacer, TURN_MS } from '../pace';

/**
 * Buckets read or written per transaction. A slice's parsed records are most of what the rescore
 * holds live, and the collector lets the heap grow to a few times that: at a million customers,
 * slices of 64 buckets peaked at 1.50–1.65 GiB, of 16 at about 1.0, as fast.
 */
const CHUNK = 16;

export interface RescoreOptions {
  reason: RescoreStatus['reason'];
  timeZone: string;
  settings: ScoreSettings;
  /** Defaults to now. */
  asOf?: number;
  registry?: Registry;
  /** What the rescore of the touched customers before it did, for the status. */
  touched?: RescoreStatus['touched'];
  /** Where it runs, for the status. */
  thread?: RescoreStatus['thread'];
  /** A second thread, to score half the buckets on (a large shop's). */
  helper?: RescoreHelper;
  /** Lines a block of the customer table's text holds: smaller in tests, to cross their edges. */
  tableBlocks?: TableBlocks;
  onProgress?(status: RescoreStatus): void;
}

/** A slice of the customers read to score: its first bucket, and the slots of each of its buckets' customers. */
interface CustomerSlice {
  start: number;
  population: Population;
  buckets: Array<{ bucket: number; from: number; to: number }>;
}

/**
 * Every customer of the store, a slice of buckets at a time (from each of `starts` in turn), without
 * what staff keep for them. A bucket is parsed only when its customers are asked for: a slice's
 * parsed at once outlived the collector's young generation, which then had to carry them out.
 */
async function* customerSlices(db: Database, starts: readonly number[]): AsyncGenerator<Array<{ bucket: number; customers: () => StoredCustomer[] }>> {
  for await (const { customers } of bucketSlices(db, ['customers'], CHUNK, starts)) {
    const undigested = customers.filter((stored) => stored.digests === undefined).map((stored) => stored.bucket);
    const digested = new Map((await withDigests(db, undigested)).map((stored) => [stored.bucket, stored]));
    yield customers.map((read) => {
      const stored = digested.get(read.bucket) ?? read;
      const customersOf = () => {
        const records = readBucket<Customer>(stored);
        const digests = digestsOf(stored) ?? {};
        // As a reader of a profile scores them again (profile-facts.ts).
        return Object.keys(records).map((key) => customerInBucket(records, digests, key, undefined, undefined)!);
      };
      return { bucket: stored.bucket, customers: customersOf };
    });
  }
}

/**
 * The slices in the order the whole rescore scores them: one of the first half of the buckets, one
 * of the second, in turn. A second thread scores the second half's while the rescore's scores the
 * first half's, and the rescore takes each of its slices in after its own: the rows of the table and
 * the list come in the same order either way.
 */
export const SLICE_ORDER: readonly number[] = slicesOf(CHUNK).filter((start) => start < BUCKETS / 2).flatMap((start) => [start, start + BUCKETS / 2]);
const isSecondHalf = (start: number) => start >= BUCKETS / 2;

/** The slots of each bucket's customers in a population read in bucket order (a bucket without customers has none). */
type BucketSlots = Map<number, { from: number; to: number }>;

/** The customers of these slices, added to `builder` in bucket order; the slots of each bucket's. What staff keep is added when the population is finished. */
async function readInto(db: Database, starts: readonly number[], builder: PopulationBuilder): Promise<BucketSlots> {
  const slots: BucketSlots = new Map();
  for await (const buckets of customerSlices(db, starts)) {
    for (const { bucket, customers } of buckets) {
      const from = builder.size;
      for (const stored of customers()) builder.add(stored);
      slots.set(bucket, { from, to: builder.size });
    }
  }
  return slots;
}

/** Customers of some slices read into typed columns: the population and the slots of each bucket's. */
interface ReadHalf {
  population: Population;
  slots: BucketSlots;
}

/** Reads the customers of these slices, with who they are where `identified`, and what staff keep for them (read here where not given). */
async function readCustomersOf(db: Database, starts: readonly number[], identified: boolean, kept?: ReadonlyMap<string, KeptDate[]>, notes?: ReadonlyMap<string, CustomerNotes>): Promise<ReadHalf> {
  if (!kept || !notes) [kept, notes] = await Promise.all([allKeptDates(db), allNotes(db)]);
  const builder = new PopulationBuilder(identified);
  const slots = await readInto(db, starts, builder);
  return { population: builder.finish(kept, notes), slots };
}

/**
 * Every customer of the store in typed columns (see Population): what a fit walks, and the rebuild
 * of past months scores, without holding a million parsed records.
 */
export const readPopulation = async (db: Database, kept?: ReadonlyMap<string, KeptDate[]>, notes?: ReadonlyMap<string, CustomerNotes>): Promise<Population> =>
  (await readCustomersOf(db, slicesOf(CHUNK), false, kept, notes)).population;

/** Reads the customers of these slices to score them: with who they are. */
const readToScore = (db: Database, starts: readonly number[], kept?: ReadonlyMap<string, KeptDate[]>, notes?: ReadonlyMap<string, CustomerNotes>): Promise<ReadHalf> =>
  readCustomersOf(db, starts, true, kept, notes);

/** Each currency's net spend per customer of these populations who bought, ascending: what the rules' amounts are weighed against (see `unfitTables`). */
function spendOf(populations: readonly Population[]): Map<string, Float64Array> {
  const lists = new SpendLists();
  for (const population of populations) population.spendInto(lists, minorDigits);
  return lists.sorted();
}

/**
 * The customers this thread scores, read once: the fits walk them, then each slice of them is
 * scored from the same columns. A second reading of the store to score (some 650 MB of text at a
 * million customers) took the scoring threads some 4 s of waiting and parsing.
 */
class ReadCustomers {
  private readonly halves: ReadHalf[];

  constructor(first: ReadHalf) {
    this.halves = [first];
  }

  /** The customers of more slices: the other thread's, where it failed before scoring. */
  add(half: ReadHalf): void {
    this.halves.push(half);
  }

  get size(): number {
    return this.halves.reduce((n, { population }) => n + population.size, 0);
  }

  /** Every customer's history, in bucket order: what the fits walk. */
  *histories(base: ScoringBase): Generator<CustomerHistory> {
    for (const { population } of this.halves) yield* population.histories(base);
  }

  /** Each currency's net spend per customer who bought, ascending (see `spendOf`). */
  spend(): Map<string, Float64Array> {
    return spendOf(this.halves.map(({ population }) => population));
  }

  /** The customers of the slice from `start`, bucket by bucket. */
  slice(start: number): CustomerSlice {
    // A slice's buckets were all read into one half: the one that has any of them.
    for (const { population, slots } of this.halves) {
      const buckets: CustomerSlice['buckets'] = [];
      for (let bucket = start; bucket < start + CHUNK; bucket += 1) {
        const read = slots.get(bucket);
        if (read) buckets.push({ bucket, ...read });
      }
      if (buckets.length > 0) return { start, population, buckets };
    }
    return { start, population: this.halves[0]!.population, buckets: [] };
  }
}

/**
 * The second thread's half of a whole rescore (see `RescoreHelper`): read once, fitted on for the
 * fits' rounds, then scored a slice at a time, each slice's part handed over once its profiles and
 * follow-ups are committed. One for each rescore.
 */
export class RescoreHalf {
  private kept: { starts: string; half: ReadHalf } | null = null;

  constructor(
    private readonly db: Database,
    private readonly registry: Registry,
  ) {}

  /** Reads the customers of these slices and keeps them, to fit on and score; how many, and what they spent. */
  async read(starts: readonly number[]): Promise<HalfRead> {
    const half = await readToScore(this.db, starts);
    this.kept = { starts: String(starts), half };
    return { customers: half.population.size, spend: spendOf([half.population]) };
  }

  /** What each fitting of round `round` takes in of the customers read (see `fitHalf`). */
  fit(round: number, base: ScoringBase, models: Record<string, unknown>): unknown[] {
    if (!this.kept) throw new Error('The second scoring thread was asked to fit before it read its customers.');
    return fitHalf(this.kept.half.population.histories(base), base, models, round);
  }

  /** Finishes the badge index of the customers of `part` (every customer's) with their aliases, and puts its shards (see `RescoreHelper.index`). */
  async index(part: BadgeIndexPart, built: string, counts: BadgeIndexHead['counts']): Promise<PutBadgeShards> {
    const builder = new BadgeIndexBuilder();
    builder.append(part);
    return putBadgeShards(this.db, await withAliases(this.db, builder, built, counts));
  }

  /** Scores the job's slices: from the customers read for the fits, or read now where they were not (a rescore that keeps its models). */
  async score(job: PartJob, onPart: (part: RescorePart) => void): Promise<void> {
    const { db } = this;
    const kept = this.kept?.starts === String(job.starts) ? this.kept.half : null;
    this.kept = null;
    // What staff keep is read only with the customers read now: those kept were read with it.
    const read = new ReadCustomers(kept ?? (await readToScore(db, job.starts)));
    const earlier = await snapshotBefore(db, job.base.asOfDay);
    const scoring: Scoring = { base: job.base, ctx: { ...job.base, models: job.models }, ruleSetFor: ruleSetsWith(job.ruleFiles, this.registry, job.unfit), earlier };
    const work: SliceWork = { built: job.built, now: job.now, scoring, committing: Promise.resolve(), tableBlocks: false };
    for (const start of job.starts) {
      const slice = read.slice(start);
      const parts = new RescoreParts(this.registry.facts, job.base.asOfDay, slice.buckets.reduce((n, { from, to }) => n + to - from, 0), start, job.tableBlocks);
      await scoreSlice(db, slice, parts, work);
      await work.committing;
      onPart(parts.part());
    }
  }
}

/** The index of every customer finished with their aliases (an alias names the look of the one customer it names). */
async function withAliases(db: Database, index: BadgeIndexBuilder, built: string, counts: BadgeIndexHead['counts']): Promise<BuiltBadgeIndex> {
  for await (const digests of digestSlices(db, CHUNK)) for (const digest of digests) index.addDigest(digest);
  return index.finish(built, counts);
}

/** The other thread failed: the rescore reads and fits its half itself. */
class OtherThreadFailed extends Error {}

/**
 * Every scorer fitted on every customer as of the base day (see `fitScorersBetween`). Where the other
 * thread read the second half of the buckets, it fits on them meanwhile, and each round joins what
 * it took in; where it fails, this thread reads them and fits on all. The histories are made afresh
 * for each walk rather than held: a million held were some 500 MB more at the rescore's peak.
 */
async function fitShop(db: Database, read: ReadCustomers, other: { helper: RescoreHelper; read: Promise<HalfRead> } | null, base: ScoringBase, between: () => Promise<void>, kept: ReadonlyMap<string, KeptDate[]>, notes: ReadonlyMap<string, CustomerNotes>): Promise<{ ctx: ScoreContext; theirs: HalfRead | null }> {
  if (other) {
    const otherHalf = async (round: number, models: Record<string, unknown>) => {
      try {
        await other.read;
        return await other.helper.fit(round, base, models);
      } catch (error) {
        throw new OtherThreadFailed(error instanceof Error ? error.message : String(error));
      }
    };
    try {
      const ctx = await fitScorersBetween(() => read.histories(base), base, between, undefined, otherHalf);
      return { ctx, theirs: await other.read };
    } catch (error) {
      if (!(error instanceof OtherThreadFailed)) throw error;
      console.warn('Tiermark: the second scoring thread did not read or fit its half of the customers; done here.', error);
      other.helper.end();
    }
    read.add(await readToScore(db, slicesOf(CHUNK).filter(isSecondHalf), kept, notes));
  }
  return { ctx: await fitScorersBetween(() => read.histories(base), base, between), theirs: null };
}

/**
 * The rule set for each currency: amounts apply where they fit the shop's spend; where a table
 * takes in too many, shares of it do. Also every currency the shop buys in, with its unfit tables.
 */
export function shopRuleSets(ruleFiles: readonly RuleFile[], registry: Registry, spend: ReadonlyMap<string, Float64Array>) {
  const unfit = Object.fromEntries([...spend].map(([currency, list]) => [currency, [...unfitTables(ruleFiles, currency, list)]]));
  return { ruleSetFor: ruleSetsWith(ruleFiles, registry, unfit), unfit };
}

/** The rule set for each currency, given each currency's unfit tables (a whole rescore's, or the day's kept). */
export const ruleSetsWith = (ruleFiles: readonly RuleFile[], registry: Registry, unfit: Readonly<Record<string, readonly string[]>>) =>
  ruleSetsByCurrency(ruleFiles, registry, (currency) => new Set(unfit[currency] ?? []));

/** The currencies with unfit tables, for the seller (none listed where every table fits). */
const unfitTablesOf = (unfit: Record<string, string[]>) => Object.fromEntries(Object.entries(unfit).filter(([, refs]) => refs.length > 0));

/** Adds order digests to `customers` buckets written before them, from their orders, once: later rescores read them. */
async function withDigests(db: Database, buckets: readonly number[]): Promise<StoredCustomers[]> {
  if (buckets.length === 0) return [];
  const tx = db.transaction(['orders', 'customers', 'bucketChanges'], 'readwrite');
  const changes = tx.objectStore('bucketChanges');
  const done = await Promise.all(buckets.map(async (bucket) => {
    const [orders, customers, orderChanges, customerChanges] = await Promise.all([
      tx.objectStore('orders').get(bucket),
      tx.objectStore('customers').get(bucket),
      changes.get(['orders', bucket]),
      changes.get(['customers', bucket]),
    ]);
    // Written whole: the changes' digests alone would leave the rest of the bucket without.
    const stored = storedCustomers(bucket, readBucket<Customer>(withChanges(customers, customerChanges)), historiesOfStored(readBucket<StoredOrder[]>(withChanges(orders, orderChanges))));
    await Promise.all([tx.objectStore('customers').put(stored), changes.delete(['customers', bucket])]);
    return stored;
  }));
  await tx.done;
  return done;
}

/** What scoring one customer needs: the day, the fitted models, the rules by currency, where customers stood before today. */
export interface Scoring {
  base: ScoringBase;
  ctx: ScoreContext;
  ruleSetFor: (currency: string) => RuleSet;
  earlier: SnapshotReader | null;
}

/**
 * One customer scored: every fact, what the rules say, and the profile written for them. The whole
 * rescore and the rescore of the touched customers both score here, so they cannot disagree.
 */
export function scoreStored(stored: StoredCustomer, scoring: Scoring) {
  const history = historyOf(stored, scoring.base);
  return scoredNow(history, scoring) ?? scoredLater(history, scoring);
}

/** A customer scored from their history where the rules are compiled and answer at once: not a promise and an await for each of a million customers. */
function scoredNow(history: CustomerHistory, scoring: Scoring) {
  const rules = scoring.ruleSetFor(history.customer.currency);
  if (!rules.compiled) return null;
  const { hashes, previous, facts } = factsOf(history, scoring);
  return scored(history, hashes, previous, facts, rules.firedSync(facts), scoring.base);
}

/** A customer scored from their history, the rules awaited. */
async function scoredLater(history: CustomerHistory, scoring: Scoring) {
  const { hashes, previous, facts } = factsOf(history, scoring);
  return scored(history, hashes, previous, facts, await scoring.ruleSetFor(history.customer.currency).fired(facts), scoring.base);
}

/** A customer's facts, with where they stood at the last rescore of an earlier day. */
function factsOf(history: CustomerHistory, { ctx, earlier }: Scoring) {
  const hashes = keyHashes(history.customer.key);
  const previous = earlier?.standingOf(hashes) ?? null;
  return { hashes, previous, facts: scoreCustomer(previous ? { ...history, previous } : history, ctx) };
}

/** What the rules said of a customer, and the profile written for them. */
function scored(history: CustomerHistory, hashes: readonly [number, number], previous: Standing | null, facts: Facts, fired: Parameters<typeof outcomeOf>[0], base: ScoringBase) {
  const key = history.customer.key;
  const outcome = outcomeOf(fired, facts, key, base.asOfDay);
  // Do-not-contact: no follow-up is raised for them, whatever the rules say.
  if (history.notes?.doNotContact) outcome.followUps = [];
  const profile: Profile = { key, facts, tier: outcome.tier, badges: outcome.badges, treatments: outcome.treatments, followUps: outcome.followUps.map((f) => f.id), asOfDay: base.asOfDay };
  return { history, hashes, previous, facts, outcome, profile };
}

/** What the Overview counts of a customer scored (see `tallyCustomer`). */
export const talliedOf = ({ currency, orderCount, monetaryMinor }: Customer, facts: Facts, { tier, badges, treatments }: Outcome): TalliedCustomer => ({ currency, orderCount, monetaryMinor, tier, badges, treatments, facts });

/** A follow-up as first raised: open, nothing done with it yet. */
export const raisedRecord = (f: FollowUpOutcome, now: number): FollowUpRecord => ({ ...f, status: 'open', snoozedUntilDay: null, createdAt: now, updatedAt: now });

/** What scoring a slice needs besides the store and its customers. */
interface SliceWork {
  built: string;
  now: number;
  scoring: Scoring;
  spent?(phase: 'score' | 'write'): void;
  /** The slice before's writes, committing while this one is scored: waiting for each commit left the worker idle. */
  committing: Promise<unknown>;
  /** Whether the table's blocks are written as they fill: not by a second thread, whose rows the rescore's table takes in after its own. */
  tableBlocks: boolean;
}

/**
 * Scores every customer of a slice and writes their profiles and follow-ups, adding the rest of what
 * the rescore makes (the table, the index, the tallies) to `parts`. Returns once its writes are
 * asked for; `work.committing` settles when they are committed.
 */
async function scoreSlice(db: Database, { start, population, buckets }: CustomerSlice, parts: RescoreParts, work: SliceWork): Promise<void> {
  const { badgeIndex, table, followUpList, snapshot, overview, due, forecast } = parts;
  const { built, now, scoring } = work;
  const asOfDay = scoring.base.asOfDay;
  // A seller page's badges are answered between customers: a slice scored at once kept them waiting
  // half a second at a million customers.
  const breathe = pacer(TURN_MS);
  const outcomes: ProfileBytes[] = [];
  const raised = new Map<number, Record<string, FollowUpRecord>>();
  for (const { bucket, from, to } of buckets) {
    if (to === from) continue;
    const text = new OutcomesText();
    const followUps: Record<string, FollowUpRecord> = {};
    for (let slot = from; slot < to; slot += 1) {
      // The clock looked at every few customers, and an await only when it is time for a turn.
      if ((slot & 63) === 0) await breathe();
      parts.firstAt = Math.min(parts.firstAt, population.firstOrderAt(slot));
      const history = population.history(slot, scoring.base, true);
      const { hashes, previous, facts, outcome, profile } = scoredNow(history, scoring) ?? (await scoredLater(history, scoring));
      const key = history.customer.key;
      for (const f of outcome.followUps) followUps[f.id] = raisedRecord(f, now);
      for (const { ref, label } of outcome.missed) (parts.missed[ref] ??= { label, customers: 0 }).customers += 1;
      // Hidden on pages: not in the index, so no page badges them.
      if (!history.notes?.hideOnPages) badgeIndex.addCustomer(history.customer, badgeIndex.lookOf(outcome.tier, outcome.badges));
      table.add(history.customer, facts, outcome.tier, outcome.badges, outcome.treatments, history, outcome.missed, hashes);
      text.add(profile, previous);
      const tallied = talliedOf(history.customer, facts, outcome);
      const shop = talliesOf(parts, key);
      tallyCustomer(overview.all, tallied);
      tallyCustomer(shop.overview, tallied);
      snapshot.add(hashes, outcome.tier, outcome.badges, facts.lifecycleStage, previous);
      tallyForecast(forecast.all, facts);
      tallyForecast(shop.forecast, facts);
    }
    outcomes.push(text.stored(bucket, built));
    raised.set(bucket, followUps);
    parts.scored += to - from;
  }
  work.spent?.('score');
  // Taken while the slice before is still being written: its transaction blocks this one's.
  const blocks = work.tableBlocks ? table.takeBlocks() : [];
  await work.committing;
  const range = IDBKeyRange.bound(start, start + CHUNK - 1);
  const tx = db.transaction(['profiles', 'followups', 'customerTable'], 'readwrite');
  const previous = await tx.objectStore('followups').getAll(range);
  const writes: Promise<unknown>[] = [
    tx.objectStore('profiles').delete(range),
    ...outcomes.map((stored) => tx.objectStore('profiles').put(stored)),
    // The table's text as it fills, under the new build: held to the end, a million customers' took some 400 MB.
    ...putTableBlocks(tx.objectStore('customerTable'), built, blocks),
  ];
  for (const stored of previous) if (!raised.has(stored.bucket)) raised.set(stored.bucket, {});
  const before = new Map(previous.map((stored) => [stored.bucket, stored]));
  for (const [bucket, fresh] of raised) {
    const stored = before.get(bucket);
    const records = readBucket<FollowUpRecord>(stored);
    const merged = mergeFollowUps(records, fresh, asOfDay);
    for (const record of Object.values(merged)) {
      if (record.status === 'open') parts.followUpsOpen += 1;
      countDue(due, record, 1);
    }
    const json = followUpList.text(bucket, merged, stored && { json: stored.json, records });
    if (json === (stored?.json ?? '{}')) continue;
    writes.push(json === '{}' ? tx.objectStore('followups').delete(bucket) : tx.objectStore('followups').put({ bucket, json }));
  }
  work.committing = Promise.all([...writes, tx.done]);
  // Awaited before the next slice's writes; failing meanwhile is not yet anybody's.
  work.committing.catch(() => {});
  work.spent?.('write');
}

/**
 * Rescores the whole store: fits every scorer on all customers (or keeps the day's models, see
 * `reusableBase`), scores each, evaluates the rules in force, and writes `profiles` and `followups`. A follow-up keeps what staff did with it (done,
 * snoozed) while the rules still raise it; an open one they no longer raise is removed, a done one
 * is kept as history. Progress is reported after each chunk of buckets and kept in `meta`.
 */
export async function rescore(db: Database, options: RescoreOptions): Promise<RescoreStatus> {
  const registry = options.registry ?? defaultRegistry();
  const asOf = options.asOf ?? Date.now();
  const base = { asOf, asOfDay: localDayNumber(asOf, options.timeZone), timeZone: options.timeZone, settings: options.settings };
  const status: RescoreStatus = {
    id: 'rescore', state: 'running', reason: options.reason, startedAt: Date.now(), finishedAt: null, asOfDay: base.asOfDay,
    customers: 0, scored: 0, followUpsOpen: 0, followUpsMissed: {}, ruleProblems: [], error: null,
    ...(options.touched && { touched: options.touched }),
    ...(options.thread && { thread: options.thread }),
  };
  const phases: NonNullable<RescoreStatus['phases']> = (status.phases = {});
  let lap = performance.now();
  /** Adds the time since the last lap to a phase. */
  const spent = (phase: keyof typeof phases) => {
    const now = performance.now();
    phases[phase] = Math.round((phases[phase] ?? 0) + now - lap);
    lap = now;
  };
  const report = async () => {
    await db.put('meta', { ...status });
    options.onProgress?.({ ...status });
  };
  const afterLongSteps = pacer(TURN_MS, ANSWER_MS);
  let leftovers: Array<() => Promise<void>> = [];
  try {
    // A restore that stopped midway left part of a backup: badges from it would be wrong.
    const unfinished = await unfinishedRestore(db);
    if (unfinished) {
      throw new SellerError(both(
        `The restore of ${unfinished.fileName} did not finish, so the shop holds only part of the backup. Restore it again in Settings, or delete all data there.`,
        `${unfinished.fileName} 的恢复没有完成，店铺只有备份的一部分数据。请在“设置”中重新恢复，或删除全部数据。`,
      ));
    }
    // Imports staged until now are in what this rescore reads.
    const touchedUpTo = await lastTouchedSeq(db);
    // The Follow-ups page reads who lapsed before a window from the status: while this rescore counts
    // them afresh, it keeps the last finished one's counts, not a count half made.
    const last = (await db.get('meta', 'rescore')) as RescoreStatus | undefined;
    status.followUpsMissed = last?.followUpsMissed ?? {};
    const { ruleFiles, problems } = await activeRuleFiles(db, registry);
    const inputs = rescoreInputs(ruleFiles, options.settings, options.timeZone);
    status.ruleProblems = problems;
    const counts = await storeCounts(db);
    const [kept, notes] = await Promise.all([allKeptDates(db), allNotes(db)]);
    // A second thread, where there is one and the shop is large: it reads and scores half the buckets.
    const helper = options.helper && counts.customers >= options.helper.from ? options.helper : null;
    // After a small import or staff's notes on the day of the last whole rescore, with the same rules,
    // its models and rule tables are kept: only the changed customers' scores move, and no buyer who
    // bought nothing changes tier for an import. They are fitted afresh daily and on any other change.
    let day: RescoreBase | null = null;
    if (AFTER_STAGED.has(options.reason)) {
      // Only the base is kept: what was touched is not held through the rescore.
      const reusable = await reusableBase(db, base.asOfDay, inputs);
      if ('base' in reusable) day = reusable.base;
    }
    let ctx: ScoreContext;
    let ruleSetFor: Scoring['ruleSetFor'];
    let unfitByCurrency: Record<string, string[]>;
    // This thread's buckets, in order: the other thread, where there is one, reads and scores the second half.
    const mine = slicesOf(CHUNK).filter((start) => !helper || !isSecondHalf(start));
    // The store is read once, into typed columns with who each customer is (see Population): the
    // fits walk every customer, then each slice is scored from the same columns.
    let read: ReadCustomers | null;
    // The thread that scores the second half: none where it failed to read or fit on it.
    let partner = helper;
    if (day) {
      ctx = { ...base, models: day.models };
      unfitByCurrency = day.unfit;
      ruleSetFor = ruleSetsWith(ruleFiles, registry, day.unfit);
      status.unfitTables = unfitTablesOf(day.unfit);
      status.customers = counts.customers;
      status.modelsKept = true;
      await report();
      read = new ReadCustomers(await readToScore(db, mine, kept, notes));
      spent('read');
    } else {
      // The other thread reads its half meanwhile, and fits on it as this one fits on its own.
      const theirRead = helper?.read(slicesOf(CHUNK).filter(isSecondHalf));
      // Failing is heard when the fits ask for it.
      theirRead?.catch(() => {});
      read = new ReadCustomers(await readToScore(db, mine, kept, notes));
      spent('read');
      status.customers = counts.customers;
      await report();
      await afterLongSteps();
      const fitted = await fitShop(db, read, helper && theirRead ? { helper, read: theirRead } : null, base, afterLongSteps, kept, notes);
      ctx = fitted.ctx;
      if (!fitted.theirs) partner = null;
      ({ ruleSetFor, unfit: unfitByCurrency } = shopRuleSets(ruleFiles, registry, joinedSpend(read.spend(), fitted.theirs?.spend)));
      status.unfitTables = unfitTablesOf(unfitByCurrency);
      status.customers = read.size + (fitted.theirs?.customers ?? 0);
      await db.put('meta', { id: 'models', models: publishedModels(ctx) });
      spent('fit');
    }
    const now = Date.now();
    const parts = new RescoreParts(registry.facts, base.asOfDay, status.customers, 0, options.tableBlocks);
    const built = `${status.startedAt.toString(36)}.${Math.random().toString(36).slice(2, 8)}`;
    // Where each customer stood at the last rescore of an earlier day: rules read how they moved since.
    const earlier = await snapshotBefore(db, base.asOfDay);
    const scoring: Scoring = { base, ctx, ruleSetFor, earlier };
    // Before the first bucket of this build: a reader scores its profiles' facts again with it.
    await db.put('meta', { id: profileBaseId(built), built, base, models: ctx.models } satisfies ProfileBase);
    const work: SliceWork = { built, now, scoring, spent, committing: Promise.resolve(), tableBlocks: true };
    // The second thread, where there is one, scores the second half's slices meanwhile (see SLICE_ORDER).
    const theirs = partner ? new PartsFrom(partner, { starts: SLICE_ORDER.filter(isSecondHalf), built, now, base, models: ctx.models, ruleFiles, unfit: unfitByCurrency, tableBlocks: options.tableBlocks }) : null;
    for (const start of SLICE_ORDER) {
      const theirSlice = theirs !== null && isSecondHalf(start);
      const part = theirSlice ? await theirs.next(start) : null;
      if (part) {
        parts.add(part);
        spent('join');
      } else {
        // This thread's slice, or the other's where that thread failed: scored here, read again for it.
        const slice = (theirSlice ? new ReadCustomers(await readToScore(db, [start], kept, notes)) : read!).slice(start);
        spent('slices');
        await scoreSlice(db, slice, parts, work);
      }
      void work.committing.then(() => {
        status.scored = parts.scored;
        return report();
      }, () => {});
    }
    await work.committing;
    spent('write');
    // Every customer is scored: the columns go before the table and the index finish.
    read = null;
    if (theirs?.whole) status.threads = 2;
    status.scored = parts.scored;
    status.followUpsOpen = parts.followUpsOpen;
    const { badgeIndex, table, followUpList, snapshot, overview, due, forecast, missed: missedNow } = parts;
    const firstAt = parts.firstAt;
    // An import between the counts and the reading: the customers scored are the ones counted.
    status.customers = status.scored;
    if (firstAt !== Infinity) status.firstOrderDay = localDayNumber(firstAt, options.timeZone);
    await afterLongSteps();
    const builtFrom = { customers: counts.customers, orders: counts.orders };
    // The index is finished and its shards put on the other thread (some 3 s at a million
    // customers) while this one writes the rest; here where there is none, or it fails.
    await theirs?.settled;
    const indexed = partner
      ? partner.index(badgeIndex.part(), built, builtFrom).catch((error: unknown) => {
          console.warn('Tiermark: the second thread did not make the badge index; made here.', error);
          return null;
        })
      : Promise.resolve(null);
    await writeSnapshot(db, snapshot.finish());
    const forecasts = withForecast((await db.get('meta', 'forecasts')) as ForecastRecord | undefined, forecast);
    await Promise.all([db.put('meta', overview), db.put('meta', due), db.put('meta', forecasts)]);
    spent('index');
    // Each of the table and the index takes the background a second or so to finish at a million
    // customers: a seller page's badges are answered before each.
    await afterLongSteps();
    const tableRecords = await table.finish(built, builtFrom, base.asOfDay);
    const dropLastTable = await writeCustomerTable(db, [...tableRecords, { name: FOLLOW_UP_LIST, followUps: followUpList.finish() }], (tx) =>
      carryWorked(tx.objectStore('customerTable'), tx.objectStore('followups'), built, status.startedAt),
    );
    spent('table');
    // Its models are the profiles' base's, written before the first bucket.
    const rescoreBase: StoredRescoreBase = { id: 'rescoreBase', built, asOfDay: base.asOfDay, inputs, unfit: unfitByCurrency };
    await afterLongSteps();
    const put = (await indexed) ?? (await putBadgeShards(db, await withAliases(db, badgeIndex, built, builtFrom)));
    const dropLastIndex = await switchBadgeIndex(db, put, (tx) => clearTouchedIn(tx, touchedUpTo, rescoreBase));
    spent('index');
    // Every bucket of profiles is of this build now: the bases of builds before go.
    await dropProfileBasesBut(db, built);
    status.followUpsMissed = missedNow;
    status.state = 'done';
    leftovers = [dropLastTable, dropLastIndex];
  } catch (error) {
    status.state = 'failed';
    status.error = error instanceof Error ? error.message : String(error);
    if (error instanceof SellerError) status.problem = error.text;
  }
  // A rescore that failed after the other thread read its half: that half goes now, not with the worker.
  options.helper?.end();
  status.finishedAt = Date.now();
  await report();
  // The last build's table and index, deleted once this one is in force and said to be: the store's
  // housekeeping, not what the seller waits for (some 2 s at a million customers). A next build
  // deletes what is left of them if this fails.
  for (const drop of leftovers) await drop().catch((error: unknown) => console.warn('Tiermark: the last build’s table or index was not deleted; the next rescore deletes it.', error));
  return status;
}

/** Deletes the profiles' bases of every build but `built`. */
async function dropProfileBasesBut(db: Database, built: string): Promise<void> {
  const tx = db.transaction('meta', 'readwrite');
  const ids = await tx.store.getAllKeys(profileBases());
  await Promise.all([...ids.filter((id) => id !== profileBaseId(built)).map((id) => tx.store.delete(id)), tx.done]);
}

/**
 * Whether the shop has customers but not what only a rescore writes (the badge index, the customer
 * table in its current layout): a store from before them, until its first rescore. Not after that rescore failed: the
 * seller sees why, and the next one tries again.
 */
export async function updateRescoreNeeded(db: Database): Promise<boolean> {
  const [index, table, counts, rescore] = await Promise.all([db.getKey('meta', 'badgeIndex'), db.get('customerTable', 'head') as Promise<CustomerTableHead | undefined>, storeCounts(db), db.get('meta', 'rescore') as Promise<RescoreStatus | undefined>]);
  const failed = rescore?.state === 'failed' && rescore.reason === 'update';
  return (index === undefined || table?.layout !== TABLE_LAYOUT) && !failed && counts.customers > 0;
}
