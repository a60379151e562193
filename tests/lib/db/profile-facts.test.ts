import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { backupLines } from '../../../lib/db/backup';
import { bucketOf } from '../../../lib/db/buckets';
import { setNotes } from '../../../lib/db/customer-notes';
import { importFile } from '../../../lib/db/importer';
import { setKeptDates } from '../../../lib/db/kept-dates';
import { clearLookupCache, lookupRows } from '../../../lib/db/lookup';
import { allProfiles, getProfile, readProfiles, type Profile } from '../../../lib/db/profiles';
import { rescore } from '../../../lib/db/rescore';
import { openTiermarkDB } from '../../../lib/db/schema';
import { BIRTHDAY } from '../../../lib/model';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { endOfDay } from '../../../lib/time';
import { collected, FIXTURES, importable } from '../../helpers';

// The profiles each whole rescore scored, as it held them in memory, by build: what a reader must get back.
const scoredByBuild = vi.hoisted(() => new Map<string, Map<string, Profile>>());
vi.mock('../../../lib/db/profile-bucket', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../lib/db/profile-bucket')>();
  class OutcomesText extends original.OutcomesText {
    private readonly held: Profile[] = [];
    override add(profile: Profile, previous: Parameters<InstanceType<typeof original.OutcomesText>['add']>[1]): void {
      // As a profile's text would have held it: an unknown number is null, a fact the customer lacks left out.
      this.held.push(JSON.parse(JSON.stringify(profile)) as Profile);
      super.add(profile, previous);
    }
    override stored(bucket: number, built: string) {
      let profiles = scoredByBuild.get(built);
      if (!profiles) scoredByBuild.set(built, (profiles = new Map()));
      for (const profile of this.held) profiles.set(profile.key, profile);
      return super.stored(bucket, built);
    }
  }
  return { ...original, OutcomesText };
});

const ZONE = 'Asia/Shanghai';
const EXPORT = join(FIXTURES, 'demo/ExportOrderList202611201200.csv');

/** The buyers of the demo shop's Taobao report, counted from its text: the second column of each order row. */
function buyersInExport(): Set<string> {
  const lines = new TextDecoder('gbk').decode(readFileSync(EXPORT)).split(/\r?\n/).slice(1).filter((line) => line.startsWith('="'));
  return new Set(lines.map((line) => line.split(',')[1]!.replace(/"/g, '')));
}

async function demoShop() {
  const db = await openTiermarkDB(`profile-facts-${Math.random()}`);
  const bytes = readFileSync(EXPORT);
  await importFile(db, await importable('ExportOrderList202611201200.csv', bytes, 8192), {});
  return db;
}

const lastBuild = () => [...scoredByBuild.keys()].at(-1)!;

describe('profiles written without their facts (v: 3)', () => {
  it('give back every fact the whole rescore found, for every customer, by every way they are read', async () => {
    const db = await demoShop();
    const buyers = [...buyersInExport()];
    expect(buyers.length).toBeGreaterThan(200);
    const keys = buyers.map((buyer) => `taobao:${buyer}`);
    // What staff keep is read by the scorers and the rules: a birthday, tags, do-not-contact, hidden from pages.
    await setKeptDates(db, keys[0]!, [{ name: BIRTHDAY, monthDay: '12-24' }, { name: '结婚纪念日', monthDay: '01-05' }]);
    await setNotes(db, { key: keys[1]!, note: '老客户', tags: ['VIP', '茶'], doNotContact: true, hideOnPages: false });
    await setNotes(db, { key: keys[2]!, note: '', tags: [], doNotContact: false, hideOnPages: true });

    const settings = DEFAULT_SCORE_SETTINGS;
    expect(await rescore(db, { reason: 'import', timeZone: ZONE, settings, asOf: endOfDay('2026-11-20', ZONE) })).toMatchObject({ state: 'done' });
    const first = lastBuild();
    const firstBucket = bucketOf(keys[3]!);
    const [keptBucket, keptBase] = await Promise.all([db.get('profiles', firstBucket), db.get('meta', `profileBase:${first}`)]);
    expect(keptBase).toBeDefined();
    // A month on: each customer has a standing from the day before (tiers, segments and how long they held them).
    expect(await rescore(db, { reason: 'daily', timeZone: ZONE, settings, asOf: endOfDay('2026-12-20', ZONE) })).toMatchObject({ state: 'done' });
    const built = lastBuild();
    expect(built).not.toBe(first);
    const scored = scoredByBuild.get(built)!;
    expect([...scored.keys()].sort()).toEqual([...keys].sort());
    expect([...scored.values()].every((p) => typeof p.facts.tierChangedDaysAgo === 'number')).toBe(true);
    expect([...scored.values()].filter((p) => typeof p.facts.previousTier === 'string').length).toBeGreaterThan(keys.length / 2);
    expect([...scored.values()].some((p) => typeof p.facts.pAlive === 'number' && typeof p.facts.predictedClv365 === 'number')).toBe(true);
    expect(scored.get(keys[0]!)!.facts).toMatchObject({ daysUntilBirthday: 4, daysUntilKeptDate: 16, keptDateName: '结婚纪念日' });
    expect(scored.get(keys[1]!)!.facts).toMatchObject({ tags: 'VIP, 茶', doNotContact: true });

    // The stored text holds none of them.
    const stored = readProfiles(await db.get('profiles', bucketOf(keys[4]!)));
    expect(stored[keys[4]!]).not.toHaveProperty('facts');

    for (const key of keys) expect(await getProfile(db, key), key).toEqual(scored.get(key));
    expect(await allProfiles(db)).toEqual(Object.fromEntries(scored));
    // The seller page's lookup: the tier, the badges and the recency of its summary.
    const matches = await lookupRows(db, 'taobao', keys.map((key) => [{ kind: 'id', value: key.slice('taobao:'.length) }]), 'zh-CN');
    matches.forEach((match, i) => {
      const profile = scored.get(keys[i]!)!;
      if (i === 2) return expect(match).toEqual({ kind: 'none' });
      expect(match.kind, keys[i]).toBe('customer');
      if (match.kind !== 'customer') return;
      expect(match.view.tier?.label ?? null).toBe(profile.tier?.label['zh-CN'] ?? null);
      expect(match.view.badges.map((b) => b.label)).toEqual(profile.badges.map((b) => b.label['zh-CN']));
      const recency = profile.facts.recencyDays;
      if (typeof recency === 'number') expect(match.view.summary).toContain(` · ${recency} 天前购买`);
      else expect(match.view.summary).not.toContain('天前购买');
      expect(match.view.followUpsOpen).toBe(profile.followUps.length);
    });

    // A backup holds them whole, and not the base they are scored again with.
    const lines = (await collected(backupLines(db, null))).map((line) => JSON.parse(line) as { store?: string; record?: { id?: string; json?: string } });
    expect(lines.some((line) => line.store === 'meta' && line.record?.id?.startsWith('profileBase:'))).toBe(false);
    const backedUp = Object.assign({}, ...lines.filter((line) => line.store === 'profiles').map((line) => readProfiles(line.record as { bucket: number; json: string })));
    expect(backedUp).toEqual(Object.fromEntries(scored));

    // A bucket a rescore that stopped midway left of the build before is read with that build's base.
    expect(await db.get('meta', `profileBase:${first}`)).toBeUndefined();
    await db.put('profiles', keptBucket!);
    await db.put('meta', keptBase!);
    clearLookupCache(db);
    const earlier = scoredByBuild.get(first)!;
    expect(await getProfile(db, keys[3]!)).toEqual(earlier.get(keys[3]!));
    expect((await getProfile(db, keys[3]!))!.asOfDay).toBeLessThan(scored.get(keys[3]!)!.asOfDay);
    // Without it, none: no facts are made up.
    await db.delete('meta', `profileBase:${first}`);
    clearLookupCache(db);
    expect(await getProfile(db, keys[3]!)).toBeUndefined();
  });
});
