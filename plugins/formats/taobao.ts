import { defineOrderFormat, isMasked } from '../../lib/formats';
import type { OrderStatus } from '../../lib/model';
import { RowReader } from '../../lib/import/row-reader';
import { statusFromText } from '../../lib/status';

/** 订单状态 values of the 订单报表; anything else falls back to keyword matching. */
const STATUSES: Record<string, OrderStatus> = {
  等待买家付款: 'unpaid',
  '买家已付款,等待卖家发货': 'paid',
  '卖家已发货,等待买家确认': 'shipped',
  '卖家部分发货': 'shipped',
  交易成功: 'completed',
  交易关闭: 'cancelled',
};

/** Taobao/Tmall 已卖出的宝贝 → 批量导出 → 订单报表 (ExportOrderList*.csv), usually GBK with ="..." cells. */
export default defineOrderFormat({
  id: 'taobao',
  title: { en: 'Taobao / Tmall order report', 'zh-CN': '淘宝/天猫 订单报表' },
  platform: 'taobao',
  defaultTimeZone: 'Asia/Shanghai',
  defaultCurrency: 'CNY',
  detect(columns) {
    if (!columns.has('订单编号') || !columns.has('订单创建时间')) return 0;
    return 0.5 + 0.1 * columns.count('买家会员名', '买家实际支付金额', '总金额', '订单状态', '订单付款时间');
  },
  mapper(columns, options) {
    const read = new RowReader(columns.header, options);
    const col = {
      order: columns.find('订单编号'),
      buyer: columns.find('买家会员名', '买家昵称'),
      name: columns.find('收货人姓名', '收货人'),
      mobile: columns.find('联系手机', '联系电话'),
      created: columns.find('订单创建时间'),
      paidAt: columns.find('订单付款时间'),
      confirmedAt: columns.find('确认收货时间'),
      paid: columns.find('买家实际支付金额', '支付金额'),
      total: columns.find('总金额'),
      refund: columns.find('退款金额'),
      status: columns.find('订单状态'),
      title: columns.find('宝贝标题'),
      quantity: columns.find('宝贝总数量'),
    };
    return (row) => {
      const orderId = read.required(row, col.order, '订单编号 (order number)');
      const createdAt = read.requiredDate(row, col.created, '订单创建时间 (order time)');
      const paidAt = read.date(row, col.paidAt);
      const paid = read.money(row, col.paid) ?? 0;
      const total = read.money(row, col.total) ?? paid;
      let refunded = read.money(row, col.refund) ?? 0;
      const statusText = read.text(row, col.status).replace(/，/g, ',');
      let status: OrderStatus;
      if (col.status >= 0 && statusText !== '') {
        status = STATUSES[statusText] ?? statusFromText(statusText) ?? 'paid';
      } else {
        // The Tmall teaching report has no 订单状态: payment time and refund tell the story.
        status = paidAt === undefined ? 'unpaid' : 'paid';
      }
      if (paidAt !== undefined && paid > 0) {
        // A paid trade that was closed was closed by a full refund.
        if (status === 'cancelled' && refunded === 0) refunded = paid;
        if (refunded >= paid) status = 'refunded';
      }
      const mobile = read.text(row, col.mobile);
      const title = read.text(row, col.title);
      const quantity = read.quantity(row, col.quantity);
      const charged = paidAt !== undefined ? paid : total;
      return {
        orderId,
        buyer: {
          id: read.text(row, col.buyer) || undefined,
          name: read.text(row, col.name) || undefined,
          phone: mobile && !isMasked(mobile) ? mobile : undefined,
        },
        createdAt,
        paidAt,
        deliveredAt: read.date(row, col.confirmedAt),
        status,
        totalMinor: charged,
        refundedMinor: refunded,
        currency: options.currency,
        item: title ? { sku: '', title, quantity, priceMinor: quantity > 0 ? Math.round(charged / quantity) : charged } : undefined,
      };
    };
  },
  customerId: (buyer) => buyer.id,
  buyerWarning(columns) {
    if (columns.has('买家会员名', '买家昵称')) return null;
    return {
      en: 'This report has no buyer column (买家会员名), so orders count toward sales but no customer history can be built from it. Export the full 订单报表 from 已卖出的宝贝 to include buyers.',
      'zh-CN': '该报表没有买家会员名列：订单计入销售额，但无法建立客户历史。请在“已卖出的宝贝”中导出完整订单报表。',
    };
  },
});
