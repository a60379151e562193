import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { setNotes } from '../../../lib/db/customer-notes';
import { setKeptDates } from '../../../lib/db/kept-dates';
import { rescore } from '../../../lib/db/rescore';
import { openTiermarkDB } from '../../../lib/db/schema';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { endOfDay } from '../../../lib/time';
import type { Customer } from '../../../lib/model';
import { importFixture, storedEntries } from './stored-buckets';
import { writtenForPages } from './rescore-written';

const ZONE = 'Asia/Shanghai';
const at = (day: string) => ({ timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay(day, ZONE) });

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
    const fromFitted = await writtenForPages(db);

    // Nothing changed since: the kept models and rule tables must give every page the same answers.
    expect(await rescore(db, { reason: 'manual', ...at('2026-11-20') })).toMatchObject({ state: 'done', modelsKept: true, scored: keys.length });
    const fromKept = await writtenForPages(db);
    for (const part of Object.keys(fromKept)) expect(fromFitted[part], part).toBe(fromKept[part]);

    // Not vacuous: who the customers are is in what was compared, names, emails and phones alike.
    const [, someone] = customers.find(([, c]) => c.names.length > 0 && c.phones.length > 0)!;
    for (const text of [someone.names[0]!, someone.phones[0]!]) expect(fromFitted.table).toContain(JSON.stringify(text).slice(1, -1));
    expect(customers.some(([, c]) => /[\u4e00-\u9fff]/.test(c.names.join('')))).toBe(true);
    expect(customers.some(([, c]) => c.emails.length > 0)).toBe(true);
    expect(JSON.parse(fromFitted.followUps!).length).toBeGreaterThan(0);
  });
});
