import { defineOrderFormat } from '../../lib/formats';
import { compileDatePattern } from '../../lib/dates';
import { RowReader } from '../../lib/import/row-reader';
import { statusFromText } from '../../lib/status';

/**
 * Etsy Shop Manager → Settings → Options → Download Data → Orders (EtsySoldOrders2024.csv): one row
 * per order, the sale date as M/d/yy (12/30/25), also when Excel re-saves the file as tab-separated.
 * Order Total is what the buyer paid; Order Value before discounts and shipping is not the spend.
 *
 * The buyer is the Buyer User ID. A guest checkout has none: the buyer is then the full name with
 * the ship zipcode, and the import counts those orders.
 */
export default defineOrderFormat({
  id: 'etsy',
  title: { en: 'Etsy sold orders', 'zh-CN': 'Etsy 已售订单' },
  platform: 'etsy',
  detect(columns) {
    if (!columns.has('Sale Date') || !columns.has('Order ID')) return 0;
    return 0.5 + 0.1 * columns.count('Buyer User ID', 'Order Total', 'Order Value', 'Number of Items', 'Adjusted Order Total');
  },
  mapper(columns, options) {
    // Etsy writes month-first with two-digit years; a file re-saved by a spreadsheet may hold ISO dates.
    const etsyDate = compileDatePattern('M/d/yy', options.timeZone);
    const read = new RowReader(columns.header, { ...options, parseDate: (text) => etsyDate(text) ?? options.parseDate(text) });
    const col = {
      date: columns.find('Sale Date'),
      order: columns.find('Order ID'),
      buyer: columns.find('Buyer User ID'),
      name: columns.find('Full Name', 'Buyer'),
      zip: columns.find('Ship Zipcode'),
      currency: columns.find('Currency'),
      total: columns.find('Order Total'),
      status: columns.find('Status'),
      shipped: columns.find('Date Shipped'),
    };
    return (row) => {
      const orderId = read.required(row, col.order, 'Order ID');
      const createdAt = read.requiredDate(row, col.date, 'Sale Date');
      const buyerId = read.text(row, col.buyer);
      const name = read.text(row, col.name);
      const zip = read.text(row, col.zip);
      const guest = buyerId === '' && name !== '';
      const shippedAt = read.date(row, col.shipped);
      const status = statusFromText(read.text(row, col.status)) ?? (shippedAt !== undefined ? 'shipped' : 'paid');
      const currency = read.text(row, col.currency) || undefined;
      return {
        orderId,
        buyer: { id: buyerId || (guest ? `${name}${zip ? ` · ${zip}` : ''}` : undefined), name: name || undefined },
        buyerFrom: guest ? 'Full Name and Ship Zipcode' : undefined,
        createdAt,
        paidAt: createdAt,
        deliveredAt: shippedAt,
        status,
        totalMinor: read.money(row, col.total, currency) ?? 0,
        currency,
      };
    };
  },
  customerId: (buyer) => buyer.id,
});
