import { defineOrderFormat } from '../../lib/formats';
import { compileDatePattern } from '../../lib/dates';
import { RowReader } from '../../lib/import/row-reader';
import type { OrderStatus } from '../../lib/model';

/** eBay's currency signs, as its sites write them before an amount ("$19.50", "£4.99", "AU $12.00"). */
const SIGNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\s*US\s?\$/, 'USD'],
  [/^\s*AU\s?\$/, 'AUD'],
  [/^\s*C\s?\$/, 'CAD'],
  [/^\s*£/, 'GBP'],
  [/^\s*(?:€|EUR)/, 'EUR'],
];

const FOOTER = /^record\(s\) downloaded/i;

/**
 * eBay: the Seller Hub orders report, and the older Selling Manager "Sales Record" download (a
 * blank first line, a blank line after the header, and footer lines such as "4,record(s)
 * downloaded" and "Seller ID: …", which are the export's own, not orders). Amounts carry the
 * site's currency sign; dates are written Jan-18-16.
 *
 * The buyer is the eBay user id (Buyer Username, User Id). An order of several items has a row
 * per item under one order number; its Total Price is the order row's (the one with no item), or
 * else the sum of the item rows'.
 */
export default defineOrderFormat({
  id: 'ebay',
  title: { en: 'eBay orders report (Seller Hub or Selling Manager)', 'zh-CN': 'eBay 订单报告（Seller Hub 或 Selling Manager）' },
  platform: 'ebay',
  detect(columns) {
    if (!columns.has('Sales Record Number') || !columns.has('Buyer Username', 'User Id', 'User ID')) return 0;
    return 0.7 + 0.05 * columns.count('Item Title', 'Total Price', 'Sale Date', 'Sold For', 'Sale Price', 'Order Number');
  },
  mapper(columns, options) {
    const ebayDates = ['MMM-dd-yy', 'MMM-d-yy', 'MMM-dd-yyyy', 'MMM d, yyyy', 'dd-MMM-yy'].map((pattern) => compileDatePattern(pattern, options.timeZone));
    const parseDate = (text: string) => {
      for (const parse of ebayDates) {
        const instant = parse(text);
        if (instant !== null) return instant;
      }
      return options.parseDate(text);
    };
    const read = new RowReader(columns.header, { ...options, parseDate });
    const col = {
      record: columns.find('Sales Record Number'),
      order: columns.find('Order Number', 'Order ID'),
      buyer: columns.find('Buyer Username', 'User Id', 'User ID'),
      name: columns.find('Buyer Name', 'Buyer Fullname', 'Buyer Full Name', 'Ship To Name'),
      email: columns.find('Buyer Email'),
      phone: columns.find('Buyer Phone Number', 'Ship To Phone', 'Phone'),
      item: columns.find('Item Number'),
      title: columns.find('Item Title'),
      sku: columns.find('Custom Label'),
      quantity: columns.find('Quantity'),
      price: columns.find('Sold For', 'Sale Price'),
      total: columns.find('Total Price'),
      sold: columns.find('Sale Date'),
      paid: columns.find('Paid On Date', 'Paid on Date'),
      shipped: columns.find('Shipped On Date', 'Shipped on Date'),
    };
    const currencyOf = (row: readonly string[]) => {
      const cell = read.text(row, col.total) || read.text(row, col.price);
      return SIGNS.find(([sign]) => sign.test(cell))?.[1];
    };
    return (row) => {
      const record = read.text(row, col.record);
      if (FOOTER.test(read.text(row, col.record + 1)) && /^\d+$/.test(record)) {
        return { notAnOrder: `eBay's footer "${record} record(s) downloaded"`, records: Number(record) };
      }
      if (/^Seller ID\s*:/i.test(record)) return { notAnOrder: `eBay's footer "${record}"` };
      const orderId = read.text(row, col.order) || read.required(row, col.record, 'order number (Order Number or Sales Record Number)');
      const currency = currencyOf(row);
      const title = read.text(row, col.title);
      const itemNumber = read.text(row, col.item);
      const total = read.money(row, col.total, currency);
      const paidAt = read.date(row, col.paid);
      const shippedAt = read.date(row, col.shipped);
      const status: OrderStatus = shippedAt !== undefined ? 'shipped' : paidAt !== undefined ? 'paid' : 'unpaid';
      const onItemRow = title !== '' || itemNumber !== '';
      const quantity = read.quantity(row, col.quantity);
      return {
        orderId,
        buyer: {
          id: read.text(row, col.buyer) || undefined,
          name: read.text(row, col.name) || undefined,
          email: read.text(row, col.email) || undefined,
          phone: read.text(row, col.phone) || undefined,
        },
        createdAt: read.requiredDate(row, col.sold, 'Sale Date'),
        paidAt,
        deliveredAt: shippedAt,
        status,
        // The order row's total is the order's; item rows' totals add up when there is no order row.
        ...(onItemRow ? { lineAmountMinor: total } : { totalMinor: total }),
        currency,
        item: onItemRow ? { sku: read.text(row, col.sku) || itemNumber, title: title || itemNumber, quantity, priceMinor: read.money(row, col.price, currency) ?? 0 } : undefined,
      };
    };
  },
  // eBay user ids are not case-sensitive.
  customerId: (buyer) => buyer.id?.toLowerCase(),
});
