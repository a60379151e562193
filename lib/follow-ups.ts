import type { FollowUpOutcome } from './engine/outcome';
import type { Channel } from './engine/rule-file';
import { print53 } from './hash';

export type FollowUpStatus = 'open' | 'done' | 'snoozed';

/** A follow-up as stored: the outcome plus what staff did with it, kept across rescores. */
export interface FollowUpRecord extends Omit<FollowUpOutcome, 'value'> {
  /** Absent in records from before values were kept. */
  value?: number;
  status: FollowUpStatus;
  /** While snoozed: the local day it comes back. */
  snoozedUntilDay: number | null;
  createdAt: number;
  updatedAt: number;
}

export const FOLLOW_UP_GROUPS = ['overdue', 'today', 'waiting', 'upcoming', 'snoozed', 'done'] as const;
export type FollowUpGroup = (typeof FOLLOW_UP_GROUPS)[number];

/** How many follow-ups of a channel staff can work in a day; a channel not named has no limit. */
export type DailyCapacity = Partial<Record<Channel, number>>;

/** None of any group shown: their counts only. */
export const COUNTS_ONLY: Readonly<Record<FollowUpGroup, number>> = { overdue: 0, today: 0, waiting: 0, upcoming: 0, snoozed: 0, done: 0 };

/** Each group's follow-ups as many as asked for, in the group's order, and how many it holds. */
export interface FollowUpGroups {
  counts: Record<FollowUpGroup, number>;
  first: Record<FollowUpGroup, FollowUpRecord[]>;
}

/**
 * What grouping and ordering read of a follow-up: a record, or an entry of the follow-up list
 * (follow-up-list.ts) that stands for one without being parsed. `customer` and `id` are prints
 * (print53) of the customer's key and the follow-up's id.
 */
export interface FollowUpKeys<T> {
  status(item: T): FollowUpStatus;
  snoozedUntilDay(item: T): number | null;
  dueDay(item: T): number;
  channel(item: T): Channel;
  /** Records from before values were kept count as worth nothing. */
  value(item: T): number;
  updatedAt(item: T): number;
  ref(item: T): string;
  customer(item: T): number;
  id(item: T): number;
}

const prints = new WeakMap<FollowUpRecord, { customer: number; id: number }>();
const printsOf = (record: FollowUpRecord) => {
  let known = prints.get(record);
  if (!known) prints.set(record, (known = { customer: print53(record.customerKey), id: print53(record.id) }));
  return known;
};

export const RECORD_KEYS: FollowUpKeys<FollowUpRecord> = {
  status: (r) => r.status,
  snoozedUntilDay: (r) => r.snoozedUntilDay,
  dueDay: (r) => r.dueDay,
  channel: (r) => r.channel,
  value: (r) => r.value ?? 0,
  updatedAt: (r) => r.updatedAt,
  ref: (r) => r.ref,
  customer: (r) => printsOf(r).customer,
  id: (r) => printsOf(r).id,
};

/**
 * Each group's order. Ties of the day go by rule, then by the customer's and the follow-up's
 * prints: an order the follow-up list keeps without holding a million ids.
 */
function ordersOf<T>(keys: FollowUpKeys<T>): Record<FollowUpGroup, (a: T, b: T) => number> {
  const byDue = (a: T, b: T) => {
    const refA = keys.ref(a);
    const refB = keys.ref(b);
    return keys.dueDay(a) - keys.dueDay(b) || (refA < refB ? -1 : refA > refB ? 1 : 0) || keys.customer(a) - keys.customer(b) || keys.id(a) - keys.id(b);
  };
  const byValue = (a: T, b: T) => keys.value(b) - keys.value(a) || byDue(a, b);
  return {
    overdue: byValue,
    today: byValue,
    waiting: byValue,
    upcoming: byDue,
    snoozed: (a, b) => (keys.snoozedUntilDay(a) ?? 0) - (keys.snoozedUntilDay(b) ?? 0) || byDue(a, b),
    done: (a, b) => keys.updatedAt(b) - keys.updatedAt(a) || byDue(a, b),
  };
}

/** The first `limit` of what is added, in an order: sorted and cut now and then, so it never holds much more. */
class First<T> {
  private items: T[] = [];
  /** The last kept at the last cut: nothing after it can be among the first. */
  private bar: T | undefined;
  constructor(
    private readonly limit: number,
    private readonly order: (a: T, b: T) => number,
  ) {}
  add(item: T): void {
    if (this.limit === 0) return;
    if (this.bar !== undefined && this.order(item, this.bar) > 0) return;
    this.items.push(item);
    if (this.items.length >= 2 * this.limit + 64) this.cut();
  }
  sorted(): T[] {
    this.cut();
    return this.items;
  }
  private cut(): void {
    this.items.sort(this.order);
    if (this.items.length >= this.limit) {
      this.items.length = this.limit;
      this.bar = this.items[this.limit - 1];
    }
  }
}

/**
 * Follow-ups as staff work through them on a local day. Open ones due by today (overdue, then due
 * today) come most valuable customer first, as many per channel as the team can work in a day;
 * the rest of them wait, in the same order, for the ones above to be done. Then upcoming ones by
 * due date, snoozed ones until they come back (a snooze that has run out is open again), and done
 * ones, the latest first. Fed one record at a time, it keeps each group's count and only its first
 * `shown` (and of a channel with a daily limit, that many more than the limit), so a shop with a
 * million follow-ups is grouped without holding them.
 */
export class FollowUpGrouper<T = FollowUpRecord> {
  private readonly counts: Record<FollowUpGroup, number> = { overdue: 0, today: 0, waiting: 0, upcoming: 0, snoozed: 0, done: 0 };
  private readonly orders: Record<FollowUpGroup, (a: T, b: T) => number>;
  private readonly first: Record<FollowUpGroup, First<T>>;
  /** Due ones of a channel with a daily limit, by channel: which are worked today depends on all of them. */
  private readonly limited = new Map<Channel, { due: number; best: First<T> }>();

  constructor(
    private readonly today: number,
    private readonly capacity: DailyCapacity = {},
    private readonly shown: Partial<Record<FollowUpGroup, number>> = {},
    private readonly keys: FollowUpKeys<T> = RECORD_KEYS as unknown as FollowUpKeys<T>,
  ) {
    this.orders = ordersOf(keys);
    this.first = Object.fromEntries(FOLLOW_UP_GROUPS.map((group) => [group, new First(this.shownOf(group), this.orders[group])])) as Record<FollowUpGroup, First<T>>;
  }

  add(item: T): void {
    const { today, keys } = this;
    const status = keys.status(item);
    const dueDay = keys.dueDay(item);
    if (status === 'done') this.put('done', item);
    else if (status === 'snoozed' && (keys.snoozedUntilDay(item) ?? 0) > today) this.put('snoozed', item);
    else if (dueDay > today) this.put('upcoming', item);
    else {
      const channelOf = keys.channel(item);
      const limit = this.capacity[channelOf];
      if (limit === undefined) this.put(dueDay < today ? 'overdue' : 'today', item);
      else {
        let channel = this.limited.get(channelOf);
        if (!channel) this.limited.set(channelOf, (channel = { due: 0, best: new First(limit + this.shownOf('waiting'), this.orders.today) }));
        channel.due += 1;
        channel.best.add(item);
      }
    }
  }

  finish(): { counts: Record<FollowUpGroup, number>; first: Record<FollowUpGroup, T[]> } {
    for (const [name, { due, best }] of this.limited) {
      const limit = this.capacity[name]!;
      best.sorted().forEach((item, rank) => {
        if (rank < limit) this.put(this.keys.dueDay(item) < this.today ? 'overdue' : 'today', item);
        else this.first.waiting.add(item);
      });
      this.counts.waiting += Math.max(0, due - limit);
    }
    this.limited.clear();
    const first = Object.fromEntries(FOLLOW_UP_GROUPS.map((group) => [group, this.first[group].sorted()])) as Record<FollowUpGroup, T[]>;
    return { counts: { ...this.counts }, first };
  }

  private shownOf(group: FollowUpGroup): number {
    return this.shown[group] ?? Infinity;
  }

  private put(group: FollowUpGroup, item: T): void {
    this.counts[group] += 1;
    this.first[group].add(item);
  }
}

/** Every follow-up of `records` in its group (see FollowUpGrouper). */
export function groupFollowUps(records: Iterable<FollowUpRecord>, today: number, capacity: DailyCapacity = {}): Record<FollowUpGroup, FollowUpRecord[]> {
  const grouper = new FollowUpGrouper(today, capacity);
  for (const record of records) grouper.add(record);
  return grouper.finish().first;
}

/**
 * Follow-ups still to work (open, or snoozed) counted by due day and the day a snooze ends
 * ("dueDay|untilDay"): enough to say how many are overdue or due today on any day without reading
 * them. The rescore keeps it (`meta` record "dueTally"), and each status change staff make.
 */
export interface DueTally {
  id: 'dueTally';
  counts: Record<string, number>;
}

export function countDue(tally: DueTally, record: Pick<FollowUpRecord, 'status' | 'dueDay' | 'snoozedUntilDay'>, change: 1 | -1): void {
  if (record.status === 'done') return;
  const key = `${record.dueDay}|${record.status === 'snoozed' ? (record.snoozedUntilDay ?? 0) : 0}`;
  const left = (tally.counts[key] ?? 0) + change;
  if (left > 0) tally.counts[key] = left;
  else delete tally.counts[key];
}

/** Overdue and due today on a day, as groupFollowUps counts them with no daily limit. */
export function dueOn(tally: DueTally, today: number): { overdue: number; today: number } {
  const due = { overdue: 0, today: 0 };
  for (const [key, count] of Object.entries(tally.counts)) {
    const [dueDay, until] = key.split('|').map(Number) as [number, number];
    if (until > today || dueDay > today) continue;
    due[dueDay < today ? 'overdue' : 'today'] += count;
  }
  return due;
}

/**
 * One bucket's follow-ups after a rescore: each raised one keeps what staff did with it (a snooze
 * until it runs out) and the due day it was first given; one no longer raised is dropped while
 * open (the customer bought, the window passed) and kept once done.
 */
export function mergeFollowUps(previous: Record<string, FollowUpRecord>, raised: Record<string, FollowUpRecord>, asOfDay: number): Record<string, FollowUpRecord> {
  const merged: Record<string, FollowUpRecord> = {};
  for (const [id, old] of Object.entries(previous)) if (!(id in raised) && old.status === 'done') merged[id] = old;
  for (const [id, fresh] of Object.entries(raised)) {
    const old = previous[id];
    if (!old) merged[id] = fresh;
    else if (old.status === 'snoozed' && (old.snoozedUntilDay ?? asOfDay) <= asOfDay) merged[id] = { ...fresh, createdAt: old.createdAt, updatedAt: old.updatedAt };
    else merged[id] = { ...fresh, status: old.status, snoozedUntilDay: old.snoozedUntilDay, createdAt: old.createdAt, updatedAt: old.updatedAt };
    // Due on the day it was first raised (or later), not moved on by each day's rescore.
    if (old) Object.assign(merged[id]!, { dueDay: old.dueDay, due: old.due });
  }
  return merged;
}
