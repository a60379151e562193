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

/**
 * Follow-ups as staff work through them on a local day. Open ones due by today (overdue, then due
 * today) come most valuable customer first, as many per channel as the team can work in a day;
 * the rest of them wait, in the same order, for the ones above to be done. Then upcoming ones by
 * due date, snoozed ones until they come back (a snooze that has run out is open again), and done
 * ones, the latest first.
 */
export function groupFollowUps(records: readonly FollowUpRecord[], today: number, capacity: DailyCapacity = {}): Record<FollowUpGroup, FollowUpRecord[]> {
  const groups: Record<FollowUpGroup, FollowUpRecord[]> = { overdue: [], today: [], waiting: [], upcoming: [], snoozed: [], done: [] };
  const dueNow: FollowUpRecord[] = [];
  for (const record of records) {
    if (record.status === 'done') groups.done.push(record);
    else if (record.status === 'snoozed' && (record.snoozedUntilDay ?? 0) > today) groups.snoozed.push(record);
    else if (record.dueDay <= today) dueNow.push(record);
    else groups.upcoming.push(record);
  }
  const byDue = (a: FollowUpRecord, b: FollowUpRecord) => a.dueDay - b.dueDay || (a.id < b.id ? -1 : 1);
  // Records from before values were kept count as worth nothing.
  const byValue = (a: FollowUpRecord, b: FollowUpRecord) => (b.value ?? 0) - (a.value ?? 0) || byDue(a, b);
  dueNow.sort(byValue);
  const taken = new Map<Channel, number>();
  for (const record of dueNow) {
    const used = taken.get(record.channel) ?? 0;
    const limit = capacity[record.channel];
    if (limit !== undefined && used >= limit) groups.waiting.push(record);
    else {
      taken.set(record.channel, used + 1);
      groups[record.dueDay < today ? 'overdue' : 'today'].push(record);
    }
  }
  groups.upcoming.sort(byDue);
  groups.snoozed.sort((a, b) => (a.snoozedUntilDay ?? 0) - (b.snoozedUntilDay ?? 0) || byDue(a, b));
  groups.done.sort((a, b) => b.updatedAt - a.updatedAt);
  return groups;
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
