import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { aliasDigest, digestWith, eachDigested, type AliasDigest } from '../../../lib/db/alias-digest';
import { badgeLooks } from '../../../lib/db/badge-index';
import { clearLookupCache, lookupRows } from '../../../lib/db/lookup';
import { rescore } from '../../../lib/db/rescore';
import { openTiermarkDB, type Database } from '../../../lib/db/schema';
import { demoExportText, demoOrders } from '../../../lib/demo/shop';
import { fnv1a } from '../../../lib/hash';
import { placedBucket } from '../../../lib/db/buckets';
import { lookOf } from '../../../lib/overlay/badge-index';
import type { Ref } from '../../../lib/overlay/site-adapter';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { endOfDay } from '../../../lib/time';
import { importText, WOO_FIRST, WOO_NEXT_DAY } from './day-of-orders';
import { entriesByBucket } from './stored-buckets';

const asOf = { reason: 'import' as const, timeZone: 'UTC', settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay('2024-04-01', 'UTC') };

/** Every digest agrees with its alias bucket's text: each identifier shown on pages once, with how many it names. */
async function digestsAgree(db: Database) {
  const [buckets, digests] = await Promise.all([entriesByBucket<string[]>(db, 'aliases'), db.getAll('aliasDigests')]);
  expect(digests.map((d) => d.bucket)).toEqual([...buckets.keys()].sort((a, b) => a - b));
  const byBucket = new Map<number, AliasDigest>(digests.map((d) => [d.bucket, d]));
  for (const [bucket, targets] of buckets) {
    const shown = Object.entries(targets).filter(([alias]) => !alias.startsWith('ext:'));
    const digested: Array<[number, number]> = [];
    eachDigested(byBucket.get(bucket)!, (first, _second, named) => digested.push([first, named]));
    expect(digested.sort()).toEqual(shown.map(([alias, keys]): [number, number] => [fnv1a(alias), keys.length]).sort());
  }
}

/** Rows of every identifier the shop's alias buckets hold that a page shows, one per row. */
async function everyIdentifier(db: Database): Promise<Ref[][]> {
  const rows: Ref[][] = [];
  for (const targets of (await entriesByBucket<string[]>(db, 'aliases')).values()) {
    for (const alias of Object.keys(targets)) {
      const kind = alias.slice(0, alias.indexOf(':'));
      if (kind === 'order' || kind === 'email' || kind === 'name' || kind === 'phone') rows.push([{ kind, value: alias.slice(kind.length + 1) }]);
    }
  }
  return rows;
}

/** The badge of every identifier from the index equals the one looked up in the alias buckets and profiles. */
async function indexAgrees(db: Database) {
  clearLookupCache(db);
  const rows = await everyIdentifier(db);
  expect(rows.length).toBeGreaterThan(500);
  const looks = await badgeLooks(db, 'taobao', rows, 'en');
  expect(looks).not.toBeNull();
  expect(looks).toEqual((await lookupRows(db, 'taobao', rows, 'en')).map(lookOf));
  return looks!;
}

describe('alias digests', () => {
  it('made again from the last with the identifiers an import changed equal the digest of the whole bucket with them', async () => {
    const db = await openTiermarkDB(`alias-digest-${Math.random()}`);
    await importText(db, 'tea.csv', demoExportText(demoOrders(400)));
    const buckets = [...(await entriesByBucket<string[]>(db, 'aliases'))].filter(([, targets]) => Object.keys(targets).length > 3);
    expect(buckets.length).toBeGreaterThan(50);
    let grown = 0;
    for (const [bucket, targets] of buckets) {
      const [first, second] = Object.keys(targets);
      // One identifier names a second customer, another has a customer more of a platform's own ids; new ones come, one of them an `ext:`.
      const changed: Record<string, string[]> = {
        [first!]: [...targets[first!]!, 'taobao:另一位'],
        [second!]: targets[second!]!,
        [`order:${bucket}-new`]: ['taobao:新客'],
        [`name:新客${bucket}`]: ['taobao:新客', 'taobao:另一位'],
        [`ext:taobao:${bucket}`]: ['taobao:新客'],
      };
      grown += targets[first!]!.length === 1 ? 1 : 0;
      const whole = aliasDigest(bucket, { ...targets, ...changed });
      expect(new Uint32Array(digestWith(aliasDigest(bucket, targets), changed).bytes)).toEqual(new Uint32Array(whole.bytes));
      // The same from maps, as an import holds a bucket's identifiers; its text and places too.
      const inMaps = new Map(Object.entries({ ...targets, ...changed }));
      expect(new Uint32Array(aliasDigest(bucket, inMaps).bytes)).toEqual(new Uint32Array(whole.bytes));
      expect(new Uint32Array(digestWith(aliasDigest(bucket, new Map(Object.entries(targets))), new Map(Object.entries(changed))).bytes)).toEqual(new Uint32Array(whole.bytes));
      const [placed, asObject] = [placedBucket(bucket, inMaps), placedBucket(bucket, { ...targets, ...changed })];
      expect(placed.json).toBe(asObject.json);
      expect(new Uint32Array(placed.at!)).toEqual(new Uint32Array(asObject.at!));
    }
    expect(grown).toBeGreaterThan(30);
    db.close();
  });


  it('are written with every alias bucket, and badge each identifier as its bucket does, also once made again for a store without them', async () => {
    const db = await openTiermarkDB(`alias-digest-${Math.random()}`);
    await importText(db, 'tea.csv', demoExportText(demoOrders(200)));
    await importText(db, 'first.csv', WOO_FIRST);
    await digestsAgree(db);
    expect(await rescore(db, asOf)).toMatchObject({ state: 'done' });
    const first = await indexAgrees(db);
    // Marie Curie's name names one customer, then two.
    const marie: Ref[][] = [[{ kind: 'name', value: 'Marie Curie' }]];
    expect(await badgeLooks(db, 'woocommerce', marie, 'en')).toMatchObject([{ kind: 'customer' }]);

    // The next day's import changes buckets: their digests with them.
    await importText(db, 'next-day.csv', WOO_NEXT_DAY);
    await digestsAgree(db);
    expect(await rescore(db, asOf)).toMatchObject({ state: 'done' });
    await indexAgrees(db);
    expect(await badgeLooks(db, 'woocommerce', marie, 'en')).toEqual([{ kind: 'ambiguous', count: 2 }]);

    // A store from before digests (or restored from a backup): the whole rescore makes and keeps them.
    const looks = await indexAgrees(db);
    await db.clear('aliasDigests');
    expect(await rescore(db, asOf)).toMatchObject({ state: 'done' });
    await digestsAgree(db);
    expect(await indexAgrees(db)).toEqual(looks);
    expect(looks).not.toEqual(first);
    db.close();
  }, 60_000);
});
