import type { CustomerTableHead, TableRecord } from '../customer-table';
import { eachFollowUp, listKeys, recordOfEntry, type FollowUpItem, type FollowUpList, type RaisedOver } from '../follow-up-list';
import { FOLLOW_UP_GROUPS, FollowUpGrouper, type DailyCapacity, type FollowUpGroup, type FollowUpGroups, type FollowUpRecord } from '../follow-ups';
import { bucketOf, readBucket, type StoredBucket } from './buckets';
import { tableRecordKey } from './customer-table';
import { allRescored, RAISED_OVER, readRaisedOver } from './rescored';
import type { Database } from './schema';
import { pause } from '../pace';

/**
 * The follow-up list (see lib/follow-up-list.ts) lives with the customer table, under the build
 * of the whole rescore that wrote both, with what staff changed of the follow-ups since.
 */
export const FOLLOW_UP_LIST = 'followUps';
const WORKED = 'followUpsWorked';

/**
 * The list of the table in force, what staff changed since, and the customers a rescore of the
 * touched found since; null in a store from before the list, until its next whole rescore.
 */
export interface ListInForce {
  /** The whole rescore that wrote the list. */
  built: string;
  list: FollowUpList;
  worked: FollowUpRecord[];
  layer: ReadonlyMap<string, RaisedOver>;
}

/** A store of the customer table, in a transaction of the caller's. */
interface TableStore {
  get(name: string): Promise<TableRecord | undefined>;
  put(record: TableRecord): Promise<unknown>;
}

/** Staff's changes kept with the list of `built`. */
async function workedOf(store: Pick<TableStore, 'get'>, built: string): Promise<Record<string, FollowUpRecord>> {
  const stored = await store.get(tableRecordKey(built, WORKED));
  return stored && 'worked' in stored ? stored.worked : {};
}

export async function followUpListInForce(db: Database): Promise<ListInForce | null> {
  const tx = db.transaction('customerTable');
  const head = (await tx.store.get('head')) as CustomerTableHead | undefined;
  if (!head) return null;
  const [stored, worked, raised] = await Promise.all([tx.store.get(tableRecordKey(head.built, FOLLOW_UP_LIST)), workedSince(tx.store, head.built), tx.store.get(tableRecordKey(head.built, RAISED_OVER))]);
  if (!stored || !('followUps' in stored)) return null;
  // A layer the release before wrote has no record of its own: read from its profiles.
  const layer = raised && 'raisedOver' in raised ? readRaisedOver(raised.raisedOver) : await allRescored(db);
  return { built: head.built, list: stored.followUps, worked, layer };
}

/** Staff's changes over a list read before, as they are now. */
export async function workedNow(db: Database, { built }: Pick<ListInForce, 'built'>): Promise<FollowUpRecord[]> {
  return workedSince(db.transaction('customerTable').store, built);
}

/** Staff's changes to the follow-ups since the whole rescore `built` wrote its list. */
export async function workedSince(store: Pick<TableStore, 'get'>, built: string): Promise<FollowUpRecord[]> {
  return Object.values(await workedOf(store, built));
}

/** Staff's change of a follow-up, kept with the list in force: the list is written by the whole rescore only. */
export async function keepWorked(store: TableStore, record: FollowUpRecord): Promise<void> {
  const head = (await store.get('head')) as CustomerTableHead | undefined;
  if (!head) return;
  const worked = await workedOf(store, head.built);
  worked[record.id] = record;
  await store.put({ name: tableRecordKey(head.built, WORKED), worked });
}

/**
 * Staff's changes since `since` (a whole rescore's start), carried from the list in force to the
 * rescore's new one, `built`: one made after the rescore wrote its bucket is not in its list. Each
 * as its bucket holds it now, and only while it does (the rescore drops an open one no rule raises).
 */
export async function carryWorked(tables: TableStore, followups: { get(bucket: number): Promise<StoredBucket | undefined> }, built: string, since: number): Promise<void> {
  const head = (await tables.get('head')) as CustomerTableHead | undefined;
  if (!head) return;
  const recent = Object.values(await workedOf(tables, head.built)).filter((record) => record.updatedAt >= since);
  const carried: Record<string, FollowUpRecord> = {};
  for (const bucket of new Set(recent.map((record) => bucketOf(record.customerKey)))) {
    const now = readBucket<FollowUpRecord>(await followups.get(bucket));
    for (const { id } of recent) if (now[id]) carried[id] = now[id];
  }
  if (Object.keys(carried).length > 0) await tables.put({ name: tableRecordKey(built, WORKED), worked: carried });
}

/**
 * The follow-ups grouped as staff work them (see FollowUpGrouper) from the list, with staff's
 * changes and the rescored customers over it: only the ones shown are read from their buckets.
 */
export async function followUpGroupsOverList(db: Database, { list, worked, layer }: ListInForce, today: number, capacity: DailyCapacity, shown: Partial<Record<FollowUpGroup, number>>): Promise<FollowUpGroups> {
  const grouper = new FollowUpGrouper<FollowUpItem>(today, capacity, shown, listKeys(list));
  await eachFollowUp(list, worked, layer, (item) => grouper.add(item), pause);
  const { counts, first } = grouper.finish();
  const records = await recordsOfEntries(db, list, FOLLOW_UP_GROUPS.flatMap((group) => first[group].filter((item): item is number => typeof item === 'number')));
  const shownRecords = (items: FollowUpItem[]) => items.flatMap((item) => (typeof item === 'number' ? (records.get(item) ?? []) : [item]));
  return { counts, first: Object.fromEntries(FOLLOW_UP_GROUPS.map((group) => [group, shownRecords(first[group])])) as Record<FollowUpGroup, FollowUpRecord[]> };
}

/** The records of entries, from their buckets in one transaction; one a bucket no longer holds (a whole rescore under way) is left out. */
async function recordsOfEntries(db: Database, list: FollowUpList, entries: readonly number[]): Promise<Map<number, FollowUpRecord>> {
  const buckets = [...new Set(entries.map((i) => list.bucket[i]!))];
  const tx = db.transaction('followups');
  const stored = new Map((await Promise.all(buckets.map((bucket) => tx.store.get(bucket)))).map((bucket, k) => [buckets[k]!, bucket]));
  const parsed = new Map<number, Record<string, FollowUpRecord>>();
  const parse = (bucket: number) => {
    let map = parsed.get(bucket);
    if (!map) parsed.set(bucket, (map = readBucket<FollowUpRecord>(stored.get(bucket))));
    return map;
  };
  const records = new Map<number, FollowUpRecord>();
  for (const i of entries) {
    const bucket = list.bucket[i]!;
    const record = recordOfEntry(list, i, stored.get(bucket)?.json, () => parse(bucket));
    if (record) records.set(i, record);
  }
  return records;
}
