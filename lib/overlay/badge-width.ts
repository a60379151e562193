import type { BadgeLook } from './badge-index';

/** The badge's font, on its host (see HOST_STYLE in overlay.ts); the pills inherit it. */
export const BADGE_FONT = "12px/18px system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif";
/** A pill's padding and border across (see the CSS in overlay.ts: 6 + 6 and a 1px border each side). */
const PILL_EDGES = 14;
/** Every pill's height, and so a badge's: the font's 18px line and a 1px border above and below. */
export const BADGE_HEIGHT = 20;
/** The gap between pills. */
const PILL_GAP = 4;
/** Measured text may round below what layout makes of it: a pixel more per pill. */
const ROUNDING = 1;

/** How wide a text is in the badge's font, in CSS pixels. */
export type TextWidth = (text: string) => number;

/** A look's pills' text, as the badge shows them: the tier (or the plain word), then its rule badges; or the shared-name label. */
export function pillTexts(look: BadgeLook, labels: { customer: string; ambiguous(count: number): string }): string[] {
  if (look.kind === 'ambiguous') return [labels.ambiguous(look.count)];
  return [look.tier?.label ?? labels.customer, ...look.badges.map((badge) => badge.label)];
}

/** The width a look's pills take side by side, from their texts' widths. */
export function lookWidth(texts: readonly string[], textWidth: TextWidth): number {
  return texts.reduce((sum, text) => sum + Math.ceil(textWidth(text)) + PILL_EDGES + ROUNDING, 0) + PILL_GAP * Math.max(0, texts.length - 1);
}

/**
 * The text widths of a canvas in the badge's font: no layout of the page to ask for, as a probe
 * element in the page would force one. Null where there is no canvas to measure with.
 */
export function canvasTextWidth(doc: Document): TextWidth | null {
  let context: CanvasRenderingContext2D | null = null;
  try {
    context = doc.createElement('canvas').getContext('2d');
  } catch {
    return null;
  }
  if (!context) return null;
  const canvas = context;
  // The canvas's font takes no line height.
  canvas.font = BADGE_FONT.replace('/18px', '');
  return (text) => canvas.measureText(text).width;
}

/**
 * The width every badge in a page's tables is given: that of the widest look the shop can show,
 * and of any look shown beyond them. A table's column widens when a cell's content does, and
 * widening lays the whole table out again and repaints it (33–80 ms a frame on a 500-row
 * console); badges of one width widen their column once, with the first.
 */
export class ReservedWidth {
  /** The width given, in CSS pixels; 0 until a look is measured. */
  px = 0;
  /** Each pill's text measured once: a shop's looks are combinations of a few labels. */
  private readonly textWidths = new Map<string, number>();
  private table: readonly BadgeLook[] | null = null;

  constructor(
    private readonly labels: { customer: string; ambiguous(count: number): string },
    private readonly textWidth: TextWidth | null,
  ) {}

  /** Takes in the shop's looks (when they are new) and the look about to be shown; true when the width grew. */
  fit(table: readonly BadgeLook[] | null, look: BadgeLook | null): boolean {
    if (!this.textWidth) return false;
    const before = this.px;
    if (table && table !== this.table) {
      this.table = table;
      for (const each of table) this.take(each);
    }
    if (look) this.take(look);
    return this.px > before;
  }

  private take(look: BadgeLook): void {
    const width = lookWidth(pillTexts(look, this.labels), this.measured);
    if (width > this.px) this.px = width;
  }

  private readonly measured = (text: string): number => {
    let width = this.textWidths.get(text);
    if (width === undefined) this.textWidths.set(text, (width = this.textWidth!(text)));
    return width;
  };
}

/**
 * Gives the badges placed in cells of a page's auto-layout tables the reserved width. In running
 * text, or a cell of fixed width, a wider box would only push the text on or break the line, so
 * those badges keep their own. The canvas is made when a first badge lands in such a cell.
 */
export class TableBadgeWidths {
  private reserved: ReservedWidth | null = null;
  private readonly autoTables = new WeakMap<Element, boolean>();
  /** The hosts given the width, to widen when a wider look comes. */
  private readonly sized = new WeakSet<HTMLElement>();
  /** New hosts to size at the end of the task (see `size`). */
  private unsized: Array<{ host: HTMLElement; anchor: ChildNode; look: BadgeLook; shown: () => Iterable<HTMLElement> }> = [];

  constructor(
    private readonly root: Document,
    private readonly labels: { customer: string; ambiguous(count: number): string },
    private readonly shopLooks: () => readonly BadgeLook[] | null,
  ) {}

  /**
   * Sizes a new badge's host, placed after `anchor`. A look wider than any before widens every
   * badge sized before it among those on the page (`shown`), once, rather than the column a turn at a time.
   * The hosts a task places are sized together at its end, before the page is drawn, their tables
   * read before any is given its width: a table's style read after each insertion recalculated the
   * page's styles each time (2–7 ms for a first turn on a console whose every order is a table).
   */
  size(host: HTMLElement, anchor: ChildNode, look: BadgeLook, shown: () => Iterable<HTMLElement>): void {
    if (this.unsized.push({ host, anchor, look, shown }) > 1) return;
    queueMicrotask(() => {
      const hosts = this.unsized.filter(({ host, anchor }) => host.isConnected && this.autoTable(anchor));
      this.unsized = [];
      for (const { host, look, shown } of hosts) this.give(host, look, shown);
    });
  }

  /**
   * Sizes an empty host that keeps a badge's place after `anchor`, as wide as any badge there
   * will be: false where it cannot be (not a cell of an auto-layout table, or no look measured yet).
   */
  keep(place: HTMLElement, anchor: ChildNode, shown: () => Iterable<HTMLElement>): boolean {
    return this.autoTable(anchor) !== null && this.give(place, null, shown);
  }

  /** Gives a host in an auto-layout table's cell the reserved width, once a look is measured; false where none is yet. */
  private give(host: HTMLElement, look: BadgeLook | null, shown: () => Iterable<HTMLElement>): boolean {
    const reserved = (this.reserved ??= new ReservedWidth(this.labels, canvasTextWidth(this.root)));
    const give = (to: HTMLElement) => reserved.px > 0 && to.style.setProperty('min-width', `${reserved.px}px`, 'important');
    if (reserved.fit(this.shopLooks(), look)) for (const other of shown()) if (this.sized.has(other)) give(other);
    if (!look && reserved.px === 0) return false;
    this.sized.add(host);
    give(host);
    return true;
  }

  /** The auto-layout table in whose cell `anchor` stands, if any, of `rows` rows or more (a style read, once per table). */
  autoTable(anchor: ChildNode, rows = 0): HTMLTableElement | null {
    const table = anchor.parentElement?.closest('td, th')?.closest('table');
    if (!table || table.rows.length < rows) return null;
    let auto = this.autoTables.get(table);
    if (auto === undefined) this.autoTables.set(table, (auto = getComputedStyle(table).tableLayout !== 'fixed'));
    return auto ? table : null;
  }
}
