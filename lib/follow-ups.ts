import type { FollowUpRecord } from './db/profiles';

export const FOLLOW_UP_GROUPS = ['overdue', 'today', 'upcoming', 'snoozed', 'done'] as const;
export type FollowUpGroup = (typeof FOLLOW_UP_GROUPS)[number];

/**
 * Follow-ups as staff work through them on a local day: open ones overdue, due today or upcoming
 * (by due date), snoozed ones until they come back (a snooze that has run out is open again), and
 * done ones, the latest first.
 */
export function groupFollowUps(records: readonly FollowUpRecord[], today: number): Record<FollowUpGroup, FollowUpRecord[]> {
  const groups: Record<FollowUpGroup, FollowUpRecord[]> = { overdue: [], today: [], upcoming: [], snoozed: [], done: [] };
  for (const record of records) {
    if (record.status === 'done') groups.done.push(record);
    else if (record.status === 'snoozed' && (record.snoozedUntilDay ?? 0) > today) groups.snoozed.push(record);
    else groups[record.dueDay < today ? 'overdue' : record.dueDay === today ? 'today' : 'upcoming'].push(record);
  }
  const byDue = (a: FollowUpRecord, b: FollowUpRecord) => a.dueDay - b.dueDay || (a.id < b.id ? -1 : 1);
  for (const group of ['overdue', 'today', 'upcoming'] as const) groups[group].sort(byDue);
  groups.snoozed.sort((a, b) => (a.snoozedUntilDay ?? 0) - (b.snoozedUntilDay ?? 0) || byDue(a, b));
  groups.done.sort((a, b) => b.updatedAt - a.updatedAt);
  return groups;
}
