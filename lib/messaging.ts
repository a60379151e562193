import { defineExtensionMessaging } from '@webext-core/messaging';
import type { RescoreStatus } from './db/profiles';
import type { FollowUpStatus } from './follow-ups';
import type { CardView } from './overlay/card-view';
import type { RuleProblem } from './engine/validate';
import type { Platform } from './model';
import type { BadgeAnswer, PackedBadgeIndex } from './overlay/badge-index';
import type { RowMatch } from './overlay/badge-view';
import type { Ref } from './overlay/site-adapter';
import type { Language } from './ui/i18n';

/** What the store holds, for the popup and the dashboard header. */
export interface StoreStatus {
  customers: number;
  orders: number;
  imports: number;
  lastImportAt: number | null;
  /** The last or current rescore; null before the first. */
  rescore: RescoreStatus | null;
}

/** Names the store as its last import and rescore left it: pages that show customers read again when it moves on. */
export const storeVersionOf = (status: Pick<StoreStatus, 'lastImportAt' | 'rescore'> | null | undefined): string => `${status?.lastImportAt ?? 0}|${status?.rescore?.finishedAt ?? 0}`;

/** What Tiermark does on a seller page: the console adapter (or `custom` / `identifiers` on a site the seller switched on) and its badges. */
export interface PageStatus {
  host: string;
  console: string | null;
  badges: number;
}

/**
 * The one protocol map between the extension's contexts. Object payloads, one handler per type,
 * registered by the background's setUp* functions.
 */
interface ProtocolMap {
  // Store
  getStatus(data: Record<string, never>): StoreStatus;
  // Import
  importFinished(data: { importId: string }): RescoreStatus;
  // Scoring: rescore now (after a rule edit, or by hand); resolves when it is done.
  rescore(data: { reason: RescoreStatus['reason'] }): RescoreStatus;
  // Rules: save a rule file (refused with its problems, else saved and a rescore started).
  saveRuleFile(data: { file: string; text: string }): { problems: RuleProblem[] };
  // Overlay: the rows of one batch on a seller page, each a list of refs; a match per row, in order,
  // and the version of the store they come from.
  lookup(data: { platform: Platform | null; rows: Ref[][]; language: Language }): { matches: RowMatch[]; version: string };
  // The badge of each row from the badge index (fast: a few shards), before the lookup says whose it
  // is; null for a row the index does not know, and looks null before the first rescore wrote it.
  // With `table`, every look the index holds too, which the page sizes its badges by.
  badgeLooks(data: { platform: Platform | null; rows: Ref[][]; language: Language; table?: boolean }): BadgeAnswer;
  // A small shop's whole badge index, for badging rows with no message; null for a larger shop.
  badgeIndex(data: { language: Language }): PackedBadgeIndex | null;
  // The history card, its follow-ups (done, snooze for some days, reopen), and the way to the dashboard.
  customerCard(data: { customerKey: string; language: Language }): CardView | null;
  setFollowUpStatus(data: { id: string; status: FollowUpStatus; snoozeDays?: number }): FollowUpStatus;
  openDashboard(data: { customerKey: string }): void;
  // A note and tags staff write on the card (the flags stay as set on the customer's page): the notes saved, or why not.
  saveCardNotes(data: { customerKey: string; note: string; tags: string; language: Language }): { notes: { note: string; tags: string[]; doNotContact: boolean } } | { problem: string };
  // Sites: switch Tiermark on or off for an origin the seller names (the dashboard asks for the permission).
  enableSite(data: { origin: string }): { enabled: boolean };
  disableSite(data: { origin: string }): void;
  isSiteEnabled(data: { origin: string }): boolean;
  // Popup → a seller page's content script: what Tiermark does on that page.
  pageStatus(data: Record<string, never>): PageStatus;
}

export const { sendMessage, onMessage } = defineExtensionMessaging<ProtocolMap>();
