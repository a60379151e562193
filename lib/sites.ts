import { storage } from 'wxt/utils/storage';
import { both, type Localised } from './localised';

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
export function customAdapterProblems(adapter: Omit<CustomAdapter, 'id'>, enabledOrigins: readonly string[], document: Document): Localised[] {
  const problems: Localised[] = [];
  const origin = originOf(adapter.urlPattern.replace(/\*.*$/, ''));
  if (!origin || !enabledOrigins.includes(origin)) {
    problems.push(both(`The pages must be on a site you switched on (${enabledOrigins.join(', ') || 'none yet'}).`, `页面必须在已开启的网站上（${enabledOrigins.join('、') || '目前还没有'}）。`));
  }
  const selectors = [[both('Row selector', '行选择器'), adapter.rowSelector], [both('Identifier selector', '标识选择器'), adapter.identifierSelector]] as const;
  for (const [label, selector] of selectors) {
    try {
      if (!selector.trim()) throw new Error('empty');
      document.querySelector(selector);
    } catch {
      problems.push(both(`${label.en} "${selector}" is not a CSS selector, e.g. "tr.order-row" or ".buyer-id".`, `${label['zh-CN']} "${selector}" 不是 CSS 选择器，可以写成 "tr.order-row" 或 ".buyer-id" 这样。`));
    }
  }
  const attribute = adapter.identifierAttribute;
  if (attribute && !/^[a-zA-Z_:][-a-zA-Z0-9_:.]*$/.test(attribute)) {
    problems.push(both(`"${attribute}" is not an attribute name; write one such as href, title or data-order-id, or leave it empty to read the text.`, `"${attribute}" 不是属性名；请写 href、title 或 data-order-id 这样的名称，或留空以读取文字。`));
  }
  if (adapter.regex) {
    try {
      new RegExp(adapter.regex);
    } catch {
      problems.push(both(`"${adapter.regex}" is not a regular expression; use one group for the identifier, e.g. "单号[:：](\\d+)".`, `"${adapter.regex}" 不是正则表达式；请用一个分组括出标识，例如 "单号[:：](\\d+)"。`));
    }
  }
  return problems;
}
