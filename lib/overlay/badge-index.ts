import { aliasKey } from '../aliases';
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

/** The key a row's ref is indexed under: a buyer id by the customer key it names on this platform. */
export const indexKey = (ref: Ref, platform: Platform): string => (ref.kind === 'id' ? `id:${platform}:${ref.value}` : aliasKey[ref.kind](ref.value));
