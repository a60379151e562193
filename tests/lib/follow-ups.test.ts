import { describe, expect, it } from 'vitest';
import type { FollowUpRecord } from '../../lib/follow-ups';
import { FOLLOW_UP_GROUPS, FollowUpGrouper, groupFollowUps, type DailyCapacity, type FollowUpGroup } from '../../lib/follow-ups';
import type { Channel } from '../../lib/engine/rule-file';
import { print53 } from '../../lib/hash';

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

/** The groups worked out the plain way: every record held, each group sorted whole. */
function everyRecordGrouped(records: readonly FollowUpRecord[], today: number, capacity: DailyCapacity): Record<FollowUpGroup, FollowUpRecord[]> {
  // Ties of the day by rule, then by the prints of the customer and the follow-up.
  const byDue = (a: FollowUpRecord, b: FollowUpRecord) =>
    a.dueDay - b.dueDay || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0) || print53(a.customerKey) - print53(b.customerKey) || print53(a.id) - print53(b.id);
  const byValue = (a: FollowUpRecord, b: FollowUpRecord) => (b.value ?? 0) - (a.value ?? 0) || byDue(a, b);
  const open = records.filter((r) => r.status !== 'done' && !(r.status === 'snoozed' && (r.snoozedUntilDay ?? 0) > today));
  const dueNow = open.filter((r) => r.dueDay <= today).sort(byValue);
  const worked: FollowUpRecord[] = [];
  const waiting: FollowUpRecord[] = [];
  for (const r of dueNow) {
    const limit = capacity[r.channel];
    (limit !== undefined && worked.filter((w) => w.channel === r.channel).length >= limit ? waiting : worked).push(r);
  }
  return {
    overdue: worked.filter((r) => r.dueDay < today),
    today: worked.filter((r) => r.dueDay === today),
    waiting,
    upcoming: open.filter((r) => r.dueDay > today).sort(byDue),
    snoozed: records.filter((r) => r.status === 'snoozed' && (r.snoozedUntilDay ?? 0) > today).sort((a, b) => a.snoozedUntilDay! - b.snoozedUntilDay! || byDue(a, b)),
    done: records.filter((r) => r.status === 'done').sort((a, b) => b.updatedAt - a.updatedAt || byDue(a, b)),
  };
}

describe('follow-ups grouped a record at a time', () => {
  it('give each group its count and its first ones as if every record were held and sorted, whatever the order they come in', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const channels: Channel[] = ['phone', 'sms', 'app-message', 'email'];
    for (let round = 0; round < 40; round += 1) {
      const records = Array.from({ length: 200 + Math.floor(random() * 3000) }, (_, i) => {
        const status = (['open', 'open', 'open', 'snoozed', 'done'] as const)[Math.floor(random() * 5)]!;
        return record(`c${round}-${i}`, TODAY - 40 + Math.floor(random() * 60), status, {
          channel: channels[Math.floor(random() * 4)]!,
          // Ties of value, of due day and of the day done, as a real shop has.
          ...(random() < 0.9 && { value: Math.floor(random() * 20) * 50 }),
          snoozedUntilDay: status === 'snoozed' ? TODAY - 3 + Math.floor(random() * 10) : null,
          updatedAt: Math.floor(random() * 30),
        });
      });
      const capacity: DailyCapacity = round % 3 === 0 ? {} : { phone: Math.floor(random() * 60), ...(round % 2 === 0 && { sms: Math.floor(random() * 400) }) };
      const shown = Object.fromEntries(FOLLOW_UP_GROUPS.map((group) => [group, 1 + Math.floor(random() * 150)])) as Record<FollowUpGroup, number>;
      const expected = everyRecordGrouped(records, TODAY, capacity);
      const grouper = new FollowUpGrouper(TODAY, capacity, shown);
      for (const r of [...records].sort(() => random() - 0.5)) grouper.add(r);
      const { counts, first } = grouper.finish();
      for (const group of FOLLOW_UP_GROUPS) {
        expect(counts[group], `${group}, round ${round}`).toBe(expected[group].length);
        expect(first[group].map((f) => f.id), `${group}, round ${round}`).toEqual(expected[group].slice(0, shown[group]).map((f) => f.id));
      }
    }
  });
});
