import { defaultRegistry, type Registry } from '../engine/registry';
import { CustomerTableBuilder, type CustomerTableHead } from '../customer-table';
import { withForecast, type ForecastRecord } from '../forecast';
import type { ScoreSettings } from '../scoring/scorer';
import { standingsPatch } from '../snapshots';
import type { StoredTablePatch } from '../table-patch';
import { forecastOfTable, heldCodes, missedOfTable, openingKpisOfTable, rowsOfKeys, seenOfTable, spendOfTable, tallyOfTable, tallyRecordNames } from '../table-tally';
import { localDayNumber } from '../time';
import { badgePatch, storedLook, type PatchedCustomer } from './badge-index';
import { bucketOf } from './buckets';
import { allNotes } from './customer-notes';
import { putTablePatch, tableOfBuild, tableRecordKey } from './customer-table';
import { allKeptDates } from './kept-dates';
import { dueTallyOver, type RescoreStatus } from './profiles';
import { FOLLOW_UP_LIST, workedSince } from './follow-up-list';
import { dueOfList } from '../follow-up-list';
import { raisedRecord, ruleSetsWith, scoreStored, talliedOf, type Scoring } from './rescore';
import { RAISED_OVER, storedRaisedOver, storedRescored, type RescoredCustomer, type RescoredGroup } from './rescored';
import { activeRuleFiles } from './rule-files';
import { groupOf, storeCounts, type Database } from './schema';
import { snapshotBefore } from './snapshots';
import { baseInForce, compactTouched, rescoreInputs, touchedOver, type TouchedRescore } from './touched';

/**
 * The rescore of only the customers imports touched since the last whole rescore, on the same day
 * with the same rules: scored with the whole rescore's fitted models, as it would score them. What
 * it finds lies over the whole rescore's records (`rescored`, the badge patch, the customer table's
 * patch) until the next; the Overview's tallies, the follow-ups due and the day's snapshot are
 * counted again with it, as the next will count them.
 */

export interface TouchedRescoreOptions {
  timeZone: string;
  settings: ScoreSettings;
  asOf?: number;
  registry?: Registry;
  /** Told how many customers it scores, once it knows. */
  onTouched?: (customers: number) => Promise<void>;
}

/** Rescores the touched customers over the last whole rescore, or says why a whole rescore is needed. */
export async function rescoreTouched(db: Database, options: TouchedRescoreOptions): Promise<TouchedRescore> {
  const started = performance.now();
  const registry = options.registry ?? defaultRegistry();
  const asOf = options.asOf ?? Date.now();
  const base = { asOf, asOfDay: localDayNumber(asOf, options.timeZone), timeZone: options.timeZone, settings: options.settings };
  const { ruleFiles } = await activeRuleFiles(db, registry);
  const inForce = await baseInForce(db, base.asOfDay, rescoreInputs(ruleFiles, options.settings, options.timeZone));
  if ('whole' in inForce) return { state: 'whole', reason: inForce.whole };
  // What scoring reads first: the staged (a day's first import, 30 MB at a million), what staff keep,
  // the store's counts and the earlier snapshot (20 MB). Then, while the touched are scored, what
  // the figures read: the table's columns (some 100 MB) and the follow-up list (23 MB). Read all at
  // once they shared the disk, and scoring waited for the last of them.
  // Of the day's snapshot only whether the whole rescore wrote one: the touched's standings lie over it.
  const over = touchedOver(db, inForce);
  const staffKept = Promise.all([allKeptDates(db), allNotes(db), storeCounts(db)]);
  const earlier = snapshotBefore(db, base.asOfDay);
  const scoringRead = Promise.all([over, staffKept, earlier]);
  const reads = {
    over,
    staffKept,
    earlier,
    table: scoringRead.then(() => tableOfBuild(db, inForce.base.built, tallyRecordNames)),
    today: scoringRead.then(async () => (await db.getKey('snapshots', base.asOfDay)) !== undefined),
    followUps: scoringRead.then(() => db.get('customerTable', tableRecordKey(inForce.base.built, FOLLOW_UP_LIST))),
  };
  // Awaited later, or not at all; a failed read meanwhile is not an unhandled rejection.
  for (const read of Object.values(reads)) read.catch(() => undefined);
  const reusable = await over;
  if ('whole' in reusable) return { state: 'whole', reason: reusable.whole };
  const { base: kept, touched } = reusable;
  // Not waited for: its write queued behind the figures' reads, and scoring with it.
  void options.onTouched?.(touched.customers.size)?.catch((error: unknown) => console.error('Tiermark: the count of the touched was not kept', error));
  const scoring: Scoring = { base, ctx: { ...base, models: kept.models }, ruleSetFor: ruleSetsWith(ruleFiles, registry, kept.unfit), earlier: await reads.earlier };
  const [dates, notes, counts] = await reads.staffKept;
  const read = performance.now();
  const now = Date.now();
  const groups = new Map<number, RescoredGroup>();
  const patched: PatchedCustomer[] = [];
  const layer = new Map<string, RescoredCustomer>();
  let firstOrderAt = Infinity;
  const found: Found[] = [];
  for (const { customer, digest, added } of touched.customers.values()) {
    const keptDates = dates.get(customer.key);
    const noted = notes.get(customer.key);
    const scored = await scoreStored({ customer, digest, ...(keptDates && { keptDates }), ...(noted && { notes: noted }) }, scoring);
    const { profile, outcome, history } = scored;
    firstOrderAt = Math.min(firstOrderAt, customer.firstOrderAt);
    found.push(scored);
    const group = groupOf(bucketOf(customer.key));
    let rescored = groups.get(group);
    if (!rescored) groups.set(group, (rescored = {}));
    rescored[customer.key] = { profile, raised: outcome.followUps.map((f) => raisedRecord(f, now)) };
    layer.set(customer.key, rescored[customer.key]!);
    patched.push({ customer, look: history.notes?.hideOnPages ? null : storedLook(outcome.tier, outcome.badges), added });
  }
  const builtFrom = { customers: counts.customers, orders: counts.orders };
  const patch = badgePatch(kept.built, builtFrom, patched, touched.identifiers);
  const scored = performance.now();
  const figures = await figuresOver(await reads.table, await reads.today, kept.built, found, registry, builtFrom, base.asOfDay);
  const counted = performance.now();
  // Everything touched since the whole rescore is rescored each time: the layer and the table's
  // patch are written whole, with the follow-ups still to work counted over them.
  const list = await reads.followUps;
  const tx = db.transaction(['rescored', 'meta', 'followups', 'customerTable', 'snapshotPatches', 'touched'], 'readwrite');
  const [{ due, open }, status, forecasts] = await Promise.all([
    // Over the whole rescore's list, with staff's changes read here: one made meanwhile waits for this count.
    list && 'followUps' in list ? workedSince(tx.objectStore('customerTable'), inForce.base.built).then((worked) => dueOfList(list.followUps, worked, layer)) : dueTallyOver(tx.objectStore('followups'), layer),
    tx.objectStore('meta').get('rescore') as Promise<RescoreStatus | undefined>,
    tx.objectStore('meta').get('forecasts') as Promise<ForecastRecord | undefined>,
  ]);
  const store = tx.objectStore('rescored');
  await Promise.all([
    store.clear(),
    ...[...groups].map(([group, rescored]) => store.put(storedRescored(group, rescored))),
    tx.objectStore('meta').put(patch),
    tx.objectStore('meta').put(due),
    tx.objectStore('customerTable').put({ name: tableRecordKey(kept.built, RAISED_OVER), raisedOver: storedRaisedOver(base.asOfDay, layer) }),
    compactTouched({ touched: tx.objectStore('touched'), meta: tx.objectStore('meta') }, touched),
    ...(figures
      ? [
          tx.objectStore('meta').put(figures.overview),
          ...putTablePatch(tx.objectStore('customerTable'), kept.built, figures.tablePatch),
          tx.objectStore('meta').put(withForecast(forecasts, figures.forecast)),
          figures.snapshot && tx.objectStore('snapshotPatches').put(figures.snapshot),
          // Who lapsed before a window: the Follow-ups page reads the last rescore's status.
          status && tx.objectStore('meta').put({ ...status, followUpsMissed: figures.lapsed, followUpsOpen: open }),
        ]
      : []),
    tx.done,
  ]);
  const written = performance.now();
  const phases = { read: Math.round(read - started), score: Math.round(scored - read), figures: Math.round(counted - scored), write: Math.round(written - counted) };
  const firstOrderDay = firstOrderAt === Infinity ? undefined : localDayNumber(firstOrderAt, base.timeZone);
  return { state: 'done', customers: touched.customers.size, ms: Math.round(written - started), phases, complete: Boolean(figures?.snapshot && status), ...(firstOrderDay !== undefined && { firstOrderDay }) };
}


/** A touched customer as scored (see `scoreStored`). */
type Found = Awaited<ReturnType<typeof scoreStored>>;

/**
 * The figures the whole rescore counted over every customer, counted again with the touched as
 * they are now: from the whole rescore's customer table (`table`, build `built`), each touched
 * customer in their row (new ones after), and the table's patch of them, made by the builder the
 * whole rescore uses; and their standings, to lie over the day's snapshot. Null without that
 * table; the standings null without the day's snapshot (`today`: whether there is one).
 */
async function figuresOver(table: Awaited<ReturnType<typeof tableOfBuild>>, today: boolean, built: string, found: readonly Found[], registry: Registry, counts: CustomerTableHead['counts'], asOfDay: number) {
  if (!table) return null;
  const { head, records } = table;
  const byKey = <T,>(value: (customer: Found) => T) => new Map(found.map((customer) => [customer.history.customer.key, value(customer)]));
  const rowsOf = rowsOfKeys(found.map(({ history }) => history.customer.key), records);
  const listed = new CustomerTableBuilder(registry.facts, found.length, { rows: Math.max(1, found.length), search: Math.max(1, found.length) });
  for (const { history, facts, outcome, hashes } of found) listed.add(history.customer, facts, outcome.tier, outcome.badges, outcome.treatments, history, outcome.missed, hashes);
  const factsNow = byKey(({ history, facts }) => ({ currency: history.customer.currency, facts }));
  const spend = spendOfTable(head, records, factsNow, rowsOf);
  const held = heldCodes(head, records, rowsOf);
  const patchRecords = await listed.finish(built, counts, asOfDay);
  const openingKpis = openingKpisOfTable(head, records, patchRecords.find((record): record is CustomerTableHead => record.name === 'head')?.openingKpis, factsNow, rowsOf);
  return {
    overview: tallyOfTable(head, records, byKey(({ history, facts, outcome }) => talliedOf(history.customer, facts, outcome)), rowsOf, held, asOfDay),
    lapsed: missedOfTable(head, records, byKey(({ outcome }) => outcome.missed), rowsOf),
    forecast: forecastOfTable(head, records, byKey(({ facts }) => facts), rowsOf, asOfDay),
    // Rows in the order the builder took them.
    tablePatch: {
      rows: Int32Array.from(found, ({ history }) => rowsOf.get(history.customer.key) ?? -1).buffer,
      records: patchRecords,
      counts,
      ...(spend && { spend: [...spend].map(([currency, list]): [string, ArrayBuffer] => [currency, list.slice().buffer]) }),
      // The Overview opens on them: not counted again over the patch by the background or a page.
      ...(openingKpis && { openingKpis }),
      seen: seenOfTable(held),
      written: Date.now(),
    } satisfies StoredTablePatch,
    snapshot: today ? standingsPatch(asOfDay, found.map(({ hashes, outcome, facts, previous }) => ({ hashes, tier: outcome.tier, badges: outcome.badges, stage: facts.lifecycleStage, previous }))) : null,
  };
}

/** The last rescore's status, or where none has finished, an empty one: its phases and what its rescore of the touched did are not this one's. */
async function lastStatus(db: Database): Promise<Omit<RescoreStatus, 'phases' | 'touched'>> {
  const last = (await db.get('meta', 'rescore')) as RescoreStatus | undefined;
  const { phases: _whole, touched: _theirs, touching: _running, ...kept } = last ?? { id: 'rescore' as const, state: 'done' as const, reason: 'import' as const, startedAt: 0, finishedAt: null, asOfDay: 0, customers: 0, scored: 0, followUpsOpen: 0, ruleProblems: [], error: null };
  return kept;
}

/** Says how many customers the running rescore of the touched scores (see `touchedRunning`). */
export async function touchedCounted(db: Database, running: RescoreStatus, customers: number): Promise<RescoreStatus> {
  const counted = { ...running, touching: customers };
  await db.put('meta', counted);
  return counted;
}

/**
 * Says a rescore of the touched is running, before it starts: for the seconds it takes at a
 * million customers the dashboard says "Scoring…", not when the last ended, while its figures move.
 * The last rescore's counts are kept (the Follow-ups page reads who lapsed from it).
 */
export async function touchedRunning(db: Database, reason: RescoreStatus['reason'], startedAt: number): Promise<RescoreStatus> {
  const [last, counts] = await Promise.all([lastStatus(db), storeCounts(db)]);
  const status: RescoreStatus = { ...last, id: 'rescore', state: 'running', reason, startedAt, finishedAt: null, customers: counts.customers, scored: 0, error: null };
  await db.put('meta', status);
  return status;
}

/**
 * The rescore after an import or staff's notes when the rescore of the touched completed it (see `TouchedRescore.complete`):
 * the last whole rescore's status as the touched left it, with this one's moment and counts, and
 * the first order's day moved back when the import brought older history (so past months' snapshots
 * are rebuilt, as after a whole rescore). The next day's whole rescore, or a rule change, scores
 * everyone again and clears what lies over it.
 */
export async function touchedInPlaceOfWhole(db: Database, reason: RescoreStatus['reason'], startedAt: number, touched: TouchedRescore): Promise<RescoreStatus> {
  const [kept, counts] = await Promise.all([lastStatus(db), storeCounts(db)]);
  const firstOrderDay = Math.min(kept.firstOrderDay ?? Infinity, touched.state === 'done' ? (touched.firstOrderDay ?? Infinity) : Infinity);
  const status: RescoreStatus = {
    ...kept, id: 'rescore', state: 'done', reason, startedAt, finishedAt: Date.now(), customers: counts.customers, scored: touched.state === 'done' ? touched.customers : 0, touched, modelsKept: true, error: null,
    ...(firstOrderDay !== Infinity && { firstOrderDay }),
  };
  await db.put('meta', status);
  return status;
}
