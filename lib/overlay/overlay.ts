import { lookOf, type BadgeLook } from './badge-index';
import type { BadgeView, RowMatch } from './badge-view';
import { closeCard, closeCardOf } from './card';
import { adoptSheet, sharedSheet } from './sheet';
import { badgeFacts, rememberBadge, type BadgeFacts } from './inspect';
import { BADGE_FONT, BADGE_HEIGHT, TableBadgeWidths, pillTexts } from './badge-width';
import type { Ref, SiteAdapter } from './site-adapter';

export const HOST_CLASS = 'tm-badge-host';
/** An empty host that keeps a badge's place in a table until its look is known (see keepPlaces). */
const PLACE_CLASS = 'tm-badge-place';
/** Tiermark's own elements on a page, badges and kept places: never read as the page's. */
export const OURS = `.${HOST_CLASS}, .${PLACE_CLASS}`;

/**
 * Attributes whose change re-reads a row: where identifiers are read from (links, titles, values,
 * data attributes consoles key their rows by). Style and class changes (hover, selection) are not.
 */
const WATCHED_ATTRIBUTES = ['href', 'title', 'value', 'data-id', 'data-order-id', 'data-key', 'data-row-key', 'data-index', 'id'];

/** How long a page trusts what it was told about a row before asking again. */
const KNOWN_FOR_MS = 3 * 60_000;

/**
 * New badges go in by turns, so that no frame grows long. The task that inserts rows places
 * FIRST_TURN of theirs in page order, a first screen, laid out with the page's own work. Each
 * animation frame after places a later turn (see TurnPacer), as each costs the page a relayout of
 * its own. 20, not 60: on a 500-row console the first turn of 60 (9 rows on screen) added 21 ms to
 * the insertion frame's render and 31 ms of script, 20 added 6 and 19.
 */
const FIRST_TURN = 20;
/**
 * Rows past the first turn whose badges' places are kept from the task that found them (see
 * keepPlaces): about what a window's height beyond the first screen holds on a console of 40px rows.
 */
const PLACES_AHEAD = 40;
/**
 * Places are kept only in a table of this many rows or more: a new host lays out its whole table
 * again, which costs a frame in a long list; in a small table (a console that shows each order as
 * a table of its own) it costs little, and 40 places cost the rows' own frame some 5–10 ms.
 */
const PLACES_FROM_ROWS = 100;
/**
 * After a scroll the turns start small: a frame that changes the page then waits on the raster of
 * what came into view too (see SCROLL_QUIET_MS), where a turn of 10 had made 51 ms frames.
 */
const LATER_TURN = { start: 10, afterScroll: 4, least: 2, most: 40 };
/**
 * Targets beyond the first turn are read (their identifiers, their place) after the page's next
 * paint, so many per frame: reading a row costs a console's own markup walk (a link's URL parsed,
 * 25–60 µs a row on this VM), and 500 of them had taken 40 ms of the insertion's task.
 */
const READ_TURN = 100;
/** A frame longer than this was too long for another turn of the same size; one shorter than SHORT_FRAME_MS left room for more. */
const LONG_FRAME_MS = 34;
const SHORT_FRAME_MS = 20;
/** Frames a turn waits for the page to calm down before it goes in anyway. */
const CALM_WAITS = 12;
/**
 * Beyond the first turn, a badge goes in only once its row is within a window's height of the
 * view: what Tiermark adds to a page grows with what the seller can scroll to soon, not with the
 * page's rows, and frames the compositor is still rastering a long page for are left alone.
 */
const NEAR_MARGIN = '100% 0px';
/**
 * While the seller scrolls, the compositor rasters what comes into view, and a frame that changes
 * the page waits for it: turns of 2–10 badges made frames of 52–76 ms, and turns of 4 still 51–55
 * ms when they came 164–181 ms after a window-long scroll. Turns wait until the page has not
 * scrolled for this long; the rows the margin holds have their badges before they show.
 */
const SCROLL_QUIET_MS = 200;

/**
 * Sizes the later turns by the frames they go into. What a badge costs depends on the page's
 * markup and on how busy the machine is: right after a page paints 500 new rows, the compositor
 * rasters them and frames come 30–50 ms apart; a turn of 5 badges then sat in a 60 ms frame on two
 * cores, where 40 a few frames later took 20. So the first frame of a wait only measures; a turn
 * goes in once frames come at their pace again, is halved after a frame it made long, and grows
 * after a short one.
 */
export class TurnPacer {
  private size = LATER_TURN.start;
  private last: number | null = null;
  private placedLast = false;
  private waited = 0;

  /** How many badges the frame starting at `now` may place; 0 lets it pass. */
  turn(now: number): number {
    const frameMs = this.last === null ? null : now - this.last;
    this.last = now;
    if (frameMs === null) return this.pass();
    if (frameMs > LONG_FRAME_MS) {
      if (this.placedLast) this.size = Math.max(LATER_TURN.least, Math.floor(this.size / 2));
      else if (this.waited < CALM_WAITS) return this.pass();
    } else if (frameMs < SHORT_FRAME_MS && this.placedLast) {
      this.size = Math.min(LATER_TURN.most, this.size + Math.ceil(this.size / 2));
    }
    this.waited = 0;
    this.placedLast = true;
    return this.size;
  }

  /** The page has scrolled: what the frames before said of its pace holds no more, size and all. */
  forget(): void {
    this.size = LATER_TURN.afterScroll;
    this.rest();
  }

  /** Nothing waits any more: the next turn starts by measuring a frame again. */
  rest(): void {
    this.last = null;
    this.placedLast = false;
    this.waited = 0;
  }

  private pass(): number {
    this.waited += 1;
    this.placedLast = false;
    return 0;
  }
}

/**
 * The host's own look, in its style attribute: `!important` there wins over any rule of the page.
 * Not `:host` rules: a sheet with any, a plain `:host {}` too, cost the page's next frame some 20
 * ms more to render (20 badges on a 500-row console: 36–46 ms p50 against 15–16 without them).
 * The same for every badge: it says nothing of the customer.
 */
const HOST_STYLE = `all: initial !important; display: inline-flex !important; gap: 4px !important; margin-left: 6px !important;
  vertical-align: middle !important; font: ${BADGE_FONT} !important; cursor: default !important; position: relative !important;`;
/**
 * A kept place, and the badge that fills it: its size fixed and its layout contained, so that
 * filling it lays out only itself (see keepPlaces). Not its paint: the tooltip and the focus ring
 * are drawn outside it.
 */
const PLACE_STYLE = `${HOST_STYLE} height: ${BADGE_HEIGHT}px !important; contain: size layout style !important;`;
const FOCUS_RING = { outline: '2px solid #e4572e', 'outline-offset': '2px', 'border-radius': '9px' };

// A pill's padding and border come to 14px across, and every pill is BADGE_HEIGHT tall, as badge-width.ts counts them.
const CSS = `
/* The tooltip is drawn here, not in a title attribute the page could read; shown while the badge is hovered or has the keyboard's focus. */
.tm-tip { display: none; position: absolute; left: 0; top: calc(100% + 4px); z-index: 2147483645; max-width: 360px; width: max-content;
  padding: 3px 7px; border-radius: 5px; background: #222; color: #fff; white-space: normal; pointer-events: none; }
.tm-tip.tm-shown:not(:empty) { display: block; }
.tm-pill { display: inline-block; padding: 0 6px; border: 1px solid transparent; border-radius: 9px; color: #fff; white-space: nowrap; }
.tm-rule { background: #fff; border-color: currentColor; }
.tm-ambiguous { background: #888; }
/* On a dark system the tooltip turns light; the pills keep their colours, readable on a light or a dark console. */
@media (prefers-color-scheme: dark) {
  .tm-tip { background: #e6e8eb; color: #16181c; }
}
`;

/** One stylesheet for every badge on the page. */
const badgeSheet = sharedSheet(CSS);

/** A look's text, to tell whether a badge already shows it; the index's looks are shared objects, so each is written once. */
const lookKeys = new WeakMap<BadgeLook, string>();
function lookKey(look: BadgeLook): string {
  let key = lookKeys.get(look);
  if (key === undefined) lookKeys.set(look, (key = JSON.stringify(look)));
  return key;
}

function pill(text: string, colour: string, className: string): HTMLSpanElement {
  const span = document.createElement('span');
  span.className = `tm-pill ${className}`;
  span.textContent = text;
  if (className === 'tm-rule') span.style.color = colour;
  else span.style.background = colour;
  return span;
}

/** How long the mouse rests on a badge before its card opens. */
const HOVER_MS = 400;

/** Opens a badge's history card: by click or key (it takes the focus), or by the mouse resting on it. */
export type OpenCard = (badge: HTMLElement, customerKey: string, how: 'click' | 'hover') => void;

/** An empty host of a badge's size, to keep its place: it says nothing, not even whether a badge will come. */
function keptPlace(): HTMLElement {
  const place = document.createElement('tm-badge');
  place.className = PLACE_CLASS;
  place.style.cssText = PLACE_STYLE;
  return place;
}

/**
 * A badge host: a closed shadow root keeps the page's styles out and ours in, and the page's
 * scripts out of what it says. The host carries no customer data: who it is for is known only to
 * this script (inspect.ts), the tooltip is drawn inside, and its accessible name is the tier
 * alone, which the badge shows anyway. Text only, never markup. A kept place, when given, becomes
 * the host, its size as it was.
 */
function renderBadge(look: BadgeLook, labels: OverlayLabels, onOpen?: OpenCard, place?: HTMLElement): HTMLElement {
  // A custom element name: a page's rules for span or div never select it.
  const host = place ?? document.createElement('tm-badge');
  host.className = HOST_CLASS;
  if (!place) host.style.cssText = HOST_STYLE;
  const shadow = host.attachShadow({ mode: 'closed' });
  adoptSheet(shadow, badgeSheet);
  const facts: BadgeFacts = { customerKey: null, labels: [], tooltip: '', ambiguous: null };
  rememberBadge(host, shadow, facts);
  // The tooltip is made when first wanted: 500 badges are not 500 more elements to style and lay out.
  let hovered = false;
  let focusVisible = false;
  const showTip = () => {
    let tip = tips.get(host);
    if (!tip) {
      tip = document.createElement('span');
      tip.className = 'tm-tip';
      tip.setAttribute('role', 'tooltip');
      tip.textContent = facts.tooltip;
      shadow.append(tip);
      tips.set(host, tip);
    }
    tip.classList.toggle('tm-shown', hovered || focusVisible);
    // A contained host is a stacking context of its own: raised, its tooltip stays above the badges of the rows below.
    host.style.setProperty('z-index', hovered || focusVisible ? '2147483645' : 'auto', 'important');
  };
  host.addEventListener('pointerenter', () => {
    hovered = true;
    showTip();
  });
  host.addEventListener('pointerleave', () => {
    hovered = false;
    showTip();
  });
  /** The ring and the tooltip for the keyboard's focus, not a click's, as :focus-visible draws them. */
  const focused = (visible: boolean) => {
    focusVisible = visible;
    // Off is `initial`, not removed: the page's rules must not reach the host.
    for (const [property, value] of Object.entries(FOCUS_RING)) host.style.setProperty(property, visible ? value : 'initial', 'important');
    showTip();
  };
  host.addEventListener('focus', () => focused(host.matches(':focus-visible')));
  host.addEventListener('blur', () => focused(false));
  facts.labels = pillTexts(look, labels);
  if (look.kind === 'ambiguous') {
    facts.ambiguous = look.count;
    shadow.append(pill(facts.labels[0]!, '#888', 'tm-ambiguous'));
    host.setAttribute('aria-label', facts.labels[0]!);
    return host;
  }
  shadow.append(pill(facts.labels[0]!, look.tier?.colour ?? '#5d6d7e', 'tm-tier'));
  for (const badge of look.badges) shadow.append(pill(badge.label, badge.colour, 'tm-rule'));
  host.setAttribute('aria-label', facts.labels[0]!);
  if (onOpen) {
    // A button for the keyboard too: Tab reaches it, Enter or Space opens the history card, once
    // the lookup has said whose it is.
    host.tabIndex = 0;
    host.setAttribute('role', 'button');
    host.style.setProperty('cursor', 'pointer', 'important');
    // A mouse resting on the badge opens the card too, without taking the focus; a pointer passing over does not.
    let resting: ReturnType<typeof setTimeout> | null = null;
    const restless = () => {
      if (resting !== null) clearTimeout(resting);
      resting = null;
    };
    // Only the seller's own mouse and keys open a card: a page script's click() or dispatched
    // event is not trusted, and must not be a way to read a customer's history.
    const customer = () => badgeFacts(host)?.customerKey ?? null;
    host.addEventListener('pointerenter', (event) => {
      if (event.pointerType !== 'mouse' || !event.isTrusted) return;
      resting = setTimeout(() => {
        const key = customer();
        if (key) onOpen(host, key, 'hover');
      }, HOVER_MS);
    });
    host.addEventListener('pointerleave', restless);
    const open = (event: Event) => {
      event.preventDefault();
      event.stopPropagation();
      restless();
      const key = customer();
      if (event.isTrusted && key) onOpen(host, key, 'click');
    };
    host.addEventListener('click', open);
    host.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') open(event);
    });
  }
  return host;
}

/** Each badge's tooltip element, inside its closed shadow root, once the badge was hovered or focused. */
const tips = new WeakMap<HTMLElement, HTMLElement>();

/** Who the badge is for, from the lookup: kept in this script, and the tooltip's text inside the shadow root. */
function describe(host: HTMLElement, match: Exclude<RowMatch, { kind: 'none' }>, labels: OverlayLabels): void {
  const facts = badgeFacts(host);
  if (!facts) return;
  if (match.kind === 'ambiguous') {
    facts.tooltip = `${labels.ambiguous(match.candidates.length)}: ${match.candidates.join(', ')}`;
  } else {
    const view: BadgeView = match.view;
    facts.customerKey = view.customerKey;
    facts.tooltip = [view.buyerId, view.tier?.label, view.summary, ...view.badges.map((b) => b.tooltip ?? b.label)].filter(Boolean).join(' · ');
  }
  const tip = tips.get(host);
  if (tip) tip.textContent = facts.tooltip;
}

export interface OverlayLabels {
  customer: string;
  ambiguous(count: number): string;
}

export interface Overlay {
  stop(): void;
  /** Drops what the page was told about rows it showed: the store has changed since. */
  forget(): void;
}

/**
 * What the overlay badges on a page: an adapter's rows, or the text where a known identifier
 * stands. `targets` finds them in and around a node the page added.
 */
export interface Finder<T extends ChildNode> {
  targets(node: Element): Iterable<T>;
  /** The targets whose identifiers a change of this node's text or attributes may have changed. */
  around(node: Node): Iterable<T>;
  refs(target: T): Ref[];
  anchor(target: T): ChildNode | null;
  /** The row a target is in, where a row may hold several targets: it shows one badge per buyer. */
  row?(target: T): Element | null;
  /** Attributes the finder reads identifiers from, beyond WATCHED_ATTRIBUTES: a change to one re-reads its target. */
  attributes?: readonly string[];
  /** The finder's targets may stand in the page's open shadow roots: the overlay reads and watches them as it does the page. */
  readsShadowRoots?: boolean;
  /** Whether the target is a row of a console's list, which mostly shows a badge: its place may be kept before its look is known (see keepPlaces). */
  keepsPlace?(target: T): boolean;
}

/** The open shadow roots of an element and of the elements under it (not those nested in them). */
function* openShadowRoots(node: Element): Iterable<ShadowRoot> {
  if (node.shadowRoot) yield node.shadowRoot;
  for (const element of node.querySelectorAll('*')) if (element.shadowRoot) yield element.shadowRoot;
}

/** The row a node is in, for finders whose targets are rows. */
export function* rowAround(node: Node, rows: string): Iterable<Element> {
  const row = (node instanceof Element ? node : node.parentElement)?.closest(rows);
  if (row) yield row;
}

export function adapterFinder(adapter: SiteAdapter): Finder<Element> {
  return {
    *targets(node) {
      const row = node.closest(adapter.rows);
      if (row) yield row;
      yield* node.querySelectorAll(adapter.rows);
    },
    around: (node) => rowAround(node, adapter.rows),
    refs: (row) => adapter.extract(row),
    anchor: (row) => adapter.anchor(row),
    keepsPlace: () => true,
  };
}

/**
 * While the page's markup is parsed, its first turn's targets in page order, handed to `ask` once
 * the parser has gone past them (a target is whole once the next one has begun): a console that
 * arrives with its rows gets their looks before DOMContentLoaded, and their badges are laid out
 * with its first frame. Those parsed before it starts count too. Stops there, or at `stop`
 * (DOMContentLoaded), whichever comes first.
 */
export function askWhileParsing<T extends ChildNode>(finder: Finder<T>, root: Document, ask: (rows: Ref[][]) => void): () => void {
  const found = new Set<T>();
  const take = (nodes: Iterable<Node>) => {
    for (const node of nodes) if (node instanceof Element) for (const target of finder.targets(node)) found.add(target);
    if (found.size <= FIRST_TURN) return;
    observer.disconnect();
    const rows = [...found].slice(0, FIRST_TURN).map((target) => finder.refs(target)).filter((refs) => refs.length > 0);
    if (rows.length > 0) ask(rows);
  };
  const observer = new MutationObserver((records) => take(records.flatMap((record) => [...record.addedNodes])));
  observer.observe(root, { childList: true, subtree: true });
  if (root.body) take([root.body]);
  return () => observer.disconnect();
}

type Cancel = () => void;

/** Runs `run` in a task of its own after `ms`. */
function later(run: () => void, ms: number): Cancel {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
}

/**
 * Runs `run` once, in a task after the page's next paint. A hidden tab paints no frames: after
 * 200 ms it runs anyway.
 */
function afterPaint(run: () => void): Cancel {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    cancel();
    run();
  };
  const fallback = setTimeout(once, 200);
  let next: ReturnType<typeof setTimeout> | null = null;
  const frame = requestAnimationFrame(() => (next = setTimeout(once, 0)));
  const cancel = () => {
    done = true;
    clearTimeout(fallback);
    cancelAnimationFrame(frame);
    if (next !== null) clearTimeout(next);
  };
  return cancel;
}

/** Tiermark's badges in a document and in the frames of its origin inside it (another origin's frame cannot be looked into). */
export function badgesInFrames(document: Document): number {
  let count = document.querySelectorAll(`.${HOST_CLASS}`).length;
  for (const frame of document.querySelectorAll('iframe, frame')) {
    let inner: Document | null = null;
    try {
      inner = (frame as HTMLIFrameElement).contentDocument;
    } catch {
      inner = null;
    }
    if (inner) count += badgesInFrames(inner);
  }
  return count;
}

/** Whether a node is, or is inside, one of Tiermark's own badges or kept places. */
function ours(node: Node): boolean {
  const element = node instanceof Element ? node : node.parentElement;
  return element !== null && element.closest(OURS) !== null;
}

/** Whether an element is one of Tiermark's own badges or kept places (not inside one). */
export function isOurs(element: Element): boolean {
  return element.classList.contains(HOST_CLASS) || element.classList.contains(PLACE_CLASS);
}

export interface OverlayOptions {
  lookup(rows: Ref[][]): Promise<RowMatch[]>;
  labels: OverlayLabels;
  onOpen?: OpenCard;
  /**
   * The look of each row from the shop's badge index, null for a row it does not know: quicker than
   * the lookup, which then says whose each badge is. Null for all when there is no index yet.
   */
  looks?(rows: Ref[][]): Promise<Array<BadgeLook | null> | null>;
  /** The look of a row with no message, from a small shop's whole index on the page; null when not known here. */
  preview?: (refs: Ref[]) => BadgeLook | null;
  /** Whether the page holds the index `preview` answers from: rows can be badged with no message. */
  previewing?: () => boolean;
  /** Every look the shop's badge index holds, once the page has them: each badge in a table's cell is made as wide as the widest (see ReservedWidth). */
  shopLooks?: () => readonly BadgeLook[] | null;
}

/** Targets waiting for an answer, with their refs and the text those were read as. */
type Batch<T> = Array<[T, { refs: Ref[]; key: string }]>;

/**
 * Badges every target the finder finds, now and as the page re-renders (paging, filtering): one
 * observer, a badge per target in its own shadow root, and the targets looked up in one message
 * per batch. A badge is for the identifiers its target showed when it was placed: a console that
 * reuses its rows and changes only their text or attributes (React and Vue lists paging) has each
 * changed row resolved afresh, and a badge whose target has gone from the page goes with it.
 * The badge index answers first: on the page itself for a small shop, so that the first screen's
 * badges go in before the page lays the rows out; else a screenful of rows per message. Badges
 * go in by the frames' turns (see FIRST_TURN and TurnPacer), those beyond the first only as their
 * rows come near the view (NEAR_MARGIN); the lookup then says whose each is, and corrects a badge
 * the index had stale. Rows the page showed before are badged at once. Every badge in a table's
 * cell is as wide as the widest look the shop shows (see ReservedWidth). Stopping removes every badge.
 */
export function startOverlay<T extends ChildNode>(finder: Finder<T>, root: Document, options: OverlayOptions): Overlay {
  const { lookup, labels, onOpen, looks, preview, previewing, shopLooks } = options;
  // Each badge on the page by its target, with the refs' text it was placed for (a Map, so that
  // badges whose targets left the page can be found and removed).
  const shown = new Map<T, { host: HTMLElement; look: string; described: boolean; key: string }>();
  // The refs' text each target was last read with: a lookup's answer for older text is dropped.
  const asked = new WeakMap<T, string>();
  // Per row, the target that shows each buyer's badge there: one badge per buyer per row.
  const rowBuyers = new WeakMap<Element, Map<string, T>>();
  // Each target waiting for the lookup, with its refs and their text (the key of `known`).
  const pending = new Map<T, { refs: Ref[]; key: string }>();
  // Targets the index badged whose badge waits for the view: looked up once it goes in (moved to
  // `toDescribe`, for the next flush). Far rows are never looked up before the seller scrolls near them.
  const undescribed = new Map<T, { refs: Ref[]; key: string }>();
  const toDescribe = new Map<T, { refs: Ref[]; key: string }>();
  // What this page was told about targets it showed before: a console re-rendering them (paging back,
  // filtering) gets its badges, details and all, with no message. Kept for a few minutes, so a
  // rescore's new tiers show up without reloading the page.
  const known = new Map<string, { match: RowMatch; look: BadgeLook | null; at: number }>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  // New badges beyond a turn's share, in page order, for the frames to come.
  const waiting = new Map<T, { look: BadgeLook; match?: RowMatch; key: string }>();
  // Where each target's badge would go, and whether it is near the view (null: not known yet).
  const places = new Map<Element, { near: boolean | null; targets: Set<T> }>();
  const placeOf = new Map<T, Element>();
  // The turn asked for: an animation frame, or a wait for the scrolling to stop first.
  let turnAsked: Cancel | null = null;
  let scrolledAt = -Infinity;
  const scrolled = () => {
    scrolledAt = performance.now();
    pacer.forget();
  };
  // Scroll events do not bubble; a capturing listener hears those of every scrolling element too.
  root.addEventListener('scroll', scrolled, { capture: true, passive: true });
  // Badges this task or frame may still place (see FIRST_TURN and TurnPacer).
  let share = 0;
  // Until the page's first frame after the overlay started (see fromIndex).
  let firstFrameAhead = true;
  // Targets this task may still read, and those found beyond them, in page order, for `readTurn`.
  let reads = 0;
  const unread = new Set<T>();
  let reading: Cancel | null = null;
  const pacer = new TurnPacer();
  const widths = new TableBadgeWidths(root, labels, () => shopLooks?.() ?? null);
  // Empty hosts keeping the places of badges to come, by target (see keepPlaces); and the targets
  // this task found, in page order, up to as many as may have their places kept.
  const kept = new Map<T, HTMLElement>();
  const arrived: T[] = [];
  /** The hosts a wider look widens: the badges shown and the places kept. */
  const sizedHosts = function* () {
    for (const badge of shown.values()) yield badge.host;
    yield* kept.values();
  };
  const current = (target: T) => {
    const badge = shown.get(target);
    return badge?.host.isConnected ? badge : null;
  };
  /** The target's kept place, if it still stands where its badge would go; else it goes. */
  const placeFor = (target: T, anchor: ChildNode): HTMLElement | undefined => {
    const place = kept.get(target);
    kept.delete(target);
    if (place?.isConnected && place.previousSibling === anchor) return place;
    place?.remove();
    return undefined;
  };
  /** The target shows no badge after all: its kept place goes. */
  const release = (target: T) => {
    kept.get(target)?.remove();
    kept.delete(target);
  };
  const unbadge = (target: T) => {
    const badge = shown.get(target);
    if (!badge) return;
    closeCardOf(badge.host);
    badge.host.remove();
    shown.delete(target);
  };
  const put = (target: T, look: BadgeLook, key: string, match?: RowMatch) => {
    let badge = current(target);
    if (!badge) {
      const anchor = finder.anchor(target);
      if (!anchor) return release(target);
      const place = placeFor(target, anchor);
      const host = renderBadge(look, labels, onOpen, place);
      widths.size(host, anchor, look, sizedHosts);
      if (!place) anchor.after(host);
      share -= 1;
      shown.set(target, (badge = { host, look: lookKey(look), described: false, key }));
    }
    if (match && match.kind !== 'none') {
      describe(badge.host, match, labels);
      badge.described = true;
    } else describeSoon(target);
  };
  /**
   * Puts the look's badge on the target (keeping one that already looks so), described when the
   * match is known. A new badge waits for a later frame once this turn has placed its share.
   */
  const show = (target: T, key: string, look: BadgeLook | null, match?: RowMatch) => {
    if (!target.isConnected || asked.get(target) !== key) return;
    let badge = current(target);
    if (badge && (badge.look !== (look && lookKey(look)) || badge.key !== key)) {
      unbadge(target);
      badge = null;
    }
    if (!look || (match?.kind === 'customer' && !claimRow(target, match.view.customerKey))) {
      if (badge) unbadge(target);
      release(target);
      waiting.delete(target);
      undescribed.delete(target);
      if (!look) unwatch(target);
      return;
    }
    if (!badge && share <= 0) {
      waiting.set(target, { look, match, key });
      watch(target);
      // The next frame is that of the task that found the rows: the pacer only measures it. A
      // place not known to be near asks for none (the observer does once it is): right after a
      // long page paints, a frame waits for the compositor to raster it.
      if (nearness(target) === true) askTurn();
      return;
    }
    put(target, look, key, match);
  };
  /** Whether the target may show this buyer's badge: no other target of its row shows it already. */
  function claimRow(target: T, customerKey: string): boolean {
    const row = finder.row?.(target);
    if (!row) return true;
    let buyers = rowBuyers.get(row);
    if (!buyers) rowBuyers.set(row, (buyers = new Map()));
    const holder = buyers.get(customerKey);
    if (holder && holder !== target && row.contains(holder) && (current(holder) || waiting.has(holder))) return false;
    buyers.set(customerKey, target);
    return true;
  }
  /** A turn in the next frame, once the page has stopped scrolling. */
  function askTurn(): void {
    if (turnAsked !== null) return;
    const quietIn = scrolledAt + SCROLL_QUIET_MS - performance.now();
    if (quietIn > 0) {
      turnAsked = later(() => {
        turnAsked = null;
        askTurn();
      }, quietIn);
      return;
    }
    const asked = requestAnimationFrame(nextTurn);
    turnAsked = () => cancelAnimationFrame(asked);
  }
  function cancelTurn(): void {
    turnAsked?.();
    turnAsked = null;
    pacer.rest();
  }
  /** One frame's share of the badges that wait near the view, in page order. */
  function nextTurn(now: number): void {
    turnAsked = null;
    // Scrolled since the turn was asked for: wait for the quiet again.
    if (performance.now() - scrolledAt < SCROLL_QUIET_MS) return askTurn();
    share = pacer.turn(now);
    // Whether a later frame has badges near the view to place; the observer asks for one when a place comes near.
    let more = false;
    for (const [target, { look, match, key }] of waiting) {
      if (nearness(target) !== true) continue;
      if (share <= 0) {
        more = true;
        continue;
      }
      waiting.delete(target);
      if (target.isConnected && asked.get(target) === key) put(target, look, key, match);
    }
    if (more) askTurn();
    else pacer.rest();
  }
  /** Says when a waiting badge's place comes near the view, or leaves it. */
  const nearView =
    typeof IntersectionObserver === 'function'
      ? new IntersectionObserver(
          (entries) => {
            for (const entry of entries) {
              const place = places.get(entry.target);
              if (place) place.near = entry.isIntersecting;
            }
            // Turns while a badge waits near the view; none else. The first report on a place can
            // come a frame or two after it was observed: turns do not wait for it.
            const wanted = waitsNear();
            if (wanted) askTurn();
            else if (turnAsked !== null) cancelTurn();
          },
          { rootMargin: NEAR_MARGIN },
        )
      : null;
  function waitsNear(): boolean {
    for (const target of waiting.keys()) if (nearness(target) === true) return true;
    return false;
  }
  /** Whether the target's badge would go near the view; null until the observer has said. */
  function nearness(target: T): boolean | null {
    const element = placeOf.get(target);
    // A place the page took away is never reported on: the badge goes in, by its anchor of now.
    if (!element?.isConnected) return true;
    const place = places.get(element);
    return place ? place.near : true;
  }
  /**
   * Watches where the target's badge would go, its anchor's element, from when the target is read
   * (see `take`): by the time its answer comes, whether it is far is known, and a far one asks for
   * no frame. Without an observer every place is near.
   */
  function watch(target: T): void {
    if (!nearView) return;
    const anchor = finder.anchor(target);
    const element = anchor instanceof Element ? anchor : anchor?.parentElement;
    if (placeOf.get(target) === element) return;
    unwatch(target);
    if (!element) return;
    let place = places.get(element);
    if (!place) {
      places.set(element, (place = { near: null, targets: new Set() }));
      nearView.observe(element);
    }
    place.targets.add(target);
    placeOf.set(target, element);
  }
  function unwatch(target: T): void {
    const element = placeOf.get(target);
    if (!element) return;
    placeOf.delete(target);
    const place = places.get(element);
    place?.targets.delete(target);
    if (place?.targets.size === 0) {
      places.delete(element);
      nearView?.unobserve(element);
    }
  }
  /**
   * Reads a target's identifiers. The same as its badge was placed for: nothing to do. Else its
   * badge, and anything still on its way for older text, goes, and the new identifiers are resolved.
   */
  const take = (target: T) => {
    const refs = finder.refs(target);
    const key = JSON.stringify(refs);
    // Placed, or on its way, for these very identifiers.
    if (asked.get(target) === key && (current(target)?.key === key || pending.has(target) || undescribed.has(target))) return;
    asked.set(target, key);
    unbadge(target);
    waiting.delete(target);
    pending.delete(target);
    undescribed.delete(target);
    if (refs.length === 0) {
      release(target);
      return unwatch(target);
    }
    const cached = known.get(key);
    if (cached && performance.now() - cached.at < KNOWN_FOR_MS) {
      show(target, key, cached.look, cached.match);
      return;
    }
    const look = preview?.(refs);
    // Badged now or waiting, it is watched by `show`; else from now, while its answer comes.
    if (look) show(target, key, look);
    else watch(target);
    pending.set(target, { refs, key });
  };
  const schedule = () => {
    if ((pending.size > 0 || toDescribe.size > 0) && timer === null) timer = setTimeout(flush, 0);
  };
  /** Reads the targets in and around a node: this turn's share now, the rest after the next paint. */
  const collect = (node: Element) => {
    if (isOurs(node)) return;
    for (const target of finder.targets(node)) {
      if (arrived.length < FIRST_TURN + PLACES_AHEAD && finder.keepsPlace?.(target)) arrived.push(target);
      if (reads > 0) {
        reads -= 1;
        unread.delete(target);
        take(target);
      } else unread.add(target);
    }
    // Mutations in a shadow root reach no observer of the page's body: each open one is watched
    // too, and its content read as the page's is (nested roots by the same step).
    if (finder.readsShadowRoots) {
      for (const shadow of openShadowRoots(node)) {
        if (!watchedShadows.has(shadow)) {
          watchedShadows.add(shadow);
          observer.observe(shadow, watching);
        }
        for (const child of shadow.children) collect(child);
      }
    }
    readLater();
  };
  const watchedShadows = new WeakSet<ShadowRoot>();
  /** The targets left unread are read after the next paint. */
  const readLater = () => {
    if (unread.size > 0 && reading === null) reading = afterPaint(readTurn);
  };
  /**
   * The targets the page shows as the overlay starts: read as if the page had just inserted them.
   * Started at DOMContentLoaded with the shop's index on the page, the first turn's badges are laid
   * out and painted with the page's own first frame. In page order, not measured for the view: a
   * measure there is a layout of the whole page before its first, and its badges then lay it out
   * again. With no index on the page, the first turn's looks were asked for while the page was
   * parsed (see askWhileParsing) and are placed the same way; else its rows are asked for at once
   * (reading 20 takes about a millisecond), and an answer before the page's first frame still goes
   * into it. Asked after the paint, a 500-row console's first badge had come 380–510 ms after
   * DOMContentLoaded on the first load after a browser start.
   */
  function collectArrived(): void {
    // A hidden tab paints no frames: after a moment its answers wait for the turns too.
    requestAnimationFrame(() => (firstFrameAhead = false));
    setTimeout(() => (firstFrameAhead = false), 200);
    reads = FIRST_TURN;
    share = previewing?.() === true ? FIRST_TURN : 0;
    collect(root.body);
    keepPlaces();
    // With no index on the page, asked in this task: a timer's task waits behind the page's first
    // frame. With one, the lookup that says whose each badge is can wait for it.
    if (share > 0) schedule();
    else if (pending.size > 0) void flush();
  }
  /** One paint's share of the targets left unread, in page order. */
  function readTurn(): void {
    reading = null;
    // Outside any frame: their badges wait for the frames' turns, as they come near the view.
    share = 0;
    let left = READ_TURN;
    for (const target of unread) {
      if (left <= 0) break;
      unread.delete(target);
      if (!target.isConnected) continue;
      left -= 1;
      take(target);
    }
    schedule();
    // One turn between paints: back to back, reading turns made frames of 55–60 ms with nothing drawn.
    readLater();
  }
  /**
   * Keeps the places of the badges to come near the first turn's, in the task that found their
   * rows: an empty host of the badge's size after each one's anchor, in a table whose badges are
   * given one width (see TableBadgeWidths), laid out with the rows' own insertion. A badge that
   * later goes in fills its place, and lays out only itself; a new host in a table lays the whole
   * table out again (on a 500-row console, a later turn of 10 badges rendered in 7–13 ms filling
   * places, 17–29 ms as new hosts). Rows whose look the page knows to be none, those past
   * PLACES_AHEAD and those of a small table keep none; a place whose row shows no badge after
   * all goes (see `release`).
   */
  function keepPlaces(): void {
    const found = arrived.splice(0).filter((target) => {
      if (!target.isConnected || current(target) || kept.get(target)?.isConnected) return false;
      // Read and unbadged with the page's index at hand: the index said none.
      return unread.has(target) || (pending.has(target) && previewing?.() !== true);
    });
    // Every anchor and its table read before any place goes in: a table's style read after an
    // insertion recalculates the page's styles. A console's rows share their markup: once one row's
    // anchor is in no long table, neither are the others' (reading an anchor parses a link).
    const spots: Array<{ target: T; anchor: ChildNode }> = [];
    for (const target of found) {
      const anchor = finder.anchor(target);
      if (!anchor) continue;
      if (!widths.autoTable(anchor, PLACES_FROM_ROWS)) break;
      spots.push({ target, anchor });
    }
    for (const { target, anchor } of spots) {
      const place = keptPlace();
      if (!widths.keep(place, anchor, sizedHosts)) return;
      anchor.after(place);
      kept.set(target, place);
    }
  }
  /** Badges whose target has left the page, or whose anchor the page took away, go; so do their kept places. */
  const sweep = () => {
    for (const [target, place] of kept) {
      if (target.isConnected && place.isConnected) continue;
      place.remove();
      kept.delete(target);
    }
    for (const [target, badge] of shown) {
      if (!target.isConnected || !badge.host.isConnected) unbadge(target);
    }
    for (const target of placeOf.keys()) {
      if (target.isConnected) continue;
      waiting.delete(target);
      undescribed.delete(target);
      unwatch(target);
    }
  };

  const remember = (key: string, answer: { match: RowMatch; look: BadgeLook | null; at: number }) => {
    if (known.size > 10_000) known.clear();
    known.set(key, answer);
  };

  async function flush(): Promise<void> {
    timer = null;
    const placed = [...toDescribe].filter(([target, { key }]) => target.isConnected && asked.get(target) === key);
    toDescribe.clear();
    if (placed.length > 0) void describeBatch(placed);
    const batch = [...pending].filter(([target]) => target.isConnected && !current(target)?.described);
    pending.clear();
    if (batch.length === 0) return;
    if (!looks) return describeBatch(batch);
    // A screenful per message, so that the first rows' badges come first; then one lookup.
    const chunks = Array.from({ length: Math.ceil(batch.length / FIRST_TURN) }, (_, k) => batch.slice(k * FIRST_TURN, (k + 1) * FIRST_TURN));
    const indexed = (await Promise.all(chunks.map(fromIndex))).flat();
    if (!stopped && indexed.length > 0) await describeBatch(indexed);
  }

  /**
   * Badges rows from the index and says which it knows: only those are looked up, as a page's text
   * holds far more words than buyers. With no index yet (before the first rescore, or after an
   * import until the rescore after it) every row is looked up.
   */
  async function fromIndex(batch: Batch<T>): Promise<Batch<T>> {
    const found = await looks!(batch.map(([, { refs }]) => refs)).catch(() => undefined);
    // Unanswered: the extension is going away.
    if (stopped || found === undefined) return [];
    if (found === null) return batch;
    const now = performance.now();
    // An answer before the page's first frame since the overlay started puts the first turn in:
    // laid out with that frame, it costs no layout of its own. After it, the frames' turns.
    share = firstFrameAhead ? FIRST_TURN : 0;
    return batch.filter(([target, entry], i) => {
      const look = found[i] ?? null;
      if (look) show(target, entry.key, look);
      else {
        remember(entry.key, { match: { kind: 'none' }, look: null, at: now });
        release(target);
      }
      // A badge that waits for its row to come near the view is looked up once it goes in (`put`).
      if (look && waiting.has(target)) {
        undescribed.set(target, entry);
        return false;
      }
      return look !== null;
    });
  }

  /** Looks up, with the next flush, a badge the index placed whose lookup waited for it. */
  function describeSoon(target: T): void {
    const entry = undescribed.get(target);
    if (!entry) return;
    undescribed.delete(target);
    toDescribe.set(target, entry);
    schedule();
  }

  /** Says whose each row's badge is, from the lookup: it corrects a badge the index had stale. */
  async function describeBatch(batch: Batch<T>): Promise<void> {
    // Unanswered (the extension going away): badges from the index stay, undescribed.
    const matches = await lookup(batch.map(([, { refs }]) => refs)).catch(() => null);
    if (stopped || !matches) return;
    const now = performance.now();
    // The page was laid out before the answer came, and reading it is work enough for this task:
    // its new badges wait for the frames' turns.
    share = 0;
    batch.forEach(([target, { key }], i) => {
      const match = matches[i] ?? { kind: 'none' };
      const look = lookOf(match);
      remember(key, { match, look, at: now });
      show(target, key, look, match);
    });
  }

  const observer = new MutationObserver((records) => {
    share = reads = FIRST_TURN;
    let removed = false;
    const changed = new Set<Node>();
    for (const record of records) {
      if (ours(record.target)) continue;
      if (record.type !== 'childList') {
        changed.add(record.target);
        continue;
      }
      // An added element is read by `collect` (its own targets and the row around it); text put in,
      // or anything taken out, changes what the elements around it say.
      let around = false;
      for (const node of record.addedNodes) {
        if (!(node instanceof Element)) around = true;
        else if (!isOurs(node)) collect(node);
      }
      for (const node of record.removedNodes) {
        if (node instanceof Element && isOurs(node)) continue;
        removed = around = true;
      }
      if (around) changed.add(record.target);
    }
    if (removed) sweep();
    for (const node of changed) if (node.isConnected) for (const target of finder.around(node)) take(target);
    keepPlaces();
    schedule();
  });
  // Attribute changes too: identifiers hide in link targets and titles, and a reused row may change only those.
  const watching: MutationObserverInit = {
    childList: true,
    subtree: true,
    characterData: true,
    attributes: true,
    attributeFilter: [...new Set([...WATCHED_ATTRIBUTES, ...(finder.attributes ?? [])])],
  };
  observer.observe(root.body, watching);
  collectArrived();

  return {
    forget: () => known.clear(),
    stop() {
      stopped = true;
      observer.disconnect();
      if (timer !== null) clearTimeout(timer);
      reading?.();
      unread.clear();
      undescribed.clear();
      toDescribe.clear();
      turnAsked?.();
      root.removeEventListener('scroll', scrolled, { capture: true });
      nearView?.disconnect();
      waiting.clear();
      places.clear();
      placeOf.clear();
      shown.clear();
      kept.clear();
      for (const host of root.querySelectorAll(OURS)) host.remove();
      closeCard();
    },
  };
}
