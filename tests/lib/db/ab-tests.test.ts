import 'fake-indexeddb/auto';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { baselineOf, shareDifference, shareVerdict, spendDifference } from '../../../lib/ab-test';
import { allAbTests } from '../../../lib/db/ab-tests';
import { TableQueries } from '../../../lib/db/customer-table';
import { importFile } from '../../../lib/db/importer';
import { rescore } from '../../../lib/db/rescore';
import { openTiermarkDB, type Database } from '../../../lib/db/schema';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { endOfDay } from '../../../lib/time';
import { exportSegment } from '../../../lib/ui/segment-export';
import { importable } from '../../helpers';

const ZONE = 'Europe/London';
const HEADER = ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'];
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

async function importRows(db: Database, name: string, rows: string[][]) {
  const bytes = new TextEncoder().encode(Papa.unparse({ fields: HEADER, data: rows }));
  const record = await importFile(db, await importable(name, bytes, 8192), { currency: 'GBP', timeZone: ZONE });
  expect(record.status).toBe('complete');
}
const rescoreAsOf = (db: Database, day: string) => rescore(db, { reason: 'import', timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay(day, ZONE) });
/** An invoice line on a day ("M/D/YYYY 10:00"). */
const line = (invoice: number, customer: string, iso: string, price: string) => {
  const [y, m, d] = iso.split('-').map(Number);
  return [String(invoice), 'MUG1', 'MUG', '1', `${m}/${d}/${y} 10:00`, price, customer, 'United Kingdom'];
};

describe('A/B tests that close the loop', () => {
  it('runs the textbook test: 1,000 dormant customers in two groups of 500, compared once their orders come in', async () => {
    const db = await openTiermarkDB('ab-textbook');
    // A thousand customers who bought once in the spring of 2023, dormant by 2024.
    await importRows(db, 'orders-2023.csv', Array.from({ length: 1000 }, (_, i) => line(100000 + i, String(20000 + i), `2023-0${3 + (i % 4)}-${10 + (i % 15)}`, '25.00')));
    await rescoreAsOf(db, '2024-01-31');
    const queries = new TableQueries(async () => db);
    const head = await db.get('customerTable', 'head');
    const tier = (head as { tiers: Array<{ ref: string }> }).tiers[0]!.ref;
    const reply = await exportSegment(queries, {
      kind: 'segment', id: 1, storeVersion: 'v1', segment: { kind: 'tier', ref: tier }, shop: null,
      files: { language: 'en', timeZone: ZONE, encoding: 'utf-8', split: { sizes: [500, 500], seed: 'textbook' }, test: { name: 'Win-back coupon', holdout: false } },
    });
    if (reply.kind !== 'files') throw new Error(JSON.stringify(reply));
    expect(reply.members).toBe(1000);
    const [test] = await allAbTests(db);
    expect(test).toMatchObject({ id: reply.testId, name: 'Win-back coupon', startedDay: dayOf('2024-01-31'), seed: 'textbook' });
    expect(test!.groups.map((g) => [g.name, g.keys.length, g.holdout])).toEqual([['A', 500, false], ['B', 500, false]]);
    expect(new Set(test!.groups.flatMap((g) => g.keys)).size).toBe(1000);

    // Group A got the coupon: 100 of them came back in February; 50 of group B did. One of A's came after the window.
    const [a, b] = test!.groups.map((g) => g.keys.map((key) => key.slice(key.indexOf(':') + 1)));
    let invoice = 200000;
    const later = [
      ...a!.slice(0, 100).map((id, i) => line((invoice += 1), id, `2024-02-${String(1 + (i % 28)).padStart(2, '0')}`, i % 2 ? '40.00' : '20.00')),
      ...b!.slice(0, 50).map((id) => line((invoice += 1), id, '2024-02-15', '30.00')),
      line((invoice += 1), a![100]!, '2024-04-20', '99.00'),
    ];
    await importRows(db, 'orders-2024.csv', later);
    await rescoreAsOf(db, '2024-05-31');

    const results = await queries.abResults({ kind: 'abResults', id: 2, storeVersion: 'v2', testId: test!.id, windowDays: 60 });
    if (results.kind !== 'abResults') throw new Error(JSON.stringify(results));
    expect(results.through).toBe(dayOf('2024-01-31') + 60);
    expect(results.gone).toBe(0);
    expect(results.currency).toBe('GBP');
    const [groupA, groupB] = results.outcomes;
    // Counted from the rows written above: 100 buyers in A (half 20, half 40 pounds), 50 in B at 30.
    expect(groupA).toMatchObject({ name: 'A', customers: 500, buyers: 100, spendMinor: 50 * 2000 + 50 * 4000 });
    expect(groupB).toMatchObject({ name: 'B', customers: 500, buyers: 50, spendMinor: 50 * 3000 });
    expect(groupA!.spendSquares).toBe(50 * 2000 ** 2 + 50 * 4000 ** 2);

    // By hand: 20% against 10%, standard error √(0.2·0.8/500 + 0.1·0.9/500) = 0.02236.
    const share = shareDifference(groupB!, groupA!)!;
    expect(share.difference).toBeCloseTo(0.1, 12);
    expect(share.low).toBeCloseTo(0.1 - 1.959964 * Math.sqrt(0.0005), 5);
    expect(share.high).toBeCloseTo(0.1 + 1.959964 * Math.sqrt(0.0005), 5);
    expect(baselineOf(results.outcomes)!.name).toBe('A');
    expect(shareVerdict(groupA!, groupB!)!.en).toBe("Group A's share who bought is 10.0 points higher than group B's (95% CI 5.6 to 14.4 points): a clear difference.");
    expect(shareVerdict(groupB!, groupA!)!['zh-CN']).toBe('B 组的购买客户占比比 A 组低 10.0 个百分点（95% 置信区间 -14.4 至 -5.6 个百分点）：差异明确。');
    // Spend per customer: A 6.00, B 3.00 pounds; Welch's interval from the groups' own variances.
    const spend = spendDifference(groupB!, groupA!)!;
    expect(spend.difference).toBeCloseTo(300, 9);
    const variance = (sum: number, squares: number) => (squares - (sum * sum) / 500) / 499;
    const se = Math.sqrt(variance(300000, groupA!.spendSquares) / 500 + variance(150000, groupB!.spendSquares) / 500);
    expect(spend.low).toBeCloseTo(300 - 1.959964 * se, 2);

    // A longer window takes in the late buyer; a holdout group would be the baseline.
    const longer = await queries.abResults({ kind: 'abResults', id: 3, storeVersion: 'v2', testId: test!.id, windowDays: 120 });
    if (longer.kind !== 'abResults') throw new Error(JSON.stringify(longer));
    expect(longer.outcomes[0]!.buyers).toBe(101);
    expect(baselineOf([{ ...groupA!, holdout: false }, { ...groupB!, holdout: true }])!.name).toBe('B');
  }, 60_000);

  it('says there is no clear difference yet when the interval holds none', () => {
    const a = { name: 'A', holdout: false, customers: 60, buyers: 7, spendMinor: 0, spendSquares: 0 };
    const b = { name: 'B', holdout: true, customers: 60, buyers: 5, spendMinor: 0, spendSquares: 0 };
    expect(shareVerdict(a, b)!.en).toMatch(/^Group A's share who bought is 3\.3 points higher than group B's \(95% CI -\d+\.\d to \d+\.\d points\): not yet a clear difference/);
    expect(shareVerdict(a, { ...b, customers: 0, buyers: 0 })).toBeNull();
  });
});
