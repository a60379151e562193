import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { setKeptDates } from '../../../lib/db/kept-dates';
import { setNotes } from '../../../lib/db/customer-notes';
import { readPopulation } from '../../../lib/db/rescore';
import { historyOf } from '../../../lib/db/profile-scoring';
import { openTiermarkDB, type Database } from '../../../lib/db/schema';
import type { Customer } from '../../../lib/model';
import type { OrderDigest } from '../../../lib/scoring/history';
import { DEFAULT_SCORE_SETTINGS, type CustomerHistory } from '../../../lib/scoring/scorer';
import { PopulationBuilder } from '../../../lib/scoring/population';
import { endOfDay, localDayNumber } from '../../../lib/time';
import { importFixture, storedEntries } from '../db/stored-buckets';

const ZONE = 'Asia/Shanghai';

const baseOn = (day: string) => {
  const asOf = endOfDay(day, ZONE);
  return { asOf, asOfDay: localDayNumber(asOf, ZONE), timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS };
};

/** Each stored customer's history as the rescore made it from their parsed record before the population, by key. */
async function historiesFromRecords(db: Database, base: ReturnType<typeof baseOn>): Promise<Map<string, CustomerHistory>> {
  const [customers, digests, kept, notes] = await Promise.all([storedEntries<Customer>(db, 'customers'), storedEntries<OrderDigest>(db, 'customers', 'digests'), db.getAll('keptDates'), db.getAll('customerNotes')]);
  const histories = new Map<string, CustomerHistory>();
  for (const customer of Object.values(customers)) {
    const dates = kept.find((k) => k.key === customer.key)?.dates;
    const noted = notes.find((n) => n.key === customer.key);
    histories.set(customer.key, historyOf({ customer, digest: digests[customer.key]!, ...(dates && { keptDates: dates }), ...(noted && { notes: noted }) }, base));
  }
  return histories;
}

describe('the population of typed columns that fits and past months read', () => {
  it('gives every customer the history their stored record gives, as of any day, without who they are', async () => {
    const db = await openTiermarkDB('population-1');
    // Taobao's report (products by title), JD's (parcels delivered) and a shop whose export gives birthdays.
    await importFixture(db, 'demo/ExportOrderList202611201200.csv', ZONE);
    await importFixture(db, 'formats/jd-orders.gbk.csv', ZONE);
    await importFixture(db, 'formats/generic-birthdays.csv', ZONE, 'generic');
    const keys = Object.keys(await storedEntries(db, 'customers'));
    await setKeptDates(db, keys[3]!, [{ name: '结婚纪念日', monthDay: '10-01' }]);
    await setNotes(db, { key: keys[5]!, note: '老客户', tags: ['物流敏感'], doNotContact: true, hideOnPages: false });

    const population = await readPopulation(db);
    expect(population.size).toBe(keys.length);
    expect(new Set(Array.from({ length: population.size }, (_, slot) => population.key(slot)))).toEqual(new Set(keys));
    // Today, and a month end before some customers' first orders and others' later ones.
    for (const day of ['2026-11-20', '2026-06-30']) {
      const base = baseOn(day);
      const expected = await historiesFromRecords(db, base);
      const seen = { products: 0, delivered: 0, birthday: 0, keptDates: 0, notes: 0, noOccasion: 0 };
      for (let slot = 0; slot < population.size; slot += 1) {
        const history = population.history(slot, base);
        const want = expected.get(population.key(slot))!;
        expect(history).toEqual({ ...want, customer: { ...want.customer, buyerId: '', names: [], emails: [], phones: [] } });
        seen.products += want.products ? 1 : 0;
        seen.delivered += want.customer.lastDeliveredAt !== undefined ? 1 : 0;
        seen.birthday += want.customer.birthday !== undefined ? 1 : 0;
        seen.keptDates += want.keptDates ? 1 : 0;
        seen.notes += want.notes ? 1 : 0;
        seen.noOccasion += want.occasionDays.length === 0 ? 1 : 0;
      }
      // The comparison covered every part a history has.
      expect(seen.products).toBeGreaterThan(10);
      expect(seen.delivered).toBeGreaterThan(0);
      expect(seen.birthday).toBeGreaterThan(0);
      expect(seen).toMatchObject({ keptDates: 1, notes: 1 });
      if (day === '2026-06-30') expect(seen.noOccasion).toBeGreaterThan(0);
    }
  });

  it('keeps who each customer is where told to, for the whole rescore to score from, and never makes it up', async () => {
    const db = await openTiermarkDB('population-2');
    // Chinese names and phones (Taobao), emails and Latin names (Shopify), a buyer id that is an email.
    await importFixture(db, 'demo/ExportOrderList202611201200.csv', ZONE);
    await importFixture(db, 'formats/shopify-orders-79.csv', ZONE);
    const [customers, digests] = await Promise.all([storedEntries<Customer>(db, 'customers'), storedEntries<OrderDigest>(db, 'customers', 'digests')]);
    const identified = new PopulationBuilder(true);
    const anonymous = new PopulationBuilder();
    for (const customer of Object.values(customers)) {
      identified.add({ customer, digest: digests[customer.key] ?? { e: [] } });
      anonymous.add({ customer, digest: digests[customer.key] ?? { e: [] } });
    }
    const [population, bare] = [identified.finish(new Map(), new Map()), anonymous.finish(new Map(), new Map())];
    const base = baseOn('2026-11-20');
    const expected = await historiesFromRecords(db, base);
    const seen = { chinese: 0, emails: 0, phones: 0 };
    for (let slot = 0; slot < population.size; slot += 1) {
      const want = expected.get(population.key(slot))!;
      expect(population.history(slot, base, true)).toEqual(want);
      // The fits' histories are the same without who they are.
      expect(population.history(slot, base)).toEqual({ ...want, customer: { ...want.customer, buyerId: '', names: [], emails: [], phones: [] } });
      expect(() => bare.history(slot, base, true)).toThrow(/not kept/);
      expect(bare.history(slot, base)).toEqual(population.history(slot, base));
      seen.chinese += /[\u4e00-\u9fff]/.test(want.customer.names.join('')) ? 1 : 0;
      seen.emails += want.customer.emails.length > 0 ? 1 : 0;
      seen.phones += want.customer.phones.length > 0 ? 1 : 0;
    }
    // Who they are is kept in texts of 256 customers: read out of order, across them, it is the same.
    expect(population.size).toBeGreaterThan(256);
    for (let slot = population.size - 1; slot >= 0; slot -= 97) expect(population.history(slot, base, true)).toEqual(expected.get(population.key(slot)));
    expect(seen.chinese).toBeGreaterThan(0);
    expect(seen.emails).toBeGreaterThan(0);
    expect(seen.phones).toBeGreaterThan(0);
  });
});
