import type { Database, PseudonymSecret } from './schema';

/**
 * Pseudonymous customer ids for anonymised exports (匿名化): the same customer gets the same id in
 * every export of this shop, so groups of an A/B test can be matched to results later, and nobody
 * without the shop's secret can tell whose it is, even from a list of buyer ids. The secret is made
 * once per store, kept in `meta` (so a backup carries it) and never leaves it.
 */
/** The store's secret, made on first use. */
export async function pseudonymSecret(db: Database): Promise<string> {
  const tx = db.transaction('meta', 'readwrite');
  const stored = (await tx.store.get('pseudonymSecret')) as PseudonymSecret | undefined;
  if (stored) return stored.secret;
  const secret = Array.from(crypto.getRandomValues(new Uint8Array(32)), (byte) => byte.toString(16).padStart(2, '0')).join('');
  await Promise.all([tx.store.put({ id: 'pseudonymSecret', secret }), tx.done]);
  return secret;
}

const BASE32 = 'abcdefghijkmnpqrstuvwxyz23456789';

/** Each customer key's pseudonym: "C-" and 12 letters of its HMAC-SHA-256 under the secret (60 bits: no two alike in a million). */
export async function pseudonymsOf(keys: readonly string[], secret: string): Promise<string[]> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const encoder = new TextEncoder();
  const names: string[] = [];
  // Signed a slice at a time: a hundred thousand pending promises at once hold the worker's memory for nothing.
  for (let start = 0; start < keys.length; start += 2048) {
    const macs = await Promise.all(keys.slice(start, start + 2048).map((customerKey) => crypto.subtle.sign('HMAC', key, encoder.encode(customerKey))));
    for (const mac of macs) {
      const bytes = new Uint8Array(mac);
      let name = 'C-';
      // 12 letters of 5 bits from the first 8 bytes.
      let bits = 0n;
      for (let i = 0; i < 8; i += 1) bits = (bits << 8n) | BigInt(bytes[i]!);
      for (let i = 0; i < 12; i += 1) name += BASE32[Number((bits >> BigInt(59 - i * 5)) & 31n)];
      names.push(name);
    }
  }
  return names;
}
