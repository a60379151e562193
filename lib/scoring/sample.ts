import { fnv1a } from '../hash';

/** The most customers a model is fitted on: more changes the parameters by less than their standard error. */
export const MAX_FIT_CUSTOMERS = 20_000;

interface Entry<T> {
  hash: number;
  key: string;
  item: T;
}

/** What a sample has taken in, as data: another thread's, joined to one's own (see `KeySample.join`). */
export interface SampleTaken<T> {
  added: number;
  items: Array<Entry<T>>;
}

/** The sample's order: by hash, then by key (customer keys are unique, so no two entries tie). */
const byHashThenKey = (a: Pick<Entry<unknown>, 'hash' | 'key'>, b: Pick<Entry<unknown>, 'hash' | 'key'>) => a.hash - b.hash || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * At most `limit` items, chosen by a hash of their customer key: the same customers whatever the
 * order of the file, so a fit on a big shop is both fast and deterministic. It holds at most twice
 * the limit as items come: a fit over a million customers held every one of them (their
 * histories and facts), 2 GB, until it chose.
 */
export class KeySample<T> {
  private items: Array<Entry<T>> = [];
  /** The last entry kept at the latest trim: nothing after it in the sample's order can be chosen. */
  private bound: Entry<T> | null = null;
  private added = 0;
  constructor(private readonly limit = MAX_FIT_CUSTOMERS) {}

  add(key: string, item: T): void {
    this.offer(key, () => item);
  }

  /**
   * As `add`, the item made only where it may still be chosen: an item that takes work, or holds
   * much, is made for a few of a big shop's customers (some 100,000 of a million), not for each.
   */
  offer(key: string, make: () => T): void {
    this.added += 1;
    const hash = fnv1a(key);
    if (this.beyondBound({ hash, key })) return;
    this.keep({ hash, key, item: make() });
  }

  /** Whether an entry comes after the last one kept at the latest trim: it can no longer be chosen. */
  private beyondBound(entry: Pick<Entry<T>, 'hash' | 'key'>): boolean {
    return this.bound !== null && byHashThenKey(entry, this.bound) > 0;
  }

  private keep(entry: Entry<T>): void {
    this.items.push(entry);
    if (this.items.length >= 2 * this.limit) this.trim();
  }

  /** What it has taken in so far, as data that crosses to another thread. */
  taken(): SampleTaken<T> {
    return { added: this.added, items: this.items };
  }

  /**
   * Takes in what a sample of the customers after these took in: it then chooses as one sample
   * offered both in turn would. Each side kept every item it could still choose of its own.
   */
  join(taken: SampleTaken<T>): void {
    for (const entry of taken.items) if (!this.beyondBound(entry)) this.keep(entry);
    this.added += taken.added;
  }

  /** How many items were offered. */
  get size(): number {
    return this.added;
  }

  take(): T[] {
    // Fewer than the limit offered: all of them, in the order they came.
    if (this.added <= this.limit) return this.items.map((entry) => entry.item);
    this.trim();
    return this.items.map((entry) => entry.item);
  }

  /** Keeps the `limit` first in the sample's order, sorted. */
  private trim(): void {
    if (this.items.length > this.limit) {
      // The limit-th smallest hash from a typed sort, then only the entries up to it sorted as objects.
      const cutoff = Uint32Array.from(this.items, (entry) => entry.hash).sort()[this.limit - 1]!;
      this.items = this.items.filter((entry) => entry.hash <= cutoff);
    }
    this.items.sort(byHashThenKey);
    this.items.length = Math.min(this.items.length, this.limit);
    this.bound = this.items[this.items.length - 1] ?? null;
  }
}
