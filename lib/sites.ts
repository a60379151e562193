import { storage } from 'wxt/utils/storage';

/** Origins where the seller has switched Tiermark on (their ERP, 旺店通, a WooCommerce admin…). */
export interface EnabledSite {
  /** `https://erp.example.com`: scheme, host and port, nothing more. */
  origin: string;
  addedAt: number;
}

export const enabledSites = storage.defineItem<EnabledSite[]>('local:enabledSites', { fallback: [], version: 1 });

/** The origin of what the seller typed ("erp.example.com/orders" → "https://erp.example.com"), or null. */
export function originOf(input: string): string | null {
  const text = input.trim();
  if (!text) return null;
  try {
    const url = new URL(/^[a-z]+:\/\//i.test(text) ? text : `https://${text}`);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : null;
  } catch {
    return null;
  }
}

/** The match pattern that covers one origin (ports are not part of match patterns). */
export function patternOf(origin: string): string {
  const url = new URL(origin);
  return `${url.protocol}//${url.hostname}/*`;
}
