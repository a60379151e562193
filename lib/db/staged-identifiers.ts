import { keyHashes, keyHashesInto } from '../overlay/badge-index';
import type { Named } from './buckets';

/**
 * Identifiers staged for the rescore of the touched, by their hashes: what the badge patch needs of
 * each, as numbers. Held as text, a day's 400,000 identifiers at a million customers were parsed,
 * hashed, sorted and written again as text by every rescore of the touched (some 3 s of its 7).
 *
 * Each identifier is STAGED_WORDS Uint32 words: its two hashes (as the badge index places it), the
 * two hashes of the key of the customer it names, and how many customers it names (the key's
 * hashes mean something only where that is 1).
 */
export const STAGED_WORDS = 5;

/** The words of identifiers with whom each names (a customer's key, or how many share it); `ext:` ids are never on pages. */
export function stagedWords(named: ReadonlyArray<readonly [string, Named]>): Uint32Array<ArrayBuffer> {
  const kept = named.filter(([identifier]) => !identifier.startsWith('ext:'));
  const words = new Uint32Array(kept.length * STAGED_WORDS);
  kept.forEach(([identifier, whom], i) => {
    const at = i * STAGED_WORDS;
    keyHashesInto(identifier, words, at);
    if (typeof whom === 'string') {
      keyHashesInto(whom, words, at + 2);
      words[at + 4] = 1;
    } else words[at + 4] = whom;
  });
  return words;
}

/** One identifier's words copied: a subarray per identifier cost more than the copy. */
function copyEntry(from: Uint32Array, at: number, to: Uint32Array, place: number): void {
  for (let word = 0; word < STAGED_WORDS; word += 1) to[place + word] = from[at + word]!;
}

/** Whether the identifiers of `words` are sorted by their hashes, each once. */
function sortedOnce(words: Uint32Array): boolean {
  for (let at = STAGED_WORDS; at < words.length; at += STAGED_WORDS) {
    const [first, before] = [words[at]!, words[at - STAGED_WORDS]!];
    if (first < before || (first === before && words[at + 1]! <= words[at + 1 - STAGED_WORDS]!)) return false;
  }
  return true;
}

/**
 * The places of the identifiers of `words` in the order of their hashes, the order staged kept
 * among equal ones: a radix sort, 16 bits a pass, the second hash first. Sorting 415,000 with a
 * comparator took 270-370 ms.
 */
function byHashes(words: Uint32Array, count: number): Uint32Array {
  let order = new Uint32Array(count);
  for (let i = 0; i < count; i += 1) order[i] = i;
  let spare = new Uint32Array(count);
  const starts = new Uint32Array(0x10001);
  for (const [word, shift] of [[1, 0], [1, 16], [0, 0], [0, 16]] as const) {
    starts.fill(0);
    for (let at = word; at < words.length; at += STAGED_WORDS) {
      const digit = ((words[at]! >>> shift) & 0xffff) + 1;
      starts[digit] = starts[digit]! + 1;
    }
    for (let digit = 1; digit <= 0x10000; digit += 1) starts[digit] = starts[digit]! + starts[digit - 1]!;
    for (let i = 0; i < count; i += 1) {
      const place = order[i]!;
      const digit = (words[place * STAGED_WORDS + word]! >>> shift) & 0xffff;
      spare[starts[digit]!] = place;
      starts[digit] = starts[digit]! + 1;
    }
    [order, spare] = [spare, order];
  }
  return order;
}

/** The identifiers of `words` sorted by their hashes, each once: where one comes twice, the later. */
function sortedLastOnce(words: Uint32Array): Uint32Array {
  const count = words.length / STAGED_WORDS;
  const order = byHashes(words, count);
  const sorted = new Uint32Array(words.length);
  let size = 0;
  for (let i = 0; i < count; i += 1) {
    const from = order[i]! * STAGED_WORDS;
    const next = i + 1 < count ? order[i + 1]! * STAGED_WORDS : -1;
    // The same identifier comes next, staged later: that one stands.
    if (next >= 0 && words[next] === words[from] && words[next + 1] === words[from + 1]) continue;
    copyEntry(words, from, sorted, size * STAGED_WORDS);
    size += 1;
  }
  return sorted.slice(0, size * STAGED_WORDS);
}

/**
 * The identifiers of several stagings, in the order staged, as one: sorted by their hashes, each
 * once, the later staging's where two have it. The first is usually the last rescore's compacted
 * staging (already so): only what came after it is sorted, then merged with it.
 */
export function mergeStaged(parts: readonly Uint32Array[]): Uint32Array {
  if (parts.length === 0) return new Uint32Array(0);
  const first = sortedOnce(parts[0]!);
  const base = first ? parts[0]! : new Uint32Array(0);
  const rest = first ? parts.slice(1) : parts;
  if (rest.length === 0) return base;
  const joined = new Uint32Array(rest.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of rest) {
    joined.set(part, offset);
    offset += part.length;
  }
  const later = sortedLastOnce(joined);
  if (base.length === 0) return later;
  const merged = new Uint32Array(base.length + later.length);
  let [i, j, size] = [0, 0, 0];
  const take = (from: Uint32Array, at: number) => {
    copyEntry(from, at, merged, size);
    size += STAGED_WORDS;
  };
  while (i < base.length || j < later.length) {
    if (j >= later.length) take(base, (i += STAGED_WORDS) - STAGED_WORDS);
    else if (i >= base.length) take(later, (j += STAGED_WORDS) - STAGED_WORDS);
    else {
      const order = base[i]! - later[j]! || base[i + 1]! - later[j + 1]!;
      if (order < 0) take(base, (i += STAGED_WORDS) - STAGED_WORDS);
      else {
        // The later staging's stands over the base's.
        if (order === 0) i += STAGED_WORDS;
        take(later, (j += STAGED_WORDS) - STAGED_WORDS);
      }
    }
  }
  return merged.slice(0, size);
}

/** Whom a staged identifier names, by its text: how many customers, and the one's key hashes; null when not staged. */
export function stagedNamed(words: Uint32Array, identifier: string): { holders: number; key?: [number, number] } | null {
  const [first, second] = keyHashes(identifier);
  for (let at = 0; at < words.length; at += STAGED_WORDS) {
    if (words[at] !== first || words[at + 1] !== second) continue;
    const holders = words[at + 4]!;
    return holders === 1 ? { holders, key: [words[at + 2]!, words[at + 3]!] } : { holders };
  }
  return null;
}
