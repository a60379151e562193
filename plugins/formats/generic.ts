import { defineOrderFormat, FormatError, MAPPABLE_FIELDS, type ColumnMapping, type Columns, type MappableField } from '../../lib/formats';
import { RowProblem, RowReader } from '../../lib/import/row-reader';
import { statusFromText } from '../../lib/status';

/** Header words that suggest a field, for a first guess the seller then confirms. */
const HINTS: Record<MappableField, RegExp> = {
  customer: /customer|buyer|client|email|member|客户|买家|会员|用户/i,
  order: /order|invoice|订单|单号/i,
  date: /date|time|created|日期|时间/i,
  amount: /amount|total|sales|revenue|金额|实付|合计/i,
  price: /price|unit|单价/i,
  currency: /currency|币种/i,
  status: /status|state|状态/i,
  item: /item|product|sku|title|description|商品|宝贝/i,
  quantity: /qty|quantity|数量/i,
};

/** Guesses a mapping from header names; each column is used once. */
export function guessMapping(header: readonly string[]): ColumnMapping {
  const mapping: ColumnMapping = {};
  const used = new Set<number>();
  for (const field of MAPPABLE_FIELDS) {
    const index = header.findIndex((name, i) => !used.has(i) && HINTS[field].test(name));
    if (index >= 0) {
      mapping[field] = header[index]!.trim();
      used.add(index);
    }
  }
  return mapping;
}

function column(columns: Columns, mapping: ColumnMapping, field: MappableField): number {
  const name = mapping[field];
  if (name === undefined || name === '') return -1;
  const index = columns.find(name);
  if (index < 0) {
    const known = columns.header.map((h) => h.trim()).filter(Boolean).slice(0, 12).join(', ');
    throw new FormatError(`Column "${name}" (mapped to ${field}) is not in the file. Columns are: ${known}`);
  }
  return index;
}

/** Credit-note numbering (C536379) that many ERPs and the UCI Online Retail data use for returns. */
const CREDIT_NOTE = /^C\d/i;

/** Any CSV/TSV/whitespace table, with the columns the seller maps. */
export default defineOrderFormat({
  id: 'generic',
  title: { en: 'Any table (choose the columns)', 'zh-CN': '通用表格（自选列）' },
  platform: 'generic',
  detect: () => 0.01,
  mapper(columns, options) {
    const { mapping } = options;
    const col = Object.fromEntries(MAPPABLE_FIELDS.map((field) => [field, column(columns, mapping, field)])) as Record<
      MappableField,
      number
    >;
    if (col.date < 0) throw new FormatError('Choose the date column (date=…): every order needs a date.');
    if (col.amount < 0 && col.price < 0) throw new FormatError('Choose the amount column (amount=…) or a unit price (price=…) with quantity.');
    if (col.order < 0 && col.customer < 0) throw new FormatError('Choose the order id column (order=…) or at least the customer column.');
    const read = new RowReader(columns.header, options);
    return (row) => {
      const customer = read.text(row, col.customer);
      const dateCell = read.required(row, col.date, 'date');
      const orderId = col.order >= 0 ? read.required(row, col.order, 'order id') : `${customer}@${dateCell}`;
      const quantity = read.quantity(row, col.quantity);
      const price = read.money(row, col.price);
      const amount = read.money(row, col.amount) ?? (price !== undefined ? Math.round(price * quantity) : undefined);
      if (amount === undefined) throw new RowProblem('missing amount');
      const statusText = read.text(row, col.status);
      const status = statusFromText(statusText) ?? 'completed';
      const negative = quantity < 0 || amount < 0;
      const isReturn = negative && (status === 'refunded' || status === 'cancelled' || CREDIT_NOTE.test(orderId));
      if (negative && !isReturn) {
        throw new RowProblem(
          `negative ${quantity < 0 ? `quantity (${quantity})` : 'amount'} in an order that is not a refund; give it a refund status or a credit-note number (C…)`,
        );
      }
      const title = read.text(row, col.item);
      return {
        orderId,
        buyer: { id: customer || undefined },
        createdAt: read.date(row, col.date),
        status: isReturn ? 'refunded' : status,
        isReturn,
        lineAmountMinor: isReturn ? 0 : amount,
        lineRefundedMinor: isReturn ? Math.abs(amount) : 0,
        currency: read.text(row, col.currency) || undefined,
        item: title ? { sku: title, title, quantity: Math.abs(quantity), priceMinor: price ?? amount } : undefined,
      };
    };
  },
  customerId: (buyer) => buyer.id,
  buyerWarning(_columns, options) {
    if (options.mapping.customer) return null;
    return {
      en: 'No customer column is chosen, so orders count toward sales but build no customer history. Choose the customer column (customer=…).',
      'zh-CN': '未选择客户列：订单只计入销售额，不建立客户历史。请选择客户列（customer=…）。',
    };
  },
});
