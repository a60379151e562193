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
 * A 53-bit fingerprint of a row's cells, for finding a repeated row among one order's rows: two
 * independent FNV-1a hashes, with a separator between cells so ["ab", "c"] and ["a", "bc"] differ.
 */
export function rowFingerprint(cells: readonly string[]): number {
  let high = 0x811c9dc5;
  let low = 0x050c5d1f;
  for (const cell of cells) {
    for (let i = 0; i < cell.length; i += 1) {
      const code = cell.charCodeAt(i);
      high = Math.imul(high ^ code, 0x01000193);
      low = Math.imul(low ^ code, 0x01000193);
    }
    high = Math.imul(high ^ 0x1f, 0x01000193);
    low = Math.imul(low ^ 0x1e, 0x01000193);
  }
  return (high >>> 0) * 0x200000 + (low & 0x1fffff);
}
