import { isOurs, OURS, type Finder } from './overlay';
import type { Ref } from './site-adapter';

const EMAIL = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[a-z]{2,}/gi;
const NUMBER = /#?\d{4,20}/g;
/** Digits this short are years, prices and quantities as often as order numbers: they need a label, a link or an order column. */
const SHORT_ORDER = 8;
/** A label just before a number that says it is an order's: 订单号: 2041, Order #2041, Commande n° 2041, Bestellung 2041. */
const ORDER_LABEL = /(?:订单号|订单编号|订单|单号|order(?:\s*(?:no\.?|number|id))?|commande(?:\s*n[°º])?|bestellung(?:\s*nr\.?)?|pedido|n[°º]|no\.|nr\.)\s*[:：#]?\s*$/i;
/** Marks after a number that make it a date, a time, an amount or a count (2024年, 12点, 3件, 256元). */
const UNIT_AFTER = /^[年月日号時时分秒点點元件个個台箱份]/;
const MONEY_BEFORE = /[¥￥$€£₩₹]\s*$/;
const QUANTITY_BEFORE = /(?:^|[^a-z])[x×*]\s*$/i;

export interface TextContext {
  /** The text is a link's, or the number appears in a link target. */
  link?: boolean;
  /** The text is in a table column whose header names orders. */
  orderColumn?: boolean;
}

/**
 * What in a piece of text could be one of the shop's identifiers: emails, order numbers (#1001,
 * 2847561230001), or the whole text, when it is one word, as a buyer id. A number that is part of
 * a date, a time, an amount or a longer number is none; one shorter than SHORT_ORDER digits counts
 * only with a # or an order label before it, in a link, or in an order column.
 */
export function candidates(text: string, context: TextContext = {}): Ref[] {
  const refs: Ref[] = [];
  for (const email of text.match(EMAIL) ?? []) refs.push({ kind: 'email', value: email });
  for (const match of text.matchAll(NUMBER)) {
    const value = match[0];
    const start = match.index;
    const end = start + value.length;
    if (partOfLargerFigure(text, start, end)) continue;
    const before = text.slice(Math.max(0, start - 24), start);
    if (MONEY_BEFORE.test(before) || QUANTITY_BEFORE.test(before) || UNIT_AFTER.test(text.slice(end))) continue;
    const hash = value.startsWith('#');
    const digits = hash ? value.slice(1) : value;
    if (digits.length < SHORT_ORDER && !hash && !context.link && !context.orderColumn && !ORDER_LABEL.test(before)) continue;
    refs.push({ kind: 'order', value });
    if (hash) refs.push({ kind: 'order', value: digits });
  }
  const whole = text.trim();
  // A short number alone is a year or a count far more often than a buyer's name.
  const bareNumber = /^\d+$/.test(whole) && whole.length < SHORT_ORDER;
  if (whole.length >= 2 && whole.length <= 40 && !/\s/.test(whole) && !bareNumber) refs.push({ kind: 'id', value: whole });
  return refs;
}

/** Whether digits at [start, end) continue into a date, time, decimal or grouped number ("2024-05-01", "12:30", "1,234.50", "v2.4001"). */
function partOfLargerFigure(text: string, start: number, end: number): boolean {
  const isDigit = (at: number) => at >= 0 && at < text.length && text.charCodeAt(at) >= 48 && text.charCodeAt(at) <= 57;
  if (isDigit(start - 1) || isDigit(end)) return true;
  const joins = '-/.:,';
  if (joins.includes(text[start - 1] ?? ' ') && isDigit(start - 2)) return true;
  if (joins.includes(text[end] ?? ' ') && isDigit(end + 1)) return true;
  return false;
}

const SHOW_TEXT = 4;
const FILTER_ACCEPT = 1;
const FILTER_REJECT = 2;
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEXTAREA', 'INPUT', 'SELECT', 'OPTION', 'TEMPLATE']);
/** Elements an identifier may be split across: their text joins with the text beside them. */
const INLINE = new Set(['SPAN', 'A', 'B', 'I', 'EM', 'STRONG', 'FONT', 'SMALL', 'LABEL', 'CODE', 'MARK', 'SUB', 'SUP', 'U', 'S', 'ABBR', 'BDI', 'TIME']);
/** Containers of rows and cells: text directly in them is layout, never a holder. */
const STRUCTURE = new Set(['HTML', 'BODY', 'TABLE', 'THEAD', 'TBODY', 'TFOOT', 'TR', 'UL', 'OL', 'DL', 'SELECT']);
/** A holder with more text than this is prose, not a cell: its text is read node by node. */
const MAX_HOLDER_TEXT = 300;
const ORDER_HEADER = /order|订单|单号|commande|bestell|pedido|ordine|invoice|发票/i;
/** Row containers, for one badge per buyer per row. */
const ROW = 'tr, li, [role="row"], [role="listitem"], article';

/** By node type, not instanceof: true in the page and in linkedom alike. */
const isElement = (node: Node): node is Element => node.nodeType === 1;

/** The element whose joined text an identifier is read from: a text's element, widened over inline elements. */
function holderOf(node: Node): Element | null {
  let element: Element | null = isElement(node) ? node : node.parentElement;
  if (!element) return null;
  for (let parent: Element | null = element.parentElement; INLINE.has(element.tagName) && parent && parent !== element.ownerDocument.body; parent = element.parentElement) {
    if ((parent.textContent?.length ?? 0) > MAX_HOLDER_TEXT) break;
    element = parent;
  }
  return element;
}

/** Whether a table cell's column header names orders. */
function inOrderColumn(holder: Element): boolean {
  const cell = holder.closest('td, th');
  const table = cell?.closest('table');
  if (!cell?.parentElement || !table) return false;
  // The header row by query, not tHead and cells: a cell's place is its place among the row's cells.
  const header = table.querySelector('thead tr') ?? table.querySelector('tr');
  if (!header || header === cell.parentElement) return false;
  const column = [...cell.parentElement.children].indexOf(cell);
  return ORDER_HEADER.test(header.children[column]?.textContent ?? '');
}

/** Identifiers in a link target: mailto addresses, and order numbers and emails in its path and query. */
export function linkRefs(href: string, base = typeof location === 'undefined' ? 'https://example.invalid/' : location.href): Ref[] {
  if (/^mailto:/i.test(href)) {
    const address = decodeURIComponent(href.slice(7).split('?')[0] ?? '').trim();
    return address ? [{ kind: 'email', value: address }] : [];
  }
  let url: URL;
  try {
    url = new URL(href, base);
  } catch {
    return [];
  }
  const values = [...url.searchParams.values(), ...url.pathname.split('/').slice(-2).map((part) => decodeURIComponent(part))];
  return values.flatMap((value): Ref[] => {
    if (/^#?\d{4,20}$/.test(value)) return [{ kind: 'order' as const, value }];
    if (/^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i.test(value)) return [{ kind: 'email' as const, value }];
    return [];
  });
}

/**
 * Where identifiers could stand on a page no adapter knows: in an element's joined text (an order
 * number split across spans), in link targets (`/order/detail?oid=…`, `mailto:`) and in titles.
 * The badge index says which are the shop's, and only those are looked up. Each holder gets its
 * badge after its content, never inside a link, and a row shows one badge per buyer.
 */
export function identifierFinder(): Finder<Element> {
  const readable = (element: Element) => !SKIP.has(element.tagName) && element.closest(`${OURS}, tm-card`) === null;
  const distinct = (refs: Ref[]) => {
    const seen = new Set<string>();
    return refs.filter((ref) => {
      const key = `${ref.kind}:${ref.value}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  };
  // What a holder was read as, kept for the rest of the task: `targets` reads each holder to keep
  // those with identifiers, and the overlay reads the same holders again straight after.
  let readThisTask: Map<Element, Ref[]> | null = null;
  const refs = (holder: Element): Ref[] => {
    let read = readThisTask?.get(holder);
    if (!read) {
      if (!readThisTask) {
        readThisTask = new Map();
        queueMicrotask(() => (readThisTask = null));
      }
      readThisTask.set(holder, (read = readHolder(holder)));
    }
    return read;
  };
  const readHolder = (holder: Element): Ref[] => {
    if (!holder.isConnected || !readable(holder)) return [];
    const text = holder.textContent ?? '';
    const links = [...(holder.matches('a[href]') ? [holder] : []), ...holder.querySelectorAll('a[href]')].slice(0, 5);
    const context = { link: links.length > 0 || holder.closest('a[href]') !== null, orderColumn: inOrderColumn(holder) };
    const found = text.length <= MAX_HOLDER_TEXT ? candidates(text, context) : [];
    for (const link of links) found.push(...linkRefs(link.getAttribute('href') ?? ''));
    for (const titled of [...(holder.hasAttribute('title') ? [holder] : []), ...holder.querySelectorAll('[title]')].slice(0, 5)) {
      found.push(...candidates(titled.getAttribute('title') ?? ''));
    }
    return distinct(found);
  };
  function* targets(node: Element): Iterable<Element> {
    const holders = new Set<Element>();
    // NodeFilter's constants by value: the same in a page and in linkedom, which has no NodeFilter global.
    const walker = node.ownerDocument.createTreeWalker(node, SHOW_TEXT, {
      acceptNode: (text) => (text.parentElement && readable(text.parentElement) ? FILTER_ACCEPT : FILTER_REJECT),
    });
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      if (!/\S/.test((text as Text).data)) continue; // layout whitespace between a table's tags
      const holder = holderOf(text);
      if (holder && !STRUCTURE.has(holder.tagName)) holders.add(holder);
    }
    for (const element of [node, ...node.querySelectorAll('a[href], [title]')]) {
      if (element.matches('a[href], [title]')) {
        const holder = holderOf(element);
        if (holder && !STRUCTURE.has(holder.tagName)) holders.add(holder);
      }
    }
    for (const holder of holders) if (refs(holder).length > 0) yield holder;
  }
  return {
    targets,
    // A console built of web components shows its rows in their open shadow roots.
    readsShadowRoots: true,
    *around(node) {
      const holder = holderOf(node);
      // The element whose text changed is read again even when it now holds nothing, so its old badge goes.
      if (holder && !STRUCTURE.has(holder.tagName) && readable(holder)) yield holder;
      if (isElement(node) && node !== holder) yield* targets(node);
    },
    refs,
    // After the holder's content, so never inside a link the holder contains.
    anchor: (holder) => {
      let last = holder.lastChild;
      while (last && isElement(last) && isOurs(last)) last = last.previousSibling;
      return last;
    },
    row: (holder) => holder.closest(ROW) ?? repeatedAncestor(holder),
  };
}

/** The nearest ancestor (within a few levels) with a sibling like it beside it, as a list's rows are in a grid of divs. */
function repeatedAncestor(element: Element): Element | null {
  const alike = (a: Element, b: Element | null) => b !== null && a.tagName === b.tagName && a.className === b.className;
  let current: Element | null = element;
  for (let depth = 0; current?.parentElement && depth < 6; depth += 1, current = current.parentElement) {
    if (alike(current, current.previousElementSibling) || alike(current, current.nextElementSibling)) return current;
  }
  return null;
}
