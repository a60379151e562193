import { defineOrderFormat, isMasked } from '../../lib/formats';
import type { OrderStatus } from '../../lib/model';
import { RowReader } from '../../lib/import/row-reader';
import { statusFromText } from '../../lib/status';

const STATUSES: Record<string, OrderStatus> = {
  等待付款: 'unpaid',
  等待出库: 'paid',
  等待发货: 'paid',
  等待确认收货: 'shipped',
  完成: 'completed',
  已完成: 'completed',
  已取消: 'cancelled',
  取消: 'cancelled',
  锁定: 'paid',
};

/** JD 京麦/商家后台 order export: one row per SKU, order fields repeated on each. */
export default defineOrderFormat({
  id: 'jd',
  title: { en: 'JD order export', 'zh-CN': '京东 订单导出' },
  platform: 'jd',
  defaultTimeZone: 'Asia/Shanghai',
  defaultCurrency: 'CNY',
  detect(columns) {
    if (!columns.has('订单号') || !columns.has('下单时间')) return 0;
    return 0.5 + 0.1 * columns.count('下单帐号', '下单账号', '商品名称', '订购数量', '应付金额', '京东价');
  },
  mapper(columns, options) {
    const read = new RowReader(columns.header, options);
    const col = {
      order: columns.find('订单号'),
      account: columns.find('下单帐号', '下单账号', '用户账号'),
      name: columns.find('客户姓名', '收货人'),
      phone: columns.find('联系电话', '收货人电话'),
      created: columns.find('下单时间'),
      paidAt: columns.find('付款确认时间', '付款时间'),
      finishedAt: columns.find('订单完成时间', '完成时间'),
      payable: columns.find('应付金额', '订单金额'),
      refund: columns.find('退款金额'),
      status: columns.find('订单状态'),
      sku: columns.find('商品ID', '商品编号'),
      title: columns.find('商品名称'),
      quantity: columns.find('订购数量', '商品数量'),
      price: columns.find('京东价', '商品单价'),
    };
    return (row) => {
      const orderId = read.required(row, col.order, '订单号 (order number)');
      const statusText = read.text(row, col.status);
      let status: OrderStatus = STATUSES[statusText] ?? statusFromText(statusText) ?? 'paid';
      const payable = read.money(row, col.payable);
      const refunded = read.money(row, col.refund) ?? 0;
      if (payable !== undefined && payable > 0 && refunded >= payable) status = 'refunded';
      const phone = read.text(row, col.phone);
      const quantity = read.quantity(row, col.quantity);
      const title = read.text(row, col.title);
      return {
        orderId,
        buyer: {
          id: read.text(row, col.account) || undefined,
          name: read.text(row, col.name) || undefined,
          phone: phone && !isMasked(phone) ? phone : undefined,
        },
        createdAt: read.requiredDate(row, col.created, '下单时间 (order time)'),
        paidAt: read.date(row, col.paidAt),
        deliveredAt: read.date(row, col.finishedAt),
        status,
        totalMinor: payable,
        refundedMinor: refunded,
        currency: options.currency,
        item: title || col.sku >= 0
          ? { sku: read.text(row, col.sku), title, quantity, priceMinor: read.money(row, col.price) ?? 0 }
          : undefined,
      };
    };
  },
  customerId: (buyer) => (buyer.id && !isMasked(buyer.id) ? buyer.id : undefined),
  buyerWarning(columns) {
    if (columns.has('下单帐号', '下单账号', '用户账号')) return null;
    return {
      en: 'This JD export has no 下单帐号 (buyer account) column, so orders cannot be tied to customers. Include 下单帐号 when exporting.',
      'zh-CN': '该京东导出没有“下单帐号”列，订单无法关联到客户。导出时请勾选下单帐号。',
    };
  },
});
