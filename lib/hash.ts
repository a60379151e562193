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

const PRINT_BASIS = 0x5bd1e995;

/** 53 bits of two hashes of a text: a number, so a million of them fit in a typed array (equal by chance about once in 2⁵³ pairs). */
export const print53 = (text: string): number => fnv1a(text) * 2 ** 21 + (fnv1aFrom(PRINT_BASIS, text) & 0x1fffff);
