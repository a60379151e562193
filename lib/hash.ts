/** FNV-1a over UTF-16 code units: stable across browsers, Node and versions, so a key always hashes alike. */
export function fnv1a(text: string): number {
  return fnv1aFrom(0x811c9dc5, text);
}

/** FNV-1a from another offset basis: a second, independent hash of the same text. */
export function fnv1aFrom(basis: number, text: string): number {
  let hash = basis;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * FNV-1a from the usual basis and from `secondBasis` in one pass, written at `at` and `at + 1`:
 * millions of keys and identifiers are hashed twice by each whole rescore and import.
 */
export function fnv1aPairInto(text: string, secondBasis: number, into: Uint32Array, at: number): void {
  let first = 0x811c9dc5;
  let second = secondBasis;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    first = Math.imul(first ^ code, 0x01000193);
    second = Math.imul(second ^ code, 0x01000193);
  }
  into[at] = first;
  into[at + 1] = second;
}

const PRINT_BASIS = 0x5bd1e995;
const pair = new Uint32Array(2);

/** 53 bits of two hashes of a text: a number, so a million of them fit in a typed array (equal by chance about once in 2⁵³ pairs). */
export function print53(text: string): number {
  fnv1aPairInto(text, PRINT_BASIS, pair, 0);
  return pair[0]! * 2 ** 21 + (pair[1]! & 0x1fffff);
}
