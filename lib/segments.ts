import type { CustomerRow } from './db/customer-list';
import type { Localised } from './localised';
import { fnv1a } from './hash';
import { TAG_SEPARATOR } from './model';

/** A segment: the customers a tier, badge or treatment rule gave its outcome to, or staff gave a tag. */
export interface Segment {
  kind: 'tier' | 'badge' | 'treatment' | 'tag';
  ref: string;
  label: Localised;
  colour: string | null;
  count: number;
}

const KIND_ORDER = { tier: 0, badge: 1, treatment: 2, tag: 3 } as const;

/** Segments' sizes as they are counted, by "kind|ref" (plain data: the rescore keeps them with the Overview's figures). */
export type SegmentCounts = Record<string, Segment & { rank: number }>;

/** A segment's customer as an export lists them. */
export interface SegmentMember {
  key: string;
  buyerId: string;
  names: string[];
  emails: string[];
  phones: string[];
  tier: { label: Localised } | null;
  orderCount: number;
  monetaryMinor: number;
  currency: string;
  lastOrderAt: number;
  avgOrderValue: number | null;
  rfmCode: string | null;
  churnRisk: number | null;
}

const numberOrNull = (value: unknown) => (typeof value === 'number' ? value : null);

export const memberOfRow = (row: CustomerRow): SegmentMember => ({
  key: row.key,
  buyerId: row.buyerId,
  names: row.names,
  emails: row.emails,
  phones: row.phones,
  tier: row.tier && { label: row.tier.label },
  orderCount: row.orderCount,
  monetaryMinor: row.monetaryMinor,
  currency: row.currency,
  lastOrderAt: row.lastOrderAt,
  avgOrderValue: numberOrNull(row.facts.avgOrderValue),
  rfmCode: typeof row.facts.rfmCode === 'string' ? row.facts.rfmCode : null,
  churnRisk: numberOrNull(row.facts.churnRisk),
});

/** Customers in the order of their keys, as exports list them. */
export const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** What a customer is counted in: their tier, badges and treatments, and the tags staff gave them (the `tags` fact). */
export type InSegments = Pick<CustomerRow, 'tier' | 'badges' | 'treatments'> & { facts?: CustomerRow['facts'] };

/** Each segment's key in the counts, made once: a rescore counts a million customers in theirs twice (the shop and all), and made afresh they were 3% of its scoring. */
const segmentKeys: Record<Segment['kind'], Map<string, string>> = { tier: new Map(), badge: new Map(), treatment: new Map(), tag: new Map() };

function segmentKey(kind: Segment['kind'], ref: string): string {
  const byRef = segmentKeys[kind];
  let key = byRef.get(ref);
  if (key === undefined) byRef.set(ref, (key = `${kind}|${ref}`));
  return key;
}

/** `n` more customers in a segment. A function of its own, not a closure per customer: the rescore counts a million. */
function countIn(counts: SegmentCounts, kind: Segment['kind'], ref: string, label: Localised, colour: string | null, rank: number, n: number): void {
  const key = segmentKey(kind, ref);
  const segment = counts[key];
  if (segment) segment.count += n;
  else counts[key] = { kind, ref, label, colour, count: n, rank };
}

/** Counts a customer in their segments, or `n` customers in the same ones. */
export function countSegments(counts: SegmentCounts, row: InSegments, n = 1): void {
  if (row.tier) countIn(counts, 'tier', row.tier.ref, row.tier.label, row.tier.colour, row.tier.rank, n);
  for (const badge of row.badges) countIn(counts, 'badge', badge.ref, badge.label, badge.colour, 0, n);
  for (const treatment of row.treatments) countIn(counts, 'treatment', treatment.ref, treatment.label, null, 0, n);
  const tags = row.facts?.tags;
  if (typeof tags === 'string') for (const tag of tags.split(TAG_SEPARATOR)) countIn(counts, 'tag', tag, { en: tag, 'zh-CN': tag }, null, 0, n);
}

/**
 * Every segment some customer is in: tiers best first, then badges, treatments and tags by ref.
 * Not in the order first met: that is the order customers were scored in, which moves with every
 * import (and a rescore of the touched meets them in another).
 */
export function segmentsOfCounts(counts: SegmentCounts): Segment[] {
  return Object.values(counts)
    .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || b.rank - a.rank || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0))
    .map(({ kind, ref, label, colour, count: n }) => ({ kind, ref, label, colour, count: n }));
}

export function segmentsOf(rows: readonly InSegments[]): Segment[] {
  const counts: SegmentCounts = {};
  for (const row of rows) countSegments(counts, row);
  return segmentsOfCounts(counts);
}

/** The customers in a segment, in key order (so a split does not depend on the store's order). */
export function membersOf(rows: readonly CustomerRow[], segment: Pick<Segment, 'kind' | 'ref'>): CustomerRow[] {
  const inSegment = (row: CustomerRow) =>
    segment.kind === 'tier' ? row.tier?.ref === segment.ref
    : segment.kind === 'tag' ? typeof row.facts.tags === 'string' && row.facts.tags.split(TAG_SEPARATOR).includes(segment.ref)
    : (segment.kind === 'badge' ? row.badges : row.treatments).some((x) => x.ref === segment.ref);
  return rows.filter(inSegment).sort(byKey);
}

/** A small seeded generator (mulberry32): the same seed gives the same draw in every browser. */
function random(seed: string): () => number {
  let state = fnv1a(seed);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface SplitRequest {
  /** How many customers go into the groups together; at most the segment's size. */
  sample: number;
  groups: number;
  seed: string;
  /** Sizes of the groups, in order (800 and 200, say); when given, they decide the sample and the groups. */
  sizes?: readonly number[];
}

/**
 * A random sample of the segment dealt into groups: of the sizes asked, or of equal size (the first
 * groups one larger when it does not divide). The textbook A/B test draws 1,000 dormant customers
 * into two groups of 500. The same members and seed always give the same groups.
 */
export function splitSegment<T>(members: readonly T[], request: SplitRequest): T[][] {
  const sizes = request.sizes?.map((n) => Math.max(0, Math.floor(n)));
  const groups = sizes ? sizes.length : Math.max(1, Math.floor(request.groups));
  const asked = sizes ? sizes.reduce((a, b) => a + b, 0) : Math.floor(request.sample);
  const sample = Math.max(0, Math.min(members.length, asked));
  const next = random(request.seed);
  const drawn = [...members];
  // A partial Fisher–Yates shuffle: the first `sample` places are a uniform random sample, in random order.
  for (let i = 0; i < sample; i += 1) {
    const j = i + Math.floor(next() * (drawn.length - i));
    [drawn[i], drawn[j]] = [drawn[j]!, drawn[i]!];
  }
  const picked = drawn.slice(0, sample);
  if (sizes) {
    let at = 0;
    return sizes.map((size) => picked.slice(at, (at += size)));
  }
  const out: T[][] = Array.from({ length: groups }, () => []);
  picked.forEach((row, i) => out[i % groups]!.push(row));
  return out;
}
