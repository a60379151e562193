import { CustomerTableBuilder, type TableBlocks, type TablePart } from '../customer-table';
import { FollowUpListBuilder, type FollowUpList } from '../follow-up-list';
import type { DueTally } from '../follow-ups';
import { emptyForecast, type ForecastEntry, type ForecastTally } from '../forecast';
import { addTally, emptyTally, type OverviewRecord } from '../overview';
import type { RuleFile } from '../engine/rule-file';
import type { ScoringBase } from '../scoring/history';
import { SnapshotBuilder, type SnapshotRecord } from '../snapshots';
import { badgeIndexBuffers, BadgeIndexBuilder, type BadgeIndexHead, type BadgeIndexPart, type PutBadgeShards } from './badge-index';
import type { RescoreStatus } from './profiles';

/**
 * What the whole rescore makes of the customers it scores: the table, the badge index, the
 * follow-up list, the snapshot and the tallies. A large shop's rescore scores half its slices on a
 * second thread, which makes these of each slice and hands them over to be added to the rescore's
 * own: each builder numbers what it is given after what it has, so two threads make what one would.
 */
export class RescoreParts {
  readonly table: CustomerTableBuilder;
  readonly badgeIndex = new BadgeIndexBuilder();
  readonly followUpList = new FollowUpListBuilder();
  readonly snapshot: SnapshotBuilder;
  readonly overview: OverviewRecord;
  readonly due: DueTally = { id: 'dueTally', counts: {} };
  readonly forecast: ForecastEntry;
  /** Customers the rules would have raised a follow-up for, had they not lapsed, by rule. */
  readonly missed: NonNullable<RescoreStatus['followUpsMissed']> = {};
  followUpsOpen = 0;
  scored = 0;
  firstAt = Infinity;

  /** `start`: the first bucket of the slice these are of, where they are handed over. */
  constructor(
    facts: ReadonlyMap<string, { type: string }>,
    asOfDay: number,
    expected: number,
    private readonly start = 0,
    blocks?: TableBlocks,
  ) {
    this.table = new CustomerTableBuilder(facts, expected, blocks);
    this.snapshot = new SnapshotBuilder(asOfDay);
    this.overview = { id: 'overview', asOfDay, all: emptyTally(), byShop: {} };
    this.forecast = { asOfDay, all: emptyForecast(), byShop: {} };
  }

  /** Everything made so far, handed over to be added to another's (see `add`). */
  part(): RescorePart {
    return {
      start: this.start,
      table: this.table.part(),
      badgeIndex: this.badgeIndex.part(),
      followUpList: this.followUpList.finish(),
      snapshot: this.snapshot.part(),
      overview: this.overview,
      due: this.due,
      forecast: this.forecast,
      missed: this.missed,
      followUpsOpen: this.followUpsOpen,
      scored: this.scored,
      firstAt: this.firstAt,
    };
  }

  /** Adds what another thread made of the buckets after these. */
  add(part: RescorePart): void {
    this.table.append(part.table);
    this.badgeIndex.append(part.badgeIndex);
    this.followUpList.append(part.followUpList);
    this.snapshot.append(part.snapshot);
    addTally(this.overview.all, part.overview.all);
    for (const [shop, tally] of Object.entries(part.overview.byShop)) addTally((this.overview.byShop[shop] ??= emptyTally()), tally);
    for (const [key, n] of Object.entries(part.due.counts)) this.due.counts[key] = (this.due.counts[key] ?? 0) + n;
    addForecast(this.forecast.all, part.forecast.all);
    for (const [shop, tally] of Object.entries(part.forecast.byShop)) addForecast((this.forecast.byShop[shop] ??= emptyForecast()), tally);
    for (const [ref, { label, customers }] of Object.entries(part.missed)) (this.missed[ref] ??= { label, customers: 0 }).customers += customers;
    this.followUpsOpen += part.followUpsOpen;
    this.scored += part.scored;
    this.firstAt = Math.min(this.firstAt, part.firstAt);
  }
}

const addForecast = (into: ForecastTally, from: ForecastTally) => {
  into.customers += from.customers;
  into.expected30 += from.expected30;
  into.expected90 += from.expected90;
};

/** What `RescoreParts.part` hands over: data only, so it crosses to another thread. */
export interface RescorePart {
  /** The first bucket of its slice. */
  start: number;
  table: TablePart;
  badgeIndex: BadgeIndexPart;
  followUpList: FollowUpList;
  snapshot: SnapshotRecord;
  overview: OverviewRecord;
  due: DueTally;
  forecast: ForecastEntry;
  missed: NonNullable<RescoreStatus['followUpsMissed']>;
  followUpsOpen: number;
  scored: number;
  firstAt: number;
}

/** The buffers of a part's columns, to transfer rather than copy. */
export function partBuffers(part: RescorePart): ArrayBuffer[] {
  const { table, badgeIndex, followUpList } = part;
  const arrays: ArrayBufferView[] = [
    ...table.texts.map((column) => column.values), ...table.booleans,
    ...Object.values(table.codes), table.monetaryMinor, table.lineCodesAt, table.occasionDay, table.occasionSpend,
    ...Object.values(followUpList).filter((value): value is ArrayBufferView => ArrayBuffer.isView(value)),
  ];
  return [...new Set([...arrays.map((array) => array.buffer as ArrayBuffer), ...table.numbers.map((column) => column.values), ...badgeIndexBuffers(badgeIndex), part.snapshot.bytes])];
}

/** The slices a second thread scores, and what it scores them with: the whole rescore's day, models, rules and build. */
export interface PartJob {
  /** The first bucket of each slice, in the order the rescore takes them in. */
  starts: number[];
  built: string;
  /** When the rescore began: what a follow-up it raises says. */
  now: number;
  base: ScoringBase;
  models: Record<string, unknown>;
  ruleFiles: RuleFile[];
  unfit: Record<string, string[]>;
  /** The table's blocks, where not the shipped size (tests). */
  tableBlocks?: TableBlocks;
}

/** What a second thread tells of the customers it read: how many, and each currency's spend (see `spendByCurrency`). */
export interface HalfRead {
  customers: number;
  spend: Map<string, Float64Array>;
}

/** A second thread for the whole rescore: it reads its half of the customers and keeps them, fits on them for each round of the fits, then scores their slices. */
export interface RescoreHelper {
  /** The fewest customers it is asked for: below, starting it and taking over its part cost more than it saves. */
  from: number;
  /** Reads the customers of these slices into typed columns and keeps them (with who they are), to fit on and score. */
  read(starts: number[]): Promise<HalfRead>;
  /** What each fitting of a round of the fits took in of the customers read, given the models of the rounds before (see `fitHalf`). */
  fit(round: number, base: ScoringBase, models: Record<string, unknown>): Promise<unknown[]>;
  /** Scores the job's slices (read now where they were not kept), handing over each one's part in turn; settles when it has scored them all, or fails. */
  score(job: PartJob, onPart: (part: RescorePart) => void): Promise<void>;
  /**
   * Takes in the aliases' digests after the customers of `part` (every customer's), finishes the
   * badge index and puts its shards beside those pages read, for the rescore to put in force.
   */
  index(part: BadgeIndexPart, built: string, counts: BadgeIndexHead['counts']): Promise<PutBadgeShards>;
  /** Lets go of what it keeps: its fits failed, or the rescore did before it scored. */
  end(): void;
}

/** The parts a second thread hands over, taken in the order of their slices as the rescore comes to each. */
export class PartsFrom {
  private readonly parts: RescorePart[] = [];
  private taken = 0;
  private failed = false;
  private ended = false;
  private wake: (() => void) | null = null;
  /** Settles once the other thread is done with the job, whether it scored every slice or failed. */
  readonly settled: Promise<void>;

  constructor(
    helper: RescoreHelper,
    private readonly job: PartJob,
  ) {
    const woken = () => {
      this.wake?.();
      this.wake = null;
    };
    this.settled = helper
      .score(job, (part) => {
        this.parts.push(part);
        woken();
      })
      .then(
        () => {
          this.ended = true;
        },
        (error: unknown) => {
          // The rescore goes on without it: each slice it did not hand over is scored on the rescore's thread.
          console.warn('Tiermark: the second scoring thread failed; its slices are scored on the rescore’s.', error);
          this.failed = true;
        },
      )
      .finally(woken);
  }

  /** Whether the other thread handed over every slice it was given. */
  get whole(): boolean {
    return this.taken === this.job.starts.length;
  }

  /** The part of the slice from `start`; none where the other thread failed before it, for the rescore to score it. */
  async next(start: number): Promise<RescorePart | null> {
    while (this.parts.length === 0 && !this.failed && !this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
    const part = this.parts.shift();
    if (!part) {
      if (this.failed) return null;
      throw new Error(`The second scoring thread ended without the slice from bucket ${start}.`);
    }
    if (part.start !== start) throw new Error(`The second scoring thread handed over the slice from bucket ${part.start}, not ${start}.`);
    this.taken += 1;
    return part;
  }
}

/** The tallies a scored customer adds to, by shop. */
export function talliesOf(parts: RescoreParts, key: string) {
  const shop = key.slice(0, key.indexOf(':'));
  return { overview: (parts.overview.byShop[shop] ??= emptyTally()), forecast: (parts.forecast.byShop[shop] ??= emptyForecast()) };
}
