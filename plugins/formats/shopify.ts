import { defineOrderFormat, emailOrPhone } from '../../lib/formats';
import type { OrderStatus } from '../../lib/model';
import { RowReader } from '../../lib/import/row-reader';

/**
 * Shopify Admin → Orders → Export: one row per line item, order fields on each order's first row only.
 * The older 73-column and the newer 79-column headers differ only in columns we do not need.
 *
 * The buyer is the Email; without one, the first phone of Phone, Billing Phone and Shipping Phone
 * (the import counts the orders each fallback identified). A fulfilled order whose payment is
 * pending is cash on delivery: a purchase. Shopify's Id, unique across stores, tells a re-export's
 * shop and two stores' orders of one number apart.
 */
export default defineOrderFormat({
  id: 'shopify',
  title: { en: 'Shopify orders export', 'zh-CN': 'Shopify 订单导出' },
  platform: 'shopify',
  detect(columns) {
    if (!columns.has('Name') || !columns.has('Lineitem name')) return 0;
    return 0.5 + 0.1 * columns.count('Financial Status', 'Fulfillment Status', 'Created at', 'Total', 'Lineitem quantity');
  },
  mapper(columns, options) {
    const read = new RowReader(columns.header, options);
    const col = {
      order: columns.find('Name'),
      email: columns.find('Email'),
      financial: columns.find('Financial Status'),
      paidAt: columns.find('Paid at'),
      fulfillment: columns.find('Fulfillment Status'),
      fulfilledAt: columns.find('Fulfilled at'),
      currency: columns.find('Currency'),
      total: columns.find('Total'),
      created: columns.find('Created at'),
      cancelledAt: columns.find('Cancelled at'),
      refunded: columns.find('Refunded Amount'),
      quantity: columns.find('Lineitem quantity'),
      title: columns.find('Lineitem name'),
      price: columns.find('Lineitem price'),
      sku: columns.find('Lineitem sku'),
      name: columns.find('Billing Name', 'Shipping Name'),
      phones: (['Phone', 'Billing Phone', 'Shipping Phone'] as const).map((name) => [name, columns.find(name)] as const),
      id: columns.find('Id'),
    };
    return (row) => {
      const orderId = read.required(row, col.order, 'Name (order number)');
      const currency = read.text(row, col.currency) || undefined;
      const financial = read.text(row, col.financial);
      const firstRow = financial !== '';
      const quantity = read.quantity(row, col.quantity);
      const title = read.text(row, col.title);
      const item = title
        ? { sku: read.text(row, col.sku), title, quantity, priceMinor: read.money(row, col.price, currency) ?? 0 }
        : undefined;
      if (!firstRow) {
        // Continuation row: only the line item and the order number are reliable here.
        return { orderId, buyer: { email: read.text(row, col.email) || undefined }, item };
      }
      const email = read.text(row, col.email) || undefined;
      let phone: string | undefined;
      let phoneFrom: string | undefined;
      for (const [name, index] of col.phones) {
        phone = read.text(row, index) || undefined;
        if (phone) {
          phoneFrom = name;
          break;
        }
      }
      return {
        orderId,
        buyer: { email, name: read.text(row, col.name) || undefined, phone },
        buyerFrom: email ? undefined : phoneFrom,
        createdAt: read.requiredDate(row, col.created, 'Created at'),
        paidAt: read.date(row, col.paidAt),
        deliveredAt: read.date(row, col.fulfilledAt),
        ...shopifyStatus(financial, read.text(row, col.fulfillment), read.text(row, col.cancelledAt) !== '', options.cashOnDelivery !== false),
        totalMinor: read.money(row, col.total, currency) ?? 0,
        refundedMinor: read.money(row, col.refunded, currency) ?? 0,
        currency,
        item,
        externalId: read.text(row, col.id) || undefined,
      };
    };
  },
  customerId: emailOrPhone,
  cashOnDelivery: { en: 'Financial Status "pending" with Fulfillment Status "fulfilled" or "partial"', 'zh-CN': '付款状态为 "pending" 且发货状态为 "fulfilled" 或 "partial"' },
});

function shopifyStatus(financial: string, fulfillment: string, cancelled: boolean, cashOnDelivery: boolean): { status: OrderStatus; cashOnDelivery?: boolean } {
  switch (financial) {
    case 'pending': {
      // Cash on delivery (Pakistan, India, the Gulf; 货到付款): payment is pending until the courier collects it.
      if (cancelled) return { status: 'cancelled' };
      const shipped = fulfillment === 'fulfilled' ? 'completed' : fulfillment === 'partial' ? 'shipped' : null;
      return shipped && cashOnDelivery ? { status: shipped, cashOnDelivery: true } : { status: 'unpaid' };
    }
    case 'authorized':
    case 'expired':
      return { status: cancelled ? 'cancelled' : 'unpaid' };
    case 'voided':
      return { status: 'cancelled' };
    case 'refunded':
      return { status: 'refunded' };
    default:
      // paid, partially_paid, partially_refunded: money was taken; refunds are in Refunded Amount.
      return { status: fulfillment === 'fulfilled' ? 'shipped' : 'paid' };
  }
}
