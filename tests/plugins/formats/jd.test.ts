import { describe, expect, it } from 'vitest';
import { fixture, importPath } from '../../helpers';

describe('jd format', () => {
  it('folds one-row-per-SKU rows into orders keyed by 下单帐号', async () => {
    const { report, encoding, orders, byKey } = await importPath(fixture('jd-orders.gbk.csv'));
    expect(report.format).toBe('jd');
    expect(encoding.encoding).toBe('gb18030');
    expect(report).toMatchObject({ rowsRead: 5, rowsImported: 5, rowsRejected: 0, orders: 4 });
    const order = orders.get('jd:301234567890')!;
    expect(order.items.map((i) => i.title)).toEqual(['三只松鼠 坚果礼盒 1.5kg', '每日坚果 30袋']);
    expect(order).toMatchObject({ totalMinor: 19900, status: 'completed', customerKey: 'jd:jd_zhangwei', currency: 'CNY' });
    expect(new Date(order.deliveredAt!).toISOString()).toBe('2024-05-04T07:00:00.000Z');
    expect(orders.get('jd:301234567891')!.status).toBe('shipped');
    expect(byKey.get('jd:jd_zhangwei')).toMatchObject({ orderCount: 2, monetaryMinor: 53500, phones: [] });
    // A cancelled order is history; 等待出库 is paid.
    expect(byKey.get('jd:jd_lina88')).toMatchObject({ orderCount: 1, monetaryMinor: 17970 });
  });
});
