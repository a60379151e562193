import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { chunked, fixture, importPath } from '../../helpers';
import { importToMemory } from '../../../lib/import/collect';
import { summariseCustomers } from '../../../lib/customers';

describe('etsy format', () => {
  it('reads the sold orders file: M/d/yy dates, Order Total as the spend, guests by name and zipcode', async () => {
    const { report, orders, byKey } = await importPath(fixture('etsy-sold-orders.csv'), { timeZone: 'Europe/Dublin' });
    const records = Papa.parse<string[]>(readFileSync(fixture('etsy-sold-orders.csv'), 'utf8'), { skipEmptyLines: true }).data.length - 1;
    expect(report).toMatchObject({ format: 'etsy', rowsRead: records, rowsImported: records, rowsRejected: 0, orders: 5, guestOrders: 0 });
    expect(new Date(orders.get('etsy:3935119409')!.createdAt).toISOString()).toBe('2025-12-30T00:00:00.000Z');
    // Order Total, not Order Value or Discount Amount.
    expect(byKey.get('etsy:kj7')).toMatchObject({ orderCount: 2, monetaryMinor: 8085 + 2000, currency: 'EUR' });
    expect(byKey.get('etsy:María García · 28013')).toMatchObject({ orderCount: 2, monetaryMinor: 4550 + 5400 });
    expect(report.fallbacks).toEqual([{ column: 'Full Name and Ship Zipcode', orders: 2, firstRow: 4 }]);
    expect(orders.get('etsy:3935119411')).toMatchObject({ status: 'shipped' });
  });

  it('reads a tab-separated re-save to the same customers', async () => {
    const text = readFileSync(fixture('etsy-sold-orders.csv'), 'utf8');
    const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
    const tsv = parsed.map((cells) => cells.join('\t')).join('\n');
    const { report, orders } = await importToMemory(chunked(new TextEncoder().encode(tsv), 50), { timeZone: 'Europe/Dublin' });
    expect(report.format).toBe('etsy');
    const original = await importPath(fixture('etsy-sold-orders.csv'), { timeZone: 'Europe/Dublin' });
    expect(summariseCustomers(orders.values()).map((c) => [c.key, c.orderCount, c.monetaryMinor])).toEqual(original.customers.map((c) => [c.key, c.orderCount, c.monetaryMinor]));
  });
});
