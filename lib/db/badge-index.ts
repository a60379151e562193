import type { Localised } from '../localised';
import type { Customer, Platform } from '../model';
import { BADGES_SHOWN, indexColumns, keyHashes, placeIn, lookNumberIn, resolveRow, rowKeys, type BadgeLook, type IndexColumns, type PackedBadgeIndex } from '../overlay/badge-index';
import type { Ref } from '../overlay/site-adapter';
import type { BadgeOutcome, TierOutcome } from '../engine/outcome';
import type { Language } from '../ui/i18n';
import { eachDigested, type AliasDigest } from './alias-digest';
import { STAGED_WORDS } from './staged-identifiers';
import { storeCounts, type Database, type StoreCounts, type TiermarkDB } from './schema';
import type { RescoreStatus } from './profiles';
import type { IDBPTransaction } from 'idb';
import { orderOfWords } from '../sorted';

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
  /** The store's counts it was built from: an import since (new customers, new orders) makes it stale until the next rescore. */
  counts: { customers: number; orders: number };
  /** Which range of keys its shards are stored under (see SLOT_KEYS); an index written before there were two is in slot 0. */
  slot?: number;
}

/**
 * Shard FILTER holds a Bloom filter of every identifier: a page no adapter knows sends every word
 * that could be one, and only the few the filter lets through cost a shard read.
 */
export const FILTER = -1;
/** Bits per identifier (about 1% false positives with FILTER_HASHES), up to 4 MB at a few million. */
const FILTER_BITS_PER_ENTRY = 10;
const MAX_FILTER_BITS = 2 ** 25;
const FILTER_HASHES = 7;

const filterSize = (entries: number): number => Math.min(MAX_FILTER_BITS, 2 ** Math.max(10, Math.ceil(Math.log2(entries * FILTER_BITS_PER_ENTRY))));

/** Double hashing over the identifier's two hashes: FILTER_HASHES bit positions. */
function filterHas(filter: Uint8Array, first: number, second: number): boolean {
  const mask = filter.length * 8 - 1;
  for (let i = 0; i < FILTER_HASHES; i += 1) {
    const bit = (first + Math.imul(i, second)) & mask;
    if ((filter[bit >>> 3]! & (1 << (bit & 7))) === 0) return false;
  }
  return true;
}

function filterAdd(filter: Uint8Array, first: number, second: number): void {
  const mask = filter.length * 8 - 1;
  for (let i = 0; i < FILTER_HASHES; i += 1) {
    const bit = (first + Math.imul(i, second)) & mask;
    filter[bit >>> 3]! |= 1 << (bit & 7);
  }
}

/**
 * Identifiers per shard, at most: a 500-row page reads a few hundred shards of up to 10 kB. Each
 * shard is a put of its own, and 256 a shard made 16,385 puts at a million customers (some 2 s).
 */
const PER_SHARD = 1024;
const MAX_BITS = 16;
const MAX_LOOKS = 0xffff;

export const shardBits = (entries: number): number => Math.min(MAX_BITS, Math.max(0, Math.ceil(Math.log2(entries / PER_SHARD))));
const shardOf = (first: number, bits: number): number => (bits === 0 ? 0 : first >>> (32 - bits));

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

/** A column twice as long, its values first: the builders' columns grow as customers come. */
function doubled<T extends Uint32Array | Uint16Array>(array: T, Type: new (n: number) => T): T {
  const bigger = new Type(array.length * 2);
  bigger.set(array);
  return bigger;
}

/**
 * Each customer's look number by the two hashes of their key, for their aliases to find: a Map of a
 * million keys was some 80 MB of the rescore's heap, where the collector lets the heap grow to a
 * few times what is live. An open-addressing table over the first hash, made when first asked (a
 * binary search through a sorted order took 3 s for the 3.5 million aliases of a million customers).
 */
class LooksByKey {
  private first = new Uint32Array(1024);
  private second = new Uint32Array(1024);
  private looks = new Uint32Array(1024);
  private size = 0;
  /**
   * Each entry at its first hash's slot or the next free one, as three words: its hashes and its look
   * plus one (0: the slot is free). Side by side, a lookup reads one place in memory: through the
   * entry's position into the columns, the 3.5 million aliases of a million customers took 0.8 s.
   */
  private table: Uint32Array | null = null;

  set(key: string, look: number): void {
    const [first, second] = keyHashes(key);
    this.setHashes(first, second, look);
  }

  private setHashes(first: number, second: number, look: number): void {
    if (this.size === this.first.length) {
      this.first = doubled(this.first, Uint32Array);
      this.second = doubled(this.second, Uint32Array);
      this.looks = doubled(this.looks, Uint32Array);
    }
    this.first[this.size] = first;
    this.second[this.size] = second;
    this.looks[this.size] = look;
    this.size += 1;
    this.table = null;
  }

  /** Each customer's hashes and look number, in the order set. */
  part(): { first: Uint32Array; second: Uint32Array; looks: Uint32Array } {
    return { first: this.first.slice(0, this.size), second: this.second.slice(0, this.size), looks: this.looks.slice(0, this.size) };
  }

  /** Sets the customers of another's `part`, their look numbers as `number` gives them. */
  append(part: ReturnType<LooksByKey['part']>, number: (look: number) => number): void {
    for (let i = 0; i < part.first.length; i += 1) this.setHashes(part.first[i]!, part.second[i]!, number(part.looks[i]!));
  }

  /** The look of the key whose hashes these are. */
  get(f: number, s: number): number | undefined {
    const table = (this.table ??= this.made());
    const mask = table.length / 3 - 1;
    for (let slot = f & mask; ; slot = (slot + 1) & mask) {
      const at = slot * 3;
      const look = table[at + 2]!;
      if (look === 0) return undefined;
      if (table[at] === f && table[at + 1] === s) return look - 1;
    }
  }

  private made(): Uint32Array {
    // At most half full: probes stay short.
    const slots = 2 ** Math.ceil(Math.log2(Math.max(2, this.size * 2)));
    const table = new Uint32Array(slots * 3);
    const mask = slots - 1;
    for (let at = 0; at < this.size; at += 1) {
      let slot = this.first[at]! & mask;
      while (table[slot * 3 + 2] !== 0) slot = (slot + 1) & mask;
      table[slot * 3] = this.first[at]!;
      table[slot * 3 + 1] = this.second[at]!;
      table[slot * 3 + 2] = this.looks[at]! + 1;
    }
    return table;
  }
}

/** Looks numbered by their text, each once, in the order first given (an index's, a patch's). */
class LookNumbers {
  readonly looks: StoredLook[];
  private readonly byText: Map<string, number>;

  constructor(looks: readonly StoredLook[] = []) {
    this.looks = [...looks];
    this.byText = new Map(this.looks.map((look, i) => [JSON.stringify(look), i]));
  }

  of(look: StoredLook): number {
    const text = JSON.stringify(look);
    let number = this.byText.get(text);
    if (number === undefined) this.byText.set(text, (number = this.looks.push(look) - 1));
    return number;
  }
}

/** What a `BadgeIndexBuilder` holds of the customers added to it (see `part`). */
export interface BadgeIndexPart {
  looks: StoredLook[];
  first: Uint32Array;
  second: Uint32Array;
  lookIds: Uint16Array;
  customers: { first: Uint32Array; second: Uint32Array; looks: Uint32Array };
}

/** The buffers of a part's columns, to transfer rather than copy. */
export const badgeIndexBuffers = (part: BadgeIndexPart): ArrayBuffer[] =>
  [part.first, part.second, part.lookIds, ...Object.values(part.customers)].map((column) => column.buffer as ArrayBuffer);

/**
 * Collects the index as the rescore scores each customer, then the aliases; `finish` sorts it into
 * shards. A buyer id of two shops of one platform, and an alias of two customers, is ambiguous.
 */
export class BadgeIndexBuilder {
  private readonly numbers = new LookNumbers();
  private readonly customerLooks = new LooksByKey();
  private readonly numberOfLook = new WeakMap<StoredLook, number>();
  private readonly looksByOutcome = new Map<string, StoredLook>();
  private readonly labelIds = new WeakMap<object, number>();
  private labelIdsMade = 0;
  private first = new Uint32Array(4096);
  private second = new Uint32Array(4096);
  private lookIds = new Uint16Array(4096);
  private size = 0;
  private overflow = false;

  private lookNumber(look: StoredLook): number {
    let number = this.numberOfLook.get(look);
    if (number !== undefined) return number;
    number = this.numbers.of(look);
    if (number >= MAX_LOOKS) this.overflow = true;
    this.numberOfLook.set(look, number);
    return number;
  }

  private labelId(label: object): number {
    let id = this.labelIds.get(label);
    if (id === undefined) this.labelIds.set(label, (id = this.labelIdsMade++));
    return id;
  }

  /**
   * The look of a tier and badges as the rules gave them, one object for every customer with the
   * same: the rules share their labels among the customers they fire for, so the look is found by
   * those objects rather than made and written out as text for each customer.
   */
  lookOf(tier: Pick<TierOutcome, 'label' | 'colour'> | null, badges: readonly Pick<BadgeOutcome, 'label' | 'colour'>[]): StoredLook {
    // Colours are #rrggbb (the rule schema): the key cannot be read two ways.
    let key = tier ? `${this.labelId(tier.label)}:${tier.colour}` : '-';
    for (let i = 0; i < badges.length && i < BADGES_SHOWN; i += 1) key += `|${this.labelId(badges[i]!.label)}:${badges[i]!.colour}`;
    let look = this.looksByOutcome.get(key);
    if (!look) {
      look = storedLook(tier, badges);
      // Labels made for each customer would only grow the map.
      if (this.looksByOutcome.size < 4096) this.looksByOutcome.set(key, look);
    }
    return look;
  }

  private add(first: number, second: number, look: number): void {
    if (this.size === this.first.length) {
      this.first = doubled(this.first, Uint32Array);
      this.second = doubled(this.second, Uint32Array);
      this.lookIds = doubled(this.lookIds, Uint16Array);
    }
    this.first[this.size] = first;
    this.second[this.size] = second;
    this.lookIds[this.size] = look;
    this.size += 1;
  }

  addCustomer(customer: Pick<Customer, 'key' | 'platform' | 'buyerId'>, look: StoredLook): void {
    const number = this.lookNumber(look);
    this.customerLooks.set(customer.key, number);
    // The same id in another shop of the platform adds it again: `finish` makes the pair ambiguous.
    const [first, second] = keyHashes(`id:${customer.platform}:${customer.buyerId}`);
    this.add(first, second, number);
  }

  /** The customers added so far: a part of the rescore scored on another thread, for `append`. */
  part(): BadgeIndexPart {
    return { looks: this.numbers.looks, first: this.first.slice(0, this.size), second: this.second.slice(0, this.size), lookIds: this.lookIds.slice(0, this.size), customers: this.customerLooks.part() };
  }

  /** Adds a part's customers after these, their looks numbered as this builder numbers them. */
  append(part: BadgeIndexPart): void {
    const numbers = part.looks.map((look) => this.lookNumber(look));
    for (let i = 0; i < part.first.length; i += 1) this.add(part.first[i]!, part.second[i]!, numbers[part.lookIds[i]!]!);
    this.customerLooks.append(part.customers, (look) => numbers[look]!);
  }

  /** A bucket of aliases' digest, after every customer: an alias names the look of the one customer it names. */
  addDigest(digest: AliasDigest): void {
    eachDigested(digest, (first, second, named, keyFirst, keySecond) => {
      if (named > 1) this.add(first, second, this.lookNumber({ kind: 'ambiguous', count: named }));
      else {
        const look = this.customerLooks.get(keyFirst, keySecond);
        if (look !== undefined) this.add(first, second, look);
      }
    });
  }

  /** The shards and their head; none when the shop's looks are too many to number (every badge then waits for its lookup). */
  finish(built: string, counts: BadgeIndexHead['counts']): BuiltBadgeIndex {
    const { first, second, lookIds, size } = this;
    const bits = shardBits(size);
    const starts = new Uint32Array((1 << bits) + 1);
    for (let i = 0; i < size; i += 1) starts[shardOf(first[i]!, bits) + 1]! += 1;
    for (let s = 1; s < starts.length; s += 1) starts[s]! += starts[s - 1]!;
    // Every entry by its hashes, so each shard (the first hash's top bits) is a run of them: one radix
    // sort, where a comparison sort of each shard took 1–2 s of a million customers' rescore. By the
    // first hash alone (half the passes); the few entries that share one are put in order after.
    const order = orderOfWords(first, null, size);
    for (let at = 0; at < size; ) {
      let end = at + 1;
      while (end < size && first[order[end]!] === first[order[at]!]) end += 1;
      if (end - at > 1) order.subarray(at, end).sort((a, b) => second[a]! - second[b]! || a - b);
      at = end;
    }
    const shards: BadgeShard[] = [];
    for (let shard = 0; shard < 1 << bits; shard += 1) {
      const members = order.subarray(starts[shard]!, starts[shard + 1]!);
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
      const columns = indexColumns(kept.length);
      kept.forEach(([f, s, l], k) => {
        columns.firsts[k] = f;
        columns.seconds[k] = s;
        columns.lookIds[k] = l;
      });
      shards.push({ shard, bytes: columns.firsts.buffer as ArrayBuffer });
    }
    if (this.overflow) return { head: { id: 'badgeIndex', built, bits: 0, entries: 0, looks: [], counts }, shards: [] };
    const entries = shards.reduce((n, s) => n + s.bytes.byteLength / 10, 0);
    const filter = new Uint8Array(filterSize(size) / 8);
    for (let i = 0; i < size; i += 1) filterAdd(filter, first[i]!, second[i]!);
    shards.push({ shard: FILTER, bytes: filter.buffer });
    return { head: { id: 'badgeIndex', built, bits, entries, looks: this.numbers.looks, counts }, shards };
  }
}

/** A patch entry's look for a customer hidden from pages: the index's entry no longer badges anyone. */
const NONE = 0xffff;

/**
 * `meta` record "badgePatch": the identifiers of the customers imports touched since the index of
 * build `built` was written, with their looks now, read before the index's own entries until the
 * next whole rescore writes the index again. It answers for the store's counts after those imports.
 */
export interface BadgePatch {
  id: 'badgePatch';
  built: string;
  counts: { customers: number; orders: number };
  looks: StoredLook[];
  /** Sorted by hash: [first × n][second × n][look (16 bits; NONE for hidden) × n]. */
  bytes: ArrayBuffer;
  /**
   * Per entry, what the index's own entry for it means (see PatchEntry): a buyer id may be another
   * shop's customer's too, which a whole build makes ambiguous.
   */
  ids: Uint8Array;
}

/** A patch entry's kind: an identifier the patch decides alone, a buyer id of a customer the index has, of one it has not seen. */
const PatchEntry = { Alias: 0, KnownId: 1, NewId: 2 } as const;
type PatchEntry = (typeof PatchEntry)[keyof typeof PatchEntry];

/** A touched customer for the patch: their look, none while hidden from pages; `added` when no whole rescore has seen them. */
export interface PatchedCustomer {
  customer: Pick<Customer, 'key' | 'platform' | 'buyerId'>;
  look: StoredLook | null;
  added: boolean;
}

/**
 * The patch for the touched customers and the identifiers imports added or hold since (each with
 * whom it names, sorted by their hashes, see staged-identifiers.ts): the entries a whole build
 * would make for them, as BadgeIndexBuilder makes them.
 */
export function badgePatch(built: string, counts: BadgePatch['counts'], customers: readonly PatchedCustomer[], identifiers: Uint32Array): BadgePatch {
  const numbers = new LookNumbers();
  const numberOf = (look: StoredLook | null): number => (look ? numbers.of(look) : NONE);
  const ids = new Map<string, { look: number; kind: PatchEntry; holders: number }>();
  const lookOfKey = new LooksByKey();
  for (const { customer, look, added } of customers) {
    const number = numberOf(look);
    lookOfKey.set(customer.key, number);
    const id = `id:${customer.platform}:${customer.buyerId}`;
    const same = ids.get(id);
    // The same buyer id in two shops of the platform, both touched: ambiguous, as in a whole build.
    if (same) ids.set(id, { look: numberOf({ kind: 'ambiguous', count: same.holders + 1 }), kind: PatchEntry.Alias, holders: same.holders + 1 });
    else ids.set(id, { look: number, kind: added ? PatchEntry.NewId : PatchEntry.KnownId, holders: 1 });
  }
  const byId = [...ids].map(([id, entry]) => [...keyHashes(id), entry] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  // Both lists sorted by hash: merged, an identifier over a buyer id of the same hashes.
  const columns = indexColumns(byId.length + identifiers.length / STAGED_WORDS);
  const kinds = new Uint8Array(columns.firsts.length);
  let size = 0;
  const add = (first: number, second: number, look: number, kind: PatchEntry) => {
    [columns.firsts[size], columns.seconds[size], columns.lookIds[size], kinds[size]] = [first, second, look, kind];
    size += 1;
  };
  let next = 0;
  for (let at = 0; at < identifiers.length; at += STAGED_WORDS) {
    const [first, second, holders] = [identifiers[at]!, identifiers[at + 1]!, identifiers[at + 4]!];
    let look: number | undefined;
    if (holders > 1) look = numberOf({ kind: 'ambiguous', count: holders });
    else if (holders === 1) look = lookOfKey.get(identifiers[at + 2]!, identifiers[at + 3]!);
    // Naming a customer not touched: the index has them as they are.
    if (look === undefined) continue;
    for (; next < byId.length && (byId[next]![0] < first || (byId[next]![0] === first && byId[next]![1] < second)); next += 1) add(byId[next]![0], byId[next]![1], byId[next]![2].look, byId[next]![2].kind);
    if (next < byId.length && byId[next]![0] === first && byId[next]![1] === second) next += 1;
    add(first, second, look, PatchEntry.Alias);
  }
  for (; next < byId.length; next += 1) add(byId[next]![0], byId[next]![1], byId[next]![2].look, byId[next]![2].kind);
  const packed = indexColumns(size);
  packed.firsts.set(columns.firsts.subarray(0, size));
  packed.seconds.set(columns.seconds.subarray(0, size));
  packed.lookIds.set(columns.lookIds.subarray(0, size));
  return { id: 'badgePatch', built, counts, looks: numbers.looks, bytes: packed.firsts.buffer as ArrayBuffer, ids: kinds.slice(0, size) };
}

/**
 * An identifier's look with the patch over the index: the patch's where it has the identifier
 * (none for a hidden customer), else the index's. `fromIndex` finds it in the index.
 */
function patchedLook(patch: BadgePatch, columns: IndexColumns, first: number, second: number, fromIndex: () => StoredLook | null): StoredLook | null {
  const at = placeIn(columns, first, second);
  if (at < 0) return fromIndex();
  const number = columns.lookIds[at]!;
  if (number === NONE) return null;
  const look = patch.looks[number]!;
  const kind = patch.ids[at] as PatchEntry;
  if (kind === PatchEntry.Alias) return look;
  const indexed = fromIndex();
  // The index's entry for a known customer's id is theirs, or ambiguous with another shop's customer, and stays so.
  if (!indexed || (kind === PatchEntry.KnownId && indexed.kind !== 'ambiguous')) return look;
  if (kind === PatchEntry.KnownId) return indexed;
  return { kind: 'ambiguous', count: 1 + (indexed.kind === 'ambiguous' ? indexed.count : 1) };
}

/**
 * The shards of two builds are kept side by side, each build's under its own range of keys (its
 * head's `slot`): a rescore writes its shards beside those pages read, then points the head at them
 * in one short transaction. Written in the transaction that replaced the head, they held every
 * seller page's badges 5–6 s at a million customers.
 */
const SLOT_KEYS = 2 ** 20;
const keyIn = (slot: number, shard: number) => slot * SLOT_KEYS + shard;
/** The keys of a slot's shards, from its filter's (or from its first shard's). */
const slotKeys = (slot: number, from = FILTER) => IDBKeyRange.bound(keyIn(slot, from), keyIn(slot, 2 ** MAX_BITS - 1));
const slotOf = (head: BadgeIndexHead): number => head.slot ?? 0;
/** Shards put per transaction (about 1.3 MB at a million customers): a seller page's reads come in between. */
const SHARDS_PER_WRITE = 128;

/** The built index as written: the head points at its shards, numbered as built. */
export type BuiltBadgeIndex = { head: BadgeIndexHead; shards: BadgeShard[] };

/**
 * Replaces the stored index with a new build: its shards go beside the current build's, then one
 * transaction switches the head (with `alongside`), so a page reads the old or the new, never a mix.
 * Returns what deletes the last build's shards, for the caller to run once the new one is in force
 * and said to be.
 */
export async function writeBadgeIndex(db: Database, index: BuiltBadgeIndex, alongside?: (tx: IndexWrite) => Promise<unknown>): Promise<() => Promise<void>> {
  return switchBadgeIndex(db, await putBadgeShards(db, index), alongside);
}

/** A build's head and where its shards are put, not yet in force (see `putBadgeShards`). */
export interface PutBadgeShards {
  head: BadgeIndexHead;
  slot: number;
}

/** Puts a new build's shards beside those pages read (the first part of `writeBadgeIndex`), on any thread. */
export async function putBadgeShards(db: Database, index: BuiltBadgeIndex): Promise<PutBadgeShards> {
  const current = (await db.get('meta', 'badgeIndex')) as BadgeIndexHead | undefined;
  const slot = current ? 1 - slotOf(current) : 0;
  // A build that stopped before its switch left its shards here.
  await db.delete('badgeShards', slotKeys(slot));
  for (let from = 0; from < index.shards.length; from += SHARDS_PER_WRITE) {
    const tx = db.transaction('badgeShards', 'readwrite');
    await Promise.all([...index.shards.slice(from, from + SHARDS_PER_WRITE).map(({ shard, bytes }) => tx.store.put({ shard: keyIn(slot, shard), bytes })), tx.done]);
  }
  return { head: index.head, slot };
}

/** Puts in force a build whose shards are put (the second part of `writeBadgeIndex`). */
export async function switchBadgeIndex(db: Database, { head, slot }: PutBadgeShards, alongside?: (tx: IndexWrite) => Promise<unknown>): Promise<() => Promise<void>> {
  const tx = db.transaction(['badgeShards', 'meta', 'rescored', 'touched'], 'readwrite');
  await Promise.all([tx.objectStore('meta').put({ ...head, slot }), tx.objectStore('meta').delete('badgePatch'), alongside?.(tx), tx.done]);
  return () => db.delete('badgeShards', slotKeys(1 - slot));
}

/** The stored index as it was built (none before the first rescore). */
export async function storedBadgeIndex(db: Database): Promise<BuiltBadgeIndex | null> {
  const tx = db.transaction(['meta', 'badgeShards'], 'readonly');
  const stored = (await tx.objectStore('meta').get('badgeIndex')) as BadgeIndexHead | undefined;
  if (!stored) return null;
  const { slot = 0, ...head } = stored;
  const shards = await tx.objectStore('badgeShards').getAll(slotKeys(slot));
  return { head, shards: shards.map(({ shard, bytes }) => ({ shard: shard - keyIn(slot, 0), bytes })) };
}

/** The transaction that writes a new index: what is written with it is read with it. */
export type IndexWrite = IDBPTransaction<TiermarkDB, ['badgeShards', 'meta', 'rescored', 'touched'], 'readwrite'>;

/** A stored shard's columns. */
const shardColumns = (bytes: ArrayBuffer): IndexColumns => indexColumns(bytes.byteLength / 10, bytes);

/** Shards kept in the background between pages, per build: a seller pages through the same customers all day. */
interface ShardCache {
  built: string | null;
  filter: Uint8Array | null;
  shards: Map<number, ArrayBuffer | null>;
  /** The patch as read once (up to 2 MB): each page's question read and cloned it again. Cleared with the rest after a rescore. */
  patch?: Promise<BadgePatch | undefined>;
}
const caches = new WeakMap<Database, ShardCache>();
/** About 20 MB at a million customers: the shards a day of paging touches. */
const CACHED_SHARDS = 2048;

export function clearBadgeCache(db: Database): void {
  caches.delete(db);
}

/**
 * The index's head and the patch over it, or none while there is no index or an import has changed
 * the store since it was built (or patched).
 */
async function currentHead(
  tx: IDBPTransaction<TiermarkDB, ['meta', 'badgeShards'], 'readonly'>,
  patchOf = () => tx.objectStore('meta').get('badgePatch') as Promise<BadgePatch | undefined>,
): Promise<{ head: BadgeIndexHead; patch: BadgePatch | null } | null> {
  const meta = tx.objectStore('meta');
  const [head, patch, stored] = (await Promise.all([meta.get('badgeIndex'), patchOf(), meta.get('counts')])) as [BadgeIndexHead | undefined, BadgePatch | undefined, StoreCounts | undefined];
  const counts = { customers: stored?.customers ?? 0, orders: stored?.orders ?? 0 };
  const current = (of: { counts?: BadgeIndexHead['counts'] }) => of.counts?.customers === counts.customers && of.counts.orders === counts.orders;
  if (!head) return null;
  if (patch && patch.built === head.built && current(patch)) return { head, patch };
  return current(head) ? { head, patch: null } : null;
}

/**
 * The badge of each row, as `lookupRows` resolves it (strongest ref first; a buyer id on a page
 * of no known platform is any platform's), from the shards the rows' identifiers fall in: null
 * for a row nobody in the index matches, and for all when there is no index yet (before the first
 * rescore) or an import has come since (the lookup then answers every row until the rescore is
 * done). Reads the head and the missing shards in one transaction.
 */
export async function badgeLooks(db: Database, platform: Platform | null, rows: readonly Ref[][], language: Language): Promise<Array<BadgeLook | null> | null> {
  const keyed = rows.map((refs) => rowKeys(refs, platform));
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = { built: null, filter: null, shards: new Map() }));
  const tx = db.transaction(['meta', 'badgeShards'], 'readonly');
  const shardStore = tx.objectStore('badgeShards');
  const kept = cache;
  let patchReadHere = false;
  // A patch of another build than the head's is not used (see currentHead): the cache is reset below, a patch read now for the head kept.
  const current = await currentHead(tx, () => {
    if (kept.patch) return kept.patch;
    patchReadHere = true;
    return (kept.patch = tx.objectStore('meta').get('badgePatch') as Promise<BadgePatch | undefined>);
  });
  if (!current) return null;
  const { head, patch } = current;
  const patchColumns = patch && shardColumns(patch.bytes);
  const shardKey = (shard: number) => keyIn(slotOf(head), shard);
  if (cache.built !== head.built) {
    const filter = (await shardStore.get(shardKey(FILTER)))?.bytes;
    Object.assign(cache, { built: head.built, filter: filter ? new Uint8Array(filter) : null, shards: new Map(), patch: patchReadHere ? cache.patch : undefined });
  }
  const { bits } = head;
  const { shards, filter } = cache;
  const mayHave = (first: number, second: number) => filter !== null && filterHas(filter, first, second);
  const missing = new Set<number>();
  for (const refs of keyed) {
    for (const keys of refs) for (const [first, second] of keys) if (mayHave(first, second) && !shards.has(shardOf(first, bits))) missing.add(shardOf(first, bits));
  }
  if (shards.size + missing.size > CACHED_SHARDS) shards.clear();
  const read = await Promise.all([...missing].map(async (shard) => [shard, (await shardStore.get(shardKey(shard)))?.bytes ?? null] as const));
  for (const [shard, bytes] of read) shards.set(shard, bytes);
  const fromIndex = (first: number, second: number): StoredLook | null => {
    const bytes = mayHave(first, second) ? shards.get(shardOf(first, bits)) : null;
    return bytes ? (head.looks[lookNumberIn(shardColumns(bytes), first, second)] ?? null) : null;
  };
  const find = (first: number, second: number) => (patch ? patchedLook(patch, patchColumns!, first, second, () => fromIndex(first, second)) : fromIndex(first, second));
  return keyed.map((keys) => {
    const look = resolveRow(keys, find);
    return look && lookIn(look, language);
  });
}

/**
 * Looks up to which a seller page gets them all (some 100 kB): a tier and two badges of a shop's
 * rules make a few dozen; a page of a shop with more grows its badges' width as looks come.
 */
export const TABLE_MAX_LOOKS = 1000;

/**
 * Every look the index and its patch hold, in the language: what a seller page sizes its badges
 * by (see lib/overlay/badge-width.ts). Null while there is no current index, or past TABLE_MAX_LOOKS.
 */
export async function indexLooks(db: Database, language: Language): Promise<BadgeLook[] | null> {
  const tx = db.transaction(['meta', 'badgeShards'], 'readonly');
  // The patch as badgeLooks keeps it, when it has read it: up to 2 MB, not read again for a few labels.
  const kept = caches.get(db)?.patch;
  const current = await currentHead(tx, kept ? () => kept : undefined);
  if (!current) return null;
  const { head, patch } = current;
  const looks = [...head.looks, ...(patch?.looks ?? [])];
  return looks.length > TABLE_MAX_LOOKS ? null : looks.map((look) => lookIn(look, language));
}

/** Identifiers up to which a seller page gets the whole index (about 1 MB): badges in the task that shows the rows. */
export const WHOLE_INDEX_MAX = 100_000;

/** A small shop's whole index for a seller page, in the page's language; null for a larger shop, or none yet. */
export async function wholeBadgeIndex(db: Database, language: Language, version: string): Promise<PackedBadgeIndex | null> {
  const tx = db.transaction(['meta', 'badgeShards'], 'readonly');
  const current = await currentHead(tx);
  if (!current || current.head.entries > WHOLE_INDEX_MAX) return null;
  const { head, patch } = current;
  // The shards in order of their numbers are in order of first hash: end to end, one sorted index.
  const shards = (await tx.objectStore('badgeShards').getAll(slotKeys(slotOf(head), 0))).map(({ bytes }) => shardColumns(bytes));
  const size = shards.reduce((n, shard) => n + shard.firsts.length, 0);
  let whole = indexColumns(size);
  let at = 0;
  for (const shard of shards) {
    whole.firsts.set(shard.firsts, at);
    whole.seconds.set(shard.seconds, at);
    whole.lookIds.set(shard.lookIds, at);
    at += shard.firsts.length;
  }
  let looks = head.looks;
  if (patch) ({ columns: whole, looks } = withPatch(whole, head.looks, patch));
  const bytes = new Uint8Array(whole.firsts.buffer);
  let binary = '';
  for (let from = 0; from < bytes.length; from += 0x8000) binary += String.fromCharCode(...bytes.subarray(from, from + 0x8000));
  return { version, looks: looks.map((look) => lookIn(look, language)), size: whole.firsts.length, packed: btoa(binary) };
}

/** A whole index with its patch applied: one sorted index, as a page reads it. */
function withPatch(whole: IndexColumns, headLooks: readonly StoredLook[], patch: BadgePatch): { columns: IndexColumns; looks: StoredLook[] } {
  const numbers = new LookNumbers(headLooks);
  const patchColumns = shardColumns(patch.bytes);
  const entries: Array<[number, number, number]> = [];
  for (let i = 0; i < whole.firsts.length; i += 1) {
    const [first, second] = [whole.firsts[i]!, whole.seconds[i]!];
    if (placeIn(patchColumns, first, second) < 0) entries.push([first, second, whole.lookIds[i]!]);
  }
  for (let i = 0; i < patchColumns.firsts.length; i += 1) {
    const [first, second] = [patchColumns.firsts[i]!, patchColumns.seconds[i]!];
    const look = patchedLook(patch, patchColumns, first, second, () => headLooks[lookNumberIn(whole, first, second)] ?? null);
    if (look) entries.push([first, second, numbers.of(look)]);
  }
  entries.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const columns = indexColumns(entries.length);
  entries.forEach(([first, second, look], i) => {
    columns.firsts[i] = first;
    columns.seconds[i] = second;
    columns.lookIds[i] = look;
  });
  return { columns, looks: numbers.looks };
}
