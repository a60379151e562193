import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setNotes } from '../../../lib/db/customer-notes';
import { setKeptDates } from '../../../lib/db/kept-dates';
import { RescoreHalf, rescore } from '../../../lib/db/rescore';
import { partBuffers, type PartJob, type RescoreHelper, type RescorePart } from '../../../lib/db/rescore-part';
import { openTiermarkDB, type Database } from '../../../lib/db/schema';
import { defaultRegistry } from '../../../lib/engine/registry';
import { bucketOf, BUCKETS } from '../../../lib/db/buckets';
import { slicesOf } from '../../../lib/db/slices';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { endOfDay } from '../../../lib/time';
import type { Customer } from '../../../lib/model';
import { importFixture, storedEntries } from './stored-buckets';
import { writtenForPages } from './rescore-written';

const ZONE = 'Asia/Shanghai';
// Blocks of the table's text a few lines long: each thread's slices fill some, as a large shop's do.
const at = (day: string) => ({ timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay(day, ZONE), tableBlocks: { rows: 2, search: 3 } });

/** The shop of the other rescore tests: four formats, Chinese and Latin names, a kept date, notes. */
async function shop(name: string): Promise<{ db: Database; keys: string[] }> {
  const db = await openTiermarkDB(name);
  await importFixture(db, 'demo/ExportOrderList202611201200.csv', ZONE);
  await importFixture(db, 'formats/jd-orders.gbk.csv', ZONE);
  await importFixture(db, 'formats/generic-birthdays.csv', ZONE, 'generic');
  await importFixture(db, 'formats/shopify-orders-79.csv', ZONE);
  const keys = Object.keys(await storedEntries<Customer>(db, 'customers'));
  await setKeptDates(db, keys[3]!, [{ name: '结婚纪念日', monthDay: '10-01' }]);
  await setNotes(db, { key: keys[5]!, note: '老客户', tags: ['物流敏感'], doNotContact: true, hideOnPages: false });
  await setNotes(db, { key: keys[8]!, note: '', tags: [], doNotContact: false, hideOnPages: true });
  // The day before, so that the day's rescore counts how customers moved since.
  expect(await rescore(db, { reason: 'daily', ...at('2026-11-19') })).toMatchObject({ state: 'done' });
  return { db, keys };
}

/** What the second thread was asked: the slices it read, the rounds of the fits, the jobs and the parts it handed over, the badge indexes it was asked for. */
interface Seen {
  read: number[][];
  fits: number[];
  jobs: PartJob[];
  parts: RescorePart[];
  indexed: number;
}
const nothingSeen = (): Seen => ({ read: [], fits: [], jobs: [], parts: [], indexed: 0 });

/**
 * A second thread played on this one: its half read, fitted on and scored as the part worker does
 * (one `RescoreHalf` for all), between the rescore's own awaits, what it hands over cloned as a
 * worker hands it over (a part's columns transferred). `fails`: it fails to read its half, or in
 * that round of the fits, or stops after handing over that many slices, having scored and written
 * the next, or fails to make the badge index.
 */
function helperHere(db: Database, seen: Seen, fails?: 'read' | 'index' | { round: number } | { after: number }): RescoreHelper {
  let half: RescoreHalf | null = new RescoreHalf(db, defaultRegistry());
  return {
    from: 0,
    async read(starts) {
      seen.read.push(starts);
      const read = await half!.read(structuredClone(starts));
      if (fails === 'read') throw new Error('the second thread did not start');
      return structuredClone(read);
    },
    async fit(round, base, models) {
      seen.fits.push(round);
      if (typeof fails === 'object' && 'round' in fails && fails.round === round) throw new Error('the second thread stopped');
      return structuredClone(half!.fit(round, structuredClone(base), structuredClone(models)));
    },
    async score(job, onPart) {
      seen.jobs.push(job);
      await half!.score(structuredClone(job), (part) => {
        if (typeof fails === 'object' && 'after' in fails && seen.parts.length === fails.after) throw new Error('the second thread stopped');
        const handed = structuredClone(part, { transfer: partBuffers(part) });
        // Transferred, not copied: the part's own columns are gone from this side.
        expect(part.table.monetaryMinor.length).toBe(0);
        seen.parts.push(handed);
        onPart(handed);
      });
    },
    async index(part, built, counts) {
      seen.indexed += 1;
      if (fails === 'index') throw new Error('the second thread did not start');
      // A worker of its own, started for it.
      return structuredClone(await new RescoreHalf(db, defaultRegistry()).index(structuredClone(part), built, structuredClone(counts)));
    },
    end() {
      half = null;
    },
  };
}

/** The slices of the second half of the buckets: the other thread's. */
const SECOND_HALF = slicesOf(16).filter((start) => start >= BUCKETS / 2);

/** Each page's reading of two shops' stores is the same (see `writtenForPages`); both closed after. The first shop's readings. */
async function expectWrittenAlike(one: Database, two: Database): Promise<Record<string, string>> {
  const [a, b] = [await writtenForPages(one, 12), await writtenForPages(two, 12)];
  for (const page of Object.keys(a)) expect(b[page], page).toBe(a[page]);
  one.close();
  two.close();
  return a;
}

/** The first bucket of each range of buckets read from the customers store from now on, as the store was asked. */
function customerReads(): number[] {
  const starts: number[] = [];
  const getAll = IDBObjectStore.prototype.getAll;
  vi.spyOn(IDBObjectStore.prototype, 'getAll').mockImplementation(function (this: IDBObjectStore, query?: IDBValidKey | IDBKeyRange | null, count?: number) {
    if (this.name === 'customers') starts.push(query instanceof IDBKeyRange ? (query.lower as number) : -1);
    return getAll.call(this, query, count);
  });
  return starts;
}

describe('a whole rescore on two threads', () => {
  // Both shops made and scored at the same instant: what follow-ups say of when they were raised compares too.
  beforeEach(() => void vi.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-11-20T20:00:00Z')));
  afterEach(() => void vi.restoreAllMocks());

  it('writes for every customer what one thread writes: the table, the index, the follow-ups, the snapshot and the tallies', async () => {
    const one = await shop('rescore-parts-one');
    const two = await shop('rescore-parts-two');
    const single = await rescore(one.db, { reason: 'daily', ...at('2026-11-20') });
    expect(single).toMatchObject({ state: 'done', scored: one.keys.length });
    expect(single.threads).toBeUndefined();

    const seen = nothingSeen();
    const reads = customerReads();
    const split = await rescore(two.db, { reason: 'daily', ...at('2026-11-20'), helper: helperHere(two.db, seen) });
    expect(split).toMatchObject({ state: 'done', scored: two.keys.length, threads: 2 });
    expect(split.phases?.join).toBeGreaterThanOrEqual(0);
    // The store's customers read once between the two threads, for the fits and to score: each slice of buckets once.
    expect(reads.sort((x, y) => x - y)).toEqual(slicesOf(16));

    // Not vacuous: the other thread scored the customers of the second half of the buckets, a slice
    // at a time, and coded the tiers, badges or currencies otherwise than this thread did.
    // It read the second half's customers, fitted on them for each round of the fits, and scored them.
    expect(seen.read).toHaveLength(1);
    expect(seen.fits).toEqual([0, 1]);
    expect(seen.read[0]!.every((start) => start >= BUCKETS / 2)).toBe(true);
    expect(seen.jobs).toHaveLength(1);
    expect(seen.jobs[0]!.starts.every((start) => start >= BUCKETS / 2)).toBe(true);
    expect(seen.parts.map((part) => part.start)).toEqual(seen.jobs[0]!.starts);
    // And made the badge index, once every slice was scored.
    expect(seen.indexed).toBe(1);
    const theirs = two.keys.filter((key) => bucketOf(key) >= BUCKETS / 2).length;
    expect(theirs).toBeGreaterThan(0);
    expect(theirs).toBeLessThan(two.keys.length);
    expect(seen.parts.reduce((n, part) => n + part.scored, 0)).toBe(theirs);
    const head = (await two.db.get('customerTable', 'head')) as { tiers: Array<{ ref: string }>; badgeSets: number[][]; currencies: string[] };
    const recoded = seen.parts.some(({ table }) => table.tiers.some((tier, i) => head.tiers[i]?.ref !== tier.ref) || table.currencies.some((currency, i) => head.currencies[i] !== currency) || table.badgeSets.some((set, i) => JSON.stringify(head.badgeSets[i]) !== JSON.stringify(set)));
    expect(recoded).toBe(true);

    const written = await expectWrittenAlike(one.db, two.db);
    expect(JSON.parse(written.followUps!).length).toBeGreaterThan(0);
  });

  it('keeps the day’s models on two threads: each reads its own half to score, once', async () => {
    const one = await shop('rescore-parts-kept-one');
    const two = await shop('rescore-parts-kept-two');
    expect(await rescore(one.db, { reason: 'daily', ...at('2026-11-20') })).toMatchObject({ state: 'done' });
    expect(await rescore(two.db, { reason: 'daily', ...at('2026-11-20') })).toMatchObject({ state: 'done' });
    expect(await rescore(one.db, { reason: 'manual', ...at('2026-11-20') })).toMatchObject({ state: 'done', modelsKept: true });

    const seen = nothingSeen();
    const reads = customerReads();
    const kept = await rescore(two.db, { reason: 'manual', ...at('2026-11-20'), helper: helperHere(two.db, seen) });
    expect(kept).toMatchObject({ state: 'done', modelsKept: true, scored: two.keys.length, threads: 2 });
    // No fit, so nothing read for one: the other thread read its half when asked to score it.
    expect(seen.read).toHaveLength(0);
    expect(seen.fits).toHaveLength(0);
    expect(seen.parts.reduce((n, part) => n + part.scored, 0)).toBe(two.keys.filter((key) => bucketOf(key) >= BUCKETS / 2).length);
    expect(reads.sort((x, y) => x - y)).toEqual(slicesOf(16));
    await expectWrittenAlike(one.db, two.db);
  });

  it.each([
    ['fails to read its half: this one reads, fits and scores its buckets', 'read', { fits: 0, jobs: 0, parts: 0, indexed: 0 }, undefined],
    ['fails in the second round of the fits: this one fits on its buckets and scores them', { round: 1 }, { fits: 2, jobs: 0, parts: 0, indexed: 0 }, undefined],
    ['stops after three slices: this one scores the rest', { after: 3 }, { fits: 2, jobs: 1, parts: 3, indexed: 1 }, undefined],
    // The other thread scored its half: only the index is made here.
    ['fails to make the badge index: this one makes it', 'index', { fits: 2, jobs: 1, parts: SECOND_HALF.length, indexed: 1 }, 2],
  ] as const)('writes what one thread writes when the other thread %s', async (_, fails, asked, threads) => {
    const one = await shop(`rescore-parts-fail-one-${JSON.stringify(fails)}`);
    const two = await shop(`rescore-parts-fail-two-${JSON.stringify(fails)}`);
    expect(await rescore(one.db, { reason: 'daily', ...at('2026-11-20') })).toMatchObject({ state: 'done' });
    const seen = nothingSeen();
    const status = await rescore(two.db, { reason: 'daily', ...at('2026-11-20'), helper: helperHere(two.db, seen, fails) });
    expect(status).toMatchObject({ state: 'done', scored: two.keys.length, customers: two.keys.length });
    expect(status.threads).toBe(threads);
    expect(seen.read).toHaveLength(1);
    expect({ fits: seen.fits.length, jobs: seen.jobs.length, parts: seen.parts.length, indexed: seen.indexed }).toEqual(asked);
    await expectWrittenAlike(one.db, two.db);
  });
});
