import { defaultRegistry, type Registry } from '../engine/registry';
import { localDayNumber } from '../time';
import { bucketOf } from './buckets';
import { badgePatch, storedLook, type PatchedCustomer } from './badge-index';
import type { RescoredCustomer, RescoredGroup } from './rescored';
import { dueTallyOver } from './profiles';
import { raisedRecord, ruleSetsWith, scoreStored, talliedOf, type Scoring } from './rescore';
import { tableOfBuild, tableRecordKey } from './customer-table';
import { CustomerTableBuilder } from '../customer-table';
import type { StoredTablePatch } from '../table-patch';
import { withStandings, type FoundStanding } from '../snapshots';
import { forecastOfTable, missedOfTable, rowsOfKeys, tallyOfTable, tallyRecordNames } from '../table-tally';
import { withForecast, type ForecastRecord } from '../forecast';
import type { MissedFollowUp } from '../engine/outcome';
import type { RescoreStatus } from './profiles';
import type { TalliedCustomer } from '../overview';
import { activeRuleFiles } from './rule-files';
import { allKeptDates } from './kept-dates';
import { allNotes } from './customer-notes';
import { groupOf, storeCounts, type Database } from './schema';
import { snapshotBefore } from './snapshots';
import { rescoreInputs, reusableBase, type TouchedRescore } from './touched';
import type { Facts, ScoreSettings } from '../scoring/scorer';

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
}

/** Rescores the touched customers over the last whole rescore, or says why a whole rescore is needed. */
export async function rescoreTouched(db: Database, options: TouchedRescoreOptions): Promise<TouchedRescore> {
  const started = performance.now();
  const registry = options.registry ?? defaultRegistry();
  const asOf = options.asOf ?? Date.now();
  const base = { asOf, asOfDay: localDayNumber(asOf, options.timeZone), timeZone: options.timeZone, settings: options.settings };
  const { ruleFiles } = await activeRuleFiles(db, registry);
  const reusable = await reusableBase(db, base.asOfDay, rescoreInputs(ruleFiles, options.settings, options.timeZone));
  if ('whole' in reusable) return { state: 'whole', reason: reusable.whole };
  const { base: kept, touched } = reusable;
  const scoring: Scoring = { base, ctx: { ...base, models: kept.models }, ruleSetFor: ruleSetsWith(ruleFiles, registry, kept.unfit), earlier: await snapshotBefore(db, base.asOfDay) };
  const [dates, notes, counts] = await Promise.all([allKeptDates(db), allNotes(db), storeCounts(db)]);
  const now = Date.now();
  const groups = new Map<number, RescoredGroup>();
  const patched: PatchedCustomer[] = [];
  // The touched as the customer table lists them, made as the whole rescore makes it.
  const listed = new CustomerTableBuilder(registry.facts, touched.customers.size, { rows: Math.max(1, touched.customers.size), search: Math.max(1, touched.customers.size) });
  const tallied = new Map<string, TalliedCustomer>();
  const missed = new Map<string, readonly MissedFollowUp[]>();
  const factsOf = new Map<string, Facts>();
  const layer = new Map<string, RescoredCustomer>();
  const standings: FoundStanding[] = [];
  for (const { customer, digest, added } of touched.customers.values()) {
    const keptDates = dates.get(customer.key);
    const noted = notes.get(customer.key);
    const { profile, outcome, history, facts, hashes, previous } = await scoreStored({ customer, digest, ...(keptDates && { keptDates }), ...(noted && { notes: noted }) }, scoring);
    standings.push({ hashes, tier: outcome.tier, badges: outcome.badges, stage: facts.lifecycleStage, previous });
    tallied.set(customer.key, talliedOf(customer, facts, outcome));
    missed.set(customer.key, outcome.missed);
    factsOf.set(customer.key, facts);
    listed.add(customer, facts, outcome.tier, outcome.badges, outcome.treatments, history, outcome.missed);
    const group = groupOf(bucketOf(customer.key));
    let rescored = groups.get(group);
    if (!rescored) groups.set(group, (rescored = {}));
    rescored[customer.key] = { profile, raised: outcome.followUps.map((f) => raisedRecord(f, now)) };
    layer.set(customer.key, rescored[customer.key]!);
    patched.push({ customer, look: history.notes?.hideOnPages ? null : storedLook(outcome.tier, outcome.badges), added });
  }
  const patch = badgePatch(kept.built, { customers: counts.customers, orders: counts.orders }, patched, touched.aliases);
  const scored = performance.now();
  // The Overview's and the Segments' figures, counted again from the whole rescore's table with the
  // touched as they are now; the touched's rows of the table, for its patch.
  const table = await tableOfBuild(db, kept.built, tallyRecordNames);
  const rowsOf = table && rowsOfKeys(tallied.keys(), table.records);
  const overview = table && tallyOfTable(table.head, table.records, tallied, rowsOf!, base.asOfDay);
  const lapsed = table && missedOfTable(table.head, table.records, missed, rowsOf!);
  const forecast = table && forecastOfTable(table.head, table.records, factsOf, rowsOf!, base.asOfDay);
  const tablePatch: StoredTablePatch | null = rowsOf && {
    rows: Int32Array.from(tallied.keys(), (key) => rowsOf.get(key) ?? -1).buffer,
    records: await listed.finish(kept.built, { customers: counts.customers, orders: counts.orders }, base.asOfDay),
    counts: { customers: counts.customers, orders: counts.orders },
  };
  // Where the touched stand today, in the day's snapshot the whole rescore wrote.
  const today = await db.get('snapshots', base.asOfDay);
  const snapshot = today && withStandings(today, standings);
  const counted = performance.now();
  // Everything touched since the whole rescore is rescored each time: the layer and the table's
  // patch are written whole, with the follow-ups still to work counted over them.
  const tx = db.transaction(['rescored', 'meta', 'followups', 'customerTable', 'snapshots'], 'readwrite');
  const [{ due, open }, status, forecasts] = await Promise.all([
    dueTallyOver(tx.objectStore('followups'), layer),
    tx.objectStore('meta').get('rescore') as Promise<RescoreStatus | undefined>,
    tx.objectStore('meta').get('forecasts') as Promise<ForecastRecord | undefined>,
  ]);
  const store = tx.objectStore('rescored');
  await Promise.all([
    store.clear(),
    ...[...groups].map(([group, rescored]) => store.put({ group, json: JSON.stringify(rescored) })),
    tx.objectStore('meta').put(patch),
    tx.objectStore('meta').put(due),
    overview && tx.objectStore('meta').put(overview),
    tablePatch && tx.objectStore('customerTable').put({ name: tableRecordKey(kept.built, 'patch'), patch: tablePatch }),
    snapshot && tx.objectStore('snapshots').put(snapshot),
    // Who lapsed before a window: the Follow-ups page reads the last rescore's status.
    lapsed && status && tx.objectStore('meta').put({ ...status, followUpsMissed: lapsed, followUpsOpen: open }),
    forecast && tx.objectStore('meta').put(withForecast(forecasts, forecast)),
    tx.done,
  ]);
  const written = performance.now();
  const phases = { score: Math.round(scored - started), tally: Math.round(counted - scored), write: Math.round(written - counted) };
  return { state: 'done', customers: touched.customers.size, ms: Math.round(written - started), phases, complete: Boolean(overview && tablePatch && snapshot && lapsed && status && forecast) };
}


/**
 * An import's rescore when the rescore of the touched completed it (see `TouchedRescore.complete`):
 * the last whole rescore's status as the touched left it, with this one's moment and counts. The
 * next day's whole rescore, or a rule change, scores everyone again and clears what lies over it.
 */
export async function touchedInPlaceOfWhole(db: Database, reason: RescoreStatus['reason'], startedAt: number, touched: TouchedRescore): Promise<RescoreStatus> {
  const [last, counts] = await Promise.all([db.get('meta', 'rescore') as Promise<RescoreStatus | undefined>, storeCounts(db)]);
  const { phases: _whole, ...kept } = last ?? { id: 'rescore' as const, asOfDay: 0, followUpsOpen: 0, ruleProblems: [] };
  const status: RescoreStatus = { ...kept, id: 'rescore', state: 'done', reason, startedAt, finishedAt: Date.now(), customers: counts.customers, scored: touched.state === 'done' ? touched.customers : 0, touched, modelsKept: true, error: null };
  await db.put('meta', status);
  return status;
}
