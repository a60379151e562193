import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TableQueries } from '../../../lib/db/customer-table';
import { importFile } from '../../../lib/db/importer';
import { allProfiles, type Profile } from '../../../lib/db/profiles';
import { rescore } from '../../../lib/db/rescore';
import { openTiermarkDB, type Database } from '../../../lib/db/schema';
import { customerPath, snapshotDays, snapshotOf, writeSnapshot } from '../../../lib/db/snapshots';
import { daysToKeep, keyHashes, SnapshotBuilder } from '../../../lib/snapshots';
import { saveRuleFile } from '../../../lib/db/rule-files';
import { defaultRegistry } from '../../../lib/engine/registry';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { endOfDay } from '../../../lib/time';
import { FIXTURES, importable } from '../../helpers';

const ZONE = 'Asia/Shanghai';
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
const profilesOf = (db: Database) => allProfiles(db);

describe('snapshots kept by the rescore', () => {
  it('count the demo shop’s movement between two rescores as the profiles of each had it', async () => {
    const db = await openTiermarkDB('snapshots-demo');
    const bytes = readFileSync(join(FIXTURES, 'demo/ExportOrderList202611201200.csv'));
    await importFile(db, await importable('ExportOrderList202611201200.csv', bytes, 65_536), {});
    const scored = async (iso: string) => {
      await rescore(db, { reason: 'manual', timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay(iso, ZONE) });
      return profilesOf(db);
    };
    const august = await scored('2026-08-20');
    const november = await scored('2026-11-20');
    expect(await snapshotDays(db)).toEqual([dayOf('2026-08-20'), dayOf('2026-11-20')]);
    for (const profile of Object.values(august)) expect(profile.facts.previousTier ?? null).toBeNull();
    const queries = new TableQueries(async () => db);
    const groupOf = {
      tier: (p: Profile) => p.tier?.ref ?? '',
      stage: (p: Profile) => (typeof p.facts.lifecycleStage === 'string' ? p.facts.lifecycleStage : ''),
      segment: (p: Profile) => p.badges.find((b) => b.ref.startsWith('rfm-segments/'))?.ref ?? '',
    };
    for (const dimension of ['tier', 'stage', 'segment'] as const) {
      const reply = await queries.movement({ kind: 'movement', id: 1, fromDay: dayOf('2026-08-20'), toDay: dayOf('2026-11-20'), dimension });
      if (reply.kind !== 'movement') throw new Error(JSON.stringify(reply));
      const { groups, counts, arrived, left } = reply.movement;
      const refs = groups.map((g) => g.ref);
      // The profiles of each day, joined by customer key, counted here.
      const expected = new Map<string, number>();
      let newSince = 0;
      for (const [key, now] of Object.entries(november)) {
        const then = august[key];
        if (!then) {
          newSince += 1;
          continue;
        }
        const cell = `${groupOf[dimension](then)}→${groupOf[dimension](now)}`;
        expected.set(cell, (expected.get(cell) ?? 0) + 1);
      }
      const got = new Map<string, number>();
      counts.forEach((row, i) => row.forEach((n, j) => n > 0 && got.set(`${refs[i]}→${refs[j]}`, n)));
      expect(got, dimension).toEqual(expected);
      expect(arrived.reduce((a, b) => a + b, 0)).toBe(newSince);
      expect(left).toBe(Object.keys(august).filter((key) => !november[key]).length);
    }
    // Each cell of the tier matrix lists exactly its customers on the Customers page (new since: no tier then).
    const listed = async (cell: { from: string | null; to: string }) => {
      const moved = { dimension: 'tier' as const, fromDay: dayOf('2026-08-20'), toDay: dayOf('2026-11-20'), ...cell };
      const reply = await queries.answer({ kind: 'window', id: 3, storeVersion: 'nov', from: 0, count: 10_000, query: { shop: null, text: '', tier: null, badge: null, moved, sortBy: 'monetary', ascending: false } });
      if (reply.kind !== 'answer') throw new Error(JSON.stringify(reply));
      expect(reply.answer.total).toBe(reply.answer.rows.length);
      return reply.answer.rows.map((row) => row.key).sort();
    };
    const byCell = new Map<string, string[]>();
    for (const [key, now] of Object.entries(november)) {
      const cell = JSON.stringify({ from: august[key] ? groupOf.tier(august[key]!) : null, to: groupOf.tier(now) });
      byCell.set(cell, [...(byCell.get(cell) ?? []), key]);
    }
    expect([...byCell.keys()].filter((cell) => JSON.parse(cell).from !== JSON.parse(cell).to).length).toBeGreaterThan(1);
    for (const [cell, keys] of byCell) expect(await listed(JSON.parse(cell)), cell).toEqual(keys.sort());
    expect(await listed({ from: 'member-ladder/no-such-tier', to: '' })).toEqual([]);

    // Rules read where each customer stood at the rescore before, and since when.
    for (const [key, now] of Object.entries(november)) {
      const then = august[key];
      expect(now.facts.previousTier ?? null, key).toBe(then ? (then.tier?.ref ?? null) : null);
      expect(now.facts.tierChangedDaysAgo, key).toBe(then ? dayOf('2026-11-20') - dayOf('2026-08-20') : null);
    }
    // The seller's own rule reads the movement: who has been VIP for a week at most (as of the rescore before), thanked.
    const NEW_VIP = JSON.stringify({
      id: 'moves', title: { en: 'Moves', 'zh-CN': '迁移' }, version: 1, enabled: true,
      rules: [{
        name: 'new-vip',
        conditions: { all: [{ fact: 'previousTier', operator: 'equal', value: 'member-ladder/vip' }, { fact: 'tierChangedDaysAgo', operator: 'lessThanInclusive', value: 7 }] },
        event: { type: 'treatment', params: { label: { en: 'New VIP: thank them', 'zh-CN': '新晋VIP：致谢' } } },
      }],
    });
    expect(await saveRuleFile(db, 'moves.json', NEW_VIP, defaultRegistry())).toEqual([]);
    // Five days on, a customer whose tier changed in November has had it five days; one who kept it, since August.
    const later = await scored('2026-11-25');
    const changed = Object.keys(november).filter((key) => august[key] && (august[key]!.tier?.ref ?? null) !== (november[key]!.tier?.ref ?? null));
    const kept = Object.keys(november).filter((key) => august[key] && (august[key]!.tier?.ref ?? null) === (november[key]!.tier?.ref ?? null));
    expect(changed.length).toBeGreaterThan(0);
    for (const key of changed) expect(later[key]!.facts.tierChangedDaysAgo, key).toBe(5);
    for (const key of kept) expect(later[key]!.facts.tierChangedDaysAgo, key).toBe(dayOf('2026-11-25') - dayOf('2026-08-20'));
    // Thanked: exactly those who became VIP at the November rescore, counted from the two days' profiles.
    const newVips = changed.filter((key) => november[key]!.tier?.ref === 'member-ladder/vip').sort();
    expect(newVips.length).toBeGreaterThan(0);
    expect(Object.keys(later).filter((key) => later[key]!.treatments.some((x) => x.ref === 'moves/new-vip')).sort()).toEqual(newVips);

    // A customer's path: where the profiles of each rescore put them, equal days joined into one stretch.
    const standing = (p: Profile | undefined) => p && [groupOf.tier(p) || null, groupOf.segment(p) || null, groupOf.stage(p) || null];
    for (const key of [...changed.slice(0, 5), ...kept.slice(0, 5)]) {
      const expected: Array<{ from: string; to: string; standing: unknown }> = [];
      for (const [iso, profiles] of [['2026-08-20', august], ['2026-11-20', november], ['2026-11-25', later]] as const) {
        const now = standing(profiles[key]);
        if (!now) continue;
        const last = expected.at(-1);
        if (last && JSON.stringify(last.standing) === JSON.stringify(now)) last.to = iso;
        else expected.push({ from: iso, to: iso, standing: now });
      }
      const reply = await queries.path({ kind: 'path', id: 4, customerKey: key });
      if (reply.kind !== 'path') throw new Error(JSON.stringify(reply));
      const got = reply.path.map((step) => ({ from: new Date(step.fromDay * 86_400_000).toISOString().slice(0, 10), to: new Date(step.toDay * 86_400_000).toISOString().slice(0, 10), standing: [step.tier?.ref ?? null, step.segment?.ref ?? null, step.stage] }));
      expect(got, key).toEqual(expected);
    }
    expect((await queries.path({ kind: 'path', id: 5, customerKey: 'taobao:nobody-at-all' }))).toEqual({ id: 5, kind: 'path', path: [] });

    // Customers really moved in three months: not every one stayed put.
    const tiers = await queries.movement({ kind: 'movement', id: 2, fromDay: dayOf('2026-08-20'), toDay: dayOf('2026-11-20'), dimension: 'stage' });
    if (tiers.kind !== 'movement') throw new Error('no movement');
    const stayed = tiers.movement.counts.reduce((n, row, i) => n + row[i]!, 0);
    expect(stayed).toBeLessThan(tiers.movement.counts.flat().reduce((a, b) => a + b, 0));
  }, 60_000);

  it('let a day’s patch go with the day: written whole again, or thinned out', async () => {
    const db = await openTiermarkDB(`snapshots-thinned-${Math.random()}`);
    const today = dayOf('2026-11-20');
    // Two days of one week two months back, of which only the first is kept.
    const old = Array.from({ length: 60 }, (_, i) => today - 40 - i).find((day) => daysToKeep([day, day + 1], today).length === 1)!;
    const standings = (day: number, keys: string[]) => {
      const builder = new SnapshotBuilder(day);
      for (const key of keys) builder.add(keyHashes(key), null, [], 'new');
      return builder.finish();
    };
    for (const day of [old, old + 1, today]) {
      await db.put('snapshots', standings(day, ['taobao:a']));
      await db.put('snapshotPatches', standings(day, ['taobao:b']));
    }
    expect((await snapshotOf(db, old + 1))!.size).toBe(2);
    await writeSnapshot(db, standings(today, ['taobao:a', 'taobao:c']));
    expect(await snapshotDays(db)).toEqual([old, today]);
    expect(await db.getAllKeys('snapshotPatches')).toEqual([old]);
    expect((await snapshotOf(db, old))!.size).toBe(2);
    expect((await snapshotOf(db, today))!.size).toBe(2);
    expect(await snapshotOf(db, old + 1)).toBeUndefined();
  });

  it('read a customer’s path on a day from its patch where it holds them, from its record else', async () => {
    const db = await openTiermarkDB(`snapshots-path-${Math.random()}`);
    const today = dayOf('2026-11-20');
    const tier = (ref: string) => ({ ref, label: { en: ref, 'zh-CN': ref }, rank: 1 });
    const standings = (day: number, entries: Array<[string, string]>) => {
      const builder = new SnapshotBuilder(day);
      for (const [key, ref] of entries) builder.add(keyHashes(key), tier(ref), [], 'new');
      return builder.finish();
    };
    await db.put('snapshots', standings(today - 1, [['taobao:a', 'member']]));
    await db.put('snapshots', standings(today, [['taobao:a', 'member'], ['taobao:b', 'member']]));
    await db.put('snapshotPatches', standings(today, [['taobao:a', 'vip'], ['taobao:c', 'vip']]));
    const tiers = async (key: string) => (await customerPath(db, key)).map((step) => [step.fromDay, step.toDay, step.tier?.ref]);
    expect(await tiers('taobao:a')).toEqual([[today - 1, today - 1, 'member'], [today, today, 'vip']]);
    expect(await tiers('taobao:b')).toEqual([[today, today, 'member']]);
    expect(await tiers('taobao:c')).toEqual([[today, today, 'vip']]);
  });
});

