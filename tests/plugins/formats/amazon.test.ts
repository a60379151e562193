import { describe, expect, it } from 'vitest';
import { fixture, importPath } from '../../helpers';

describe('amazon format', () => {
  it('imports the All Orders report for sales but invents no customer', async () => {
    const { report, delimiter, orders, customers } = await importPath(fixture('amazon-all-orders.tsv'));
    expect(report.format).toBe('amazon');
    expect(delimiter).toBe('\t');
    expect(report).toMatchObject({ rowsRead: 3, orders: 2, guestOrders: 2 });
    expect(customers).toEqual([]);
    expect(report.warnings[0]!.en).toMatch(/per-customer history is impossible/);
    // Item price, tax and shipping of both lines.
    expect(orders.get('amazon:112-0000001-0000001')).toMatchObject({ totalMinor: 1998 + 180 + 2499 + 225, status: 'shipped' });
    expect(orders.get('amazon:112-0000002-0000002')!.status).toBe('cancelled');
  });

  it('keys the order report by buyer-email', async () => {
    const { report, byKey } = await importPath(fixture('amazon-order-report.tsv'));
    // Nothing wrong; only where its days are counted, from the report's own offsets.
    expect(report.warnings.map((w) => w.en)).toEqual([expect.stringMatching(/^Days are counted in \S+, the zone the timestamps' offsets \(/)]);
    expect(byKey.get('amazon:abc123xyz@marketplace.amazon.com')).toMatchObject({ orderCount: 2, monetaryMinor: 5997, names: ['Kim Lee'] });
  });
});
