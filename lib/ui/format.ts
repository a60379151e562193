import { minorDigits } from '../money';
import type { Language } from './i18n';
import { shopLabel, type Shop } from '../shops';

export function formatMoney(minor: number, currency: string, language: Language): string {
  const digits = minorDigits(currency);
  return new Intl.NumberFormat(language, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
    minor / 10 ** digits,
  );
}

/** A fact's money (the shop currency's major units) as the shop's currency. */
export function formatMajorMoney(major: number, currency: string, language: Language): string {
  return formatMoney(Math.round(major * 10 ** minorDigits(currency)), currency, language);
}

export function formatInstant(instant: number, language: Language, timeZone?: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(instant);
}

export function formatCount(n: number, language: Language): string {
  return new Intl.NumberFormat(language).format(n);
}

/** A share (0–1) as a percentage with at most one decimal: "12.5%". */
export function formatShare(share: number, language: Language): string {
  return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

/** How many of how many, as the Overview's bars and cells say it: "36 · 11.3%". */
export const countAndShare = (count: number, total: number, language: Language): string => `${formatCount(count, language)} · ${formatShare(total > 0 ? count / total : 0, language)}`;

export function formatDuration(seconds: number, language: Language): string {
  if (!Number.isFinite(seconds)) return '—';
  const unit = seconds >= 90 ? { value: Math.round(seconds / 60), unit: 'minute' as const } : { value: Math.max(1, Math.round(seconds)), unit: 'second' as const };
  return new Intl.NumberFormat(language, { style: 'unit', unit: unit.unit, unitDisplay: 'short' }).format(unit.value);
}

/** A shop as the seller knows it: their name for it, else its platform's; an id no shop has stays as it is. */
export function formatShop(shops: readonly Shop[], id: string, language: Language): string {
  const shop = shops.find((s) => s.id === id);
  return shop ? shopLabel(shop, language) : id;
}

/** A coupon's figures in the shop currency's major units: "满300减80", "80 off orders of 300 or more", or just its value. */
export function formatCoupon(coupon: { couponAmount?: number; minimumSpend?: number }, language: Language): string | null {
  if (coupon.couponAmount === undefined) return null;
  const number = new Intl.NumberFormat(language, { maximumFractionDigits: 2 });
  const off = number.format(coupon.couponAmount);
  if (coupon.minimumSpend === undefined) return language === 'zh-CN' ? `优惠券：${off}` : `Coupon: ${off}`;
  const from = number.format(coupon.minimumSpend);
  return language === 'zh-CN' ? `优惠券：满${from}减${off}` : `Coupon: ${off} off orders of ${from} or more`;
}
