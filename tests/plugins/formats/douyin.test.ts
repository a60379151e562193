import { describe, expect, it } from 'vitest';
import { fixture, importPath } from '../../helpers';

describe('douyin format', () => {
  it('reads a BOM file with tab-guarded ids, sums 子订单 and nets a refunded line', async () => {
    const { report, encoding, orders, byKey } = await importPath(fixture('douyin-orders.csv'));
    expect(report.format).toBe('douyin');
    expect(encoding).toMatchObject({ encoding: 'utf-8', bom: true });
    expect(report).toMatchObject({ rowsRead: 4, orders: 3, rowsRejected: 0 });
    const split = orders.get('douyin:6921000000000002')!;
    expect(split).toMatchObject({ totalMinor: 17890, refundedMinor: 4990, status: 'shipped', customerKey: 'douyin:88001001' });
    expect(split.items).toHaveLength(2);
    // Masked names and phones are kept as shown but never used as identifiers.
    expect(split.buyer).toEqual({ id: '88001001', name: '陈**' });
    expect(byKey.get('douyin:88001001')).toMatchObject({ orderCount: 2, monetaryMinor: 9980 + 12900 });
    expect(new Date(orders.get('douyin:6921000000000001')!.createdAt).toISOString()).toBe('2024-06-01T12:15:00.000Z');
    expect(byKey.get('douyin:88001002')).toMatchObject({ orderCount: 0 });
  });
});
