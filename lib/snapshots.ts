import { unitOf } from './cohorts';
import { fnv1a } from './hash';
import { LIFECYCLE_STAGES, isLifecycleStage } from './lifecycle';
import type { Localised } from './localised';

/**
 * What each rescore keeps of every customer's standing, so segment movement can be counted
 * between two days: their tier, RFM segment (the rfm-segments file's badge) and lifecycle stage,
 * and since when they had that tier and segment, in 21 bytes a customer (two key hashes, two days,
 * two codes, a stage). Records are sorted by the hashes, so two days are joined in one pass and one
 * customer is found by a binary search. At 100,000 customers a snapshot is 2.1 MB; thinned to a week
 * of days, twelve weeks (thirteen week buckets at most) and 36 months (56 at most), they stay under 120 MB.
 */
export type MovementDimension = 'tier' | 'segment' | 'stage';

export interface SnapshotRecord {
  day: number;
  size: number;
  /** Code n (from 1) names entry n - 1; 0 is none. */
  tiers: Array<{ ref: string; label: Localised; rank: number }>;
  segments: Array<{ ref: string; label: Localised }>;
  /** `size` of each (see `columnsOver`): two key hashes, the days the tier and the segment began, the tier and segment codes, the stage (1 + its place in LIFECYCLE_STAGES). */
  bytes: ArrayBuffer;
}

/** The file whose badges are the RFM segments (重要价值客户…). */
const RFM_SEGMENTS = 'rfm-segments/';

/** A second hash of the key: with the first, two customers share both about once in 2^64 pairs. */
const secondHash = (key: string) => fnv1a(`${key}\u0001tiermark`);

/** A customer's standing in a snapshot, and since when (a local day) they had its tier and its segment. */
export interface Standing {
  day: number;
  tier: string | null;
  segment: string | null;
  stage: string | null;
  tierSince: number;
  segmentSince: number;
}

/** A customer's two key hashes: computed once per customer, to find them in the last snapshot and to place them in the next. */
export const keyHashes = (key: string): [number, number] => [fnv1a(key), secondHash(key)];

/** A snapshot's codes for tiers and RFM segments (from 1), each added on first sight; and the rule for a customer's entry. */
class StandingCodes {
  private readonly tierCodes: Map<string, number>;
  private readonly segmentCodes: Map<string, number>;
  constructor(
    private readonly day: number,
    readonly tiers: SnapshotRecord['tiers'] = [],
    readonly segments: SnapshotRecord['segments'] = [],
  ) {
    this.tierCodes = new Map(tiers.map((tier, i) => [tier.ref, i + 1]));
    this.segmentCodes = new Map(segments.map((segment, i) => [segment.ref, i + 1]));
  }

  /**
   * Writes a customer's entry at `i` of the columns; `previous`: their standing in the snapshot
   * before, which carries the days their tier and segment began. Straight into the columns: the
   * whole rescore writes a million.
   */
  write(columns: Columns, i: number, hashes: readonly [number, number], tier: { ref: string; label: Localised; rank: number } | null, badges: ReadonlyArray<{ ref: string; label: Localised }>, stage: unknown, previous: Standing | null): void {
    const segment = badges.find((badge) => badge.ref.startsWith(RFM_SEGMENTS));
    [columns.first[i], columns.second[i]] = hashes;
    columns.tier[i] = tier ? this.tierCode(tier) : 0;
    columns.segment[i] = segment ? this.segmentCode(segment) : 0;
    columns.stage[i] = isLifecycleStage(stage) ? LIFECYCLE_STAGES.indexOf(stage) + 1 : 0;
    columns.tierSince[i] = previous && previous.tier === (tier?.ref ?? null) ? previous.tierSince : this.day;
    columns.segmentSince[i] = previous && previous.segment === (segment?.ref ?? null) ? previous.segmentSince : this.day;
  }

  tierCode(tier: { ref: string; label: Localised; rank: number }): number {
    let code = this.tierCodes.get(tier.ref);
    if (code === undefined) this.tierCodes.set(tier.ref, (code = this.tiers.push({ ref: tier.ref, label: tier.label, rank: tier.rank })));
    return code;
  }

  segmentCode(segment: { ref: string; label: Localised }): number {
    let code = this.segmentCodes.get(segment.ref);
    if (code === undefined) this.segmentCodes.set(segment.ref, (code = this.segments.push({ ref: segment.ref, label: segment.label })));
    return code;
  }
}

type Columns = ReturnType<typeof columnsOver>;

/** Copies entry `i` of one snapshot's columns to entry `k` of another's. */
function copyEntry(from: Columns, i: number, to: Columns, k: number): void {
  to.first[k] = from.first[i]!;
  to.second[k] = from.second[i]!;
  to.tier[k] = from.tier[i]!;
  to.segment[k] = from.segment[i]!;
  to.stage[k] = from.stage[i]!;
  to.tierSince[k] = from.tierSince[i]!;
  to.segmentSince[k] = from.segmentSince[i]!;
}

export class SnapshotBuilder {
  private size = 0;
  private columns = columnsOver(new ArrayBuffer(1024 * BYTES_PER_CUSTOMER), 1024);
  private capacity = 1024;
  private readonly codes: StandingCodes;

  constructor(private readonly day: number) {
    this.codes = new StandingCodes(day);
  }

  /** `previous`: the customer's standing in the snapshot before, which carries the days their tier and segment began. */
  add(hashes: readonly [number, number], tier: { ref: string; label: Localised; rank: number } | null, badges: ReadonlyArray<{ ref: string; label: Localised }>, stage: unknown, previous: Standing | null = null): void {
    if (this.size === this.capacity) this.grow();
    this.codes.write(this.columns, this.size++, hashes, tier, badges, stage, previous);
  }

  private grow(): void {
    const old = this.columns;
    this.capacity *= 2;
    this.columns = columnsOver(new ArrayBuffer(this.capacity * BYTES_PER_CUSTOMER), this.capacity);
    for (const name of Object.keys(old) as Array<keyof typeof old>) this.columns[name].set(old[name]);
  }

  /** What was added so far, in the order added: a part of the rescore scored on another thread, for `append`. */
  part(): SnapshotRecord {
    const n = this.size;
    const bytes = new ArrayBuffer(n * BYTES_PER_CUSTOMER);
    const to = columnsOver(bytes, n);
    for (const name of Object.keys(to) as Array<keyof typeof to>) (to[name] as Uint32Array).set((this.columns[name] as Uint32Array).subarray(0, n));
    return { day: this.day, size: n, tiers: this.codes.tiers, segments: this.codes.segments, bytes };
  }

  /** Adds a part's customers after these, its tiers and segments coded as this builder codes them. */
  append(part: SnapshotRecord): void {
    const from = columnsOf(part);
    const tiers = [0, ...part.tiers.map((tier) => this.codes.tierCode(tier))];
    const segments = [0, ...part.segments.map((segment) => this.codes.segmentCode(segment))];
    for (let i = 0; i < part.size; i += 1) {
      if (this.size === this.capacity) this.grow();
      const k = this.size++;
      copyEntry(from, i, this.columns, k);
      this.columns.tier[k] = tiers[from.tier[i]!]!;
      this.columns.segment[k] = segments[from.segment[i]!]!;
    }
  }

  /** The record, its customers in the order of their hashes. */
  finish(): SnapshotRecord {
    const n = this.size;
    const from = this.columns;
    const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => from.first[a]! - from.first[b]! || from.second[a]! - from.second[b]!);
    const bytes = new ArrayBuffer(n * BYTES_PER_CUSTOMER);
    const to = columnsOver(bytes, n);
    for (const name of Object.keys(to) as Array<keyof typeof to>) {
      const [source, target] = [from[name], to[name]];
      for (let i = 0; i < n; i += 1) target[i] = source[order[i]!]!;
    }
    return { day: this.day, size: n, tiers: this.codes.tiers, segments: this.codes.segments, bytes };
  }
}

/** Where a customer's hashes stand in a snapshot's sorted columns: their index, or -1 - where they would go. */
function placeOf({ first, second }: Columns, size: number, [a, b]: readonly [number, number]): number {
  let low = 0;
  let high = size - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const order = first[mid]! - a || second[mid]! - b;
    if (order === 0) return mid;
    if (order < 0) low = mid + 1;
    else high = mid - 1;
  }
  return -1 - low;
}

/** A customer's standing as a rescore found it: what `SnapshotBuilder.add` takes. */
export interface FoundStanding {
  hashes: readonly [number, number];
  tier: { ref: string; label: Localised; rank: number } | null;
  badges: ReadonlyArray<{ ref: string; label: Localised }>;
  stage: unknown;
  previous: Standing | null;
}

/**
 * Some customers' standings on a day as found since its snapshot was written (a rescore of the
 * touched): a record of them alone, sorted as a snapshot is, kept beside the day's (see `withPatch`).
 * Writing the day's million entries again for a day's thousands was some 20 MB read and written.
 */
export function standingsPatch(day: number, found: readonly FoundStanding[]): SnapshotRecord {
  const builder = new SnapshotBuilder(day);
  for (const { hashes, tier, badges, stage, previous } of found) builder.add(hashes, tier, badges, stage, previous);
  return builder.finish();
}

/**
 * A day's snapshot with its patch over it: each customer the patch holds replaced in place, the new
 * ones put where their hashes sort. What the whole rescore's snapshot of the day would hold, but
 * for the order of the codes' lists.
 */
export function withPatch(record: SnapshotRecord, patch: SnapshotRecord | undefined): SnapshotRecord {
  if (!patch || patch.size === 0) return record;
  const codes = new StandingCodes(record.day, [...record.tiers], [...record.segments]);
  const tierCodes = patch.tiers.map((tier) => codes.tierCode(tier));
  const segmentCodes = patch.segments.map((segment) => codes.segmentCode(segment));
  const from = columnsOf(patch);
  /** Patch entry i at k of `to`, in the record's codes. */
  const copy = (i: number, to: Columns, k: number) => {
    copyEntry(from, i, to, k);
    to.tier[k] = from.tier[i] ? tierCodes[from.tier[i]! - 1]! : 0;
    to.segment[k] = from.segment[i] ? segmentCodes[from.segment[i]! - 1]! : 0;
  };
  const bytes = record.bytes.slice(0);
  const columns = columnsOver(bytes, record.size);
  const places = Int32Array.from({ length: patch.size }, (_, i) => placeOf(columns, record.size, [from.first[i]!, from.second[i]!]));
  let newOnes = 0;
  for (let i = 0; i < patch.size; i += 1) {
    if (places[i]! >= 0) copy(i, columns, places[i]!);
    else newOnes += 1;
  }
  if (newOnes === 0) return { ...record, tiers: codes.tiers, segments: codes.segments, bytes };
  // The new ones, in the patch's order (its hashes', as the record's), merged in.
  const size = record.size + newOnes;
  const merged = new ArrayBuffer(size * BYTES_PER_CUSTOMER);
  const into = columnsOver(merged, size);
  for (let i = 0, p = 0, k = 0; k < size; k += 1) {
    while (p < patch.size && places[p]! >= 0) p += 1;
    const takeNew = p < patch.size && (i >= record.size || from.first[p]! < columns.first[i]! || (from.first[p] === columns.first[i] && from.second[p]! < columns.second[i]!));
    if (takeNew) copy(p++, into, k);
    else copyEntry(columns, i++, into, k);
  }
  return { day: record.day, size, tiers: codes.tiers, segments: codes.segments, bytes: merged };
}

const BYTES_PER_CUSTOMER = 21;

/** The columns over a snapshot's bytes: the 32-bit ones first, so each starts aligned. */
function columnsOver(bytes: ArrayBuffer, n: number) {
  return {
    first: new Uint32Array(bytes, 0, n),
    second: new Uint32Array(bytes, n * 4, n),
    tierSince: new Int32Array(bytes, n * 8, n),
    segmentSince: new Int32Array(bytes, n * 12, n),
    tier: new Uint16Array(bytes, n * 16, n),
    segment: new Uint16Array(bytes, n * 18, n),
    stage: new Uint8Array(bytes, n * 20, n),
  };
}

const columnsOf = (record: SnapshotRecord) => columnsOver(record.bytes, record.size);

/** Where a snapshot's entries start for each value of their first hash's top 16 bits, and where they end (see SnapshotReader). */
function startsByTopBits(first: Uint32Array, size: number): Uint32Array {
  const starts = new Uint32Array(TOP_VALUES + 1);
  let i = 0;
  for (let top = 0; top <= TOP_VALUES; top += 1) {
    while (i < size && first[i]! >>> 16 < top) i += 1;
    starts[top] = i;
  }
  return starts;
}
const TOP_VALUES = 2 ** 16;

/**
 * A customer's standing in one snapshot, found by their key's hashes: a binary search among the
 * entries whose first hash has the same top bits, some 15 of a million. Over all of them it was 3%
 * of scoring, each step a likely miss of the cache.
 */
export class SnapshotReader {
  private readonly columns: ReturnType<typeof columnsOf>;
  private starts: Uint32Array | null = null;
  constructor(private readonly record: SnapshotRecord) {
    this.columns = columnsOf(record);
  }

  standingOf([a, b]: readonly [number, number]): Standing | null {
    const { first, second } = this.columns;
    const starts = (this.starts ??= startsByTopBits(first, this.record.size));
    let low = starts[a >>> 16]!;
    let high = starts[(a >>> 16) + 1]! - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const order = first[mid]! - a || second[mid]! - b;
      if (order === 0) return this.standingAt(mid);
      if (order < 0) low = mid + 1;
      else high = mid - 1;
    }
    return null;
  }

  private standingAt(i: number): Standing {
    const { tier, segment, stage, tierSince, segmentSince } = this.columns;
    return {
      day: this.record.day,
      tier: tier[i] ? this.record.tiers[tier[i]! - 1]!.ref : null,
      segment: segment[i] ? this.record.segments[segment[i]! - 1]!.ref : null,
      stage: stage[i] ? LIFECYCLE_STAGES[stage[i]! - 1]! : null,
      tierSince: tierSince[i]!,
      segmentSince: segmentSince[i]!,
    };
  }
}

/** What a dimension's codes name: labels in a snapshot's own codes (0 is none). */
function namesOf(record: SnapshotRecord, dimension: MovementDimension): Array<{ ref: string; label: Localised | null }> {
  const none = { ref: '', label: null };
  if (dimension === 'tier') return [none, ...record.tiers.map(({ ref, label }) => ({ ref, label }))];
  if (dimension === 'segment') return [none, ...record.segments];
  return [none, ...LIFECYCLE_STAGES.map((stage) => ({ ref: stage, label: null }))];
}

export interface Movement {
  dimension: MovementDimension;
  fromDay: number;
  toDay: number;
  /** The groups, by ref ("" for none), in the order rows and columns use. */
  groups: Array<{ ref: string; label: Localised | null }>;
  /** counts[from][to]: customers in both snapshots who were in group `from` and are in group `to`. */
  counts: number[][];
  /** Customers only in the later snapshot (new since), by their group there. */
  arrived: number[];
  /** Customers only in the earlier one. */
  left: number;
}

/** How many customers moved from each group to each other between two snapshots: one merge of the two sorted lists. */
export function movement(from: SnapshotRecord, to: SnapshotRecord, dimension: MovementDimension): Movement {
  const [a, b] = [columnsOf(from), columnsOf(to)];
  const [namesA, namesB] = [namesOf(from, dimension), namesOf(to, dimension)];
  // One list of groups for both days, by ref: a tier's code differs from one snapshot to the next.
  const groups: Movement['groups'] = [];
  const place = new Map<string, number>();
  const placeOf = (names: typeof namesA) => names.map((name) => {
    if (!place.has(name.ref)) place.set(name.ref, groups.push(name) - 1);
    return place.get(name.ref)!;
  });
  const [mapA, mapB] = [placeOf(namesA), placeOf(namesB)];
  if (dimension === 'tier') {
    const rank = new Map([...from.tiers, ...to.tiers].map((tier) => [tier.ref, tier.rank]));
    const order = groups.map((_, i) => i).sort((x, y) => (rank.get(groups[y]!.ref) ?? -Infinity) - (rank.get(groups[x]!.ref) ?? -Infinity));
    const sorted = order.map((i) => groups[i]!);
    const moved = new Map(order.map((old, i) => [old, i]));
    mapA.forEach((g, i) => (mapA[i] = moved.get(g)!));
    mapB.forEach((g, i) => (mapB[i] = moved.get(g)!));
    groups.splice(0, groups.length, ...sorted);
  }
  const codesA = a[dimension];
  const codesB = b[dimension];
  const counts = groups.map(() => groups.map(() => 0));
  const arrived = groups.map(() => 0);
  let left = 0;
  let i = 0;
  let j = 0;
  while (i < from.size || j < to.size) {
    const order = i >= from.size ? 1 : j >= to.size ? -1 : a.first[i]! - b.first[j]! || a.second[i]! - b.second[j]!;
    if (order === 0) {
      counts[mapA[codesA[i]!]!]![mapB[codesB[j]!]!]! += 1;
      i += 1;
      j += 1;
    } else if (order < 0) {
      left += 1;
      i += 1;
    } else {
      arrived[mapB[codesB[j]!]!]! += 1;
      j += 1;
    }
  }
  return { dimension, fromDay: from.day, toDay: to.day, groups, counts, arrived, left };
}

/** The rebuild of past months' snapshots from the orders (see db/past-snapshots.ts); `meta` record "pastSnapshots". */
export interface PastSnapshotStatus {
  id: 'pastSnapshots';
  state: 'running' | 'done' | 'failed';
  startedAt: number;
  finishedAt: number | null;
  /** Month ends rebuilt so far, of how many. */
  done: number;
  of: number;
  /** Kept once written, and their bytes. */
  kept: number;
  bytes: number;
  /** Every month end rebuilt and still kept, by this rebuild or the ones before, and when the rebuild that last wrote them began. */
  days: number[];
  daysFrom: number;
  error: string | null;
  /** Rebuilt in a worker of its own (see lib/background/worker-thread.ts); absent where the background rebuilt them. */
  thread?: 'worker';
}

/** A cell of a migration matrix: customers in group `from` on one day (null: not in that day's snapshot) and in group `to` on the other ("" is none). */
export interface MovedCell {
  dimension: MovementDimension;
  fromDay: number;
  toDay: number;
  from: string | null;
  to: string;
}

/** The key hashes of a cell's customers, in the snapshots' order. */
export function movedCustomers(from: SnapshotRecord, to: SnapshotRecord, cell: MovedCell): { first: Uint32Array; second: Uint32Array } {
  const [a, b] = [columnsOf(from), columnsOf(to)];
  const refsOf = (names: ReturnType<typeof namesOf>) => names.map((name) => name.ref);
  const [refsA, refsB] = [refsOf(namesOf(from, cell.dimension)), refsOf(namesOf(to, cell.dimension))];
  const [codesA, codesB] = [a[cell.dimension], b[cell.dimension]];
  const first: number[] = [];
  const second: number[] = [];
  let i = 0;
  for (let j = 0; j < to.size; j += 1) {
    while (i < from.size && (a.first[i]! - b.first[j]! || a.second[i]! - b.second[j]!) < 0) i += 1;
    const both = i < from.size && a.first[i] === b.first[j] && a.second[i] === b.second[j];
    const wasIn = both ? refsA[codesA[i]!] : null;
    if (wasIn === cell.from && refsB[codesB[j]!] === cell.to) {
      first.push(b.first[j]!);
      second.push(b.second[j]!);
    }
  }
  return { first: Uint32Array.from(first), second: Uint32Array.from(second) };
}

/** A stretch of a customer's path: the kept days from `fromDay` to `toDay` that showed them with one standing. */
export interface PathStep {
  fromDay: number;
  toDay: number;
  tier: { ref: string; label: Localised } | null;
  segment: { ref: string; label: Localised } | null;
  stage: string | null;
}

/** Adds a snapshot's standing of a customer (snapshots oldest first) to their path: a new step where anything changed. */
export function extendPath(path: PathStep[], record: SnapshotRecord, standing: Standing): void {
  const last = path.at(-1);
  if (last && (last.tier?.ref ?? null) === standing.tier && (last.segment?.ref ?? null) === standing.segment && last.stage === standing.stage) {
    last.toDay = record.day;
    return;
  }
  const tier = record.tiers.find((t) => t.ref === standing.tier);
  const segment = record.segments.find((s) => s.ref === standing.segment);
  path.push({ fromDay: record.day, toDay: record.day, tier: tier ? { ref: tier.ref, label: tier.label } : null, segment: segment ? { ref: segment.ref, label: segment.label } : null, stage: standing.stage });
}

/** Monthly snapshots kept past the weekly ones: three years of movement. */
export const MONTHS_KEPT = 36;

/**
 * The snapshot days to keep as of a day: every day of the last week, the first day kept in each of
 * the twelve weeks before, and the first in each of the newest 36 months before that that have one
 * (by count, not age: the months rebuilt for a shop whose history ended years ago are kept too).
 */
export function daysToKeep(days: readonly number[], today: number): number[] {
  const sorted = [...new Set(days)].sort((x, y) => x - y);
  const kept = new Set<number>();
  const firstOf = new Map<string, number>();
  const months: number[] = [];
  for (const day of sorted) {
    const age = today - day;
    if (age < 0) continue;
    if (age < 7) kept.add(day);
    else {
      const bucket = age < 7 + 12 * 7 ? `w${unitOf('week', day)}` : `m${unitOf('month', day)}`;
      if (firstOf.has(bucket)) continue;
      firstOf.set(bucket, day);
      if (bucket.startsWith('m')) months.push(day);
    }
  }
  const dropped = new Set(months.slice(0, Math.max(0, months.length - MONTHS_KEPT)));
  for (const day of firstOf.values()) if (!dropped.has(day)) kept.add(day);
  return [...kept].sort((x, y) => x - y);
}
