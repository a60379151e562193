import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { fixture, importPath, sharedData } from '../../helpers';
import { textIn } from '../../../lib/localised';

/** The file's records and its exactly repeated lines, counted with papaparse, not the importer. */
function recordsOf(name: string) {
  const rows = Papa.parse<string[]>(readFileSync(fixture(name), 'utf8').replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data.slice(1);
  const seen = new Set<string>();
  let repeated = 0;
  for (const row of rows) {
    const line = row.join('\u0001');
    if (seen.has(line)) repeated += 1;
    seen.add(line);
  }
  return { records: rows.length, repeated };
}

describe('invoice-line format', () => {
  it('reads Online Retail II lines: Quantity × Price, C credit notes, 13085.0 ids, each repeated line once, adjustments refused', async () => {
    const { report, orders, byKey } = await importPath(fixture('online-retail-ii.csv'), { timeZone: 'Europe/London', currency: 'GBP' });
    const { records, repeated } = recordsOf('online-retail-ii.csv');
    expect(repeated).toBe(1);
    expect(report).toMatchObject({ format: 'invoices', dateFormat: null, rowsRead: records, duplicateRows: repeated, rowsRejected: 2, orders: 6, guestOrders: 1 });
    expect(report.rowsImported + report.rowsRejected + report.duplicateRows).toBe(records);
    expect(report.rejections.map((r) => r.row)).toEqual([10, 12]);
    expect(textIn(report.rejections[0]!.reason, 'en')).toBe('negative quantity (-96) on invoice 489464, which is not a credit note (C…): a stock adjustment or a bad-debt write-off, not a sale');
    // 12 × 6.95 + 12 × 6.75 + 12 × 6.75 and 12 × 2.55, less the credit note's 12 × 2.95.
    expect(byKey.get('generic:13085')).toMatchObject({ orderCount: 2, monetaryMinor: 24540 + 3060 - 3540, currency: 'GBP' });
    expect(byKey.get('generic:13078')).toMatchObject({ orderCount: 1, monetaryMinor: 5950 + 9810 });
    expect(byKey.get('generic:12533')).toMatchObject({ orderCount: 1, monetaryMinor: 5400 });
    expect(orders.get('generic:C489449')).toMatchObject({ isReturn: true, refundedMinor: 3540, customerKey: 'generic:13085' });
    expect(new Date(orders.get('generic:489434')!.createdAt).toISOString()).toBe('2009-12-01T07:45:00.000Z');
  });

  it('reads the older Online Retail shape (InvoiceNo, UnitPrice, CustomerID, 12/1/2010 8:45), saved by Excel with a BOM and CRLF', async () => {
    const { report, byKey, encoding } = await importPath(fixture('online-retail-france.csv'), { timeZone: 'Europe/London', currency: 'GBP' });
    const { records, repeated } = recordsOf('online-retail-france.csv');
    expect(encoding.bom).toBe(true);
    expect(report).toMatchObject({ format: 'invoices', dateFormat: 'M/d/yyyy H:mm', rowsRead: records, duplicateRows: repeated, rowsRejected: 0 });
    expect(byKey.get('generic:12583')).toMatchObject({ orderCount: 2, monetaryMinor: 9000 + 9000 + 5400 - 465 + 7080, firstOrderAt: Date.UTC(2010, 11, 1, 8, 45) });
    expect(byKey.get('generic:12686')).toMatchObject({ orderCount: 1, monetaryMinor: 1740 });
  });

  const retail = sharedData('online-retail');
  it.skipIf(!retail.present)('is detected on the real UCI files and matches the totals a separate script computed', async () => {
    const france = await importPath(`${retail.path}/france.csv`, { timeZone: 'Europe/London' });
    const germany = await importPath(`${retail.path}/germany.csv`, { timeZone: 'Europe/London' });
    expect(france.report.format).toBe('invoices');
    // The figures of the generic-format test on the same files (checked there against a separate script).
    expect(france.report).toMatchObject({ rowsRead: 8557, duplicateRows: 16 });
    expect(france.customers).toHaveLength(87);
    expect(france.customers.reduce((s, c) => s + c.monetaryMinor, 0)).toBe(19662605);
    expect(germany.customers).toHaveLength(95);
    expect(germany.customers.reduce((s, c) => s + c.monetaryMinor, 0)).toBe(22150947);
    expect(germany.byKey.get('generic:12471')).toMatchObject({ orderCount: 30, monetaryMinor: 1870552 });
  });
});
