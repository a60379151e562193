import { aliasKey, byStrength } from '../aliases';
import { fnv1a, fnv1aFrom } from '../hash';
import { countBelow } from '../sorted';
import type { Platform } from '../model';
import type { BadgeView, RowMatch } from './badge-view';
import type { Ref } from './site-adapter';

/** What a badge shows: a customer's tier and first two rule badges, or how many customers share a name. */
export type BadgeLook =
  | { kind: 'customer'; tier: { label: string; colour: string } | null; badges: Array<{ label: string; colour: string }> }
  | { kind: 'ambiguous'; count: number };

/** Rule badges shown beside the tier; the rest are in the tooltip and the card. */
export const BADGES_SHOWN = 2;

export function customerLook(view: Pick<BadgeView, 'tier' | 'badges'>): BadgeLook {
  return { kind: 'customer', tier: view.tier, badges: view.badges.slice(0, BADGES_SHOWN).map(({ label, colour }) => ({ label, colour })) };
}

/** What a row's match shows, or null for nobody. */
export function lookOf(match: RowMatch): BadgeLook | null {
  if (match.kind === 'none') return null;
  return match.kind === 'ambiguous' ? { kind: 'ambiguous', count: match.candidates.length } : customerLook(match.view);
}

/**
 * Every identifier of the shop with the badge it gets, packed for a seller page: two 32-bit hashes
 * and a look number per identifier (10 bytes), in base64 because extension messages are JSON.
 */
export interface PackedBadgeIndex {
  /** Changes whenever the store does; a lookup answer carrying another version means this one is stale. */
  version: string;
  looks: BadgeLook[];
  size: number;
  packed: string;
}

/** The key a row's ref is indexed under: a buyer id by the customer key it names on this platform. */
export const indexKey = (ref: Ref, platform: Platform): string => (ref.kind === 'id' ? `id:${platform}:${ref.value}` : aliasKey[ref.kind](ref.value));

const SECOND_BASIS = 0x9747b28c;
const MAX_LOOKS = 0xffff;

/** `entries` maps index keys to positions in `looks`; null when there are too many looks to pack. */
export function packBadgeIndex(version: string, entries: Map<string, number>, looks: BadgeLook[]): PackedBadgeIndex | null {
  if (looks.length > MAX_LOOKS) return null;
  const rows = [...entries].map(([key, look]) => [fnv1a(key), fnv1aFrom(SECOND_BASIS, key), look] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const size = rows.length;
  const bytes = new Uint8Array(size * 10);
  const hashes = new Uint32Array(bytes.buffer, 0, size * 2);
  const lookIds = new Uint16Array(bytes.buffer, size * 8, size);
  rows.forEach(([first, second, look], i) => {
    hashes[i] = first;
    hashes[size + i] = second;
    lookIds[i] = look;
  });
  let binary = '';
  for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return { version, looks, size, packed: btoa(binary) };
}

/**
 * A large shop's index is megabytes of base64: decoded natively where the browser can (Chromium
 * 140 on), as decoding it in script took one seller page a frame over 50 ms.
 */
function fromBase64(text: string): Uint8Array {
  const native = (Uint8Array as { fromBase64?: (text: string) => Uint8Array }).fromBase64;
  if (native) return native.call(Uint8Array, text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The badge index on the page: the look of a row's strongest known ref, found with no message. */
export class BadgeIndex {
  readonly version: string;
  private readonly looks: BadgeLook[];
  private readonly first: Uint32Array;
  private readonly second: Uint32Array;
  private readonly lookIds: Uint16Array;

  constructor(index: PackedBadgeIndex) {
    const bytes = fromBase64(index.packed);
    this.version = index.version;
    this.looks = index.looks;
    this.first = new Uint32Array(bytes.buffer, 0, index.size);
    this.second = new Uint32Array(bytes.buffer, index.size * 4, index.size);
    this.lookIds = new Uint16Array(bytes.buffer, index.size * 8, index.size);
  }

  /** As the background resolves a row (lib/db/lookup.ts): the first ref, strongest first, that the shop knows. */
  look(refs: readonly Ref[], platform: Platform): BadgeLook | null {
    for (const ref of byStrength(refs)) {
      const look = this.find(indexKey(ref, platform));
      if (look) return look;
    }
    return null;
  }

  private find(key: string): BadgeLook | null {
    const first = fnv1a(key);
    const second = fnv1aFrom(SECOND_BASIS, key);
    for (let at = countBelow(this.first, first); at < this.first.length && this.first[at] === first; at += 1) {
      if (this.second[at] === second) return this.looks[this.lookIds[at]!] ?? null;
    }
    return null;
  }
}
