import { firstDayOf, unitOf } from '../cohorts';
import { outcomeOf } from '../engine/outcome';
import { spendByCurrency } from '../engine/currency';
import { defaultRegistry, type Registry } from '../engine/registry';
import { minorDigits } from '../money';
import { fitScorersBetween, scoreCustomer } from '../scoring/pipeline';
import { ANSWER_MS, pacer, pause, TURN_MS } from '../pace';
import type { ScoreSettings } from '../scoring/scorer';
import { daysToKeep, keyHashes, SnapshotBuilder, SnapshotReader, type PastSnapshotStatus, type SnapshotRecord } from '../snapshots';
import { endOfDay, isoDay, localDayNumber } from '../time';
import { readPopulation, shopRuleSets } from './rescore';
import { activeRuleFiles } from './rule-files';
import { storeCounts, type Database, type StoreCounts } from './schema';
import { putSnapshotDays, snapshotBefore, snapshotDays } from './snapshots';

export interface PastSnapshotOptions {
  timeZone: string;
  settings: ScoreSettings;
  /** Today; defaults to now. */
  asOf?: number;
  /** The newest month ends to rebuild at most; defaults to two years'. */
  months?: number;
  registry?: Registry;
  /** At the start, after each month end and at the end; also kept in `meta`. */
  onProgress?(status: PastSnapshotStatus): void;
  /** Where it runs, for the status. */
  thread?: PastSnapshotStatus['thread'];
}

/** Two years of movement on the day of the first import; the months kept beyond fill in from daily rescores. */
export const REBUILT_MONTHS = 24;

/**
 * The ends of the last `months` months (none before the month of the shop's first order) that no
 * kept snapshot stands for yet (none kept in that month). Only those: a shop with a longer history
 * than that would otherwise find older months missing after every rescore, and rebuild them.
 */
export function missingMonthEnds(firstOrderDay: number, today: number, keptDays: readonly number[], months = REBUILT_MONTHS): number[] {
  const covered = new Set(keptDays.map((day) => unitOf('month', day)));
  const ends: number[] = [];
  const thisMonth = unitOf('month', today);
  for (let month = Math.max(unitOf('month', firstOrderDay), thisMonth - months); month < thisMonth; month += 1) {
    if (!covered.has(month)) ends.push(firstDayOf('month', month + 1) - 1);
  }
  return ends;
}

/**
 * The month ends to rebuild: those without a snapshot, and those rebuilt before an import changed
 * orders on or before them (an import that cannot say when its orders were: all of them).
 */
export async function monthsToRebuild(db: Database, firstOrderDay: number, today: number, timeZone: string, months = REBUILT_MONTHS): Promise<number[]> {
  const [days, previous, imports] = await Promise.all([snapshotDays(db), db.get('meta', 'pastSnapshots') as Promise<PastSnapshotStatus | undefined>, db.getAll('imports')]);
  let earliest = Infinity;
  for (const record of imports) {
    if (!previous?.days.length || (record.finishedAt ?? Infinity) <= previous.daysFrom || record.ordersAdded + record.ordersUpdated === 0) continue;
    earliest = Math.min(earliest, record.earliestChangedAt ?? -Infinity);
  }
  const from = Number.isFinite(earliest) ? localDayNumber(earliest, timeZone) : earliest;
  const stale = new Set((previous?.days ?? []).filter((day) => day >= from));
  return missingMonthEnds(firstOrderDay, today, days.filter((day) => !stale.has(day)), months);
}

/**
 * Whether the stored status says a rebuild is running, asked as the background starts, when none
 * can be: the browser closed (or stopped the worker) while one ran, and the Overview would say it
 * is still rebuilding.
 */
export async function rebuildCutShort(db: Database): Promise<boolean> {
  return ((await db.get('meta', 'pastSnapshots')) as PastSnapshotStatus | undefined)?.state === 'running';
}

/**
 * Snapshots for the ends of past months, rebuilt from the orders, so a seller who imports two years
 * of history sees two years of movement on the day of the import. Each month end is a rescore "as
 * of" that day, in memory only: histories cut at the day, the models fitted on them, today's rule
 * files (movement is told in the tiers and segments the seller uses now), each customer who had
 * ordered by then scored, and only their standing kept. Written in one transaction, thinned with the
 * snapshots already kept.
 */
export async function rebuildPastSnapshots(db: Database, options: PastSnapshotOptions): Promise<PastSnapshotStatus> {
  const before = (await db.get('meta', 'pastSnapshots')) as PastSnapshotStatus | undefined;
  const startedAt = Date.now();
  const status: PastSnapshotStatus = { id: 'pastSnapshots', state: 'running', startedAt, finishedAt: null, done: 0, of: 0, kept: 0, bytes: 0, days: before?.days ?? [], daysFrom: before?.daysFrom ?? startedAt, error: null, ...(options.thread && { thread: options.thread }) };
  const report = async () => {
    await db.put('meta', { ...status });
    options.onProgress?.({ ...status });
  };
  try {
    await rebuild(db, options, status, report);
    status.state = 'done';
  } catch (error) {
    status.state = 'failed';
    status.error = error instanceof Error ? error.message : String(error);
  }
  status.finishedAt = Date.now();
  await report();
  return status;
}

async function rebuild(db: Database, options: PastSnapshotOptions, status: PastSnapshotStatus, report: () => Promise<void>): Promise<void> {
  const registry = options.registry ?? defaultRegistry();
  const asOf = options.asOf ?? Date.now();
  const { timeZone, settings } = options;
  const today = localDayNumber(asOf, timeZone);
  const counted = await storeCounts(db);
  const population = await readPopulation(db);
  if (population.size === 0) return;
  const firstDays = new Int32Array(population.size);
  for (let slot = 0; slot < population.size; slot += 1) firstDays[slot] = localDayNumber(population.firstOrderAt(slot), timeZone);
  const ends = await monthsToRebuild(db, firstDays.reduce((first, day) => Math.min(first, day), Infinity), today, timeZone, options.months);
  status.of = ends.length;
  if (ends.length === 0) return;
  await report();

  const { ruleFiles } = await activeRuleFiles(db, registry);
  // Oldest first by first order, so each month's customers are a prefix of the order.
  const order = Uint32Array.from(firstDays.keys()).sort((a, b) => firstDays[a]! - firstDays[b]! || a - b);
  // Each customer's hashes once, not once a month.
  const firsts = new Uint32Array(population.size);
  const seconds = new Uint32Array(population.size);
  for (let slot = 0; slot < population.size; slot += 1) [firsts[slot], seconds[slot]] = keyHashes(population.key(slot));
  let previous = await snapshotBefore(db, ends[0]!);
  let buyers = 0;
  for (const end of ends) {
    while (buyers < order.length && firstDays[order[buyers]!]! <= end) buyers += 1;
    const base = { asOf: endOfDay(isoDay(end), timeZone), asOfDay: end, timeZone, settings };
    // The month's histories are made afresh for each of the fits' walks rather than held: a
    // background job can take the longer fit, and a million held were half a gigabyte of garbage each month.
    function* histories() {
      for (let i = 0; i < buyers; i += 1) yield population.history(order[i]!, base);
    }
    // A seller page's badges are answered between the fits (see rescore.ts).
    const ctx = await fitScorersBetween(histories, base, pacer(TURN_MS, ANSWER_MS));
    const spend = Array.from(histories(), (h) => ({ currency: h.customer.currency, spend: h.netSpendMinor / 10 ** minorDigits(h.customer.currency), bought: h.occasionDays.length > 0 }));
    const { ruleSetFor } = shopRuleSets(ruleFiles, registry, spendByCurrency(spend));
    const snapshot = new SnapshotBuilder(end);
    for (let i = 0; i < buyers; i += 1) {
      if ((i & 0x1fff) === 0x1fff) {
        // Now and then the background's other messages (a seller page's badges) are answered, and
        // progress reported: each report also keeps an extension's background awake.
        await pause();
        options.onProgress?.({ ...status });
      }
      const slot = order[i]!;
      const history = population.history(slot, base);
      const hashes: [number, number] = [firsts[slot]!, seconds[slot]!];
      const standing = previous?.standingOf(hashes) ?? null;
      const facts = scoreCustomer(standing ? { ...history, previous: standing } : history, ctx);
      const outcome = outcomeOf(await ruleSetFor(history.customer.currency).fired(facts), facts, history.customer.key, end);
      snapshot.add(hashes, outcome.tier, outcome.badges, facts.lifecycleStage, standing);
    }
    const record = snapshot.finish();
    previous = new SnapshotReader(record);
    // Written as each is made, not held to the end: two years of a million customers' were half a
    // gigabyte, and a rebuild the browser stops keeps the months it finished.
    const kept = await keepSnapshot(db, record, ends, today, counted);
    if (!kept) return;
    status.done += 1;
    if (kept.written) {
      status.kept += 1;
      status.bytes += record.bytes.byteLength;
    }
    status.days = [...new Set([...status.days, ...(kept.written ? [record.day] : [])])].filter((day) => kept.keep.has(day)).sort((a, b) => a - b);
    await report();
  }
  // Only now: till every month is written, a month of an earlier rebuild that an import since made stale may still be among them.
  status.daysFrom = status.startedAt;
}

/**
 * Writes a rebuilt month's snapshot and thins the kept ones, in one transaction: a rescore's
 * snapshot written meanwhile is thinned with it, not lost. Null, and nothing written, when the
 * store changed since the rebuild began (deleted, restored, imported into): the next rescore asks again.
 */
async function keepSnapshot(db: Database, record: SnapshotRecord, ends: readonly number[], today: number, counted: StoreCounts) {
  const tx = db.transaction(['snapshots', 'snapshotPatches', 'meta'], 'readwrite');
  const now = ((await tx.objectStore('meta').get('counts')) as StoreCounts | undefined) ?? { customers: 0, orders: 0 };
  if (now.customers !== counted.customers || now.orders !== counted.orders) {
    await tx.done;
    return null;
  }
  const snapshots = tx.objectStore('snapshots');
  const kept = (await snapshots.getAllKeys()) as number[];
  // Thinned against every month end this rebuild makes, as if all were written at once.
  const keep = new Set(daysToKeep([...kept, ...ends], Math.max(today, ...kept)));
  const written = keep.has(record.day);
  await Promise.all([putSnapshotDays(snapshots, tx.objectStore('snapshotPatches'), written ? record : null, kept, keep), tx.done]);
  return { written, keep };
}
