import { defineOrderFormat } from '../../lib/formats';
import type { OrderStatus } from '../../lib/model';
import { RowReader } from '../../lib/import/row-reader';
import { statusFromText } from '../../lib/status';

const STATUSES: Record<string, OrderStatus> = {
  pending: 'unpaid',
  'pending payment': 'unpaid',
  'on-hold': 'unpaid',
  'on hold': 'unpaid',
  processing: 'paid',
  completed: 'completed',
  cancelled: 'cancelled',
  failed: 'cancelled',
  refunded: 'refunded',
  draft: 'unpaid',
  'checkout-draft': 'unpaid',
};

const ORDER = ['Order Number', 'Order ID', 'Order #', 'order_id', 'order_number'];
const EMAIL = ['Email (Billing)', 'Billing Email', 'Billing Email Address', 'Customer Email', 'billing_email'];

/**
 * WooCommerce: the order-export plugins (one row per line item, order fields repeated) and
 * Analytics → Orders → Download (one row per order, the buyer by name only).
 */
export default defineOrderFormat({
  id: 'woocommerce',
  title: { en: 'WooCommerce orders (export plugin or Analytics)', 'zh-CN': 'WooCommerce 订单（导出插件或 Analytics）' },
  platform: 'woocommerce',
  detect(columns) {
    if (!columns.has(...ORDER)) return 0;
    const plugin = columns.count('Order Status', 'Order Date', 'Order Total Amount', 'Order Total', 'Item Name', ...EMAIL);
    const analytics = columns.count('Customer type', 'Net Sales', 'Items sold', 'Product(s)');
    return Math.min(0.95, 0.3 + 0.12 * Math.max(plugin, analytics + 1));
  },
  mapper(columns, options) {
    const read = new RowReader(columns.header, options);
    const col = {
      order: columns.find(...ORDER),
      email: columns.find(...EMAIL),
      first: columns.find('First Name (Billing)', 'Billing First Name', 'billing_first_name'),
      last: columns.find('Last Name (Billing)', 'Billing Last Name', 'billing_last_name'),
      customer: columns.find('Customer', 'Customer Name'),
      phone: columns.find('Phone (Billing)', 'Billing Phone', 'billing_phone'),
      created: columns.find('Order Date', 'Date', 'Date Created', 'order_date'),
      paidAt: columns.find('Paid Date', 'Date Paid'),
      completedAt: columns.find('Completed Date', 'Date Completed'),
      status: columns.find('Order Status', 'Status', 'status'),
      total: columns.find('Order Total Amount', 'Order Total', 'order_total', 'Net Sales'),
      refund: columns.find('Order Refund Amount', 'Refund Amount', 'Order Refund'),
      currency: columns.find('Order Currency', 'Currency'),
      title: columns.find('Item Name', 'Product Name', 'Product(s)'),
      sku: columns.find('SKU', 'Item SKU'),
      quantity: columns.find('Quantity (- Refund)', 'Quantity', 'Item Quantity', 'Items sold'),
      price: columns.find('Item Cost', 'Item Price'),
    };
    return (row) => {
      const orderId = read.required(row, col.order, 'order number').replace(/^#/, '');
      const statusText = read.text(row, col.status).toLowerCase().replace(/^wc-/, '');
      const currency = read.text(row, col.currency) || undefined;
      const name = read.text(row, col.customer) || [read.text(row, col.first), read.text(row, col.last)].filter(Boolean).join(' ');
      const title = read.text(row, col.title);
      const quantity = read.quantity(row, col.quantity);
      return {
        orderId,
        buyer: {
          email: read.text(row, col.email) || undefined,
          name: name || undefined,
          phone: read.text(row, col.phone) || undefined,
        },
        createdAt: read.requiredDate(row, col.created, 'order date'),
        paidAt: read.date(row, col.paidAt),
        deliveredAt: read.date(row, col.completedAt),
        status: STATUSES[statusText] ?? statusFromText(statusText) ?? 'paid',
        totalMinor: read.money(row, col.total, currency) ?? 0,
        refundedMinor: Math.abs(read.money(row, col.refund, currency) ?? 0),
        currency,
        item: title ? { sku: read.text(row, col.sku), title, quantity, priceMinor: read.money(row, col.price, currency) ?? 0 } : undefined,
      };
    };
  },
  // Analytics downloads carry only the buyer's name; it is the only key they allow (see buyerWarning).
  customerId: (buyer) => buyer.email?.toLowerCase() ?? buyer.phone ?? buyer.name,
  buyerWarning(columns) {
    if (columns.has(...EMAIL)) return null;
    return {
      en: 'This WooCommerce file has no billing email, so customers are keyed by name: two buyers with the same name count as one. Export with an order-export plugin that includes "Email (Billing)" for exact customers.',
      'zh-CN': '该 WooCommerce 文件没有账单邮箱，客户按姓名识别：同名买家会被视为同一人。请用包含 “Email (Billing)” 的订单导出插件导出。',
    };
  },
});
