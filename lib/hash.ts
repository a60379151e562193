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
