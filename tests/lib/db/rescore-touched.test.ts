import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { badgeLooks, FILTER, wholeBadgeIndex } from '../../../lib/db/badge-index';
import { importFile } from '../../../lib/db/importer';
import { clearLookupCache, lookupRows } from '../../../lib/db/lookup';
import { customersForAlias } from '../../../lib/db/customers';
import { allFollowUps, followUpGroups, followUpsOf, getProfile, setFollowUpStatus, type RescoreStatus } from '../../../lib/db/profiles';
import { rescore } from '../../../lib/db/rescore';
import { setNotes } from '../../../lib/db/customer-notes';
import { rescoreTouched, touchedCounted, touchedInPlaceOfWhole, touchedRunning } from '../../../lib/db/rescore-touched';
import { saveRuleFile } from '../../../lib/db/rule-files';
import { groupOf, openTiermarkDB, type Database, type StoreCounts } from '../../../lib/db/schema';
import { allRescored, type RescoredCustomer } from '../../../lib/db/rescored';
import { bucketOf } from '../../../lib/db/buckets';
import { compactTouched, stageTouchedCustomers, TOUCHED_MAX, touchedSince, type StoredRescoreBase, type TouchedCount } from '../../../lib/db/touched';
import type { ProfileBase } from '../../../lib/db/profile-facts';
import { STAGED_WORDS, stagedNamed } from '../../../lib/db/staged-identifiers';
import { storedEntries } from './stored-buckets';
import { defaultRegistry } from '../../../lib/engine/registry';
import { BadgeIndex, keyHashes, lookOf } from '../../../lib/overlay/badge-index';
import type { Ref } from '../../../lib/overlay/site-adapter';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { endOfDay, isoDay, localDayNumber } from '../../../lib/time';
import { monthsToRebuild } from '../../../lib/db/past-snapshots';
import type { OverviewRecord } from '../../../lib/overview';
import type { DueTally } from '../../../lib/follow-ups';
import type { ForecastRecord } from '../../../lib/forecast';
import { importText, shopsAfterADay, WOO_FIRST, WOO_HEADER, WOO_NEXT_DAY } from './day-of-orders';
import { importable } from '../../helpers';

const [FIRST, NEXT_DAY] = [WOO_FIRST, WOO_NEXT_DAY];
const ZONE = 'UTC';
const AS_OF = { timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay('2024-03-10', ZONE) };

/** A welcome call for every buyer, due 45 days after their first purchase: raised whatever the models. */
const WELCOME = JSON.stringify({
  id: 'welcome', title: { en: 'Welcome call', 'zh-CN': '欢迎回访' }, version: 1, enabled: true,
  rules: [{
    name: 'call', conditions: { all: [{ fact: 'orderCount', operator: 'greaterThanInclusive', value: 1 }] },
    event: { type: 'follow-up', params: { action: 'welcome-call', label: { en: 'Welcome call', 'zh-CN': '欢迎回访' }, channel: 'phone', due: { days: 45, since: 'tenureDays' }, message: { en: 'Hello', 'zh-CN': '您好' } } },
  }],
});

/** The shop scored on 10 March, then that day's orders imported. */
async function shopAfterADay() {
  const db = await openTiermarkDB(`touched-test-${Math.random()}`);
  expect(await saveRuleFile(db, 'welcome.json', WELCOME, defaultRegistry())).toEqual([]);
  await importText(db, 'first.csv', FIRST);
  expect(await rescore(db, { reason: 'import', ...AS_OF })).toMatchObject({ state: 'done' });
  await importText(db, 'next-day.csv', NEXT_DAY);
  clearLookupCache(db);
  return db;
}

/** Every identifier the two files hold, as a seller page shows them, and strangers. */
const ROWS: Ref[][] = [
  ...['1', '2', '3', '4', '5', '6', '7', '8', '999'].map((value): Ref[] => [{ kind: 'order', value }]),
  ...['a@example.com', 'b@example.com', 'marie@example.org', 'ada@example.com', 'grace@example.com', 'marie.c@example.net', 'nobody@example.com'].flatMap((value): Ref[][] => [[{ kind: 'email', value }], [{ kind: 'id', value }]]),
  ...['Wei Wang', 'Marie Curie', 'Ada Lovelace', 'Grace Hopper', 'Nobody Here'].map((value): Ref[] => [{ kind: 'name', value }]),
];

/** The customers of the two files. */
const KEYS_AFTER_A_DAY = ['a@example.com', 'b@example.com', 'marie@example.org', 'ada@example.com', 'grace@example.com', 'marie.c@example.net'].map((email) => `woocommerce:${email}`);

/** What pages read of the shop after a day: each customer's profile and follow-ups, badges three ways, the Overview's and Segments' figures, the follow-ups due and their groups. */
async function seenByPages(db: Database) {
  // When a follow-up was raised or worked is the moment of each rescore; all else must agree.
  const untimed = (records: Awaited<ReturnType<typeof followUpsOf>>) => records.map(({ createdAt: _c, updatedAt: _u, ...rest }) => rest);
  return {
    profiles: await Promise.all(KEYS_AFTER_A_DAY.map((key) => getProfile(db, key))),
    followUps: await Promise.all(KEYS_AFTER_A_DAY.map(async (key) => untimed(await followUpsOf(db, key)))),
    looks: await looksThreeWays(db),
    overview: await db.get('meta', 'overview'),
    due: await db.get('meta', 'dueTally'),
    groups: (await followUpGroups(db, localDayNumber(AS_OF.asOf, ZONE))).counts,
  };
}

/** What a page is told for every row three ways: the lookup from the buckets, the index's shards, the whole index a small shop's page gets. */
async function looksThreeWays(db: Database) {
  clearLookupCache(db);
  const lookup = (await lookupRows(db, 'woocommerce', ROWS, 'en')).map(lookOf);
  const shards = await badgeLooks(db, 'woocommerce', ROWS, 'en');
  const packed = await wholeBadgeIndex(db, 'en', 'v');
  const whole = packed && new BadgeIndex(JSON.parse(JSON.stringify(packed)));
  return { lookup, shards, whole: whole && ROWS.map((refs) => whole.look(refs, 'woocommerce')) };
}

describe('rescoring only the customers an import touched', () => {
  it('stages each changed customer of an import once, with the customers each new identifier names', async () => {
    const db = await shopAfterADay();
    const touched = await touchedSince(db);
    // Counted from the file: the distinct buyers of the day's orders.
    const buyers = new Set(NEXT_DAY.trim().split('\n').slice(1).map((line) => line.split(',')[2]));
    expect([...touched.customers.keys()].sort()).toEqual([...buyers].map((email) => `woocommerce:${email}`).sort());
    expect(touched.customers.get('woocommerce:ada@example.com')).toMatchObject({ added: false, customer: { orderCount: 2 } });
    expect(touched.customers.get('woocommerce:grace@example.com')).toMatchObject({ added: true });
    // Two Marie Curies now: how many, not who (a badge says "ambiguous").
    expect(stagedNamed(touched.identifiers, 'name:marie curie')).toEqual({ holders: 2 });
    expect(stagedNamed(touched.identifiers, 'email:grace@example.com')).toEqual({ holders: 1, key: keyHashes('woocommerce:grace@example.com') });
  });

  it('stages a shared identifier only when an import changes whom it names, and badges it as a whole build would', async () => {
    const db = await shopAfterADay();
    await rescoreTouched(db, AS_OF);
    // A Wei Wang buys again: the name the two Wei Wangs share names the same two.
    await importText(db, 'wei.csv', `${WOO_HEADER}\n9,2024-03-10,a@example.com,Wei,Wang,80.00\n`);
    const staged = await touchedSince(db);
    expect(stagedNamed(staged.identifiers, 'name:wei wang')).toBeNull();
    expect(stagedNamed(staged.identifiers, 'email:a@example.com')).toEqual({ holders: 1, key: keyHashes('woocommerce:a@example.com') });
    // Whom each staged identifier names, counted from the alias store; every one staged is one of the store's.
    let found = 0;
    for (const [alias, keys] of Object.entries(await storedEntries<string[]>(db, 'aliases'))) {
      const named = stagedNamed(staged.identifiers, alias);
      if (!named) continue;
      found += 1;
      expect(named).toEqual(keys.length === 1 ? { holders: 1, key: keyHashes(keys[0]!) } : { holders: keys.length });
      expect(await customersForAlias(db, alias)).toEqual(keys);
    }
    expect(found).toBe(staged.identifiers.length / STAGED_WORDS);
    expect(found).toBeGreaterThan(1);
    expect(await rescoreTouched(db, AS_OF)).toMatchObject({ state: 'done' });
    const { lookup, shards, whole } = await looksThreeWays(db);
    expect(shards).toEqual(lookup);
    expect(whole).toEqual(lookup);
    const wei = (await getProfile(db, 'woocommerce:a@example.com'))!;
    expect(wei.facts).toMatchObject({ orderCount: 2, monetary: 90 });
    expect(lookup[ROWS.findIndex((row) => row[0]!.kind === 'name' && row[0]!.value === 'Wei Wang')]).toEqual({ kind: 'ambiguous', count: 2 });
    expect(lookup[ROWS.findIndex((row) => row[0]!.kind === 'email' && row[0]!.value === 'a@example.com')]).toMatchObject({ kind: 'customer', tier: wei.tier && { label: wei.tier.label.en } });
  });

  it('puts the touched customers’ figures, badges and cards right at once, the same by every way a page asks', async () => {
    const db = await shopAfterADay();
    // The import made the index stale: pages are answered by the lookup until a rescore.
    expect(await badgeLooks(db, 'woocommerce', ROWS, 'en')).toBeNull();
    const before = (await getProfile(db, 'woocommerce:ada@example.com'))!;
    const result = await rescoreTouched(db, AS_OF);
    expect(result).toMatchObject({ state: 'done', customers: 3 });

    const ada = (await getProfile(db, 'woocommerce:ada@example.com'))!;
    expect(ada.facts).toMatchObject({ orderCount: 2, monetary: 415, recencyDays: 0 });
    // 400 more moves her up the ladder: the badge must change with it. Her facts followed her
    // orders at once (scored again with the day's models, as this rescore scored her); what the
    // rules said waited for it.
    expect(before.facts).toEqual(ada.facts);
    expect(ada.tier?.rank).toBeGreaterThan(before.tier?.rank ?? -1);
    expect((await getProfile(db, 'woocommerce:grace@example.com'))!.facts).toMatchObject({ orderCount: 1, monetary: 50 });
    // Untouched: as the whole rescore left them.
    expect((await getProfile(db, 'woocommerce:marie@example.org'))!.facts).toMatchObject({ orderCount: 2, monetary: 530 });

    const { lookup, shards, whole } = await looksThreeWays(db);
    expect(shards).toEqual(lookup);
    expect(whole).toEqual(lookup);
    // A worker started afresh reads the patch and the filter once, with its first question.
    clearLookupCache(db);
    const gets = vi.spyOn(IDBObjectStore.prototype, 'get');
    expect(await badgeLooks(db, 'woocommerce', ROWS, 'en')).toEqual(shards);
    expect(await badgeLooks(db, 'woocommerce', ROWS, 'en')).toEqual(shards);
    expect(gets.mock.calls.filter(([key]) => key === 'badgePatch')).toHaveLength(1);
    expect(gets.mock.calls.filter(([key]) => key === FILTER)).toHaveLength(1);
    gets.mockRestore();
    const at = (refs: Ref[]) => lookup[ROWS.findIndex((row) => JSON.stringify(row) === JSON.stringify(refs))];
    // A new customer is found by every identifier; the name two customers now share is ambiguous.
    for (const refs of [[{ kind: 'order', value: '7' }], [{ kind: 'email', value: 'grace@example.com' }], [{ kind: 'id', value: 'grace@example.com' }]] as Ref[][]) {
      expect(at(refs)).toMatchObject({ kind: 'customer' });
    }
    expect(at([{ kind: 'name', value: 'Marie Curie' }])).toEqual({ kind: 'ambiguous', count: 2 });
    // Ada's badge is her new profile's, by her old order and her new one.
    const adaLook = { kind: 'customer', tier: ada.tier && { label: ada.tier.label.en, colour: ada.tier.colour } };
    expect(at([{ kind: 'order', value: '5' }])).toMatchObject(adaLook);
    expect(at([{ kind: 'order', value: '6' }])).toMatchObject(adaLook);
    expect(at([{ kind: 'order', value: '999' }])).toBeNull();
  });

  it('finds for every customer what the whole rescore after it finds with the day’s models', async () => {
    const db = await shopAfterADay();
    await rescoreTouched(db, AS_OF);
    const keys = KEYS_AFTER_A_DAY;
    const seen = () => seenByPages(db);
    const layered = await seen();
    // The layer as the release before wrote it, one map of profiles and raised follow-ups, reads the same.
    const oldLayout = new Map<number, Record<string, RescoredCustomer>>();
    for (const [key, customer] of await allRescored(db)) {
      const group = groupOf(bucketOf(key));
      oldLayout.set(group, { ...oldLayout.get(group), [key]: customer });
    }
    expect((await db.getAll('rescored')).every((stored) => stored.raised !== undefined)).toBe(true);
    await db.clear('rescored');
    for (const [group, customers] of oldLayout) await db.put('rescored', { group, json: JSON.stringify(customers) });
    expect(await seen()).toEqual(layered);
    expect(await rescore(db, { reason: 'import', ...AS_OF })).toMatchObject({ state: 'done', modelsKept: true, customers: 6 });
    expect(await db.count('rescored')).toBe(0);
    expect(await seen()).toEqual(layered);
    // Not vacuous: every customer has a profile and a follow-up, and the pages see badges.
    expect(layered.profiles.every((profile) => profile !== undefined)).toBe(true);
    expect(layered.followUps.every((list) => list.length > 0)).toBe(true);
    expect(layered.looks.shards!.filter((look) => look?.kind === 'customer').length).toBeGreaterThan(10);
    expect((layered.overview as OverviewRecord).all).toMatchObject({ customers: keys.length, orders: 8 });
    // Every customer's welcome call is still to work: Grace's and Marie C.'s too, new with the day.
    expect(Object.values((layered.due as DueTally).counts).reduce((a, b) => a + b, 0)).toBe(keys.length);
  });

  it('keeps the Overview’s and the Segments page’s figures as the whole rescore after it counts them, for every shop', async () => {
    const { db, asOf, before: whole } = await shopsAfterADay();
    const [before, lapsedBefore] = [whole.overview, whole.status.followUpsMissed!];

    expect(await rescoreTouched(db, asOf)).toMatchObject({ state: 'done' });
    const touched = (await db.get('meta', 'overview')) as OverviewRecord;
    const touchedDue = await db.get('meta', 'dueTally');
    const lapsed = ((await db.get('meta', 'rescore')) as RescoreStatus).followUpsMissed!;
    const touchedForecast = ((await db.get('meta', 'forecasts')) as ForecastRecord).entries.at(-1)!;
    expect(await rescore(db, { reason: 'import', ...asOf })).toMatchObject({ state: 'done', modelsKept: true, followUpsMissed: lapsed });
    // The day's forecast: the same customers, the same sums but for the order they were added in.
    const wholeForecast = ((await db.get('meta', 'forecasts')) as ForecastRecord).entries.at(-1)!;
    for (const [tally, whole] of [[touchedForecast.all, wholeForecast.all], ...Object.keys(wholeForecast.byShop).map((shop) => [touchedForecast.byShop[shop]!, wholeForecast.byShop[shop]!])]) {
      expect(tally!.customers).toBe(whole!.customers);
      expect(tally!.expected30).toBeCloseTo(whole!.expected30, 9);
      expect(tally!.expected90).toBeCloseTo(whole!.expected90, 9);
    }
    expect(touchedForecast).toMatchObject({ asOfDay: wholeForecast.asOfDay });
    expect(Object.keys(touchedForecast.byShop).sort()).toEqual(Object.keys(wholeForecast.byShop).sort());
    expect(wholeForecast.all.customers).toBeGreaterThan(0);
    expect(await db.get('meta', 'overview')).toEqual(touched);
    expect(await db.get('meta', 'dueTally')).toEqual(touchedDue);
    // Not vacuous: Wei Wang and the tea shop's lapsed buyers who came back are no longer counted.
    const count = (missed: typeof lapsed) => Object.values(missed).reduce((n, m) => n + m.customers, 0);
    expect(count(lapsed)).toBeLessThan(count(lapsedBefore));
    // Not vacuous: the day brought new buyers and orders and moved customers across the R × F grid.
    const buyers = (text: string, column: number) => new Set(text.trim().split('\n').slice(1).map((line) => line.split(',')[column]));
    const newWoo = [...buyers(NEXT_DAY, 2)].filter((email) => !buyers(FIRST, 2).has(email)).length;
    expect(touched.byShop.woocommerce!.customers).toBe(before.byShop.woocommerce!.customers + newWoo);
    expect(touched.byShop.taobao!.orders).toBeGreaterThan(before.byShop.taobao!.orders);
    expect(touched.byShop.taobao!.rfmCustomers).not.toEqual(before.byShop.taobao!.rfmCustomers);
    expect(touched.all.segments['tag|回访']).toMatchObject({ count: 1 });
    expect(before.all.segments['tag|回访']).toBeUndefined();
  });

  it('stands for the whole rescore after an import when it put every store right, and says when it did not', async () => {
    const db = await shopAfterADay();
    const whole = (await db.get('meta', 'rescore')) as RescoreStatus;
    const startedAt = Date.now();
    const touched = await rescoreTouched(db, AS_OF);
    expect(touched).toMatchObject({ state: 'done', customers: 3, complete: true });
    const status = await touchedInPlaceOfWhole(db, 'import', startedAt, touched);
    expect(status).toMatchObject({ state: 'done', reason: 'import', startedAt, customers: 6, scored: 3, touched, modelsKept: true, asOfDay: whole.asOfDay, error: null });
    expect(status.finishedAt).toBeGreaterThanOrEqual(startedAt);
    // Not the whole rescore's phases: none ran.
    expect(status.phases).toBeUndefined();
    expect(await db.get('meta', 'rescore')).toEqual(status);
    // Every customer's welcome call is open, Grace's and Marie C.'s too.
    expect(status.followUpsOpen).toBe(6);

    // Without the customer table the whole rescore wrote, it cannot stand for it.
    const other = await shopAfterADay();
    await other.delete('customerTable', 'head');
    expect(await rescoreTouched(other, AS_OF)).toMatchObject({ state: 'done', complete: false });
  });

  it('stands for the whole rescore after staff’s notes: follow-ups closed, tags counted, a customer hidden', async () => {
    const db = await shopAfterADay();
    await rescoreTouched(db, AS_OF);
    const [marieCall] = await followUpsOf(db, 'woocommerce:marie@example.org');
    await setFollowUpStatus(db, marieCall!.id, 'done');
    // Do not contact Ada and Marie (her call done stays done); a tag for Wei; Grace off seller pages.
    for (const key of ['woocommerce:ada@example.com', 'woocommerce:marie@example.org']) await setNotes(db, { key, note: '不要联系', tags: [], doNotContact: true, hideOnPages: false });
    await setNotes(db, { key: 'woocommerce:b@example.com', note: '', tags: ['回访'], doNotContact: false, hideOnPages: false });
    await setNotes(db, { key: 'woocommerce:grace@example.com', note: '', tags: [], doNotContact: false, hideOnPages: true });
    const startedAt = Date.now();
    const touched = await rescoreTouched(db, AS_OF);
    expect(touched).toMatchObject({ state: 'done', complete: true });
    const status = await touchedInPlaceOfWhole(db, 'notes', startedAt, touched);
    const layered = { ...(await seenByPages(db)), open: status.followUpsOpen, missed: status.followUpsMissed };
    expect(await rescore(db, { reason: 'notes', ...AS_OF })).toMatchObject({ state: 'done', modelsKept: true });
    const whole = (await db.get('meta', 'rescore')) as RescoreStatus;
    expect({ ...(await seenByPages(db)), open: whole.followUpsOpen, missed: whole.followUpsMissed }).toEqual(layered);
    // Not vacuous: Ada's open call went, Marie's done one stayed, Wei's tag is counted, Grace shows nowhere.
    const at = (key: string) => layered.followUps[KEYS_AFTER_A_DAY.indexOf(`woocommerce:${key}`)]!;
    expect(at('ada@example.com')).toEqual([]);
    expect(at('marie@example.org').map((f) => [f.id, f.status])).toEqual([[marieCall!.id, 'done']]);
    expect(layered.open).toBe(KEYS_AFTER_A_DAY.length - 2);
    expect((layered.overview as OverviewRecord).all.segments['tag|回访']).toMatchObject({ kind: 'tag', count: 1 });
    expect(layered.looks.lookup[ROWS.findIndex((row) => row[0]!.kind === 'email' && row[0]!.value === 'grace@example.com')]).toBeNull();

    // Now in the whole rescore's table, Wei's tag is counted from his row when others are rescored.
    await importText(db, 'evening.csv', `${WOO_HEADER}\n9,2024-03-10,ada@example.com,Ada,Lovelace,5.00\n`);
    expect(await rescoreTouched(db, AS_OF)).toMatchObject({ state: 'done', customers: 1, complete: true });
    const overTable = (await db.get('meta', 'overview')) as OverviewRecord;
    expect(overTable.all.segments['tag|回访']).toMatchObject({ kind: 'tag', count: 1 });
    expect(await rescore(db, { reason: 'import', ...AS_OF })).toMatchObject({ state: 'done', modelsKept: true });
    expect(await db.get('meta', 'overview')).toEqual(overTable);
  });

  it('says it is scoring while it runs, and has past months rebuilt when an import brought older history', async () => {
    const db = await shopAfterADay();
    const whole = (await db.get('meta', 'rescore')) as RescoreStatus;
    const startedAt = Date.now();
    // After an import of the day before that the touched completed: its status says what they did.
    await db.put('meta', { ...whole, touched: { state: 'done', customers: 3, ms: 10, complete: true } });
    const running = await touchedRunning(db, 'import', startedAt);
    // Every buyer of the two files, counted from their text.
    const buyers = new Set([FIRST, NEXT_DAY].flatMap((file) => file.trim().split('\n').slice(1).map((line) => line.split(',')[2]))).size;
    expect(running).toMatchObject({ state: 'running', reason: 'import', startedAt, finishedAt: null, scored: 0, customers: buyers });
    // Not the last one's: a page waiting for this one's would take that for it.
    expect(running.touched).toBeUndefined();
    // The Follow-ups page keeps reading the last rescore's lapsed counts meanwhile.
    expect(running.followUpsMissed).toEqual(whole.followUpsMissed);
    expect(await db.get('meta', 'rescore')).toEqual(running);

    // The same day, a buyer's history from the summer before, found in an old export.
    await importText(db, 'old.csv', `${WOO_HEADER}\n21,2023-06-15,lin@example.com,Lin,Hui,30.00\n22,2023-11-02,lin@example.com,Lin,Hui,45.00\n`);
    const before = await monthsToRebuild(db, whole.firstOrderDay!, whole.asOfDay, ZONE);
    // Told how many it scores once it knows, and says so while it runs: the day's buyers and Lin.
    const told: RescoreStatus[] = [];
    const onTouched = async (customers: number) => void told.push(await touchedCounted(db, running, customers));
    const touched = await rescoreTouched(db, { ...AS_OF, onTouched });
    expect(touched).toMatchObject({ state: 'done', complete: true, firstOrderDay: localDayNumber(Date.parse('2023-06-15T00:00:00Z'), ZONE) });
    const changed = new Set([NEXT_DAY].flatMap((file) => file.trim().split('\n').slice(1).map((line) => line.split(',')[2]))).size + 1;
    expect(told).toEqual([{ ...running, touching: changed }]);
    const status = await touchedInPlaceOfWhole(db, 'import', startedAt, touched);
    expect(status.touching).toBeUndefined();
    expect(status.firstOrderDay).toBe(localDayNumber(Date.parse('2023-06-15T00:00:00Z'), ZONE));
    // Every month end from that June on is missing now, not only the shop's months before it.
    const after = await monthsToRebuild(db, status.firstOrderDay!, status.asOfDay, ZONE);
    expect(after.map(isoDay)).toEqual([...['2023-06-30', '2023-07-31', '2023-08-31', '2023-09-30', '2023-10-31', '2023-11-30', '2023-12-31'], ...before.map(isoDay)]);
  });

  it('reads each touched customer once however many imports staged them, as the imports left them', async () => {
    const db = await shopAfterADay();
    // A second file the same day: Ada again, and a new buyer.
    const later = `${WOO_HEADER}\n11,2024-03-10,ada@example.com,Ada,Lovelace,7.00\n12,2024-03-10,hedy@example.net,Hedy,Lamarr,9.00\n`;
    await importText(db, 'later.csv', later);
    const buyersOf = (...files: string[]) => new Set(files.flatMap((file) => file.trim().split('\n').slice(1).map((line) => line.split(',')[2]))).size;
    const stagedCount = async () => ((await db.get('meta', 'touched')) as TouchedCount).customers;
    const staged = await touchedSince(db);
    expect(await db.count('touched')).toBeGreaterThan(2);
    // Counted per import until they are read: Ada twice.
    expect(await stagedCount()).toBeGreaterThan(buyersOf(NEXT_DAY, later));
    expect(await rescoreTouched(db, AS_OF)).toMatchObject({ state: 'done', customers: 4 });
    // One batch now, holding what the several held, and counted once each: imports of the same
    // customers all day long never reach the count past which only a whole rescore runs.
    expect(await db.count('touched')).toBe(1);
    expect(staged.repeated).toBe(true);
    expect(await touchedSince(db)).toEqual({ ...staged, repeated: false });
    expect(await stagedCount()).toBe(buyersOf(NEXT_DAY, later));
    const ada = (await getProfile(db, 'woocommerce:ada@example.com'))!;
    expect(ada.facts).toMatchObject({ orderCount: 3, monetary: 422 });
    // And a file after it is read over the one batch, its customers as it left them.
    await importText(db, 'evening.csv', `${WOO_HEADER}\n13,2024-03-10,ada@example.com,Ada,Lovelace,1.00\n`);
    expect(await rescoreTouched(db, AS_OF)).toMatchObject({ state: 'done', customers: 4 });
    expect(await stagedCount()).toBe(buyersOf(NEXT_DAY, later));
    expect((await getProfile(db, 'woocommerce:ada@example.com'))!.facts).toMatchObject({ orderCount: 4, monetary: 423 });
    const layered = await Promise.all(['ada@example.com', 'hedy@example.net', 'grace@example.com'].map((email) => getProfile(db, `woocommerce:${email}`)));
    expect(await rescore(db, { reason: 'import', ...AS_OF })).toMatchObject({ state: 'done', modelsKept: true });
    expect(await Promise.all(['ada@example.com', 'hedy@example.net', 'grace@example.com'].map((email) => getProfile(db, `woocommerce:${email}`)))).toEqual(layered);
  });

  it('leaves a day’s first import’s batches as it staged them, each customer once, and reads the next over them', async () => {
    const db = await shopAfterADay();
    const batches = await db.getAll('touched');
    expect(batches.length).toBeGreaterThan(1);
    const buyers = new Set(NEXT_DAY.trim().split('\n').slice(1).map((line) => line.split(',')[2]));
    expect(await rescoreTouched(db, AS_OF)).toMatchObject({ state: 'done', customers: buyers.size });
    expect(await db.getAll('touched')).toEqual(batches);
    expect(((await db.get('meta', 'touched')) as TouchedCount).customers).toBe(buyers.size);
    // Ada again: now held twice, the batches are read as one and written so.
    await importText(db, 'later.csv', `${WOO_HEADER}\n11,2024-03-10,ada@example.com,Ada,Lovelace,7.00\n`);
    expect(await rescoreTouched(db, AS_OF)).toMatchObject({ state: 'done', customers: buyers.size });
    expect(await db.count('touched')).toBe(1);
    expect((await getProfile(db, 'woocommerce:ada@example.com'))!.facts).toMatchObject({ orderCount: 3 });
  });

  it('counts the customers a commit staged while the touched were rescored, once each', async () => {
    const db = await shopAfterADay();
    const read = await touchedSince(db);
    // A file committed between the rescore's reading of the staged and its writing: Ada again, and Hedy.
    await importText(db, 'meanwhile.csv', `${WOO_HEADER}\n11,2024-03-10,ada@example.com,Ada,Lovelace,7.00\n12,2024-03-10,hedy@example.net,Hedy,Lamarr,9.00\n`);
    const tx = db.transaction(['touched', 'meta'], 'readwrite');
    await Promise.all([compactTouched({ touched: tx.objectStore('touched'), meta: tx.objectStore('meta') }, read), tx.done]);
    const emails = [...`${NEXT_DAY}\nhedy@example.net`.matchAll(/[\w.]+@[\w.]+/g)].map(([email]) => email);
    expect(((await db.get('meta', 'touched')) as TouchedCount).customers).toBe(new Set(emails).size);
    // The meanwhile's batch stays after the compacted one, read over it.
    expect([...(await touchedSince(db)).customers.keys()].sort()).toEqual([...new Set(emails)].map((email) => `woocommerce:${email}`).sort());
  });

  it('leaves the work to a whole rescore when the store holds customers no import staged (a restore, a deletion)', async () => {
    const db = await shopAfterADay();
    // As a restore or a deletion leaves it, while a rescore that started before it wrote its base.
    const counts = (await db.get('meta', 'counts')) as StoreCounts;
    await db.put('meta', { ...counts, customers: counts.customers + 40 });
    expect(await rescoreTouched(db, AS_OF)).toEqual({ state: 'whole', reason: 'store-changed' });
  });

  it('fits the models afresh each day and after the rules change, and keeps the day’s after an import', async () => {
    const db = await shopAfterADay();
    expect(await rescore(db, { reason: 'import', ...AS_OF })).toMatchObject({ state: 'done', modelsKept: true });
    // Staff's notes change no model either.
    expect(await rescore(db, { reason: 'notes', ...AS_OF })).toMatchObject({ state: 'done', modelsKept: true });
    expect((await rescore(db, { reason: 'daily', ...AS_OF })).modelsKept).toBeUndefined();
    expect((await rescore(db, { reason: 'import', ...AS_OF, asOf: endOfDay('2024-03-11', ZONE) })).modelsKept).toBeUndefined();
  });

  it('raises the touched customers’ follow-ups, keeps what staff do with them, and leaves all to the whole rescore after it', async () => {
    const db = await shopAfterADay();
    await rescoreTouched(db, AS_OF);
    const [call] = await followUpsOf(db, 'woocommerce:grace@example.com');
    expect(call).toMatchObject({ ref: 'welcome/call', status: 'open', customerKey: 'woocommerce:grace@example.com' });
    // The lists staff work from have it too, once, beside everyone else's.
    const today = 19_792; // 10 March 2024
    const open = await followUpGroups(db, today);
    const listed = await allFollowUps(db);
    expect(listed.filter((f) => f.id === call!.id)).toHaveLength(1);
    expect(new Set(listed.map((f) => f.customerKey)).size).toBe(6);
    expect(Object.values(open.counts).reduce((a, b) => a + b, 0)).toBe(listed.length);
    await setFollowUpStatus(db, call!.id, 'done');
    expect((await followUpsOf(db, 'woocommerce:grace@example.com')).map((f) => [f.id, f.status])).toEqual([[call!.id, 'done']]);
    expect((await followUpGroups(db, today)).counts.done).toBe(open.counts.done + 1);

    expect(await rescore(db, { reason: 'import', ...AS_OF })).toMatchObject({ state: 'done' });
    expect((await followUpsOf(db, 'woocommerce:grace@example.com')).map((f) => [f.id, f.status])).toEqual([[call!.id, 'done']]);
    // The whole rescore has read everything staged: nothing lies over it any more.
    expect(await db.count('rescored')).toBe(0);
    expect(await db.count('touched')).toBe(0);
    expect(await db.get('meta', 'badgePatch')).toBeUndefined();
    expect((await getProfile(db, 'woocommerce:ada@example.com'))!.facts).toMatchObject({ orderCount: 2, monetary: 415 });
    const { lookup, shards, whole } = await looksThreeWays(db);
    expect(shards).toEqual(lookup);
    expect(whole).toEqual(lookup);
  });

  it('takes a customer staff hide from seller pages off every identifier at once, and shows them again', async () => {
    const db = await shopAfterADay();
    await rescoreTouched(db, AS_OF);
    const marie = [[{ kind: 'order', value: '3' }], [{ kind: 'email', value: 'marie@example.org' }], [{ kind: 'id', value: 'marie@example.org' }], [{ kind: 'name', value: 'Marie Curie' }]] as Ref[][];
    const looks = async () => {
      clearLookupCache(db);
      const shards = await badgeLooks(db, 'woocommerce', marie, 'en');
      expect(shards).toEqual((await lookupRows(db, 'woocommerce', marie, 'en')).map(lookOf));
      return shards!.map((look) => look?.kind ?? null);
    };
    expect(await looks()).toEqual(['customer', 'customer', 'customer', 'ambiguous']);
    await setNotes(db, { key: 'woocommerce:marie@example.org', note: '', tags: [], doNotContact: false, hideOnPages: true });
    expect(await rescoreTouched(db, AS_OF)).toMatchObject({ state: 'done', customers: 4 });
    // The name she shares stays ambiguous, as a whole rescore leaves it: two customers have it.
    expect(await looks()).toEqual([null, null, null, 'ambiguous']);
    await setNotes(db, { key: 'woocommerce:marie@example.org', note: '', tags: [], doNotContact: false, hideOnPages: false });
    await rescoreTouched(db, AS_OF);
    expect(await looks()).toEqual(['customer', 'customer', 'customer', 'ambiguous']);
    await rescore(db, { reason: 'manual', ...AS_OF });
    expect(await looks()).toEqual(['customer', 'customer', 'customer', 'ambiguous']);
  });

  it('keeps a buyer id two shops of the platform share ambiguous, as a whole rescore does', async () => {
    const db = await shopAfterADay();
    const second = { id: 'woocommerce-2', name: 'EU store', platform: 'woocommerce' as const, createdAt: 0 };
    // The EU store's buyers: Ada (an id the first shop has too) and Bob (not a buyer of the first shop yet).
    const eu = `${WOO_HEADER}\n101,2024-03-05,ada@example.com,Ada,Lovelace,70.00\n102,2024-03-06,bob@example.com,Bob,Ross,12.00\n`;
    const bytes = new TextEncoder().encode(eu);
    await importFile(db, await importable('eu.csv', bytes, 64), { shop: second });
    expect(await rescore(db, { reason: 'rules', ...AS_OF })).toMatchObject({ state: 'done' });
    const ids: Ref[][] = [[{ kind: 'id', value: 'ada@example.com' }], [{ kind: 'id', value: 'bob@example.com' }]];
    const asked = async () => {
      clearLookupCache(db);
      const shards = await badgeLooks(db, 'woocommerce', ids, 'en');
      expect(shards).toEqual((await lookupRows(db, 'woocommerce', ids, 'en')).map(lookOf));
      return shards!.map((look) => (look?.kind === 'ambiguous' ? `ambiguous ${look.count}` : look?.kind ?? null));
    };
    expect(await asked()).toEqual(['ambiguous 2', 'customer']);
    // Ada buys again in the first shop (the index has her id, ambiguous), and Bob buys there for the first time.
    await importText(db, 'more.csv', `${WOO_HEADER}\n9,2024-03-10,ada@example.com,Ada,Lovelace,5.00\n10,2024-03-10,bob@example.com,Bob,Ross,9.00\n`);
    expect(await rescoreTouched(db, AS_OF)).toMatchObject({ state: 'done', customers: 2 });
    expect(await asked()).toEqual(['ambiguous 2', 'ambiguous 2']);
  });

  it('leaves the work to a whole rescore once more customers changed than are worth staging', async () => {
    const db = await shopAfterADay();
    const tx = db.transaction(['touched', 'meta'], 'readwrite');
    let made = 0;
    // As a commit of that many changed customers stages them: counted, and none made past the limit.
    await stageTouchedCustomers({ touched: tx.objectStore('touched'), meta: tx.objectStore('meta') }, TOUCHED_MAX, () => (made += 1, []));
    await tx.done;
    expect(made).toBe(0);
    expect(await rescoreTouched(db, AS_OF)).toEqual({ state: 'whole', reason: 'too-many' });
    expect((await rescore(db, { reason: 'import', ...AS_OF })).modelsKept).toBeUndefined();
    // That whole rescore read it all: the next import is staged again.
    expect(await db.get('meta', 'touched')).toBeUndefined();
  });

  it('scores with the models of the whole rescore’s profiles’ base, or those an earlier release kept in its own base', async () => {
    const db = await shopAfterADay();
    const base = (await db.get('meta', 'rescoreBase')) as StoredRescoreBase;
    // Written once, with the profiles: not twice.
    expect(base).not.toHaveProperty('models');
    const profiles = (await db.get('meta', `profileBase:${base.built}`)) as ProfileBase;
    expect(Object.keys(profiles.models)).toEqual(expect.arrayContaining(['rfm', 'bgnbd']));
    // A base as the release before wrote it: its models in it, no profiles' base.
    await db.put('meta', { ...base, models: profiles.models });
    await db.delete('meta', profiles.id);
    clearLookupCache(db);
    expect(await rescoreTouched(db, AS_OF)).toMatchObject({ state: 'done', customers: 3 });
    expect((await getProfile(db, 'woocommerce:ada@example.com'))!.facts).toMatchObject({ orderCount: 2, monetary: 415 });
    // Neither: only a whole rescore will do.
    await db.put('meta', base);
    clearLookupCache(db);
    expect(await rescoreTouched(db, AS_OF)).toEqual({ state: 'whole', reason: 'no-base' });
  });

  it('leaves the work to a whole rescore on another day, or after the rules changed', async () => {
    const db = await shopAfterADay();
    expect(await rescoreTouched(db, { ...AS_OF, asOf: endOfDay('2024-03-11', ZONE) })).toEqual({ state: 'whole', reason: 'another-day' });
    expect(await saveRuleFile(db, 'welcome.json', WELCOME.replace('"days":45', '"days":30').replace('"days": 45', '"days": 30'), defaultRegistry())).toEqual([]);
    expect(await rescoreTouched(db, AS_OF)).toEqual({ state: 'whole', reason: 'inputs' });
    // Nothing was written over the whole rescore's records.
    expect(await db.count('rescored')).toBe(0);
    expect(await badgeLooks(db, 'woocommerce', ROWS, 'en')).toBeNull();
  });
});
