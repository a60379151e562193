import type { DailyCapacity } from './follow-ups';
import type { RescoreStatus } from './db/profiles';
import type { PastSnapshotStatus } from './snapshots';
import { storage } from 'wxt/utils/storage';
import { DEFAULT_SCORE_SETTINGS } from './scoring/scorer';
import { defaultTimeZone } from './time';

/** The shop's settings the scoring reads; the dashboard's Settings page edits them. */
export interface ShopSettings {
  /** Day boundaries, recency and due dates are counted in this zone. */
  timeZone: string;
  /** Monthly discount rate for CLV. */
  clvDiscountRate: number;
  /** The currency the shop's totals are given in (ISO 4217); unset, the one most customers buy in. */
  currency?: string;
}

export const shopSettings = storage.defineItem<ShopSettings>('local:shopSettings', {
  fallback: { timeZone: defaultTimeZone(), clvDiscountRate: DEFAULT_SCORE_SETTINGS.clvDiscountRate },
  version: 1,
});

/** A daily notification of the follow-ups due: off until the seller switches it on in Settings (the browser then asks for the permission). */
export const dailyReminder = storage.defineItem<boolean>('local:dailyReminder', { fallback: false, version: 1 });

/**
 * The language the seller chose in the dashboard, shared with the popup and the badges and cards
 * on seller pages; null until chosen, when each follows the browser's language.
 */
export const uiLanguage = storage.defineItem<'en' | 'zh-CN' | null>('local:language', { fallback: null, version: 1 });

/**
 * Follow-ups staff can work in a day, per channel: past these, the day's list keeps the most
 * valuable customers and the rest wait. A channel left out has no limit.
 */
export const followUpCapacity = storage.defineItem<DailyCapacity>('local:followUpCapacity', {
  fallback: { phone: 30, 'app-message': 200, sms: 500, email: 500 },
  version: 1,
});

/**
 * The running or last rescore, as the background reports it: pages watch it, since a rescore the
 * background starts itself (daily, after an update) is not announced to them otherwise.
 */
export const rescoreProgress = storage.defineItem<RescoreStatus | null>('local:rescoreProgress', { fallback: null });

/** The rebuild of past months' snapshots the background runs after a rescore finds months without one. */
export const pastSnapshotProgress = storage.defineItem<PastSnapshotStatus | null>('local:pastSnapshotProgress', { fallback: null });
