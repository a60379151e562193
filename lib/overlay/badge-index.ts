import { aliasKey, byStrength } from '../aliases';
import { fnv1aPairInto } from '../hash';
import { PLATFORMS, type Platform } from '../model';
import { countBelow } from '../sorted';
import type { BadgeView, RowMatch } from './badge-view';
import type { Ref } from './site-adapter';

/** What a badge shows: a customer's tier and first two rule badges, or how many customers share a name. */
export type BadgeLook =
  | { kind: 'customer'; tier: { label: string; colour: string } | null; badges: Array<{ label: string; colour: string }> }
  | { kind: 'ambiguous'; count: number };

/** The looks of a page's rows from the index (null before there is one), and the store version they are of; with every look the index holds when asked. */
export interface BadgeAnswer {
  looks: Array<BadgeLook | null> | null;
  version: string;
  table?: BadgeLook[];
}

/** Rule badges shown beside the tier; the rest are in the tooltip and the card. */
export const BADGES_SHOWN = 2;

export function customerLook(view: Pick<BadgeView, 'tier' | 'badges'>): BadgeLook {
  return { kind: 'customer', tier: view.tier, badges: view.badges.slice(0, BADGES_SHOWN).map(({ label, colour }) => ({ label, colour })) };
}

/** What a row's match shows, or null for nobody. */
export function lookOf(match: RowMatch): BadgeLook | null {
  if (match.kind === 'none') return null;
  return match.kind === 'ambiguous' ? { kind: 'ambiguous', count: match.candidates.length } : customerLook(match.view);
}

/** The key a row's ref is indexed under: a buyer id by the customer key it names on this platform. */
export const indexKey = (ref: Ref, platform: Platform): string => (ref.kind === 'id' ? `id:${platform}:${ref.value}` : aliasKey[ref.kind](ref.value));

const SECOND_BASIS = 0x9747b28c;

/** An identifier's two independent 32-bit hashes (FNV-1a from two bases, in one pass) written at `at` and `at + 1`: the first places it, the pair tells it apart. */
export const keyHashesInto = (key: string, into: Uint32Array, at: number): void => fnv1aPairInto(key, SECOND_BASIS, into, at);

const pair = new Uint32Array(2);

/** The same two hashes as a pair. */
export function keyHashes(key: string): [number, number] {
  keyHashesInto(key, pair, 0);
  return [pair[0]!, pair[1]!];
}

/**
 * The hashes a row's refs are looked for under, strongest ref first. A buyer id on a page of no
 * known platform could be any platform's customer.
 */
export function rowKeys(refs: readonly Ref[], platform: Platform | null): Array<Array<[number, number]>> {
  return byStrength(refs).map((ref) => (ref.kind === 'id' && !platform ? PLATFORMS.map((p) => keyHashes(indexKey(ref, p))) : [keyHashes(indexKey(ref, platform ?? 'generic'))]));
}

/**
 * A row's look as the lookup resolves it (lib/db/lookup.ts): its strongest ref that names anyone
 * names one customer, or several (ambiguous, with how many).
 */
export function resolveRow<L extends { kind: 'customer' } | { kind: 'ambiguous'; count: number }>(keys: Array<Array<[number, number]>>, find: (first: number, second: number) => L | null): L | { kind: 'ambiguous'; count: number } | null {
  for (const hashes of keys) {
    const found = hashes.map(([first, second]) => find(first, second)).filter((look): look is L => look !== null);
    const count = found.reduce((n, look) => n + (look.kind === 'ambiguous' ? look.count : 1), 0);
    if (count === 1) return found[0]!;
    if (count > 1) return { kind: 'ambiguous', count };
  }
  return null;
}

/** An index's (or a shard's) identifiers as three columns over one buffer of 10 bytes each: first hashes, second hashes, look numbers. */
export interface IndexColumns {
  firsts: Uint32Array;
  seconds: Uint32Array;
  lookIds: Uint16Array;
}

/** The columns over `buffer` (of `size` identifiers; a new buffer when none is given). */
export function indexColumns(size: number, buffer: ArrayBufferLike = new ArrayBuffer(size * 10)): IndexColumns {
  return { firsts: new Uint32Array(buffer, 0, size), seconds: new Uint32Array(buffer, size * 4, size), lookIds: new Uint16Array(buffer, size * 8, size) };
}

/** Where an identifier stands in sorted hash columns: its place, or -1. */
export function placeIn({ firsts, seconds }: IndexColumns, first: number, second: number): number {
  for (let at = countBelow(firsts, first); at < firsts.length && firsts[at] === first; at += 1) if (seconds[at] === second) return at;
  return -1;
}

/** An identifier's look number in sorted hash columns, or -1. */
export function lookNumberIn(columns: IndexColumns, first: number, second: number): number {
  const at = placeIn(columns, first, second);
  return at < 0 ? -1 : columns.lookIds[at]!;
}

/**
 * A small shop's whole badge index, for a seller page to badge rows in the task that shows them:
 * the shards' columns end to end (sorted by first hash), in base64 as extension messages are JSON.
 * A larger shop's page asks for its rows' looks instead (see lib/db/badge-index.ts).
 */
export interface PackedBadgeIndex {
  /** The store version it was read from: a lookup answer carrying another means it is stale. */
  version: string;
  looks: BadgeLook[];
  size: number;
  packed: string;
}

/** Decoded natively where the browser can (Chromium 140 on). */
function fromBase64(text: string): Uint8Array {
  const native = (Uint8Array as { fromBase64?: (text: string) => Uint8Array }).fromBase64;
  if (native) return native.call(Uint8Array, text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The whole index on the page: a row's look found with no message. */
export class BadgeIndex {
  readonly version: string;
  private readonly looks: BadgeLook[];
  private readonly columns: IndexColumns;

  constructor(index: PackedBadgeIndex) {
    this.version = index.version;
    this.looks = index.looks;
    this.columns = indexColumns(index.size, fromBase64(index.packed).buffer);
  }

  look(refs: readonly Ref[], platform: Platform | null): BadgeLook | null {
    return resolveRow(rowKeys(refs, platform), (first, second) => this.looks[lookNumberIn(this.columns, first, second)] ?? null);
  }
}
