import { describe, expect, it } from 'vitest';
import { fixture, importPath } from '../../helpers';

describe('woocommerce format', () => {
  it('reads the order-export plugin file, keyed by billing email', async () => {
    const { report, orders, byKey } = await importPath(fixture('woocommerce-plugin.csv'));
    expect(report.format).toBe('woocommerce');
    expect(report).toMatchObject({ rowsRead: 5, orders: 4 });
    expect(report.warnings).toEqual([]);
    expect(orders.get('woocommerce:5001')).toMatchObject({ totalMinor: 8450, currency: 'EUR', status: 'completed' });
    expect(orders.get('woocommerce:5001')!.items).toHaveLength(2);
    expect(orders.get('woocommerce:5002')).toMatchObject({ status: 'refunded', refundedMinor: 3000 });
    expect(byKey.get('woocommerce:marie@example.org')).toMatchObject({ orderCount: 2, monetaryMinor: 8450 });
    expect(byKey.get('woocommerce:pierre@example.org')).toMatchObject({ orderCount: 1, monetaryMinor: 15000 });
  });

  it('reads an Analytics download and warns that buyers are known by name only', async () => {
    const { report, byKey } = await importPath(fixture('woocommerce-analytics.csv'));
    expect(report.format).toBe('woocommerce');
    expect(report.warnings[0]!.en).toMatch(/keyed by name/);
    expect(byKey.get('woocommerce:Jane Roe')).toMatchObject({ orderCount: 2, monetaryMinor: 11500 });
  });
});
