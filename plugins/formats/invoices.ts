import { defineOrderFormat } from '../../lib/formats';
import { RowReader, RowProblem } from '../../lib/import/row-reader';
import { both } from '../../lib/localised';

/** Credit-note numbering (C536379) for returns. */
const CREDIT_NOTE = /^C\d/i;

/**
 * Invoice-line exports from a shop's own system, such as the UCI Online Retail data sets: a row
 * per invoice line (InvoiceNo or Invoice, StockCode, Description, Quantity, InvoiceDate, UnitPrice
 * or Price, CustomerID or Customer ID, Country). A line's money is Quantity × UnitPrice; an
 * invoice numbered C… is a credit note (a return). Dates are read in the pattern the column's
 * values show (12/1/2010 8:45 or 2009-12-01 07:45:00), and a customer id a spreadsheet wrote as
 * 12583.0 is 12583. A line repeated exactly is counted once, as in every format.
 */
export default defineOrderFormat({
  id: 'invoices',
  title: { en: 'Invoice lines (InvoiceNo, StockCode, Quantity, UnitPrice, CustomerID)', 'zh-CN': '发票明细（InvoiceNo、StockCode、Quantity、UnitPrice、CustomerID）' },
  platform: 'generic',
  datesToInfer: ['InvoiceDate'],
  detect(columns) {
    if (!columns.has('InvoiceNo', 'Invoice') || !columns.has('Quantity') || !columns.has('UnitPrice', 'Price')) return 0;
    return 0.6 + 0.1 * columns.count('StockCode', 'InvoiceDate', 'CustomerID', 'Customer ID');
  },
  mapper(columns, options) {
    const read = new RowReader(columns.header, options);
    const col = {
      invoice: columns.find('InvoiceNo', 'Invoice'),
      stock: columns.find('StockCode'),
      title: columns.find('Description'),
      quantity: columns.find('Quantity'),
      date: columns.find('InvoiceDate'),
      price: columns.find('UnitPrice', 'Price'),
      customer: columns.find('CustomerID', 'Customer ID'),
      currency: columns.find('Currency'),
    };
    return (row) => {
      const orderId = read.required(row, col.invoice, 'invoice number');
      const customer = read.text(row, col.customer).replace(/^(\d+)\.0+$/, '$1');
      const quantity = read.quantity(row, col.quantity);
      const price = read.money(row, col.price);
      if (price === undefined) throw new RowProblem(both('missing unit price', '缺少单价'));
      const amount = Math.round(price * quantity);
      const isReturn = CREDIT_NOTE.test(orderId);
      if (!isReturn && (quantity < 0 || price < 0)) {
        const what = quantity < 0 ? both(`quantity (${quantity})`, `数量（${quantity}）`) : both('price', '单价');
        throw new RowProblem(both(
          `negative ${what.en} on invoice ${orderId}, which is not a credit note (C…): a stock adjustment or a bad-debt write-off, not a sale`,
          `发票 ${orderId} 的${what['zh-CN']}为负，而它不是贷项凭证（C…）：这是库存调整或坏账核销，不是销售`,
        ));
      }
      const stock = read.text(row, col.stock);
      const title = read.text(row, col.title) || stock;
      return {
        orderId,
        buyer: { id: customer || undefined },
        createdAt: read.requiredDate(row, col.date, 'invoice date'),
        status: isReturn ? 'refunded' : 'completed',
        isReturn,
        lineAmountMinor: isReturn ? 0 : amount,
        lineRefundedMinor: isReturn ? Math.abs(amount) : 0,
        currency: read.text(row, col.currency) || undefined,
        item: title ? { sku: stock || title, title, quantity: Math.abs(quantity), priceMinor: price } : undefined,
      };
    };
  },
  customerId: (buyer) => buyer.id,
});
