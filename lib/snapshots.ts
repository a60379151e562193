import { fnv1a } from './hash';
import { LIFECYCLE_STAGES, isLifecycleStage } from './lifecycle';
import type { Localised } from './localised';

/**
 * What each rescore keeps of every customer's standing, so segment movement can be counted
 * between two days: their tier, RFM segment (the rfm-segments file's badge) and lifecycle stage,
 * in 13 bytes a customer (two key hashes, two codes, a stage). Records are sorted by the hashes,
 * so two days are joined in one pass. At 100,000 customers a snapshot is 1.3 MB; thinned to a
 * week of days, twelve weeks and three years of months (57 at most), they stay under 75 MB.
 */
export type MovementDimension = 'tier' | 'segment' | 'stage';

export interface SnapshotRecord {
  day: number;
  size: number;
  /** Code n (from 1) names entry n - 1; 0 is none. */
  tiers: Array<{ ref: string; label: Localised; rank: number }>;
  segments: Array<{ ref: string; label: Localised }>;
  /** `size` of each, in this order: first hash (Uint32), second hash (Uint32), tier (Uint16), segment (Uint16), stage (Uint8, 1 + its place in LIFECYCLE_STAGES). */
  bytes: ArrayBuffer;
}

/** The file whose badges are the RFM segments (重要价值客户…). */
const RFM_SEGMENTS = 'rfm-segments/';

/** A second hash of the key: with the first, two customers share both about once in 2^64 pairs. */
const secondHash = (key: string) => fnv1a(`${key}\u0001tiermark`);

export class SnapshotBuilder {
  private readonly rows: Array<[number, number, number, number, number]> = [];
  private readonly tiers = new Map<string, number>();
  private readonly segments = new Map<string, number>();
  private readonly tierList: SnapshotRecord['tiers'] = [];
  private readonly segmentList: SnapshotRecord['segments'] = [];

  add(key: string, tier: { ref: string; label: Localised; rank: number } | null, badges: ReadonlyArray<{ ref: string; label: Localised }>, stage: unknown): void {
    let tierCode = 0;
    if (tier) {
      tierCode = this.tiers.get(tier.ref) ?? 0;
      if (!tierCode) this.tiers.set(tier.ref, (tierCode = this.tierList.push({ ref: tier.ref, label: tier.label, rank: tier.rank })));
    }
    const segment = badges.find((badge) => badge.ref.startsWith(RFM_SEGMENTS));
    let segmentCode = 0;
    if (segment) {
      segmentCode = this.segments.get(segment.ref) ?? 0;
      if (!segmentCode) this.segments.set(segment.ref, (segmentCode = this.segmentList.push({ ref: segment.ref, label: segment.label })));
    }
    const stageCode = isLifecycleStage(stage) ? LIFECYCLE_STAGES.indexOf(stage) + 1 : 0;
    this.rows.push([fnv1a(key), secondHash(key), tierCode, segmentCode, stageCode]);
  }

  finish(day: number): SnapshotRecord {
    const rows = this.rows.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const n = rows.length;
    const bytes = new ArrayBuffer(n * 13);
    const first = new Uint32Array(bytes, 0, n);
    const second = new Uint32Array(bytes, n * 4, n);
    const tier = new Uint16Array(bytes, n * 8, n);
    const segment = new Uint16Array(bytes, n * 10, n);
    const stage = new Uint8Array(bytes, n * 12, n);
    rows.forEach(([a, b, t, s, st], i) => {
      first[i] = a;
      second[i] = b;
      tier[i] = t;
      segment[i] = s;
      stage[i] = st;
    });
    return { day, size: n, tiers: this.tierList, segments: this.segmentList, bytes };
  }
}

/** A snapshot's columns over its bytes. */
function columnsOf(record: SnapshotRecord) {
  const n = record.size;
  return {
    first: new Uint32Array(record.bytes, 0, n),
    second: new Uint32Array(record.bytes, n * 4, n),
    tier: new Uint16Array(record.bytes, n * 8, n),
    segment: new Uint16Array(record.bytes, n * 10, n),
    stage: new Uint8Array(record.bytes, n * 12, n),
  };
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

/**
 * The snapshot days to keep as of a day: every day of the last week, the first day kept in each of
 * the twelve weeks before, and the first in each month of the three years before that.
 */
export function daysToKeep(days: readonly number[], today: number): number[] {
  const sorted = [...new Set(days)].sort((x, y) => x - y);
  const kept = new Set<number>();
  const firstOf = new Map<string, number>();
  for (const day of sorted) {
    const age = today - day;
    if (age < 0) continue;
    if (age < 7) kept.add(day);
    else {
      const date = new Date(day * 86_400_000);
      const bucket = age < 7 + 12 * 7 ? `w${Math.floor((day + 3) / 7)}` : age < 7 + 12 * 7 + 3 * 366 ? `m${date.getUTCFullYear() * 12 + date.getUTCMonth()}` : null;
      if (bucket && !firstOf.has(bucket)) firstOf.set(bucket, day);
    }
  }
  for (const day of firstOf.values()) kept.add(day);
  return [...kept].sort((x, y) => x - y);
}
