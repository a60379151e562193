import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { chunked, fixture } from '../../helpers';
import { importToMemory } from '../../../lib/import/collect';
import { concatBytes } from '../../../lib/import/encoding';
import { summariseCustomers } from '../../../lib/customers';
import type { StreamSettings } from '../../../lib/import/stream';

const retailMapping = { customer: 'CustomerID', order: 'InvoiceNo', date: 'InvoiceDate', price: 'UnitPrice', quantity: 'Quantity', item: 'StockCode' };

/**
 * Every line-level format's fixture, with what it needs to import and the rows it was written to
 * refuse: the 订单报表's row 9 (a date that is no date), the retail file's row 6 (a negative
 * quantity that is no refund); the others hold no bad row.
 */
const FILES: Array<[string, StreamSettings, number]> = [
  ['shopify-orders-79.csv', {}, 0],
  ['shopify-orders-73.csv', {}, 0],
  ['douyin-orders.csv', {}, 0],
  ['jd-orders.gbk.csv', {}, 0],
  ['amazon-order-report.tsv', {}, 0],
  ['woocommerce-plugin.csv', {}, 0],
  ['taobao-order-report.gbk.csv', {}, 1],
  ['generic-retail.csv', { format: 'generic', mapping: retailMapping, timeZone: 'Europe/London' }, 1],
  ['etsy-sold-orders.csv', {}, 0],
];

async function load(bytes: Uint8Array, settings: StreamSettings) {
  const result = await importToMemory(chunked(bytes, 1000), settings);
  const customers = summariseCustomers(result.orders.values());
  return { ...result, money: new Map(customers.map((c) => [c.key, [c.orderCount, c.monetaryMinor]])) };
}

/** The file's records other than the header and blank lines, counted by papaparse on its own, not by the importer. */
function recordsOf(bytes: Uint8Array): number {
  const text = new TextDecoder(bytes[0] === 0xef || isUtf8(bytes) ? 'utf-8' : 'gb18030').decode(bytes);
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
  return parsed.data.length - 1;
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The bytes after the header line (no fixture's header holds a quoted line break). */
function bodyOf(bytes: Uint8Array): Uint8Array {
  return bytes.subarray(bytes.indexOf(0x0a) + 1);
}

const join = concatBytes;

describe('repeated rows', () => {
  for (const [name, settings, refused] of FILES) {
    it(`${name}: its rows pasted twice give the same customers and money, with every repeat counted`, async () => {
      const bytes = new Uint8Array(readFileSync(fixture(name)));
      const once = await load(bytes, settings);
      const twice = await load(join(bytes, bodyOf(bytes)), settings);
      const records = recordsOf(bytes);
      expect(once.report.rowsRead).toBe(records);
      expect(twice.report.rowsRead).toBe(records * 2);
      // A row the first copy refused is refused again; every row it kept comes back as a duplicate.
      expect(once.report.rowsRejected).toBe(refused);
      expect(twice.report.duplicateRows).toBe(records - refused);
      expect(twice.report.rowsRejected).toBe(refused * 2);
      expect(twice.report.rowsImported + twice.report.rowsRejected + twice.report.duplicateRows).toBe(twice.report.rowsRead);
      expect(twice.money).toEqual(once.money);
      expect([...twice.orders.values()].map((o) => [o.key, o.totalMinor, o.items.length])).toEqual(
        [...once.orders.values()].map((o) => [o.key, o.totalMinor, o.items.length]),
      );
      const first = twice.report.duplicates[0]!;
      expect(first.of).toBeLessThan(first.row);
      expect(twice.report.warnings.map((w) => w.en).join('\n')).toMatch(new RegExp(`${twice.report.duplicateRows} duplicate rows? skipped: .*row ${first.row} repeats row ${first.of}`));
    });
  }

  it('keeps two identical lines in a file with no order ids (a customer and day stand in), and says so', async () => {
    const text = 'customer date qty amount\n00001 19970101 1 11.77\n00001 19970101 1 11.77\n00002 19970102 2 20.00\n';
    const result = await load(new TextEncoder().encode(text), {
      delimiter: 'whitespace',
      mapping: { customer: 'customer', date: 'date', quantity: 'qty', amount: 'amount' },
      dateFormat: 'yyyyMMdd',
      timeZone: 'UTC',
    });
    expect(result.report).toMatchObject({ rowsRead: 3, rowsImported: 3, duplicateRows: 0, repeatedRows: 1, repeats: [{ row: 3, of: 2 }] });
    expect(result.money.get('generic:00001')).toEqual([1, 2354]);
    expect(result.report.warnings.map((w) => w.en).join('\n')).toMatch(/1 row repeats an earlier row exactly \(row 3 repeats row 2\)/);
  });

  it('keeps two lines of one order that differ in any cell', async () => {
    const text = 'Order,Customer,Date,Item,Amount\n7,a@x.com,2024-03-01,Mug,5.00\n7,a@x.com,2024-03-01,Mug ,5.00\n7,a@x.com,2024-03-01,Mug,5.00\n';
    const result = await load(new TextEncoder().encode(text), {
      format: 'generic',
      mapping: { order: 'Order', customer: 'Customer', date: 'Date', item: 'Item', amount: 'Amount' },
    });
    expect(result.report).toMatchObject({ rowsRead: 3, rowsImported: 2, duplicateRows: 1, duplicates: [{ row: 4, of: 2 }] });
    expect(result.orders.get('generic:7')!.totalMinor).toBe(1000);
  });
});
