import type { BadgeView, RowMatch } from './badge-view';
import { closeCard } from './card';
import { sharedSheet } from './sheet';
import type { Ref, SiteAdapter } from './site-adapter';

export const HOST_CLASS = 'tm-badge-host';

/** How long a page trusts what it was told about a row before asking again. */
const KNOWN_FOR_MS = 3 * 60_000;

const CSS = `
/* !important: for the host element, the page's rules would otherwise win over ours. */
:host { all: initial !important; display: inline-flex !important; gap: 4px !important; margin-left: 6px !important; vertical-align: middle !important;
  font: 12px/18px system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif !important; cursor: default !important; }
.tm-pill { display: inline-block; padding: 0 7px; border-radius: 9px; color: #fff; white-space: nowrap; }
.tm-rule { background: #fff; border: 1px solid currentColor; padding: 0 6px; }
.tm-ambiguous { background: #888; }
:host(:focus-visible) { outline: 2px solid #e4572e !important; outline-offset: 2px !important; border-radius: 9px !important; }
:host([role="button"]) { cursor: pointer !important; }
`;

/** One stylesheet for every badge on the page. */
const badgeSheet = sharedSheet(CSS);

function pill(text: string, colour: string, className: string): HTMLSpanElement {
  const span = document.createElement('span');
  span.className = `tm-pill ${className}`;
  span.textContent = text;
  if (className === 'tm-rule') span.style.color = colour;
  else span.style.background = colour;
  return span;
}

/** A badge host after the anchor: a shadow root keeps the page's styles out and ours in. Text only, never markup. */
function mountBadge(anchor: ChildNode, match: Exclude<RowMatch, { kind: 'none' }>, labels: OverlayLabels, onOpen?: (badge: HTMLElement, customerKey: string) => void): HTMLElement {
  // A custom element name: a page's rules for span or div never select it.
  const host = document.createElement('tm-badge');
  host.className = HOST_CLASS;
  const shadow = host.attachShadow({ mode: 'open' });
  shadow.adoptedStyleSheets = [badgeSheet()];
  if (match.kind === 'ambiguous') {
    host.dataset.tmAmbiguous = String(match.candidates.length);
    shadow.append(pill(labels.ambiguous(match.candidates.length), '#888', 'tm-ambiguous'));
    host.title = `${labels.ambiguous(match.candidates.length)}: ${match.candidates.join(', ')}`;
  } else {
    const view: BadgeView = match.view;
    host.dataset.tmCustomer = view.customerKey;
    shadow.append(pill(view.tier?.label ?? labels.customer, view.tier?.colour ?? '#5d6d7e', 'tm-tier'));
    for (const badge of view.badges.slice(0, 2)) shadow.append(pill(badge.label, badge.colour, 'tm-rule'));
    host.title = [view.buyerId, view.tier?.label, view.summary, ...view.badges.map((b) => b.tooltip ?? b.label)].filter(Boolean).join(' · ');
    if (onOpen) {
      // A button for the keyboard too: Tab reaches it, Enter or Space opens the history card.
      host.tabIndex = 0;
      host.setAttribute('role', 'button');
      host.setAttribute('aria-label', host.title);
      host.addEventListener('click', (event) => {
        event.preventDefault();
        event.stopPropagation();
        onOpen(host, view.customerKey);
      });
      host.addEventListener('keydown', (event) => {
        if (event.key !== 'Enter' && event.key !== ' ') return;
        event.preventDefault();
        onOpen(host, view.customerKey);
      });
    }
  }
  anchor.after(host);
  return host;
}

export interface OverlayLabels {
  customer: string;
  ambiguous(count: number): string;
}

export interface Overlay {
  stop(): void;
}

/**
 * What the overlay badges on a page: an adapter's rows, or the text where a known identifier
 * stands. `targets` finds them in and around a node the page added.
 */
export interface Finder<T extends ChildNode> {
  targets(node: Element): Iterable<T>;
  refs(target: T): Ref[];
  anchor(target: T): ChildNode | null;
}

export function adapterFinder(adapter: SiteAdapter): Finder<Element> {
  return {
    *targets(node) {
      const row = node.closest(adapter.rows);
      if (row) yield row;
      yield* node.querySelectorAll(adapter.rows);
    },
    refs: (row) => adapter.extract(row),
    anchor: (row) => adapter.anchor(row),
  };
}

/**
 * Badges every target the finder finds, now and as the page re-renders (paging, filtering): one
 * observer, targets collected and looked up in one message per batch, a badge per target in its
 * own shadow root. Stopping removes every badge.
 */
export function startOverlay<T extends ChildNode>(
  finder: Finder<T>,
  root: Document,
  lookup: (rows: Ref[][]) => Promise<RowMatch[]>,
  labels: OverlayLabels,
  onOpen?: (badge: HTMLElement, customerKey: string) => void,
): Overlay {
  const hosts = new WeakMap<T, HTMLElement>();
  const pending = new Set<T>();
  // What this page was told about targets it showed before: a console re-rendering them (paging back,
  // filtering) gets its badges in the same task, before the rows are painted. Kept for a few minutes,
  // so a rescore's new tiers show up without reloading the page.
  const known = new Map<string, { match: RowMatch; at: number }>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  const needsBadge = (target: T) => !hosts.get(target)?.isConnected;
  const mount = (target: T, match: RowMatch | undefined) => {
    if (!match || match.kind === 'none' || !target.isConnected || !needsBadge(target)) return;
    const anchor = finder.anchor(target);
    if (anchor) hosts.set(target, mountBadge(anchor, match, labels, onOpen));
  };
  const take = (target: T) => {
    if (!needsBadge(target)) return;
    const refs = finder.refs(target);
    if (refs.length === 0) return;
    const cached = known.get(JSON.stringify(refs));
    if (cached && performance.now() - cached.at < KNOWN_FOR_MS) mount(target, cached.match);
    else pending.add(target);
  };
  const collect = (node: Element) => {
    if (node.classList.contains(HOST_CLASS)) return;
    for (const target of finder.targets(node)) take(target);
    if (pending.size > 0 && timer === null) timer = setTimeout(flush, 0);
  };

  async function flush(): Promise<void> {
    timer = null;
    const targets: T[] = [];
    const refs: Ref[][] = [];
    for (const target of pending) {
      if (!target.isConnected || !needsBadge(target)) continue;
      targets.push(target);
      refs.push(finder.refs(target));
    }
    pending.clear();
    if (targets.length === 0) return;
    const matches = await lookup(refs).catch(() => [] as RowMatch[]);
    if (stopped) return;
    const now = performance.now();
    if (known.size > 10_000) known.clear();
    targets.forEach((target, i) => {
      if (matches[i]) known.set(JSON.stringify(refs[i]), { match: matches[i]!, at: now });
      mount(target, matches[i]);
    });
  }

  const observer = new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) if (node instanceof Element) collect(node);
  });
  observer.observe(root.body, { childList: true, subtree: true });
  collect(root.body);

  return {
    stop() {
      stopped = true;
      observer.disconnect();
      if (timer !== null) clearTimeout(timer);
      for (const host of root.querySelectorAll(`.${HOST_CLASS}`)) host.remove();
      closeCard();
    },
  };
}
