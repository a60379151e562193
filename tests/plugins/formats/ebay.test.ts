import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { fixture, importPath } from '../../helpers';

/** Rows with an order in them, counted with papaparse: not blank, not eBay's footer lines. */
function orderRowsOf(name: string): number {
  const rows = Papa.parse<string[]>(readFileSync(fixture(name), 'utf8'), { skipEmptyLines: 'greedy' }).data;
  return rows.filter((cells) => /^\d+$/.test(cells[0]!.trim()) && cells[1] !== 'record(s) downloaded').length;
}

describe('ebay format', () => {
  it('reads the Seller Hub orders report: £ amounts, Mar-02-23 dates, a two-item order once, footers not read as rows', async () => {
    const { report, orders, byKey } = await importPath(fixture('ebay-orders-report.csv'), { timeZone: 'Europe/London' });
    const rows = orderRowsOf('ebay-orders-report.csv');
    expect(report).toMatchObject({ format: 'ebay', rowsRead: rows, rowsImported: rows, rowsRejected: 0, orders: 3 });
    const lamp = orders.get('ebay:05-10234-55001')!;
    expect(lamp).toMatchObject({ totalMinor: 2849, currency: 'GBP', status: 'shipped', customerKey: 'ebay:vintage_finds_uk' });
    expect(new Date(lamp.createdAt).toISOString()).toBe('2023-03-02T00:00:00.000Z');
    // The order row's Total Price, not the items' prices summed with it; both items listed.
    const twoItems = orders.get('ebay:05-10234-55002')!;
    expect(twoItems).toMatchObject({ totalMinor: 4197 });
    expect(twoItems.items.map((i) => [i.title, i.quantity, i.priceMinor])).toEqual([['Enamel Mug "Camp"', 2, 999], ['Tin Sign, 30 × 40 cm', 1, 1799]]);
    // User ids are not case-sensitive: Kestrel.Home and kestrel.home are one buyer; the unpaid order is no purchase.
    expect(byKey.get('ebay:kestrel.home')).toMatchObject({ orderCount: 1, monetaryMinor: 4197 });
    expect(orders.get('ebay:05-10240-11003')!.status).toBe('unpaid');
    expect(report.notOrders).toEqual({ lines: 2, firstRow: 9, text: 'eBay\'s footer "5 record(s) downloaded"', records: 5 });
    expect(report.warnings.map((w) => w.en).join('\n')).not.toContain('may be cut short');
    // The rows of empty cells around the orders (rows 2, 8 and 10) are said, not read.
    expect(report.emptyRows).toEqual({ rows: 3, firstRow: 2 });
  });

  it('reads the older Selling Manager download: blank first line, tab before the header, $1,250.00, Jan-18-16', async () => {
    const { report, byKey, orders } = await importPath(fixture('ebay-sales-record.csv'), { timeZone: 'America/Los_Angeles' });
    const rows = orderRowsOf('ebay-sales-record.csv');
    expect(report).toMatchObject({ format: 'ebay', rowsRead: rows, rowsImported: rows, rowsRejected: 0, orders: 4 });
    expect(byKey.get('ebay:sam_collects')).toMatchObject({ orderCount: 2, monetaryMinor: 1950 + 1450, currency: 'USD', emails: ['sam.r@example.com'] });
    expect(byKey.get('ebay:lakeside.books')).toMatchObject({ monetaryMinor: 126200 });
    expect(new Date(orders.get('ebay:101')!.createdAt).toISOString()).toBe('2016-01-18T08:00:00.000Z');
    expect(report.rejections).toEqual([]);
    expect(report.notOrders).toMatchObject({ lines: 2, records: 4 });
  });

  it('says so when the footer counts other records than the rows read (a file cut or edited)', async () => {
    const text = readFileSync(fixture('ebay-sales-record.csv'), 'utf8');
    const cut = text.replace(/^"?104"?,.*\r\n/m, '');
    expect(cut).not.toBe(text);
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'tiermark-ebay-')), 'cut.csv');
    writeFileSync(file, cut);
    const { report } = await importPath(file, { timeZone: 'America/Los_Angeles' });
    expect(report.rowsRead).toBe(3);
    expect(report.warnings.map((w) => w.en)).toContain('The export says it holds 4 records, but 3 rows were read: the file may be cut short or edited. Download it again to be sure every order is in it.');
  });
});
