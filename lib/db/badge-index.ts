import { byStrength } from '../aliases';
import { fnv1a, fnv1aFrom } from '../hash';
import type { Localised } from '../localised';
import { PLATFORMS, type Customer, type Platform } from '../model';
import { BADGES_SHOWN, indexKey, type BadgeLook } from '../overlay/badge-index';
import type { Ref } from '../overlay/site-adapter';
import { countBelow } from '../sorted';
import type { BadgeOutcome, TierOutcome } from '../engine/outcome';
import type { Language } from '../ui/i18n';
import type { AliasTargets } from './buckets';
import type { Database } from './schema';

/**
 * The badge index: every buyer id and alias of the shop with the badge it resolves to, written by
 * the rescore in shards by hash, so that a seller page's rows are badged from the few shards they
 * fall in (a few kilobytes each) and not from the whole shop, however large it grows.
 */

/** A badge's look with its labels in both languages, so that one index serves either. */
export type StoredLook =
  | { kind: 'customer'; tier: { label: Localised; colour: string } | null; badges: Array<{ label: Localised; colour: string }> }
  | { kind: 'ambiguous'; count: number };

/**
 * One shard: the two 32-bit hashes and the look number of each identifier whose first hash starts
 * with the shard's bits, sorted by the first hash. Bytes, as IndexedDB clones them fastest:
 * [first × n][second × n][look (16 bits) × n].
 */
export interface BadgeShard {
  shard: number;
  bytes: ArrayBuffer;
}

/** What the shards mean; `meta` record "badgeIndex", written with them in one transaction. */
export interface BadgeIndexHead {
  id: 'badgeIndex';
  /** Names one build: a page's answer from shards of another build must not mix with this one's looks. */
  built: string;
  /** Shards are numbered by the first hash's top `bits` bits. */
  bits: number;
  entries: number;
  looks: StoredLook[];
}

const SECOND_BASIS = 0x9747b28c;
/** Identifiers per shard, about: a 500-row page reads a few hundred shards of a few kilobytes. */
const PER_SHARD = 256;
const MAX_BITS = 16;
const MAX_LOOKS = 0xffff;

export const shardBits = (entries: number): number => Math.min(MAX_BITS, Math.max(0, Math.ceil(Math.log2(entries / PER_SHARD))));
const shardOf = (first: number, bits: number): number => (bits === 0 ? 0 : first >>> (32 - bits));
const hashes = (key: string): [number, number] => [fnv1a(key), fnv1aFrom(SECOND_BASIS, key)];

/** A tier and the first rule badges, as a seller page shows them. */
export function storedLook(tier: Pick<TierOutcome, 'label' | 'colour'> | null, badges: readonly Pick<BadgeOutcome, 'label' | 'colour'>[]): StoredLook {
  return {
    kind: 'customer',
    tier: tier ? { label: tier.label, colour: tier.colour } : null,
    badges: badges.slice(0, BADGES_SHOWN).map(({ label, colour }) => ({ label, colour })),
  };
}

export function lookIn(look: StoredLook, language: Language): BadgeLook {
  if (look.kind === 'ambiguous') return look;
  return {
    kind: 'customer',
    tier: look.tier ? { label: look.tier.label[language], colour: look.tier.colour } : null,
    badges: look.badges.map((b) => ({ label: b.label[language], colour: b.colour })),
  };
}

/**
 * Collects the index as the rescore scores each customer, then the aliases; `finish` sorts it into
 * shards. A buyer id of two shops of one platform, and an alias of two customers, is ambiguous.
 */
export class BadgeIndexBuilder {
  private readonly looks: StoredLook[] = [];
  private readonly lookNumbers = new Map<string, number>();
  private readonly customerLooks = new Map<string, number>();
  private first = new Uint32Array(4096);
  private second = new Uint32Array(4096);
  private lookIds = new Uint16Array(4096);
  private size = 0;
  private overflow = false;

  private lookNumber(look: StoredLook): number {
    const text = JSON.stringify(look);
    let number = this.lookNumbers.get(text);
    if (number === undefined) {
      number = this.looks.push(look) - 1;
      this.lookNumbers.set(text, number);
      if (number >= MAX_LOOKS) this.overflow = true;
    }
    return number;
  }

  private add(key: string, look: number): void {
    if (this.size === this.first.length) {
      const grow = <T extends Uint32Array | Uint16Array>(array: T, Type: new (n: number) => T): T => {
        const bigger = new Type(array.length * 2);
        bigger.set(array);
        return bigger;
      };
      this.first = grow(this.first, Uint32Array);
      this.second = grow(this.second, Uint32Array);
      this.lookIds = grow(this.lookIds, Uint16Array);
    }
    const [first, second] = hashes(key);
    this.first[this.size] = first;
    this.second[this.size] = second;
    this.lookIds[this.size] = look;
    this.size += 1;
  }

  addCustomer(customer: Pick<Customer, 'key' | 'platform' | 'buyerId'>, look: StoredLook): void {
    const number = this.lookNumber(look);
    this.customerLooks.set(customer.key, number);
    // The same id in another shop of the platform adds it again: `finish` makes the pair ambiguous.
    this.add(`id:${customer.platform}:${customer.buyerId}`, number);
  }

  /** A bucket of aliases, after every customer: an alias names the look of the one customer it names. */
  addAliases(targets: AliasTargets): void {
    for (const [alias, keys] of Object.entries(targets)) {
      // A platform's own order id is for telling shops apart on import, never shown on a page.
      if (alias.startsWith('ext:')) continue;
      if (keys.length > 1) this.add(alias, this.lookNumber({ kind: 'ambiguous', count: keys.length }));
      else if (keys.length === 1 && this.customerLooks.has(keys[0]!)) this.add(alias, this.customerLooks.get(keys[0]!)!);
    }
  }

  /** The shards and their head; none when the shop's looks are too many to number (every badge then waits for its lookup). */
  finish(built: string): { head: BadgeIndexHead; shards: BadgeShard[] } {
    const { first, second, lookIds, size } = this;
    const bits = shardBits(size);
    const counts = new Uint32Array((1 << bits) + 1);
    for (let i = 0; i < size; i += 1) counts[shardOf(first[i]!, bits) + 1]! += 1;
    for (let s = 1; s < counts.length; s += 1) counts[s]! += counts[s - 1]!;
    // Entries by shard (a counting sort), then each shard by first hash.
    const order = new Uint32Array(size);
    const next = counts.slice(0, -1);
    for (let i = 0; i < size; i += 1) order[next[shardOf(first[i]!, bits)]!++] = i;
    const shards: BadgeShard[] = [];
    for (let shard = 0; shard < 1 << bits; shard += 1) {
      const members = Array.from(order.subarray(counts[shard]!, counts[shard + 1]!)).sort((a, b) => first[a]! - first[b]! || second[a]! - second[b]!);
      if (members.length === 0) continue;
      // An identifier added more than once (a buyer id in two shops) is one ambiguous entry.
      const kept: Array<[number, number, number]> = [];
      for (let at = 0; at < members.length; ) {
        let end = at + 1;
        const i = members[at]!;
        while (end < members.length && first[members[end]!] === first[i] && second[members[end]!] === second[i]) end += 1;
        const look = end - at === 1 ? lookIds[i]! : this.lookNumber({ kind: 'ambiguous', count: end - at });
        kept.push([first[i]!, second[i]!, look]);
        at = end;
      }
      const n = kept.length;
      const bytes = new ArrayBuffer(n * 10);
      const firsts = new Uint32Array(bytes, 0, n);
      const seconds = new Uint32Array(bytes, n * 4, n);
      const looks = new Uint16Array(bytes, n * 8, n);
      kept.forEach(([f, s, l], k) => {
        firsts[k] = f;
        seconds[k] = s;
        looks[k] = l;
      });
      shards.push({ shard, bytes });
    }
    if (this.overflow) return { head: { id: 'badgeIndex', built, bits: 0, entries: 0, looks: [] }, shards: [] };
    return { head: { id: 'badgeIndex', built, bits, entries: shards.reduce((n, s) => n + s.bytes.byteLength / 10, 0), looks: this.looks }, shards };
  }
}

/**
 * Whether the shop has customers but no badge index: a store from before it, until its first
 * rescore. Not after that rescore failed: the seller sees why, and the next one tries again.
 */
export async function badgeIndexMissing(db: Database): Promise<boolean> {
  const [head, counts, rescore] = await Promise.all([db.get('meta', 'badgeIndex'), db.get('meta', 'counts'), db.get('meta', 'rescore')]);
  const failed = (rescore as { state?: string; reason?: string } | undefined)?.state === 'failed' && (rescore as { reason?: string }).reason === 'update';
  return !head && !failed && ((counts as { customers?: number } | undefined)?.customers ?? 0) > 0;
}

/** Replaces the stored index with a new build, in one transaction: a page reads the old or the new, never a mix. */
export async function writeBadgeIndex(db: Database, index: { head: BadgeIndexHead; shards: BadgeShard[] }): Promise<void> {
  const tx = db.transaction(['badgeShards', 'meta'], 'readwrite');
  const shards = tx.objectStore('badgeShards');
  await Promise.all([shards.clear(), ...index.shards.map((shard) => shards.put(shard)), tx.objectStore('meta').put(index.head), tx.done]);
}

/** The look number of an identifier in a shard, or -1. */
function findIn(bytes: ArrayBuffer, first: number, second: number): number {
  const n = bytes.byteLength / 10;
  const firsts = new Uint32Array(bytes, 0, n);
  const seconds = new Uint32Array(bytes, n * 4, n);
  for (let at = countBelow(firsts, first); at < n && firsts[at] === first; at += 1) {
    if (seconds[at] === second) return new Uint16Array(bytes, n * 8, n)[at]!;
  }
  return -1;
}

/** Shards kept in the background between pages, per build: a seller pages through the same customers all day. */
interface ShardCache {
  built: string | null;
  head: BadgeIndexHead | null;
  shards: Map<number, ArrayBuffer | null>;
}
const caches = new WeakMap<Database, ShardCache>();
/** About 20 MB at a million customers: the shards a day of paging touches. */
const CACHED_SHARDS = 8192;

export function clearBadgeCache(db: Database): void {
  caches.delete(db);
}

/**
 * The badge of each row, as `lookupRows` resolves it (strongest ref first; a buyer id on a page
 * of no known platform is any platform's), from the shards the rows' identifiers fall in: null
 * for a row nobody in the index matches. Reads the head and the missing shards in one transaction.
 */
export async function badgeLooks(db: Database, platform: Platform | null, rows: readonly Ref[][], language: Language): Promise<Array<BadgeLook | null>> {
  const keyed = rows.map((refs) =>
    byStrength(refs).map((ref) => (ref.kind === 'id' && !platform ? PLATFORMS.map((p) => hashes(indexKey(ref, p))) : [hashes(indexKey(ref, platform ?? 'generic'))])),
  );
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = { built: null, head: null, shards: new Map() }));
  const tx = db.transaction(['meta', 'badgeShards'], 'readonly');
  const head = (await tx.objectStore('meta').get('badgeIndex')) as BadgeIndexHead | undefined;
  if (!head) return rows.map(() => null);
  if (cache.built !== head.built) Object.assign(cache, { built: head.built, head, shards: new Map() });
  const { bits } = head;
  const shards = cache.shards;
  const missing = new Set<number>();
  for (const refs of keyed) for (const keys of refs) for (const [first] of keys) if (!shards.has(shardOf(first, bits))) missing.add(shardOf(first, bits));
  if (shards.size + missing.size > CACHED_SHARDS) shards.clear();
  const read = await Promise.all([...missing].map(async (shard) => [shard, (await tx.objectStore('badgeShards').get(shard))?.bytes ?? null] as const));
  for (const [shard, bytes] of read) shards.set(shard, bytes);
  const lookOf = (first: number, second: number): StoredLook | null => {
    const bytes = shards.get(shardOf(first, bits));
    const number = bytes ? findIn(bytes, first, second) : -1;
    return number < 0 ? null : (head.looks[number] ?? null);
  };
  return keyed.map((refs) => {
    for (const keys of refs) {
      const found = keys.map(([first, second]) => lookOf(first, second)).filter((look): look is StoredLook => look !== null);
      const count = found.reduce((n, look) => n + (look.kind === 'ambiguous' ? look.count : 1), 0);
      if (count === 1) return lookIn(found[0]!, language);
      if (count > 1) return { kind: 'ambiguous', count };
    }
    return null;
  });
}
