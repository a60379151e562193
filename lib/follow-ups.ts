import type { FollowUpOutcome } from './engine/outcome';
import type { Channel } from './engine/rule-file';

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

const byDue = (a: FollowUpRecord, b: FollowUpRecord) => a.dueDay - b.dueDay || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
// Records from before values were kept count as worth nothing.
const byValue = (a: FollowUpRecord, b: FollowUpRecord) => (b.value ?? 0) - (a.value ?? 0) || byDue(a, b);
const ORDERS: Record<FollowUpGroup, (a: FollowUpRecord, b: FollowUpRecord) => number> = {
  overdue: byValue,
  today: byValue,
  waiting: byValue,
  upcoming: byDue,
  snoozed: (a, b) => (a.snoozedUntilDay ?? 0) - (b.snoozedUntilDay ?? 0) || byDue(a, b),
  done: (a, b) => b.updatedAt - a.updatedAt || byDue(a, b),
};

/** The first `limit` of what is added, in an order: sorted and cut now and then, so it never holds much more. */
class First<T> {
  private items: T[] = [];
  constructor(
    private readonly limit: number,
    private readonly order: (a: T, b: T) => number,
  ) {}
  add(item: T): void {
    this.items.push(item);
    if (this.items.length >= 2 * this.limit + 64) this.cut();
  }
  sorted(): T[] {
    this.cut();
    return this.items;
  }
  private cut(): void {
    this.items.sort(this.order);
    if (this.items.length > this.limit) this.items.length = this.limit;
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
export class FollowUpGrouper {
  private readonly counts: Record<FollowUpGroup, number> = { overdue: 0, today: 0, waiting: 0, upcoming: 0, snoozed: 0, done: 0 };
  private readonly first: Record<FollowUpGroup, First<FollowUpRecord>>;
  /** Due ones of a channel with a daily limit, by channel: which are worked today depends on all of them. */
  private readonly limited = new Map<Channel, { due: number; best: First<FollowUpRecord> }>();

  constructor(
    private readonly today: number,
    private readonly capacity: DailyCapacity = {},
    private readonly shown: Partial<Record<FollowUpGroup, number>> = {},
  ) {
    this.first = Object.fromEntries(FOLLOW_UP_GROUPS.map((group) => [group, new First(this.shownOf(group), ORDERS[group])])) as Record<FollowUpGroup, First<FollowUpRecord>>;
  }

  add(record: FollowUpRecord): void {
    const { today } = this;
    if (record.status === 'done') this.put('done', record);
    else if (record.status === 'snoozed' && (record.snoozedUntilDay ?? 0) > today) this.put('snoozed', record);
    else if (record.dueDay > today) this.put('upcoming', record);
    else {
      const limit = this.capacity[record.channel];
      if (limit === undefined) this.put(record.dueDay < today ? 'overdue' : 'today', record);
      else {
        let channel = this.limited.get(record.channel);
        if (!channel) this.limited.set(record.channel, (channel = { due: 0, best: new First(limit + this.shownOf('waiting'), byValue) }));
        channel.due += 1;
        channel.best.add(record);
      }
    }
  }

  finish(): FollowUpGroups {
    for (const [name, { due, best }] of this.limited) {
      const limit = this.capacity[name]!;
      best.sorted().forEach((record, rank) => {
        if (rank < limit) this.put(record.dueDay < this.today ? 'overdue' : 'today', record);
        else this.first.waiting.add(record);
      });
      this.counts.waiting += Math.max(0, due - limit);
    }
    this.limited.clear();
    const first = Object.fromEntries(FOLLOW_UP_GROUPS.map((group) => [group, this.first[group].sorted()])) as Record<FollowUpGroup, FollowUpRecord[]>;
    return { counts: { ...this.counts }, first };
  }

  private shownOf(group: FollowUpGroup): number {
    return this.shown[group] ?? Infinity;
  }

  private put(group: FollowUpGroup, record: FollowUpRecord): void {
    this.counts[group] += 1;
    this.first[group].add(record);
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
