import { describe, expect, it } from 'vitest';
import type { CustomerRow } from '../../lib/db/customer-list';
import { membersOf, segmentsOf, splitSegment } from '../../lib/segments';

const dormant = { ref: 'churn-warnings/dormant', label: { en: 'Dormant', 'zh-CN': '沉睡客户' }, colour: '#888' };
const vip = { ref: 'member-ladder/vip', label: { en: 'VIP member', 'zh-CN': 'VIP会员' }, colour: '#c0392b', rank: 3 };
const member = { ref: 'member-ladder/member', label: { en: 'Member', 'zh-CN': '普通会员' }, colour: '#5d6d7e', rank: 1 };

function row(i: number, asleep: boolean): CustomerRow {
  return {
    key: `taobao:buyer${String(i).padStart(5, '0')}`, buyerId: `buyer${i}`, names: [], emails: [], phones: [], orderCount: 1, monetaryMinor: 100, currency: 'CNY',
    lastOrderAt: 0, tier: i % 10 === 0 ? vip : member, badges: asleep ? [dormant] : [], treatments: i % 10 === 0 ? [{ ref: 'vip-treatment/top', label: { en: 'VIP care', 'zh-CN': '贵宾服务' } }] : [],
    facts: {},
  };
}

describe('segments and A/B splits', () => {
  // 3,000 customers, 1,200 of them dormant.
  const rows = Array.from({ length: 3000 }, (_, i) => row(i, i % 5 < 2));

  it('counts every tier, badge and treatment, best tier first', () => {
    expect(segmentsOf(rows).map((s) => [s.kind, s.ref, s.count])).toEqual([
      ['tier', 'member-ladder/vip', 300],
      ['tier', 'member-ladder/member', 2700],
      ['badge', 'churn-warnings/dormant', 1200],
      ['treatment', 'vip-treatment/top', 300],
    ]);
    expect(membersOf(rows, { kind: 'badge', ref: 'churn-warnings/dormant' })).toHaveLength(1200);
  });

  it('splits 1,000 random dormant customers into two groups of 500, the same for the same seed', () => {
    const members = membersOf(rows, { kind: 'badge', ref: 'churn-warnings/dormant' });
    const [a, b] = splitSegment(members, { sample: 1000, groups: 2, seed: 'win-back-2026-12' });
    expect([a!.length, b!.length]).toEqual([500, 500]);
    const keys = (group: CustomerRow[]) => group.map((r) => r.key);
    // No one twice, everyone from the segment.
    expect(new Set([...keys(a!), ...keys(b!)]).size).toBe(1000);
    expect([...a!, ...b!].every((r) => r.badges.some((x) => x.ref === 'churn-warnings/dormant'))).toBe(true);
    // The same seed again, even from the members in another order: the same groups.
    const again = splitSegment([...members].reverse().sort((x, y) => (x.key < y.key ? -1 : 1)), { sample: 1000, groups: 2, seed: 'win-back-2026-12' });
    expect(again.map(keys)).toEqual([keys(a!), keys(b!)]);
    // Another seed: other groups.
    const other = splitSegment(members, { sample: 1000, groups: 2, seed: 'another' });
    expect(keys(other[0]!)).not.toEqual(keys(a!));
    // A random sample, not the first 1,000 by key: some of the last 200 by key are drawn.
    const lastKeys = new Set(keys(members.slice(1000)));
    expect([...a!, ...b!].filter((r) => lastKeys.has(r.key)).length).toBeGreaterThan(100);
  });

  it('never draws more than the segment has, and deals an odd sample as evenly as it can', () => {
    const members = membersOf(rows, { kind: 'tier', ref: 'member-ladder/vip' });
    expect(splitSegment(members, { sample: 5000, groups: 2, seed: 's' }).map((g) => g.length)).toEqual([150, 150]);
    expect(splitSegment(members, { sample: 7, groups: 3, seed: 's' }).map((g) => g.length)).toEqual([3, 2, 2]);
  });

  it('draws groups of the sizes asked, such as 800 and 200, the same for the same seed', () => {
    const members = membersOf(rows, { kind: 'badge', ref: 'churn-warnings/dormant' });
    const [a, b] = splitSegment(members, { sample: 0, groups: 0, seed: 'win-back', sizes: [800, 200] });
    expect([a!.length, b!.length]).toEqual([800, 200]);
    expect(new Set([...a!, ...b!].map((r) => r.key)).size).toBe(1000);
    expect(splitSegment(members, { sample: 0, groups: 0, seed: 'win-back', sizes: [800, 200] })).toEqual([a, b]);
    // More than the segment holds: the groups fill in order with what there is.
    expect(splitSegment(members, { sample: 0, groups: 0, seed: 's', sizes: [1000, 1000] }).map((g) => g.length)).toEqual([1000, 200]);
  });
});
