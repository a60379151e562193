import { describe, expect, it } from 'vitest';
import { daysToKeep, keyHashes, movement, SnapshotBuilder, SnapshotReader, standingsPatch, withPatch, type FoundStanding, type MovementDimension } from '../../lib/snapshots';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
const VIP = { ref: 'member-ladder/vip', label: { en: 'VIP', 'zh-CN': '贵宾' }, rank: 2 };
const MEMBER = { ref: 'member-ladder/member', label: { en: 'Member', 'zh-CN': '会员' }, rank: 1 };
const CHAMPIONS = { ref: 'rfm-segments/champions', label: { en: 'Champions', 'zh-CN': '重要价值客户' } };
const OTHER_BADGE = { ref: 'vip-treatment/gift', label: { en: 'Gift', 'zh-CN': '礼品' } };

/** Customers as [key, tier, badges, stage] on a day. */
function snapshotOf(date: string, customers: Array<[string, typeof VIP | null, Array<typeof CHAMPIONS>, string | null]>) {
  const builder = new SnapshotBuilder(day(date));
  for (const [key, tier, badges, stage] of customers) builder.add(keyHashes(key), tier, badges, stage);
  return builder.finish();
}

describe('snapshots and segment movement', () => {
  const may = snapshotOf('2024-05-01', [
    ['taobao:a', MEMBER, [], 'new'],
    ['taobao:b', MEMBER, [CHAMPIONS], 'growing'],
    ['taobao:c', VIP, [OTHER_BADGE, CHAMPIONS], 'mature'],
    ['taobao:gone', MEMBER, [], 'lost'],
  ]);
  const june = snapshotOf('2024-06-01', [
    ['taobao:c', MEMBER, [], 'declining'],
    ['taobao:b', VIP, [CHAMPIONS], 'mature'],
    ['taobao:a', MEMBER, [], 'growing'],
    ['taobao:new', null, [], 'new'],
  ]);
  const count = (dimension: MovementDimension) => {
    const found = movement(may, june, dimension);
    const refs = found.groups.map((g) => g.ref);
    const cell = (from: string, to: string) => found.counts[refs.indexOf(from)]![refs.indexOf(to)]!;
    return { found, refs, cell };
  };

  it('counts who moved from which tier to which, best tier first, with who arrived and who left', () => {
    const { found, refs, cell } = count('tier');
    expect(refs).toEqual(['member-ladder/vip', 'member-ladder/member', '']);
    expect(cell('member-ladder/member', 'member-ladder/vip')).toBe(1);
    expect(cell('member-ladder/vip', 'member-ladder/member')).toBe(1);
    expect(cell('member-ladder/member', 'member-ladder/member')).toBe(1);
    expect(found.counts.flat().reduce((a, b) => a + b, 0)).toBe(3);
    expect(found.arrived[refs.indexOf('')]).toBe(1);
    expect(found.left).toBe(1);
  });

  it('reads the RFM segment from the rfm-segments badges only, and the lifecycle stage', () => {
    const segment = count('segment');
    expect(segment.cell('rfm-segments/champions', '')).toBe(1);
    expect(segment.cell('rfm-segments/champions', 'rfm-segments/champions')).toBe(1);
    expect(segment.cell('', '')).toBe(1);
    const stage = count('stage');
    expect(stage.cell('new', 'growing')).toBe(1);
    expect(stage.cell('growing', 'mature')).toBe(1);
    expect(stage.cell('mature', 'declining')).toBe(1);
  });

  it('keeps a week of days, then a day a week for twelve weeks, then a day a month for 36 months', () => {
    const today = day('2026-12-02');
    const every = Array.from({ length: 1400 }, (_, i) => today - i);
    const kept = daysToKeep(every, today);
    const ages = kept.map((d) => today - d).sort((a, b) => a - b);
    expect(ages.slice(0, 7)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // Weeks: one a week (the first day kept in each), then months.
    const weekly = ages.filter((age) => age >= 7 && age < 91);
    expect(weekly.length).toBeGreaterThanOrEqual(12);
    expect(weekly.length).toBeLessThanOrEqual(13);
    const monthly = ages.filter((age) => age >= 91);
    expect(monthly.length).toBeGreaterThanOrEqual(36);
    expect(monthly.length).toBeLessThanOrEqual(37);
    expect(kept.length).toBeLessThanOrEqual(7 + 13 + 36);
    expect(daysToKeep(kept, today)).toEqual(kept);
  });

  it('keeps the newest 36 months that have a snapshot, however old: a history that ended years ago keeps its movement', () => {
    const today = day('2026-12-02');
    // Month ends of 2019-01 … 2023-04, rebuilt from an export that stops in 2023, and today's.
    const ends = Array.from({ length: 52 }, (_, m) => Date.UTC(2019, m + 1, 1) / 86_400_000 - 1);
    const kept = daysToKeep([...ends, today], today);
    expect(kept).toEqual([...ends.slice(-36), today]);
    expect(kept[0]).toBe(day('2020-05-31'));
  });
});

describe('a customer’s standing, read back from a snapshot', () => {
  it('finds every customer of a big shop, and nobody who is not in it, whatever their hashes', () => {
    const builder = new SnapshotBuilder(day('2024-05-01'));
    const tiers = [VIP, MEMBER, null];
    const stages = ['new', 'growing', 'mature', 'declining'];
    const keys = Array.from({ length: 40_000 }, (_, i) => `shopify:customer${i}@example.com`);
    keys.forEach((key, i) => builder.add(keyHashes(key), tiers[i % 3]!, i % 5 === 0 ? [CHAMPIONS] : [], stages[i % 4]!));
    const reader = new SnapshotReader(builder.finish());
    // Their hashes fall into most of the 65,536 top-bit ranges, several into some, none into others.
    const tops = new Set(keys.map((key) => keyHashes(key)[0] >>> 16));
    expect(tops.size).toBeGreaterThan(20_000);
    keys.forEach((key, i) => expect(reader.standingOf(keyHashes(key)), key).toMatchObject({ tier: tiers[i % 3]?.ref ?? null, segment: i % 5 === 0 ? CHAMPIONS.ref : null, stage: stages[i % 4] }));
    for (let i = 0; i < 20_000; i += 1) expect(reader.standingOf(keyHashes(`shopify:someone${i}@example.com`))).toBeNull();
    // The first and last possible hashes, where the ranges begin and end.
    expect(reader.standingOf([0, 0])).toBeNull();
    expect(reader.standingOf([2 ** 32 - 1, 2 ** 32 - 1])).toBeNull();
  });

  it('finds each customer by key, and carries the day their tier and segment began while they keep them', () => {
    const first = new SnapshotBuilder(day('2024-05-01'));
    first.add(keyHashes('taobao:a'), MEMBER, [CHAMPIONS], 'new');
    first.add(keyHashes('taobao:b'), VIP, [], 'mature');
    const may = new SnapshotReader(first.finish());
    expect(may.standingOf(keyHashes('taobao:a'))).toEqual({ day: day('2024-05-01'), tier: MEMBER.ref, segment: CHAMPIONS.ref, stage: 'new', tierSince: day('2024-05-01'), segmentSince: day('2024-05-01') });
    expect(may.standingOf(keyHashes('taobao:nobody'))).toBeNull();
    const second = new SnapshotBuilder(day('2024-06-01'));
    // a stays a member and leaves the segment; b drops to member.
    second.add(keyHashes('taobao:a'), MEMBER, [], 'growing', may.standingOf(keyHashes('taobao:a')));
    second.add(keyHashes('taobao:b'), MEMBER, [], 'declining', may.standingOf(keyHashes('taobao:b')));
    second.add(keyHashes('taobao:c'), null, [], 'new', may.standingOf(keyHashes('taobao:c')));
    const june = new SnapshotReader(second.finish());
    expect(june.standingOf(keyHashes('taobao:a'))).toMatchObject({ tier: MEMBER.ref, tierSince: day('2024-05-01'), segment: null, segmentSince: day('2024-06-01') });
    expect(june.standingOf(keyHashes('taobao:b'))).toMatchObject({ tier: MEMBER.ref, tierSince: day('2024-06-01'), stage: 'declining' });
    expect(june.standingOf(keyHashes('taobao:c'))).toMatchObject({ tier: null, tierSince: day('2024-06-01') });
  });

  it('finds every one of many customers, none by a key it does not hold', () => {
    const builder = new SnapshotBuilder(day('2024-05-01'));
    for (let i = 0; i < 5000; i += 1) builder.add(keyHashes(`shopify:buyer${i}@example.com`), i % 3 ? MEMBER : VIP, [], 'new');
    const reader = new SnapshotReader(builder.finish());
    for (let i = 0; i < 5000; i += 1) expect(reader.standingOf(keyHashes(`shopify:buyer${i}@example.com`))?.tier).toBe(i % 3 ? MEMBER.ref : VIP.ref);
    expect(reader.standingOf(keyHashes('shopify:buyer5000@example.com'))).toBeNull();
  });
});

describe('a day’s snapshot with the standings found since lying over it', () => {
  const GOLD = { ref: 'member-ladder/gold', label: { en: 'Gold', 'zh-CN': '金卡' }, rank: 3 };
  const AT_RISK = { ref: 'rfm-segments/at-risk', label: { en: 'At risk', 'zh-CN': '重要挽留客户' } };
  const tiers = [MEMBER, VIP, null] as const;
  const may = day('2024-05-01');
  const june = day('2024-06-01');
  const key = (i: number) => `taobao:buyer${i}`;
  // The month before: everyone a member, so a tier kept carries May as its first day.
  const before = new SnapshotBuilder(may);
  for (let i = 0; i < 4000; i += 1) before.add(keyHashes(key(i)), MEMBER, [CHAMPIONS], 'growing');
  const earlier = new SnapshotReader(before.finish());
  const found = (i: number, tier: typeof GOLD | (typeof tiers)[number], badges: Array<typeof CHAMPIONS>, stage: string): FoundStanding => ({ hashes: keyHashes(key(i)), tier, badges, stage, previous: earlier.standingOf(keyHashes(key(i))) });

  it('reads as the snapshot written whole with them: replaced in place, new ones sorted in, codes it lacked added', () => {
    const morning = Array.from({ length: 3000 }, (_, i) => found(i, tiers[i % 3]!, i % 2 ? [CHAMPIONS] : [], 'mature'));
    // The day's imports: some customers again (to a tier and a segment the morning's lacked), some new (3000 on, 4000 on: some the month before knew).
    const since = [...Array.from({ length: 300 }, (_, i) => found(i * 7, GOLD, [AT_RISK], 'declining')), ...Array.from({ length: 1500 }, (_, i) => found(3000 + i, i % 2 ? VIP : GOLD, [AT_RISK], 'new'))];
    const whole = new SnapshotBuilder(june);
    const last = new Map([...morning, ...since].map((standing) => [`${standing.hashes}`, standing]));
    for (const { hashes, tier, badges, stage, previous } of last.values()) whole.add(hashes, tier, badges, stage, previous);
    const expected = whole.finish();
    const base = standingsPatch(june, morning);
    const baseBytes = base.bytes.slice(0);
    const patched = withPatch(base, standingsPatch(june, since));

    expect(patched.size).toBe(4500);
    const [read, readWhole] = [new SnapshotReader(patched), new SnapshotReader(expected)];
    for (let i = 0; i < 4600; i += 1) expect(read.standingOf(keyHashes(key(i)))).toEqual(readWhole.standingOf(keyHashes(key(i))));
    expect(read.standingOf(keyHashes(key(7)))).toMatchObject({ tier: GOLD.ref, segment: AT_RISK.ref, stage: 'declining', tierSince: june });
    expect(read.standingOf(keyHashes(key(3)))).toMatchObject({ tier: MEMBER.ref, tierSince: may, segment: CHAMPIONS.ref, segmentSince: may });
    for (const dimension of ['tier', 'segment', 'stage'] as const) {
      const refs = (moved: ReturnType<typeof movement>) => moved.groups.map((group) => group.ref);
      const [a, b] = [movement(before.finish(), patched, dimension), movement(before.finish(), expected, dimension)];
      expect(refs(a)).toEqual(refs(b));
      expect([a.counts, a.arrived, a.left]).toEqual([b.counts, b.arrived, b.left]);
    }
    // The day's record is read, not changed.
    expect(new Uint8Array(base.bytes)).toEqual(new Uint8Array(baseBytes));
    expect(withPatch(base, undefined)).toBe(base);
  });

  it('sorts a new one in by the second hash where the first ties', () => {
    const at = (a: number, b: number, tier: typeof VIP): FoundStanding => ({ hashes: [a, b], tier, badges: [], stage: 'new', previous: null });
    const patched = withPatch(standingsPatch(june, [at(5, 1, MEMBER), at(5, 3, MEMBER), at(9, 0, MEMBER)]), standingsPatch(june, [at(5, 2, VIP), at(5, 4, VIP)]));
    const reader = new SnapshotReader(patched);
    expect([[5, 1], [5, 2], [5, 3], [5, 4], [9, 0]].map((hashes) => reader.standingOf(hashes as [number, number])?.tier)).toEqual([MEMBER.ref, VIP.ref, MEMBER.ref, VIP.ref, MEMBER.ref]);
  });
});
