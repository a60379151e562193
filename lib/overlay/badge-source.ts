import type { Platform } from '../model';
import type { Language } from '../ui/i18n';
import { BadgeIndex, type BadgeAnswer, type BadgeLook, type PackedBadgeIndex } from './badge-index';
import type { RowMatch } from './badge-view';
import type { OverlayOptions } from './overlay';
import type { Ref } from './site-adapter';

/** The background's answers a seller page asks for (lib/messaging.ts), each with the store version it comes from. */
export interface BadgeAnswers {
  badgeIndex(language: Language): Promise<PackedBadgeIndex | null>;
  /** `table`: the answer brings every look the shop's index holds too (see ReservedWidth). */
  badgeLooks(platform: Platform | null, rows: Ref[][], language: Language, table?: boolean): Promise<BadgeAnswer>;
  lookup(platform: Platform | null, rows: Ref[][], language: Language): Promise<{ matches: RowMatch[]; version: string }>;
}

/**
 * Where a seller page's badges come from: a small shop's whole index kept on the page (rows
 * badged with no message), else the background's shards; then the lookup says whose each is. A
 * newer store version in any answer means what the page holds is stale: `onStale` drops what the
 * overlay was told, and the page's index is fetched again.
 */
export class BadgeSource {
  private local: BadgeIndex | null = null;
  private localLanguage: Language | null = null;
  private fetching: string | null = null;
  private seen: string | null = null;
  /** Looks asked for while the page was parsed, by the text of the row's refs (as the overlay keys them); null for a row the index does not know. */
  private readonly early = new Map<string, BadgeLook | null>();
  /** The store version they come from. */
  private earlyVersion: string | null = null;
  /** Whether the background has answered that there is no index for the page (see withoutIndex). */
  private indexAnswered = false;
  private waitingForIndex: Array<() => void> = [];
  /** Every look the shop's index holds, in the page's language, from the store version `tableVersion`: asked for with the next question while null. */
  private table: BadgeLook[] | null = null;
  private tableVersion: string | null = null;
  private tableLanguage: Language | null = null;

  /**
   * `eager`: the index is asked for as the page starts. An inner frame is not eager: a console's
   * frames are often hidden or hold no rows, and each would hold its own copy; one with rows gets
   * the index after its first answer.
   */
  constructor(
    private readonly ask: BadgeAnswers,
    private readonly language: () => Language,
    private readonly onStale: () => void,
    private readonly eager = true,
  ) {}

  /**
   * Runs `run` once the page is known to get no index of its own (a large shop, or an inner frame,
   * which asks for it later): only then are its first rows asked for early (see askEarly). A small
   * shop's page badges them from its index, and is spared the watching.
   */
  withoutIndex(run: () => void): void {
    if (!this.eager || this.indexAnswered) run();
    else this.waitingForIndex.push(run);
  }

  /** On (re)starting the overlay: the page's index in the current language, and the worker woken while the page paints. */
  start(): void {
    this.early.clear();
    this.earlyVersion = null;
    this.waitingForIndex = [];
    if (this.local && this.localLanguage !== this.language()) this.local = null;
    if (!this.eager) return;
    if (!this.local) this.fetchIndex(null);
    if (this.tableLanguage !== this.language()) this.table = null;
    void this.askLooks(null, [], this.language()).catch(() => undefined);
  }

  /** The looks of the first rows, asked for before the overlay starts (see askWhileParsing): its first turn badges them with no message. */
  askEarly(platform: Platform | null, rows: Ref[][]): void {
    const language = this.language();
    void this.askLooks(platform, rows, language)
      .then(({ looks, version }) => {
        // Not taken as an answer of the store's version: a small shop's index, still on its way
        // while the page is parsed, would be asked for again.
        if (!looks || language !== this.language() || (this.seen !== null && this.seen !== version)) return;
        this.earlyVersion = version;
        rows.forEach((refs, i) => this.early.set(JSON.stringify(refs), looks[i] ?? null));
      })
      .catch(() => undefined);
  }

  options(platform: Platform | null): Pick<OverlayOptions, 'lookup' | 'looks' | 'preview' | 'previewing' | 'shopLooks'> {
    return {
      lookup: async (rows) => {
        const { matches, version } = await this.ask.lookup(platform, rows, this.language());
        this.answered(version);
        return matches;
      },
      looks: async (rows) => {
        // Rows the page's own index does not know are asked of the background, whose index is the
        // newest: its answer's version says when the page's is stale.
        const local = this.local;
        const early = rows.map((refs) => this.earlyLook(refs));
        const found = rows.map((refs, i) => local?.look(refs, platform) ?? early[i] ?? null);
        // A row asked for early is answered, known or not.
        const unknown = rows.flatMap((_, i) => (found[i] || early[i] !== undefined ? [] : [i]));
        if (unknown.length === 0) return found;
        const { looks, version } = await this.askLooks(platform, unknown.map((i) => rows[i]!), this.language());
        this.answered(version);
        if (!looks) return null;
        unknown.forEach((row, k) => (found[row] = looks[k] ?? null));
        return found;
      },
      preview: (refs) => this.local?.look(refs, platform) ?? this.earlyLook(refs) ?? null,
      previewing: () => this.local !== null || this.early.size > 0,
      shopLooks: () => this.table,
    };
  }

  /** Asks for rows' looks, and for the shop's table of looks while the page has none of this store version. */
  private async askLooks(platform: Platform | null, rows: Ref[][], language: Language): Promise<BadgeAnswer> {
    const answer = await this.ask.badgeLooks(platform, rows, language, this.table === null);
    if (answer.table && language === this.language()) this.keepTable(answer.table, answer.version, language);
    return answer;
  }

  private keepTable(table: BadgeLook[], version: string, language: Language): void {
    this.table = table;
    this.tableVersion = version;
    this.tableLanguage = language;
  }

  /** A row's look asked for early: null where the index does not know it, undefined where not asked. */
  private earlyLook(refs: Ref[]): BadgeLook | null | undefined {
    return this.early.get(JSON.stringify(refs));
  }

  private answered(version: string): void {
    if (this.earlyVersion !== null && this.earlyVersion !== version) {
      this.early.clear();
      this.earlyVersion = null;
    }
    if (this.seen !== null && this.seen !== version) this.onStale();
    this.seen = version;
    if (this.tableVersion !== version) this.table = null;
    // Also with none: a shop small enough gets it again once the rescore after an import is done.
    if (this.local?.version !== version) this.fetchIndex(version);
  }

  private fetchIndex(version: string | null): void {
    const language = this.language();
    if (this.fetching === `${version}|${language}`) return;
    this.fetching = `${version}|${language}`;
    void this.ask
      .badgeIndex(language)
      .then((packed) => {
        if (language !== this.language()) return;
        this.local = packed ? new BadgeIndex(packed) : null;
        this.localLanguage = language;
        if (packed) this.keepTable(packed.looks, packed.version, language);
        this.indexAnswered = this.local === null;
        const waiting = this.local === null ? this.waitingForIndex : [];
        this.waitingForIndex = [];
        for (const run of waiting) run();
      })
      .catch(() => undefined);
  }
}
