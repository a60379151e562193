import { describe, expect, it } from 'vitest';
import type { FollowUpRecord } from '../../lib/follow-ups';
import { groupFollowUps } from '../../lib/follow-ups';

const TODAY = 20_000;
const record = (id: string, dueDay: number, status: FollowUpRecord['status'] = 'open', extra: Partial<FollowUpRecord> = {}): FollowUpRecord => ({
  id, ref: 'follow-ups/review', customerKey: `taobao:${id}`, action: 'review', label: { en: 'Review request', 'zh-CN': '好评邀请' }, channel: 'app-message',
  dueDay, due: '', message: { en: '', 'zh-CN': '' }, status, snoozedUntilDay: null, createdAt: 0, updatedAt: 0, ...extra,
});

describe('follow-ups by the day staff work them', () => {
  it('puts open ones overdue, today or upcoming by due date, and keeps snoozed and done apart', () => {
    const groups = groupFollowUps(
      [
        record('late', TODAY - 3), record('later', TODAY - 10), record('now', TODAY), record('soon', TODAY + 2),
        record('asleep', TODAY - 5, 'snoozed', { snoozedUntilDay: TODAY + 1 }),
        // A snooze that has run out is open again, here overdue.
        record('woken', TODAY - 6, 'snoozed', { snoozedUntilDay: TODAY }),
        record('old-done', TODAY - 20, 'done', { updatedAt: 1 }), record('new-done', TODAY - 1, 'done', { updatedAt: 2 }),
      ],
      TODAY,
    );
    const ids = (list: FollowUpRecord[]) => list.map((f) => f.id);
    expect(ids(groups.overdue)).toEqual(['later', 'woken', 'late']);
    expect(ids(groups.today)).toEqual(['now']);
    expect(ids(groups.upcoming)).toEqual(['soon']);
    expect(ids(groups.snoozed)).toEqual(['asleep']);
    expect(ids(groups.done)).toEqual(['new-done', 'old-done']);
  });

  it('works the due ones most valuable customer first, as many per channel as the team can do in a day, the rest waiting', () => {
    const call = (id: string, dueDay: number, value: number) => record(id, dueDay, 'open', { channel: 'phone', value });
    const sms = (id: string, dueDay: number, value: number) => record(id, dueDay, 'open', { channel: 'sms', value });
    const groups = groupFollowUps(
      [call('small-late', TODAY - 30, 10), call('big-today', TODAY, 900), call('mid-late', TODAY - 2, 300), call('tiny', TODAY, 1), sms('s1', TODAY - 1, 5), sms('s2', TODAY, 50), call('next-week', TODAY + 7, 5000)],
      TODAY,
      { phone: 2 },
    );
    const ids = (list: FollowUpRecord[]) => list.map((f) => f.id);
    // Two calls a day: the 900 and the 300 customers; the 10 and 1 wait, in that order. SMS has no limit.
    expect(ids(groups.today)).toEqual(['big-today', 's2']);
    expect(ids(groups.overdue)).toEqual(['mid-late', 's1']);
    expect(ids(groups.waiting)).toEqual(['small-late', 'tiny']);
    expect(ids(groups.upcoming)).toEqual(['next-week']);
    // Without a capacity nothing waits.
    expect(groupFollowUps([call('a', TODAY, 1), call('b', TODAY, 2), call('c', TODAY, 3)], TODAY).today.map((f) => f.id)).toEqual(['c', 'b', 'a']);
  });
});
