import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { setNotes } from '../../../lib/db/customer-notes';
import { followUpListInForce } from '../../../lib/db/follow-up-list';
import { allFollowUps, followUpGroups, KeptFollowUps, setFollowUpStatus, type RescoreStatus } from '../../../lib/db/profiles';
import { rescore } from '../../../lib/db/rescore';
import { rescoreTouched } from '../../../lib/db/rescore-touched';
import { allRescored, RAISED_OVER } from '../../../lib/db/rescored';
import { saveRuleFile } from '../../../lib/db/rule-files';
import { openTiermarkDB, type Database } from '../../../lib/db/schema';
import { stageStoredCustomer } from '../../../lib/db/touched';
import { tableRecordKey } from '../../../lib/db/customer-table';
import { demoExportText, demoOrders } from '../../../lib/demo/shop';
import { defaultRegistry } from '../../../lib/engine/registry';
import { FollowUpListBuilder } from '../../../lib/follow-up-list';
import { countDue, FollowUpGrouper, type DailyCapacity, type DueTally, type FollowUpGroup, type FollowUpRecord } from '../../../lib/follow-ups';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { endOfDay, localDayNumber } from '../../../lib/time';
import { importText, WOO_FIRST, WOO_NEXT_DAY } from './day-of-orders';

/** A call for every buyer 45 days after their first purchase, open for years, and a message for the lapsed: due days spread over the shop's history. */
const CALLS = JSON.stringify({
  id: 'calls', title: { en: 'Calls', 'zh-CN': '回访' }, version: 1, enabled: true,
  rules: [
    {
      name: 'welcome', conditions: { all: [{ fact: 'orderCount', operator: 'greaterThanInclusive', value: 1 }] },
      event: { type: 'follow-up', params: { action: 'welcome-call', label: { en: 'Welcome call', 'zh-CN': '欢迎回访' }, channel: 'phone', due: { days: 45, since: 'tenureDays', window: 4000 }, message: { en: 'Hello {orderCount} "quoted"\n', 'zh-CN': '您好 {orderCount} 次 🍵' } } },
    },
    {
      name: 'lapsed', conditions: { all: [{ fact: 'recencyDays', operator: 'greaterThan', value: 60 }] },
      event: { type: 'follow-up', params: { action: 'win-back', label: { en: 'Win back', 'zh-CN': '挽回' }, channel: 'sms', due: { days: 5, since: 'recencyDays', window: 4000 }, message: { en: 'We miss you', 'zh-CN': '好久不见' } } },
    },
  ],
});

const ZONE = 'UTC';

/** Each group's count and first ones counted here from every follow-up the buckets hold: the grouping the list must give. */
function groupedFrom(records: readonly FollowUpRecord[], today: number, capacity: DailyCapacity, shown: Partial<Record<FollowUpGroup, number>>) {
  const grouper = new FollowUpGrouper(today, capacity, shown);
  for (const record of records) grouper.add(record);
  return grouper.finish();
}

/**
 * The list is in force, and on every day and setting it groups as every record read would; so
 * does a list a page read before (`kept`), with what staff did since.
 */
async function listAgrees(db: Database, days: readonly number[], kept?: KeptFollowUps) {
  expect(await followUpListInForce(db)).not.toBeNull();
  const some: Partial<Record<FollowUpGroup, number>> = { overdue: 7, today: 1, waiting: 3, upcoming: 11, snoozed: 2, done: 4 };
  const records = await allFollowUps(db);
  for (const day of days) {
    for (const capacity of [{}, { phone: 4 }, { phone: 2, sms: 9 }] as DailyCapacity[]) {
      for (const shown of [{}, some]) {
        const expected = groupedFrom(records, day, capacity, shown);
        expect(await followUpGroups(db, day, capacity, shown), `day ${day}`).toEqual(expected);
        if (kept) expect(await kept.groups(day, capacity, shown), `day ${day}, the list read before`).toEqual(expected);
      }
    }
  }
}

/** The build of the customer table in force. */
async function builtInForce(db: Database): Promise<string> {
  const head = await db.get('customerTable', 'head');
  return head && 'built' in head ? head.built : '';
}

/** The follow-ups still to work by due day, and the open ones, counted here from the buckets. */
async function dueFromBuckets(db: Database) {
  const due: DueTally = { id: 'dueTally', counts: {} };
  const records = await allFollowUps(db);
  for (const record of records) countDue(due, record, 1);
  return { due, open: records.filter((record) => record.status === 'open').length };
}

describe('the follow-up list', () => {
  it('writes each bucket as JSON.stringify does, and notes where each follow-up lies in it', () => {
    const record = (id: string, extra: Partial<FollowUpRecord>): FollowUpRecord => ({
      id, ref: 'calls/welcome', customerKey: id.split('|')[1]!, action: 'call', label: { en: 'Call', 'zh-CN': '回访' }, channel: 'phone', dueDay: 19_800, due: '2024-03-18',
      message: { en: 'Tab\there, "quotes", back\\slash, {"id": 1},"x', 'zh-CN': '您好 🍵 \u2028' }, status: 'open', snoozedUntilDay: null, createdAt: 1, updatedAt: 2, ...extra,
    });
    const map = {
      'calls/welcome|taobao:小王|2024-02-02': record('calls/welcome|taobao:小王|2024-02-02', { value: 12.5 }),
      'calls/welcome|shopify:"odd"\\key|2024-02-03': record('calls/welcome|shopify:"odd"\\key|2024-02-03', { status: 'snoozed', snoozedUntilDay: 19_810 }),
      'calls/lapsed|jd:5|2024-01-01': record('calls/lapsed|jd:5|2024-01-01', { couponAmount: 5, value: undefined }),
    };
    const builder = new FollowUpListBuilder();
    const text = builder.text(7, map);
    expect(text).toBe(JSON.stringify(map));
    const list = builder.finish();
    expect(list.entries).toBe(3);
    Object.values(map).forEach((expected, i) => {
      expect(JSON.parse(text.slice(list.start[i], list.end[i]))).toEqual(JSON.parse(JSON.stringify(expected)));
      expect(list.bucket[i]).toBe(7);
    });
    expect(Number.isNaN(list.value[2])).toBe(true);
    // A record whose id is not its first field (none this release writes) is placed all the same.
    const { id, ...rest } = record('calls/welcome|jd:6|2024-01-05', { status: 'done' });
    const reordered = { 'calls/welcome|jd:6|2024-01-05': { ...rest, id } as FollowUpRecord, ...map };
    const more = new FollowUpListBuilder();
    const moreText = more.text(9, reordered);
    expect(moreText).toBe(JSON.stringify(reordered));
    const moreList = more.finish();
    expect(moreList.entries).toBe(4);
    Object.values(reordered).forEach((expected, i) => expect(JSON.parse(moreText.slice(moreList.start[i], moreList.end[i]))).toEqual(JSON.parse(JSON.stringify(expected))));
  });

  it('keeps a bucket’s stored text where its follow-ups are the same, and writes it afresh where one changed', () => {
    const record = (id: string, extra: Partial<FollowUpRecord> = {}): FollowUpRecord => ({
      id, ref: 'calls/welcome', customerKey: id.split('|')[1]!, action: 'call', label: { en: 'Call', 'zh-CN': '回访' }, channel: 'phone', dueDay: 19_800, due: '2024-03-18',
      message: { en: 'Hi "you"', 'zh-CN': '您好 🍵' }, status: 'open', snoozedUntilDay: null, createdAt: 1, updatedAt: 2, ...extra,
    });
    const today = { 'calls/welcome|jd:1|2024-02-02': record('calls/welcome|jd:1|2024-02-02', { value: 3, couponAmount: undefined }), 'calls/welcome|jd:2|2024-02-03': record('calls/welcome|jd:2|2024-02-03', { status: 'done' }) };
    // Stored by an earlier rescore with the fields in another order.
    const json = `{${Object.entries(today).map(([id, r]) => `${JSON.stringify(id)}:{"id":${JSON.stringify(r.id)},${JSON.stringify({ ...r, id: undefined, message: { 'zh-CN': r.message!['zh-CN'], en: r.message!.en } }).slice(1, -1)}}`).join(',')}}`;
    expect(json).not.toBe(JSON.stringify(today));
    const stored = { json, records: JSON.parse(json) as Record<string, FollowUpRecord> };
    expect(stored.records).toEqual(JSON.parse(JSON.stringify(today)));
    const builder = new FollowUpListBuilder();
    expect(builder.text(3, today, stored)).toBe(json);
    const list = builder.finish();
    expect(list.entries).toBe(2);
    Object.values(today).forEach((expected, i) => expect(JSON.parse(json.slice(list.start[i], list.end[i]))).toEqual(JSON.parse(JSON.stringify(expected))));
    // One field changed, one record more or fewer: the text is made afresh.
    for (const changed of [
      { ...today, 'calls/welcome|jd:1|2024-02-02': { ...today['calls/welcome|jd:1|2024-02-02'], label: { en: 'Call', 'zh-CN': '电话回访' } } },
      { ...today, 'calls/welcome|jd:3|2024-02-04': record('calls/welcome|jd:3|2024-02-04') },
      { 'calls/welcome|jd:1|2024-02-02': today['calls/welcome|jd:1|2024-02-02'] },
    ]) expect(new FollowUpListBuilder().text(3, changed, stored)).toBe(JSON.stringify(changed));
  });

  it('groups and counts the follow-ups as every record read would, through staff’s work, a day’s rescore of the touched and the whole rescore after', async () => {
    const db = await openTiermarkDB(`follow-up-list-${Math.random()}`);
    expect(await saveRuleFile(db, 'calls.json', CALLS, defaultRegistry())).toEqual([]);
    const orders = demoOrders(300);
    const lastDay = [...new Set(orders.map((o) => o.createdAt.slice(0, 10)))].sort().at(-1)!;
    const onLastDay = (o: { createdAt: string }) => o.createdAt.startsWith(lastDay);
    const asOf = { timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay(lastDay, ZONE) };
    const today = localDayNumber(asOf.asOf, ZONE);
    const days = [today - 400, today - 30, today - 1, today, today + 3, today + 60];
    await importText(db, 'tea.csv', demoExportText(orders.filter((o) => !onLastDay(o))));
    await importText(db, 'first.csv', WOO_FIRST);
    expect(await rescore(db, { reason: 'import', ...asOf })).toMatchObject({ state: 'done' });

    // The list holds every follow-up the buckets hold, counted from their text.
    const inBuckets = (await db.getAll('followups')).reduce((sum, stored) => sum + Object.keys(JSON.parse(stored.json) as object).length, 0);
    expect(inBuckets).toBeGreaterThan(300);
    expect((await followUpListInForce(db))!.list.entries).toBe(inBuckets);
    await listAgrees(db, days);

    // Staff work some: done, snoozed and woken, snoozed for later, reopened; a page that read the
    // list before shows what they did.
    const page = new KeptFollowUps(db);
    await page.groups(today, {}, { overdue: 20 });
    const records = await allFollowUps(db);
    await setFollowUpStatus(db, records[0]!.id, 'done');
    await setFollowUpStatus(db, records[1]!.id, 'snoozed', today - 2);
    await setFollowUpStatus(db, records[2]!.id, 'snoozed', today + 30);
    await setFollowUpStatus(db, records[3]!.id, 'snoozed', today + 30);
    await setFollowUpStatus(db, records[3]!.id, 'open');
    await listAgrees(db, days, page);

    // The day's orders, rescored for the touched only: their follow-ups lie over the list.
    await importText(db, 'tea-day.csv', demoExportText(orders.filter(onLastDay)));
    await importText(db, 'next-day.csv', `${WOO_NEXT_DAY}9,${lastDay},a@example.com,Wei,Wang,30.00\n`);
    const touched = await rescoreTouched(db, asOf);
    expect(touched).toMatchObject({ state: 'done' });
    await listAgrees(db, days);
    // Readers take the layer from its own record, as its profiles hold it; a layer the release
    // before wrote has no record, and is read from its profiles.
    const { layer } = (await followUpListInForce(db))!;
    const fromProfiles = await allRescored(db);
    expect(fromProfiles.size).toBeGreaterThan(0);
    expect([...layer.keys()].sort()).toEqual([...fromProfiles.keys()].sort());
    for (const [key, { profile, raised }] of fromProfiles) expect(layer.get(key)).toEqual({ profile: { asOfDay: profile.asOfDay }, raised });
    const raisedOver = tableRecordKey(await builtInForce(db), RAISED_OVER);
    const kept = (await db.get('customerTable', raisedOver))!;
    await db.delete('customerTable', raisedOver);
    await listAgrees(db, days);
    await db.put('customerTable', kept);
    const counted = await dueFromBuckets(db);
    expect(await db.get('meta', 'dueTally')).toEqual(counted.due);
    expect(((await db.get('meta', 'rescore')) as RescoreStatus).followUpsOpen).toBe(counted.open);

    // Staff work a follow-up only the rescore of the touched raised, and one of a touched customer's
    // it kept; then a customer is marked do-not-contact, which closes their open ones.
    const grace = (await allFollowUps(db)).filter((f) => f.customerKey === 'woocommerce:grace@example.com');
    expect(grace.length).toBeGreaterThan(0);
    await setFollowUpStatus(db, grace[0]!.id, 'snoozed', today + 2);
    const ada = (await allFollowUps(db)).find((f) => f.customerKey === 'woocommerce:ada@example.com' && f.status === 'open')!;
    await setFollowUpStatus(db, ada.id, 'done');
    const quiet = records.find((f) => f.customerKey.startsWith('taobao:') && f.status === 'open' && records.filter((g) => g.customerKey === f.customerKey).length > 1)!;
    await setNotes(db, { key: quiet.customerKey, note: '', tags: [], doNotContact: true, hideOnPages: false });
    await stageStoredCustomer(db, quiet.customerKey);
    expect(await rescoreTouched(db, asOf)).toMatchObject({ state: 'done' });
    expect((await allFollowUps(db)).filter((f) => f.customerKey === quiet.customerKey && f.status === 'open')).toEqual([]);
    await listAgrees(db, days);
    const again = await dueFromBuckets(db);
    expect(await db.get('meta', 'dueTally')).toEqual(again.due);
    expect(((await db.get('meta', 'rescore')) as RescoreStatus).followUpsOpen).toBe(again.open);

    // The whole rescore folds it all in and writes a new list.
    expect(await rescore(db, { reason: 'import', ...asOf })).toMatchObject({ state: 'done' });
    await listAgrees(db, days);
    db.close();
  }, 60_000);

  it('reads the list again for a page whose read of it failed', async () => {
    const db = await openTiermarkDB(`follow-up-list-${Math.random()}`);
    expect(await saveRuleFile(db, 'calls.json', CALLS, defaultRegistry())).toEqual([]);
    await importText(db, 'tea.csv', demoExportText(demoOrders(60)));
    const asOf = { timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay('2026-11-20', ZONE) };
    expect(await rescore(db, { reason: 'import', ...asOf })).toMatchObject({ state: 'done' });
    const today = localDayNumber(asOf.asOf, ZONE);
    const page = new KeptFollowUps(db);
    const busy = vi.spyOn(db, 'transaction').mockImplementationOnce(() => {
      throw new DOMException('The database connection is closing.', 'InvalidStateError');
    });
    try {
      await expect(page.groups(today)).rejects.toThrow(/closing/);
      const again = await page.groups(today);
      expect(again).toEqual(groupedFrom(await allFollowUps(db), today, {}, {}));
      expect(Object.values(again.counts).reduce((sum, n) => sum + n, 0)).toBeGreaterThan(0);
    } finally {
      busy.mockRestore();
      db.close();
    }
  });

  it('keeps what staff did while a whole rescore ran, also after the rescore wrote that follow-up', async () => {
    const db = await openTiermarkDB(`follow-up-list-${Math.random()}`);
    expect(await saveRuleFile(db, 'calls.json', CALLS, defaultRegistry())).toEqual([]);
    await importText(db, 'tea.csv', demoExportText(demoOrders(300)));
    const asOf = { timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay('2026-11-20', ZONE) };
    const today = localDayNumber(asOf.asOf, ZONE);
    expect(await rescore(db, { reason: 'import', ...asOf })).toMatchObject({ state: 'done' });
    const records = (await allFollowUps(db)).filter((f) => f.status === 'open');
    // Worked as each chunk of buckets is written: the first ones after their bucket was rescored.
    const working: Promise<unknown>[] = [];
    let chunk = 0;
    const status = await rescore(db, {
      reason: 'daily', ...asOf, asOf: asOf.asOf + 3_600_000,
      onProgress: ({ scored }) => {
        if (scored > 0) working.push(setFollowUpStatus(db, records[chunk++]!.id, 'done'));
      },
    });
    await Promise.all(working);
    expect(status).toMatchObject({ state: 'done' });
    expect(working.length).toBeGreaterThan(1);
    const worked = await db.get('customerTable', tableRecordKey(await builtInForce(db), 'followUpsWorked'));
    // Some were made before the new list was in force and carried to it.
    expect(worked && 'worked' in worked ? Object.keys(worked.worked).length : 0).toBeGreaterThan(0);
    const done = (await followUpGroups(db, today, {}, { done: Infinity })).first.done.map((f) => f.id);
    for (const record of records.slice(0, working.length)) expect(done).toContain(record.id);
    await listAgrees(db, [today - 10, today, today + 10]);
    db.close();
  }, 60_000);
});
