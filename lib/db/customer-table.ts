import { CustomerTable, TABLE_LAYOUT, type CustomerTableHead, type ShopKpis, type TableAnswer, type TableQuery, type TableRecord } from '../customer-table';
import type { GroupOutcome } from '../ab-test';
import type { ForecastActual } from '../forecast';
import type { MovedCell, Movement, MovementDimension, PathStep } from '../snapshots';
import { customerPath, movedBetween, movementBetween } from './snapshots';
import type { CohortTable, CohortUnit } from '../cohorts';
import { DEFAULT_KPI_SETTINGS, OPENING_PERIOD, TREND_PERIODS, type KpiSettings, type PeriodChoice } from '../kpis';
import { previewRuleFile, readForPreview, type RulePreview } from '../engine/preview';
import { PATCH_PARTS, PatchedTable, partName, splitPatch, type StoredTablePatch } from '../table-patch';
import { defaultRegistry } from '../engine/registry';
import { checkRuleFile } from '../engine/validate';
import type { Segment, SegmentMember } from '../segments';
import { customersNamedBy, customersWithOrder } from './customer-list';
import { storeCounts, type Database, type TiermarkDB } from './schema';
import type { IDBPTransaction } from 'idb';
import { pacer, TURN_MS } from '../pace';

/**
 * A table record's key in the store: under its build, so the rescore can write a new build's
 * blocks as it goes while pages read the last build's, which `head` names.
 */
export const tableRecordKey = (built: string, name: string): string => (name === 'head' ? name : `${built}/${name}`);

/** Blocks of a build not yet in force (see `CustomerTableBuilder.takeBlocks`), put in a transaction of the caller's. */
export function putTableBlocks(store: { put(record: TableRecord): Promise<unknown> }, built: string, blocks: ReadonlyArray<{ name: string; text: string }>): Array<Promise<unknown>> {
  return blocks.map((block) => store.put({ ...block, name: tableRecordKey(built, block.name) }));
}

/**
 * Puts the new build in force: its remaining records first, each in a transaction of its own and
 * out of sight under the build's name, then one transaction puts its head. A reader gets the old or
 * the new, never a mix. Returns what deletes the records of other builds (the last one, one a
 * stopped rescore left), a batch a transaction: the caller runs it once the new build is in force
 * and said to be. A put copies its record on this thread (some 50–400 ms for a million customers'
 * column), and deleting the last build's 450 MB took the store 3.5 s: in one transaction they held
 * a seller page's badges 4–5 s, so other tasks get turns between. `first` runs in the head's
 * transaction before it: it reads the build in force and the follow-ups as they are (what staff
 * changed of them goes on to the new build's list).
 */
export async function writeCustomerTable(db: Database, records: readonly TableRecord[], first?: (tx: IDBPTransaction<TiermarkDB, ['customerTable', 'followups'], 'readwrite'>) => Promise<void>): Promise<() => Promise<void>> {
  const head = records.find((record): record is CustomerTableHead => record.name === 'head')!;
  const ours = tableRecordKey(head.built, '');
  const turn = pacer(TURN_MS);
  const puts: Array<Promise<unknown>> = [];
  for (const record of records) {
    if (record === head) continue;
    const tx = db.transaction('customerTable', 'readwrite');
    puts.push(tx.store.put({ ...record, name: tableRecordKey(head.built, record.name) } as TableRecord), tx.done);
    await turn();
  }
  await Promise.all(puts);
  const tx = db.transaction(['customerTable', 'followups'], 'readwrite');
  await first?.(tx);
  await Promise.all([tx.objectStore('customerTable').put(head), tx.done]);
  return () => dropOtherBuilds(db, ours, turn);
}

/** Deletes the table's records of every build but the one whose keys start `ours`. */
async function dropOtherBuilds(db: Database, ours: string, turn: () => Promise<void>): Promise<void> {
  // The keys of other builds, in runs between the head and the build in force: deleted a range at a time.
  const runs = (await Promise.all([db.getAllKeys('customerTable', IDBKeyRange.upperBound(ours, true)), db.getAllKeys('customerTable', IDBKeyRange.lowerBound(`${ours}\uffff`, true))])).flatMap((keys) => {
    const at = keys.indexOf('head');
    return at < 0 ? [keys] : [keys.slice(0, at), keys.slice(at + 1)];
  });
  for (const keys of runs) {
    for (let from = 0; from < keys.length; from += RECORDS_PER_DELETE) {
      const batch = keys.slice(from, from + RECORDS_PER_DELETE);
      const tx = db.transaction('customerTable', 'readwrite');
      await Promise.all([tx.store.delete(IDBKeyRange.bound(batch[0]!, batch.at(-1)!)), tx.done]);
      await turn();
    }
  }
}

/** Records of a build gone deleted per transaction: a seller page's reads come in between. */
const RECORDS_PER_DELETE = 256;

/** Puts a rescore of the touched's patch of the table `built` (see `splitPatch`), in a transaction of the caller's, in place of the one before. */
export function putTablePatch(store: { put(record: TableRecord): Promise<unknown>; delete(range: IDBKeyRange): Promise<unknown> }, built: string, patch: StoredTablePatch): Array<Promise<unknown>> {
  const { opened, apart } = splitPatch(patch);
  const parts = tableRecordKey(built, PATCH_PARTS);
  return [
    store.delete(IDBKeyRange.bound(parts, `${parts}\uffff`)),
    store.put({ name: tableRecordKey(built, 'patch'), patch: opened }),
    ...apart.map((record) => store.put({ ...record, name: tableRecordKey(built, partName(patch, record.name)) } as TableRecord)),
  ];
}

/** The table in force, every record by its name in the table (tests and tools; a page reads only what it needs). */
export async function storedTableRecords(db: Database): Promise<Map<string, TableRecord>> {
  const head = (await db.get('customerTable', 'head')) as CustomerTableHead | undefined;
  if (!head) return new Map();
  const ours = tableRecordKey(head.built, '');
  const records = await db.getAll('customerTable', IDBKeyRange.bound(ours, `${ours}\uffff`));
  return new Map<string, TableRecord>([['head', head], ...records.map((record) => [record.name.slice(ours.length), { ...record, name: record.name.slice(ours.length) }] as [string, TableRecord])]);
}

/**
 * The table in force and the records of it `names` picks, when it is the build `built` of this
 * layout (null otherwise), read in one transaction.
 */
export async function tableOfBuild(db: Database, built: string, names: (head: CustomerTableHead) => readonly string[]): Promise<{ head: CustomerTableHead; records: Map<string, ArrayBuffer> } | null> {
  const tx = db.transaction('customerTable');
  const head = (await tx.store.get('head')) as CustomerTableHead | undefined;
  if (head?.built !== built || head.layout !== TABLE_LAYOUT) return null;
  const wanted = names(head);
  const read = await Promise.all(wanted.map((name) => tx.store.get(tableRecordKey(built, name))));
  const records = new Map<string, ArrayBuffer>();
  read.forEach((record, i) => {
    if (record && 'bytes' in record) records.set(wanted[i]!, record.bytes);
  });
  return records.size === wanted.length ? { head, records } : null;
}

/** A column read found another build than the one it was opened at: open it again. */
export class TableRebuilt extends Error {
  constructor() {
    super('The customer table was rebuilt while it was read');
  }
}

/** The table as the last rescore wrote it, and how many customers an import has added since (listed after the next rescore). */
export interface OpenedTable {
  table: CustomerTable;
  notListed: number;
}

/**
 * Opens the stored table, or null when there is none (a store from before it, or from before its
 * layout, until the next rescore). Its columns are read when a query first needs them, from the
 * same build: a rescore that replaced it in between makes the read fail rather than mix two builds.
 */
export async function openCustomerTable(db: Database): Promise<OpenedTable | null> {
  const [head, counts] = await Promise.all([db.get('customerTable', 'head') as Promise<CustomerTableHead | undefined>, storeCounts(db)]);
  // A table of an older layout is not read: the background's start rescores it.
  if (head?.layout !== TABLE_LAYOUT) return null;
  // What a rescore of the touched found since lies over it.
  const stored = await db.get('customerTable', tableRecordKey(head.built, 'patch'));
  const patch = stored && 'patch' in stored ? new PatchedTable(head, stored.patch) : null;
  const table = new CustomerTable(head, async (names) => {
    const tx = db.transaction('customerTable');
    const [now, ...records] = await Promise.all([tx.store.get('head'), ...names.map((name) => tx.store.get(tableRecordKey(head.built, name)))]);
    if ((now as CustomerTableHead | undefined)?.built !== head.built) throw new TableRebuilt();
    const read = new Map<string, ArrayBuffer | string>();
    records.forEach((record, i) => {
      if (record && 'text' in record) read.set(names[i]!, record.text);
      else if (record && 'bytes' in record) read.set(names[i]!, record.bytes);
      // A part of the patch this table opened is gone: a newer patch replaced it.
      else if (names[i]!.startsWith(PATCH_PARTS)) throw new TableRebuilt();
    });
    return read;
  }, patch);
  return { table, notListed: Math.max(0, counts.customers - table.head.counts.customers) };
}

/** The opening KPIs counted over the patch in force (see `countOpeningKpis`), and which patch that was. */
export interface KpisOverPatch {
  built: string;
  written: number;
  kpis: ShopKpis;
}

/**
 * The Overview's opening KPIs (its default period and trend) counted over the patch a rescore of
 * the touched wrote; null without one, or when they are kept with it already. Over a patch each
 * Overview opened counted them again from every customer's purchases: 1.4 s at a million.
 */
export async function countOpeningKpis(db: Database): Promise<KpisOverPatch | null> {
  const head = (await db.get('customerTable', 'head')) as CustomerTableHead | undefined;
  const stored = head && (await db.get('customerTable', tableRecordKey(head.built, 'patch')));
  if (!head || !stored || !('patch' in stored) || stored.patch.written === undefined || stored.patch.openingKpis) return null;
  const opened = await openCustomerTable(db);
  if (!opened) return null;
  const kpis = await opened.table.kpis(null, OPENING_PERIOD, DEFAULT_KPI_SETTINGS, TREND_PERIODS);
  return { built: head.built, written: stored.patch.written, kpis };
}

/**
 * Keeps KPIs counted over a patch with it, when it is still the one in force: not over a patch a
 * rescore of the touched wrote after the count began. Whether they were kept.
 */
export async function keepOpeningKpis(db: Database, counted: KpisOverPatch): Promise<boolean> {
  const tx = db.transaction('customerTable', 'readwrite');
  const [head, stored] = await Promise.all([tx.store.get('head') as Promise<CustomerTableHead | undefined>, tx.store.get(tableRecordKey(counted.built, 'patch'))]);
  const kept = head?.built === counted.built && stored !== undefined && 'patch' in stored && stored.patch.written === counted.written;
  await Promise.all([kept && tx.store.put({ ...stored, patch: { ...stored.patch, openingKpis: counted.kpis } }), tx.done]);
  return kept;
}

/** The opening KPIs over the patch in force counted and kept with it: those kept, or null (none to count, or a newer patch meanwhile). */
export async function keepKpisOverPatch(db: Database): Promise<KpisOverPatch | null> {
  const counted = await countOpeningKpis(db);
  return counted && (await keepOpeningKpis(db, counted)) ? counted : null;
}

/** A store without customers: nothing to preview over. */
const NO_ROWS = { size: 0, sampleKey: () => 0, currency: () => '', fill: () => undefined, buyerIds: async () => [], spend: async () => new Map<string, Float64Array>() };

/** A page's question to the query worker: a window of what a query keeps, as the store is at a version. */
export interface WindowRequest {
  kind: 'window';
  id: number;
  storeVersion: string;
  /** The query; the customers an order number in the text names are found here. */
  query: Omit<TableQuery, 'byOrder'>;
  from: number;
  count: number;
}

export type WindowReply =
  /** `searching`: a search's first answer, from exact identifiers, while every customer's text is read; the full answer follows. */
  | { id: number; kind: 'answer'; answer: TableAnswer; notListed: number; searching?: boolean }
  /** No table yet: the rescore after the import or the update writes it. */
  | { id: number; kind: 'missing' }
  | { id: number; kind: 'failed'; message: string };

/** The rule editor's question: what the file being edited would do to the customers, as the store is at a version. */
export interface PreviewRequest {
  kind: 'preview';
  id: number;
  storeVersion: string;
  text: string;
  file: string;
}

/** The rule file a page is about to preview, as stored: what the preview reads is read ahead. */
export interface PreviewAheadRequest {
  kind: 'previewAhead';
  id: number;
  file: string;
}

export type PreviewAheadReply = { id: number; kind: 'previewAhead' };

export type PreviewReply =
  /** `over`: the customers it ran over; `notListed`: customers an import added since, left out until the rescore. */
  | { id: number; kind: 'preview'; preview: RulePreview; over: number; notListed: number; spent?: { receivedAt: number; totalMs: number } }
  | { id: number; kind: 'missing' }
  | { id: number; kind: 'failed'; message: string };

/** A reply when the table cannot answer: none yet (the rescore after an import or the update writes it), or a failure. */
type Unanswered = { id: number; kind: 'missing' } | { id: number; kind: 'failed'; message: string };

/** The Overview's question: the shop's KPIs in a period, as the store is at a version. */
export interface KpiRequest {
  kind: 'kpis';
  id: number;
  storeVersion: string;
  shop: string | null;
  period: PeriodChoice;
  settings: KpiSettings;
  /** Also this many periods up to the one asked, for the chart. */
  trend?: number;
}

export type KpiReply = { id: number; kind: 'kpis'; kpis: ShopKpis; notListed: number } | Unanswered;

/** The Overview's cohort table: customers by the month or week they first bought. */
export interface CohortRequest {
  kind: 'cohorts';
  id: number;
  storeVersion: string;
  shop: string | null;
  unit: CohortUnit;
  count: number;
  currency: string;
}

export type CohortReply = { id: number; kind: 'cohorts'; table: CohortTable & { asOfDay: number } } | Unanswered;

/** The Overview's forecasts against what happened after each forecast's day. */
export interface ForecastRequest {
  kind: 'forecast';
  id: number;
  storeVersion: string;
  shop: string | null;
  days: number[];
}

export type ForecastReply = { id: number; kind: 'forecast'; actuals: ForecastActual[]; asOfDay: number } | Unanswered;

/** The Overview's segment movement between two kept snapshots. */
export interface MovementRequest {
  kind: 'movement';
  id: number;
  fromDay: number;
  toDay: number;
  dimension: MovementDimension;
}

export type MovementReply = { id: number; kind: 'movement'; movement: Movement } | Unanswered;

export interface PathRequest {
  kind: 'path';
  id: number;
  customerKey: string;
}

export type PathReply = { id: number; kind: 'path'; path: PathStep[] } | Unanswered;

/** A saved A/B test's results: its groups over a window of days from the day it started. */
export interface AbResultsRequest {
  kind: 'abResults';
  id: number;
  storeVersion: string;
  testId: string;
  windowDays: number;
}

export type AbResultsReply = { id: number; kind: 'abResults'; outcomes: GroupOutcome[]; currency: string | null; otherCurrency: number; gone: number; through: number; asOfDay: number } | Unanswered;

/**
 * Answers a page's requests (in the query worker, off the page's thread). The table is opened
 * again when the store's version moves on, or when a rescore replaced it mid-read.
 */
export class TableQueries {
  private opened: { version: string; table: Promise<OpenedTable | null> } | null = null;

  constructor(private readonly db: () => Promise<Database>) {}

  database(): Promise<Database> {
    return this.db();
  }

  private ahead: Promise<{ version: string; table: Promise<OpenedTable | null> }> | null = null;

  /**
   * Opens the table as the store is at `version` (the store's version read as a page reads it)
   * before any page asks: the worker starts with the page, whose first question comes once the
   * page has read the store's state, and opening the table over a day's patch takes some 250 ms
   * at a million customers. A question of another version opens it again.
   */
  openAhead(version: Promise<string>): void {
    this.ahead = version.then((known) => {
      const table = this.db().then(openCustomerTable);
      // A failure here is met again by the first question, which waits for this table.
      table.catch(() => undefined);
      return { version: known, table };
    });
    this.ahead.catch(() => undefined);
  }

  /** Reads into the table opened ahead what a preview of the file will read, while the page that asks for it starts. */
  async previewAhead(text: string, file: string): Promise<void> {
    try {
      const opened = await (this.ahead ? (await this.ahead).table : this.opened?.table);
      if (opened) await readForPreview(text, file, defaultRegistry(), (facts) => opened.table.factRows(facts));
    } catch {
      // The preview itself reads what this did not.
    }
  }

  /** Runs `use` on the table as the store is at a version; null while a store with customers has no table yet. */
  async use<T>(storeVersion: string, use: (opened: OpenedTable | null) => Promise<T>): Promise<T | null> {
    // Every question asked while the table is opened ahead waits for that one.
    const ahead = this.ahead;
    if (ahead) {
      const opened = await ahead.catch(() => null);
      if (this.ahead === ahead) {
        this.ahead = null;
        this.opened ??= opened;
      }
    }
    try {
      for (let attempt = 0; ; attempt += 1) {
        if (this.opened?.version !== storeVersion || attempt > 0) this.opened = { version: storeVersion, table: this.db().then(openCustomerTable) };
        const opened = await this.opened.table;
        // Not kept while missing: the rescore that writes it may end without the page's version moving on.
        if (!opened) this.opened = null;
        if (!opened && (await storeCounts(await this.db())).customers > 0) return null;
        try {
          return await use(opened);
        } catch (error) {
          if (!(error instanceof TableRebuilt) || attempt > 0) throw error;
        }
      }
    } catch (error) {
      this.opened = null;
      throw error;
    }
  }

  /** A movement cell's customers, kept for the cell last asked for: each scroll of its list asks again. */
  private moved: { id: string; keys: Promise<{ first: Uint32Array; second: Uint32Array }> } | null = null;

  private async movedKeys(cell: MovedCell): Promise<{ first: Uint32Array; second: Uint32Array }> {
    const id = JSON.stringify(cell);
    if (this.moved?.id !== id) this.moved = { id, keys: this.db().then((db) => movedBetween(db, cell)) };
    return this.moved.keys;
  }

  /** A window of the list; `early` gets a search's first answer while the search text is still being read. */
  async answer(request: WindowRequest, early?: (reply: WindowReply) => void): Promise<WindowReply> {
    const { id, storeVersion, query, from, count } = request;
    const receivedAt = performance.timeOrigin + performance.now();
    try {
      const answered = await this.use(storeVersion, async (opened) => {
        if (!opened) return { customers: 0, total: 0, from, rows: [], choices: { tiers: [], badges: [] }, notListed: 0 };
        const searched = query.text.trim() !== '';
        const firstAnswer = early && searched && opened.table.searchWaits;
        // The order number's customers and, for a first answer, whom the text names: their alias buckets read together.
        const db = await this.db();
        const [byOrder, named, movedKeys] = await Promise.all([
          searched ? customersWithOrder(db, query.text) : [],
          firstAnswer ? customersNamedBy(db, query.text, opened.table.head.shops) : [],
          query.moved ? this.movedKeys(query.moved) : undefined,
        ]);
        if (firstAnswer) {
          const first = await opened.table.queryAmong({ ...query, byOrder, movedKeys }, named, from, count);
          early({ id, kind: 'answer', answer: { ...first, spent: first.spent && { ...first.spent, receivedAt } }, notListed: opened.notListed, searching: true });
        }
        const answer = await opened.table.query({ ...query, byOrder, movedKeys }, from, count);
        // The search text is read once the first rows are shown (read with them, it held them up by half a second at a million customers).
        void opened.table.warm().catch(() => undefined);
        return { ...answer, notListed: opened.notListed };
      });
      if (!answered) return { id, kind: 'missing' };
      const { notListed, ...answer } = answered;
      return { id, kind: 'answer', answer: { ...answer, spent: answer.spent && { ...answer.spent, receivedAt } }, notListed };
    } catch (error) {
      return { id, kind: 'failed', message: error instanceof Error ? error.message : String(error) };
    }
  }

  async preview(request: PreviewRequest): Promise<PreviewReply> {
    const { id, storeVersion, text, file } = request;
    const started = performance.now();
    const registry = defaultRegistry();
    try {
      // A file with problems needs no customers: they are shown at once, table or not.
      const { problems } = checkRuleFile(text, file, registry);
      if (problems.length > 0) return { id, kind: 'preview', preview: { problems, rules: [], matches: 0, sample: [] }, over: 0, notListed: 0 };
      const answered = await this.use(storeVersion, async (opened) => {
        if (!opened) return { preview: await previewRuleFile(text, file, registry, async () => NO_ROWS), over: 0, notListed: 0 };
        return { preview: await previewRuleFile(text, file, registry, (facts) => opened.table.factRows(facts)), over: opened.table.head.size, notListed: opened.notListed };
      });
      // When the worker got the request and how long it took: what the scale bench reports.
      const spent = { receivedAt: performance.timeOrigin + started, totalMs: performance.now() - started };
      return answered ? { id, kind: 'preview', ...answered, spent } : { id, kind: 'missing' };
    } catch (error) {
      return { id, kind: 'failed', message: error instanceof Error ? error.message : String(error) };
    }
  }

  /** A question answered from the table as `kind`: missing while a store with customers has no table, failed with the reason. */
  private async replyOf<K extends string, T extends object>(id: number, storeVersion: string, kind: K, ask: (opened: OpenedTable) => Promise<T>): Promise<({ id: number; kind: K } & T) | Unanswered> {
    try {
      const answered = await this.use(storeVersion, async (opened) => (opened ? ask(opened) : null));
      return answered ? { id, kind, ...answered } : { id, kind: 'missing' };
    } catch (error) {
      return { id, kind: 'failed', message: error instanceof Error ? error.message : String(error) };
    }
  }

  kpis({ id, storeVersion, shop, period, settings, trend }: KpiRequest): Promise<KpiReply> {
    return this.replyOf(id, storeVersion, 'kpis', async ({ table, notListed }) => {
      const kpis = await table.kpis(shop, period, settings, Math.min(36, Math.max(0, trend ?? 0)));
      if (!table.head.openingKpis) void this.keepOpeningKpis(table);
      return { kpis, notListed };
    });
  }

  private keeping: Promise<void> | null = null;

  /**
   * The opening KPIs over a patch whose background did not live to keep them (the browser closed
   * right after the import), counted and kept once: each Overview opened counted them again.
   */
  private keepOpeningKpis(table: CustomerTable): Promise<void> {
    this.keeping ??= (async () => {
      const kept = await keepKpisOverPatch(await this.db());
      if (kept?.built === table.head.built) table.head.openingKpis = kept.kpis;
    })()
      .catch((error: unknown) => {
        if (!(error instanceof TableRebuilt)) console.error('Tiermark: the KPIs over the day’s patch were not kept', error);
      })
      .finally(() => (this.keeping = null));
    return this.keeping;
  }

  forecast({ id, storeVersion, shop, days }: ForecastRequest): Promise<ForecastReply> {
    return this.replyOf(id, storeVersion, 'forecast', async ({ table }) => ({ actuals: await table.purchasesAfter(shop, days), asOfDay: table.head.asOfDay }));
  }

  async movement({ id, fromDay, toDay, dimension }: MovementRequest): Promise<MovementReply> {
    try {
      const found = await movementBetween(await this.db(), fromDay, toDay, dimension);
      return found ? { id, kind: 'movement', movement: found } : { id, kind: 'missing' };
    } catch (error) {
      return { id, kind: 'failed', message: error instanceof Error ? error.message : String(error) };
    }
  }

  async path({ id, customerKey }: PathRequest): Promise<PathReply> {
    try {
      return { id, kind: 'path', path: await customerPath(await this.db(), customerKey) };
    } catch (error) {
      return { id, kind: 'failed', message: error instanceof Error ? error.message : String(error) };
    }
  }

  async abResults({ id, storeVersion, testId, windowDays }: AbResultsRequest): Promise<AbResultsReply> {
    const test = await (await this.db()).get('abTests', testId);
    if (!test) return { id, kind: 'failed', message: `No A/B test ${testId}` };
    return this.replyOf(id, storeVersion, 'abResults', async ({ table }) => ({ ...(await table.groupOutcomes(test.groups, test.startedDay, windowDays)), asOfDay: table.head.asOfDay }));
  }

  cohorts({ id, storeVersion, shop, unit, count, currency }: CohortRequest): Promise<CohortReply> {
    return this.replyOf(id, storeVersion, 'cohorts', async ({ table }) => ({ table: await table.cohorts(shop, unit, count, currency) }));
  }

  /** A segment's members (of a shop, or all), in key order, and how many customers an import added since the table was built; null while there is no table yet. */
  /** `asOfDay`: the day the table's customers are as of (the last rescore's). */
  members(storeVersion: string, segment: Pick<Segment, 'kind' | 'ref'>, shop: string | null): Promise<{ members: SegmentMember[]; notListed: number; doNotContact: number; asOfDay: number } | null> {
    return this.use(storeVersion, async (opened) =>
      opened
        ? { ...(await opened.table.segmentToContact(segment, shop)), notListed: opened.notListed, asOfDay: opened.table.head.asOfDay }
        : { members: [], notListed: 0, doNotContact: 0, asOfDay: 0 },
    );
  }
}
