import { fnv1a } from '../hash';

/** The most customers a model is fitted on: more changes the parameters by less than their standard error. */
export const MAX_FIT_CUSTOMERS = 20_000;

/**
 * At most `limit` items, chosen by a hash of their customer key: the same customers whatever the
 * order of the file, so a fit on a big shop is both fast and deterministic.
 */
export class KeySample<T> {
  private readonly items: Array<{ hash: number; key: string; item: T }> = [];
  constructor(private readonly limit = MAX_FIT_CUSTOMERS) {}

  add(key: string, item: T): void {
    this.items.push({ hash: fnv1a(key), key, item });
  }

  get size(): number {
    return this.items.length;
  }

  take(): T[] {
    if (this.items.length <= this.limit) return this.items.map((entry) => entry.item);
    // The limit-th smallest hash from a typed sort, then only the chosen few sorted as objects.
    const hashes = Uint32Array.from(this.items, (entry) => entry.hash).sort();
    const cutoff = hashes[this.limit - 1]!;
    return this.items
      .filter((entry) => entry.hash <= cutoff)
      .sort((a, b) => a.hash - b.hash || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .slice(0, this.limit)
      .map((entry) => entry.item);
  }
}
