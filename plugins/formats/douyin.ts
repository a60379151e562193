import { defineOrderFormat, isMasked } from '../../lib/formats';
import type { OrderStatus } from '../../lib/model';
import { RowReader } from '../../lib/import/row-reader';
import { statusFromText } from '../../lib/status';

const STATUSES: Record<string, OrderStatus> = {
  待支付: 'unpaid',
  待发货: 'paid',
  备货中: 'paid',
  已发货: 'shipped',
  已完成: 'completed',
  已关闭: 'cancelled',
  已取消: 'cancelled',
};

/**
 * 抖店 order export: UTF-8 with BOM, one row per 子订单, ids prefixed with a tab, buyer data masked.
 * The buyer is the 用户ID (or 买家昵称); without one, or masked, an unmasked 收件人手机号, counted as a fallback.
 */
export default defineOrderFormat({
  id: 'douyin',
  title: { en: 'Douyin shop (抖店) order export', 'zh-CN': '抖店 订单导出' },
  platform: 'douyin',
  defaultTimeZone: 'Asia/Shanghai',
  defaultCurrency: 'CNY',
  detect(columns) {
    if (!columns.has('主订单编号')) return 0;
    return 0.6 + 0.1 * columns.count('子订单编号', '订单提交时间', '选购商品', '订单应付金额');
  },
  mapper(columns, options) {
    const read = new RowReader(columns.header, options);
    const col = {
      order: columns.find('主订单编号'),
      buyer: columns.find('用户ID', '买家ID', '买家昵称', '用户昵称'),
      name: columns.find('收件人', '收货人'),
      phone: columns.find('收件人手机号', '收件人电话'),
      created: columns.find('订单提交时间', '下单时间'),
      paidAt: columns.find('支付完成时间', '支付时间'),
      finishedAt: columns.find('订单完成时间', '签收时间'),
      amount: columns.find('订单应付金额', '实付金额'),
      status: columns.find('订单状态'),
      afterSale: columns.find('售后状态'),
      sku: columns.find('商家编码', '商品ID'),
      title: columns.find('选购商品', '商品名称'),
      spec: columns.find('商品规格'),
      quantity: columns.find('商品数量'),
      price: columns.find('商品单价'),
    };
    return (row) => {
      const orderId = read.required(row, col.order, '主订单编号 (order number)');
      const statusText = read.text(row, col.status);
      let status: OrderStatus = STATUSES[statusText] ?? statusFromText(statusText) ?? 'paid';
      const amount = read.money(row, col.amount) ?? 0;
      const afterSale = read.text(row, col.afterSale);
      const refundedLine = /退款成功|已退款|退货退款成功/.test(afterSale);
      if (refundedLine && status !== 'unpaid') status = 'refunded';
      const phone = read.text(row, col.phone);
      const name = read.text(row, col.name);
      const quantity = read.quantity(row, col.quantity);
      const title = [read.text(row, col.title), read.text(row, col.spec)].filter(Boolean).join(' ');
      const buyerId = read.text(row, col.buyer);
      const usablePhone = phone && !isMasked(phone) ? phone : undefined;
      return {
        orderId,
        buyer: { id: buyerId || undefined, name: name || undefined, phone: usablePhone },
        // No buyer id (or a masked one): the unmasked phone is the buyer, and the import counts it.
        buyerFrom: (!buyerId || isMasked(buyerId)) && usablePhone ? columns.header[col.phone]!.trim() : undefined,
        createdAt: read.requiredDate(row, col.created, '订单提交时间 (order time)'),
        paidAt: read.date(row, col.paidAt),
        deliveredAt: read.date(row, col.finishedAt),
        status,
        lineAmountMinor: amount,
        lineRefundedMinor: refundedLine ? amount : 0,
        currency: options.currency,
        item: title ? { sku: read.text(row, col.sku), title, quantity, priceMinor: read.money(row, col.price) ?? 0 } : undefined,
      };
    };
  },
  // Masked names and phones (张**, 138****0000) are shared by many buyers: never a key.
  customerId: (buyer) => (buyer.id && !isMasked(buyer.id) ? buyer.id : buyer.phone),
  buyerWarning(columns) {
    if (columns.has('用户ID', '买家ID', '买家昵称', '用户昵称', '收件人手机号')) return null;
    return {
      en: 'This 抖店 export has no buyer id and its names and phones are masked, so orders cannot be tied to customers.',
      'zh-CN': '该抖店导出没有买家ID，姓名和手机号已脱敏，订单无法关联到客户。',
    };
  },
});
