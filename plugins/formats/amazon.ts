import { defineOrderFormat } from '../../lib/formats';
import type { OrderStatus } from '../../lib/model';
import { RowReader } from '../../lib/import/row-reader';
import { statusFromText } from '../../lib/status';

const STATUSES: Record<string, OrderStatus> = {
  pending: 'unpaid',
  'pending - waiting for pick up': 'unpaid',
  unshipped: 'paid',
  'partially shipped': 'shipped',
  shipping: 'shipped',
  shipped: 'shipped',
  'shipped - delivered to buyer': 'completed',
  'shipped - returned to seller': 'refunded',
  'shipped - rejected by buyer': 'refunded',
  cancelled: 'cancelled',
};

/** Money columns that together make what the buyer paid for a line. */
const CHARGES = ['item-price', 'item-tax', 'shipping-price', 'shipping-tax', 'gift-wrap-price', 'gift-wrap-tax'];
const DISCOUNTS = ['item-promotion-discount', 'ship-promotion-discount'];

/**
 * Amazon Seller Central order reports, tab-separated, one row per item. The All Orders report has
 * no buyer; the Unshipped/Order report has buyer-email, which is a stable per-buyer relay address.
 */
export default defineOrderFormat({
  id: 'amazon',
  title: { en: 'Amazon order report', 'zh-CN': '亚马逊 订单报告' },
  platform: 'amazon',
  detect(columns) {
    if (!columns.has('amazon-order-id', 'order-id') || !columns.has('purchase-date')) return 0;
    return 0.7 + 0.05 * columns.count('sku', 'asin', 'item-price', 'currency', 'quantity', 'quantity-purchased');
  },
  mapper(columns, options) {
    const read = new RowReader(columns.header, options);
    const col = {
      order: columns.find('amazon-order-id', 'order-id'),
      email: columns.find('buyer-email'),
      name: columns.find('buyer-name'),
      phone: columns.find('buyer-phone-number'),
      created: columns.find('purchase-date'),
      paidAt: columns.find('payments-date'),
      status: columns.find('order-status'),
      itemStatus: columns.find('item-status'),
      currency: columns.find('currency'),
      sku: columns.find('sku', 'asin'),
      title: columns.find('product-name'),
      quantity: columns.find('quantity', 'quantity-purchased'),
      charges: CHARGES.map((name) => columns.find(name)),
      discounts: DISCOUNTS.map((name) => columns.find(name)),
    };
    return (row) => {
      const orderId = read.required(row, col.order, 'amazon-order-id');
      const currency = read.text(row, col.currency) || undefined;
      const statusText = (read.text(row, col.status) || read.text(row, col.itemStatus)).toLowerCase();
      const status = STATUSES[statusText] ?? statusFromText(statusText) ?? 'paid';
      let amount = 0;
      for (const index of col.charges) amount += read.money(row, index, currency) ?? 0;
      for (const index of col.discounts) amount -= Math.abs(read.money(row, index, currency) ?? 0);
      const quantity = read.quantity(row, col.quantity);
      const title = read.text(row, col.title);
      return {
        orderId,
        buyer: {
          email: read.text(row, col.email) || undefined,
          name: read.text(row, col.name) || undefined,
          phone: read.text(row, col.phone) || undefined,
        },
        createdAt: read.requiredDate(row, col.created, 'purchase-date'),
        paidAt: read.date(row, col.paidAt),
        status,
        lineAmountMinor: status === 'cancelled' ? 0 : amount,
        lineRefundedMinor: status === 'refunded' ? amount : 0,
        currency,
        item: title ? { sku: read.text(row, col.sku), title, quantity, priceMinor: quantity > 0 ? Math.round(amount / quantity) : amount } : undefined,
      };
    };
  },
  customerId: (buyer) => buyer.email?.toLowerCase(),
  buyerWarning(columns) {
    if (columns.has('buyer-email')) return null;
    return {
      en: "Amazon's All Orders report carries no buyer, so per-customer history is impossible from it: orders count toward sales only. For customers, import the Order Report (Unshipped/New Orders), which has buyer-email.",
      'zh-CN': '亚马逊“所有订单”报告不含买家信息，无法建立客户历史，订单只计入销售额。如需客户，请导入含 buyer-email 的订单报告。',
    };
  },
});
