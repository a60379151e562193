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

/**
 * A console the seller describes in the dashboard, for an enabled site: which pages, which rows,
 * where in a row the identifier stands, and optionally a pattern whose first group is the identifier.
 */
export interface CustomAdapter {
  id: string;
  /** A URL prefix on an enabled site, `*` allowed: `https://erp.example.com/orders*`. */
  urlPattern: string;
  rowSelector: string;
  identifierSelector: string;
  /** Read the identifier from this attribute of the identifier's element (href, title, data-order-id) instead of its text. */
  identifierAttribute?: string;
  regex?: string;
}

export const customAdapters = storage.defineItem<CustomAdapter[]>('local:customAdapters', { fallback: [], version: 1 });

/** Whether a URL is one of a custom adapter's pages. */
export function customAdapterMatches(adapter: CustomAdapter, url: string): boolean {
  const pattern = new RegExp(`^${adapter.urlPattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}`);
  return pattern.test(url);
}

/** What is wrong with a custom adapter the seller wrote, in words they can act on; empty when nothing. */
export function customAdapterProblems(adapter: Omit<CustomAdapter, 'id'>, enabledOrigins: readonly string[], document: Document): string[] {
  const problems: string[] = [];
  const origin = originOf(adapter.urlPattern.replace(/\*.*$/, ''));
  if (!origin || !enabledOrigins.includes(origin)) problems.push(`The pages must be on a site you switched on (${enabledOrigins.join(', ') || 'none yet'}).`);
  for (const [label, selector] of [['Row selector', adapter.rowSelector], ['Identifier selector', adapter.identifierSelector]] as const) {
    try {
      if (!selector.trim()) throw new Error('empty');
      document.querySelector(selector);
    } catch {
      problems.push(`${label} "${selector}" is not a CSS selector, e.g. "tr.order-row" or ".buyer-id".`);
    }
  }
  if (adapter.identifierAttribute && !/^[a-zA-Z_:][-a-zA-Z0-9_:.]*$/.test(adapter.identifierAttribute)) {
    problems.push(`"${adapter.identifierAttribute}" is not an attribute name; write one such as href, title or data-order-id, or leave it empty to read the text.`);
  }
  if (adapter.regex) {
    try {
      new RegExp(adapter.regex);
    } catch {
      problems.push(`"${adapter.regex}" is not a regular expression; use one group for the identifier, e.g. "单号[:：](\\d+)".`);
    }
  }
  return problems;
}
