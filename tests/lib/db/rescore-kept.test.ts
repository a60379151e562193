import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { setNotes } from '../../../lib/db/customer-notes';
import { setKeptDates } from '../../../lib/db/kept-dates';
import { storedBadgeIndex } from '../../../lib/db/badge-index';
import { allProfiles, type RescoreStatus } from '../../../lib/db/profiles';
import { rescore } from '../../../lib/db/rescore';
import { openTiermarkDB, type Database } from '../../../lib/db/schema';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { endOfDay } from '../../../lib/time';
import type { Customer } from '../../../lib/model';
import { importFixture, storedEntries } from './stored-buckets';

const ZONE = 'Asia/Shanghai';
const at = (day: string) => ({ timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay(day, ZONE) });

/** Bytes as text, so two builds' columns compare by what they hold. */
const bytesReplacer = (_: string, value: unknown) =>
  value instanceof ArrayBuffer ? Buffer.from(value).toString('base64') : ArrayBuffer.isView(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') : value;

/** Everything a whole rescore writes for pages to read, as text, with its build's name taken out. */
async function written(db: Database): Promise<Record<string, string>> {
  const status = (await db.get('meta', 'rescore')) as RescoreStatus;
  const head = (await db.get('meta', 'badgeIndex')) as { built: string };
  const text = (value: unknown) => JSON.stringify(value, bytesReplacer).replaceAll(head.built, 'BUILT');
  const meta = await Promise.all(['overview', 'dueTally', 'forecasts'].map((id) => db.get('meta', id)));
  return {
    profiles: text(await allProfiles(db)),
    followUps: text(await db.getAll('followups')),
    table: text(await db.getAll('customerTable')),
    // As built: each build's shards are stored under keys of their own.
    badgeIndex: text(await storedBadgeIndex(db)),
    snapshots: text(await db.getAll('snapshots')),
    meta: text(meta),
    status: text([status.customers, status.scored, status.followUpsOpen, status.followUpsMissed, status.firstOrderDay, status.unfitTables]),
  };
}

describe('a whole rescore with the day’s models kept', () => {
  it('writes for every customer what the rescore that fitted them wrote, with nothing changed between', async () => {
    const db = await openTiermarkDB('rescore-kept-1');
    // Products by title (Taobao's report), parcels delivered (JD), birthdays, Chinese names, emails (Shopify).
    await importFixture(db, 'demo/ExportOrderList202611201200.csv', ZONE);
    await importFixture(db, 'formats/jd-orders.gbk.csv', ZONE);
    await importFixture(db, 'formats/generic-birthdays.csv', ZONE, 'generic');
    await importFixture(db, 'formats/shopify-orders-79.csv', ZONE);
    const customers = Object.entries(await storedEntries<Customer>(db, 'customers'));
    const keys = customers.map(([key]) => key);
    await setKeptDates(db, keys[3]!, [{ name: '结婚纪念日', monthDay: '10-01' }]);
    await setNotes(db, { key: keys[5]!, note: '老客户', tags: ['物流敏感'], doNotContact: true, hideOnPages: false });
    await setNotes(db, { key: keys[8]!, note: '', tags: [], doNotContact: false, hideOnPages: true });
    // A day before, so that the day's rescores count how customers moved since.
    expect(await rescore(db, { reason: 'daily', ...at('2026-11-19') })).toMatchObject({ state: 'done' });

    const fitted = await rescore(db, { reason: 'daily', ...at('2026-11-20') });
    expect(fitted).toMatchObject({ state: 'done', scored: keys.length });
    expect(fitted.modelsKept).toBeUndefined();
    expect(fitted.phases?.fit).toBeGreaterThanOrEqual(0);
    const fromFitted = await written(db);

    // Nothing changed since: the kept models and rule tables must give every page the same answers.
    expect(await rescore(db, { reason: 'manual', ...at('2026-11-20') })).toMatchObject({ state: 'done', modelsKept: true, scored: keys.length });
    const fromKept = await written(db);
    for (const part of Object.keys(fromKept)) expect(fromFitted[part], part).toBe(fromKept[part]);

    // Not vacuous: who the customers are is in what was compared, names, emails and phones alike.
    const [, someone] = customers.find(([, c]) => c.names.length > 0 && c.phones.length > 0)!;
    for (const text of [someone.names[0]!, someone.phones[0]!]) expect(fromFitted.table).toContain(JSON.stringify(text).slice(1, -1));
    expect(customers.some(([, c]) => /[\u4e00-\u9fff]/.test(c.names.join('')))).toBe(true);
    expect(customers.some(([, c]) => c.emails.length > 0)).toBe(true);
    expect(JSON.parse(fromFitted.followUps!).length).toBeGreaterThan(0);
  });
});
