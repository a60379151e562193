import type { Platform } from '../model';

/** What a page shows of a buyer: resolved by the background through the customer keys and aliases. */
export interface Ref {
  kind: 'id' | 'order' | 'email' | 'phone' | 'name';
  value: string;
}

/**
 * A seller console Tiermark knows. Consoles change their markup and hash their class names, so an
 * adapter anchors on what is stable: order numbers and buyer ids in text and links, labels such
 * as 买家 / 订单号, URL patterns. Pure functions of the DOM it is given; it never fetches.
 */
export interface SiteAdapter {
  id: string;
  platform: Platform;
  /** Match patterns for the content script (never `<all_urls>`). */
  matches: readonly string[];
  /** URLs the adapter must take, and URLs it must leave alone; a test checks both against every adapter. */
  testUrls: { pages: readonly string[]; notPages: readonly string[] };
  /** The pages within `matches` where it works. */
  isPage(url: URL): boolean;
  /** One element per order or buyer row. */
  rows: string;
  extract(row: Element): Ref[];
  /** Where the badge goes: after this element. */
  anchor(row: Element): Element | null;
}

export function defineSiteAdapter(adapter: SiteAdapter): SiteAdapter {
  return adapter;
}

/** A query parameter of a link in the row, e.g. the buyer in a chat link. */
export function linkParam(row: Element, selector: string, names: readonly string[]): { link: HTMLAnchorElement; value: string } | null {
  for (const link of row.querySelectorAll<HTMLAnchorElement>(selector)) {
    let url: URL;
    try {
      url = new URL(link.href, 'https://example.invalid/');
    } catch {
      continue;
    }
    for (const name of names) {
      const value = url.searchParams.get(name)?.trim();
      if (value) return { link, value };
    }
  }
  return null;
}

/** The first match of a pattern in the row's text (group 1). */
export function textMatch(row: Element, pattern: RegExp): string | null {
  return pattern.exec(row.textContent ?? '')?.[1] ?? null;
}

/**
 * The cell of a table row under the header with one of these labels, found by the table's header
 * row rather than by position (consoles let sellers reorder and hide columns). The header row is
 * reached through the table's children: a query for `thead th` walks every body row too, which
 * made reading a 500-row table's refs take 57 ms.
 */
export function cellByHeader(row: Element, labels: readonly string[]): Element | null {
  const head = [...(row.closest('table')?.children ?? [])].find((child) => child.localName === 'thead');
  const headerRow = head?.lastElementChild;
  if (!headerRow) return null;
  const wanted = labels.map((label) => label.toLowerCase());
  const index = [...headerRow.children].findIndex((cell) => wanted.includes(cell.textContent?.trim().toLowerCase() ?? ''));
  return index < 0 ? null : (row.children[index] ?? null);
}

/**
 * Refs from a console table row: the order number from the column under one of `order` headers,
 * the buyer from the column under one of `buyer` headers. A masked value (陈**, jd_***) names
 * nobody and is left out.
 */
export function tableRowRefs(row: Element, headers: { order: readonly string[]; buyer: readonly string[] }, orderNumber: RegExp): Ref[] {
  const refs: Ref[] = [];
  const order = cellByHeader(row, headers.order)?.textContent?.match(orderNumber)?.[0];
  if (order) refs.push({ kind: 'order', value: order });
  const buyer = cellByHeader(row, headers.buyer)?.textContent?.trim();
  if (buyer && !buyer.includes('*')) refs.push({ kind: 'id', value: buyer });
  return refs;
}
