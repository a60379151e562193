import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { bucketOf, storedBucket, type StoredBucket } from '../../../lib/db/buckets';
import { profilesAsText } from '../../../lib/db/profile-bucket';
import { profileBases } from '../../../lib/db/profile-facts';
import { importFile } from '../../../lib/db/importer';
import { clearLookupCache, lookupRows } from '../../../lib/db/lookup';
import { allProfiles, getProfile, readProfiles, storedProfiles, type Profile } from '../../../lib/db/profiles';
import { rescore } from '../../../lib/db/rescore';
import { openTiermarkDB } from '../../../lib/db/schema';
import { ruleSetsByCurrency } from '../../../lib/engine/currency';
import { DEFAULT_RULE_FILES } from '../../../lib/engine/default-rules';
import { defaultRegistry } from '../../../lib/engine/registry';
import type { RuleFile } from '../../../lib/engine/rule-file';
import { DEFAULT_SCORE_SETTINGS, type Facts } from '../../../lib/scoring/scorer';
import { endOfDay } from '../../../lib/time';
import { importable } from '../../helpers';

const DAY = 20_000;

/** A treatment whose text names the customer's own recency, and one whose coupon is a share of their spend: never shared. */
const PERSONAL: RuleFile = {
  id: 'personal', title: { en: 'Personal', 'zh-CN': '个性化' }, version: 1, enabled: true,
  rules: [
    {
      name: 'note', conditions: { all: [{ fact: 'orderCount', operator: 'greaterThanInclusive', value: 1 }] },
      event: { type: 'treatment', params: { label: { en: 'Note', 'zh-CN': '备注' }, detail: { en: 'Last bought {recencyDays} days ago', 'zh-CN': '{recencyDays} 天前购买' } } },
    },
    {
      name: 'share', conditions: { all: [{ fact: 'monetary', operator: 'greaterThan', value: 0 }] },
      event: { type: 'treatment', params: { label: { en: 'Share', 'zh-CN': '返现' }, detail: { en: 'Coupon {coupon}', 'zh-CN': '优惠券 {coupon}' }, coupon: { percent: 10, of: 'monetary' } } },
    },
  ],
} as RuleFile;

/** Customers across the ladder, with an unknown (null) fact and a fact they lack (undefined). */
function customerFacts(i: number): Facts {
  const facts: Facts = {
    monetary: [0, 120, 450, 800, 5_000][i % 5]!, orderCount: 1 + (i % 4), frequency: 1 + (i % 4), recencyDays: 3 + i * 7,
    repurchaseCycleDays: i % 3 === 0 ? null : 30 + i, rfmR: 1 + (i % 5), rfmF: 1 + ((i * 2) % 5), rfmM: 1 + ((i * 3) % 5), rfmCode: `${1 + (i % 5)}${1 + ((i * 2) % 5)}${1 + ((i * 3) % 5)}`,
    monetaryPercentile: (i % 10) / 10, pAlive: i % 2 ? 0.123456789012345 : 1, churnRisk: (i % 7) / 7,
  };
  if (i % 4 === 1) (facts as Record<string, unknown>).predictedClv365 = undefined;
  return facts;
}

async function profilesOf(count: number): Promise<Profile[]> {
  const ruleSetFor = ruleSetsByCurrency([...Object.values(DEFAULT_RULE_FILES), PERSONAL], defaultRegistry());
  return Promise.all(Array.from({ length: count }, async (_, i) => {
    const key = `taobao:买家${i}`;
    const facts = customerFacts(i);
    const outcome = await ruleSetFor('CNY').outcome(facts, key, DAY);
    return { key, facts, tier: outcome.tier, badges: outcome.badges, treatments: outcome.treatments, followUps: outcome.followUps.map((f) => f.id), asOfDay: DAY };
  }));
}

/** What a bucket held as plain JSON of every profile, the layout before `v: 2`. */
const asPlainJson = (profiles: readonly Profile[]) => JSON.parse(JSON.stringify(Object.fromEntries(profiles.map((p) => [p.key, p])))) as Record<string, Profile>;

describe('a bucket of profiles', () => {
  it('reads back every fact and outcome as plain JSON of the profiles would, each shared text stored once', async () => {
    const profiles = await profilesOf(60);
    const stored = storedProfiles(7, profiles);
    expect(stored.bucket).toBe(7);
    expect(readProfiles(stored)).toEqual(asPlainJson(profiles));
    // Each tier, badge and treatment (with its tooltip and benefit texts) written once however many customers have it.
    const looks = profiles.flatMap((p) => [...(p.tier ? [p.tier] : []), ...p.badges, ...p.treatments]).map((look) => JSON.stringify(look));
    const repeated = [...new Set(looks)].filter((look) => looks.indexOf(look) !== looks.lastIndexOf(look));
    expect(repeated.length).toBeGreaterThan(10);
    const text = new TextDecoder().decode(stored.utf8);
    for (const look of repeated) expect(text.split(look).length - 1).toBe(1);
    // A customer's own figures stay theirs.
    const read = readProfiles(stored);
    for (const profile of profiles) {
      const note = read[profile.key]!.treatments.find((t) => t.ref === 'personal/note')!;
      expect(note.detail!.en).toBe(`Last bought ${profile.facts.recencyDays} days ago`);
    }
  });

  it('keeps each customer’s own facts when their names differ from the customer’s before', async () => {
    const [profile] = await profilesOf(1);
    const facts: Facts[] = [
      { a: 1, b: 'x', c: true },
      { a: 2, b: 'y', c: false },
      { a: 3, b: 'z' },
      { a: 4, b: undefined as unknown as null, c: null },
      { a: 5, b: 'w', c: true, d: 0.5 },
      { b: 'v', a: 6 },
      {},
      { a: 7, b: 'u', c: true },
    ];
    const profiles = facts.map((f, i) => ({ ...profile!, key: `shop:c${i}`, facts: f }));
    const read = readProfiles(storedProfiles(3, profiles)) as Record<string, Profile>;
    expect(Object.values(read).map((p) => p.facts)).toStrictEqual(Object.values(asPlainJson(profiles)).map((p) => p.facts));
    expect(read['shop:c3']!.facts).toStrictEqual({ a: 4, c: null });
    expect(Object.keys(read['shop:c5']!.facts)).toEqual(['b', 'a']);
  });

  it('shares an outcome between customers only when nothing in it is theirs', async () => {
    const [a, b] = (await profilesOf(10)).filter((p) => p.facts.monetary === 450);
    expect(a!.tier).toBe(b!.tier);
    expect(a!.tier!.label['zh-CN']).toBe('高级会员');
    expect(a!.badges.length).toBeGreaterThan(0);
    const sameBadge = a!.badges.find((badge) => b!.badges.some((other) => other.ref === badge.ref))!;
    expect(b!.badges.find((badge) => badge.ref === sameBadge.ref)).toBe(sameBadge);
    const share = (p: Profile) => p.treatments.find((t) => t.ref === 'personal/share')!;
    expect(share(a!)).not.toBe(share(b!));
    expect(share(a!).couponAmount).toBe(45);
    const note = (p: Profile) => p.treatments.find((t) => t.ref === 'personal/note')!;
    expect(note(a!).detail!.en).toBe(`Last bought ${a!.facts.recencyDays} days ago`);
    expect(note(b!).detail!.en).toBe(`Last bought ${b!.facts.recencyDays} days ago`);
  });

  it('of the layout before `v: 2` still opens: the profile, the card’s view and the badge', async () => {
    const db = await openTiermarkDB(`profiles-test-${Math.random()}`);
    const bytes = new TextEncoder().encode('Order Number,Order Date,Email (Billing),First Name (Billing),Last Name (Billing),Order Total\n3,2024-02-01,marie@example.org,Marie,Curie,500.00\n');
    await importFile(db, await importable('woo.csv', bytes, 1024), {});
    await rescore(db, { reason: 'import', timeZone: 'UTC', settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay('2024-03-10', 'UTC') });
    const key = 'woocommerce:marie@example.org';
    const current = (await getProfile(db, key))!;
    expect(current.tier!.label.en).toBe('Premier VIP');
    const bucket = bucketOf(key);
    const whole = Object.fromEntries(Object.entries(await allProfiles(db)).filter(([k]) => bucketOf(k) === bucket));
    expect(whole[key]).toEqual(current);
    // Written as the release before kept it (the `v: 2` text, every fact in it), then as older ones did: one plain map per bucket.
    // Neither needs the base the whole rescore's own `v: 3` bucket is scored again with.
    expect(JSON.parse(new TextDecoder().decode((await db.get('profiles', bucket) as { utf8: Uint8Array }).utf8)).v).toBe(3);
    await db.delete('meta', profileBases());
    clearLookupCache(db);
    expect(await getProfile(db, key)).toBeUndefined();
    await db.put('profiles', profilesAsText(storedProfiles(bucket, Object.values(whole))));
    expect(JSON.parse((await db.get('profiles', bucket) as StoredBucket).json).v).toBe(2);
    clearLookupCache(db);
    expect(await getProfile(db, key)).toEqual(current);
    await db.put('profiles', storedBucket(bucket, JSON.parse(JSON.stringify(whole)) as Record<string, Profile>));
    expect(JSON.parse((await db.get('profiles', bucket) as StoredBucket).json).v).toBeUndefined();
    clearLookupCache(db);
    expect(await getProfile(db, key)).toEqual(current);
    const [match] = await lookupRows(db, 'woocommerce', [[{ kind: 'order', value: '3' }]], 'en');
    expect(match).toMatchObject({ kind: 'customer', view: { customerKey: key, tier: { label: 'Premier VIP' } } });
  });
});
