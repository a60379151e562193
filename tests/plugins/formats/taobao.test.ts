import { describe, expect, it } from 'vitest';
import { fixture, importPath, sharedData, inEnglish } from '../../helpers';

describe('taobao format', () => {
  it('reads a GBK 订单报表 with ="…" cells and trailing-space headers', async () => {
    const { report, encoding, orders, byKey } = await importPath(fixture('taobao-order-report.gbk.csv'));
    expect(report.format).toBe('taobao');
    expect(encoding.encoding).toBe('gb18030');
    expect(report.timeZone).toBe('Asia/Shanghai');
    expect(report.rowsRead).toBe(8);
    expect(report.rowsImported + report.rowsRejected).toBe(report.rowsRead);
    expect(inEnglish(report.rejections)).toEqual([{ row: 9, reason: 'unparseable date in column "订单创建时间": "2024-13-40 18:30:00"' }]);

    const first = orders.get('taobao:2847561230001')!;
    expect(first.customerKey).toBe('taobao:茶友小王');
    expect(first.totalMinor).toBe(12800);
    expect(first.status).toBe('completed');
    expect(first.buyer.phone).toBe('13800001111');
    // 10:15 China time is 02:15 UTC.
    expect(new Date(first.createdAt).toISOString()).toBe('2024-03-01T02:15:00.000Z');
    expect(first.items[0]).toEqual({ sku: '', title: '西湖龙井 明前特级 250g', quantity: 1, priceMinor: 12800 });

    expect(byKey.get('taobao:茶友小王')).toMatchObject({ orderCount: 2, monetaryMinor: 38400 });
    // Unpaid orders are history, not purchases; the masked phone is not kept as an identifier.
    expect(byKey.get('taobao:lily_2019')).toMatchObject({ orderCount: 1, monetaryMinor: 8990, phones: [] });
    // 交易关闭 after payment is a full refund: history, worth nothing, and no purchase.
    expect(orders.get('taobao:2847561230005')).toMatchObject({ status: 'refunded', refundedMinor: 30000 });
    expect(byKey.get('taobao:张三丰')).toMatchObject({ orderCount: 1, monetaryMinor: 15000, refundCount: 1 });
    // A row without 买家会员名 is a guest order, not an invented customer.
    expect(orders.get('taobao:2847561230007')!.customerKey).toBeNull();
    expect(report.guestOrders).toBe(1);
  });

  const tmall = sharedData('tmall');
  it.skipIf(!tmall.present)('reads the real Tmall report identically from UTF-8 and GBK, and says it has no buyers', async () => {
    const utf8 = await importPath(`${tmall.path}/tmall_order_report.csv`);
    const gbk = await importPath(`${tmall.path}/tmall_order_report.GBK-derived.csv`);
    expect(utf8.encoding.encoding).toBe('utf-8');
    expect(gbk.encoding.encoding).toBe('gb18030');
    for (const run of [utf8, gbk]) {
      expect(run.report.format).toBe('taobao');
      expect(run.report.rowsRead).toBe(28010);
      expect(run.report.orders).toBe(28010);
      expect(run.report.rowsRejected).toBe(0);
      expect(run.customers).toHaveLength(0);
      expect(run.report.warnings[0]!.en).toMatch(/no buyer column \(买家会员名\)/);
    }
    expect([...gbk.orders.values()]).toEqual([...utf8.orders.values()]);
    // Checked with an independent script over the file: 3,923 orders have no 付款时间; the paid
    // ones net 1,330,151.23 after refunds, and 244 of them were refunded in full.
    const all = [...utf8.orders.values()];
    expect(all.filter((o) => o.status === 'unpaid')).toHaveLength(3923);
    expect(all.filter((o) => o.status === 'refunded')).toHaveLength(244);
    const paidNet = all.filter((o) => o.status !== 'unpaid').reduce((sum, o) => sum + o.totalMinor - o.refundedMinor, 0);
    expect(paidNet).toBe(133015123);
  });
});
