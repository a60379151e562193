import { defineOrderFormat, FormatError, MAPPABLE_FIELDS, normaliseHeader, type ColumnMapping, type Columns, type MappableField } from '../../lib/formats';
import { numberText } from '../../lib/money';
import { RowProblem, RowReader } from '../../lib/import/row-reader';
import { statusFromText } from '../../lib/status';
import { monthDayOf } from '../../lib/dates';
import { both } from '../../lib/localised';

/**
 * What a header says about a field, in the languages sellers' exports come in (English, 中文,
 * French, German, Spanish): names that are the field outright, words that suggest it, and words
 * that rule it out ("Discount Amount" is no order's total; "total_quantity" is no money).
 */
const HINTS: Record<MappableField, { names: string[]; words: RegExp; not?: RegExp }> = {
  customer: {
    names: ['customer', 'customer id', 'customerid', 'customer email', 'email', 'e-mail', 'buyer', 'buyer user id', 'buyer id', 'email (billing)', 'billing email', '买家会员名', '买家', '客户', '会员', '用户id', 'client', 'kunde', 'cliente'],
    words: /customer|buyer|client|e-?mail|member|kunde|cliente|客户|买家|会员|用户/i,
    not: /count|total|since|type|note/i,
  },
  order: {
    names: ['order id', 'order number', 'order', 'order no', 'order #', 'invoiceno', 'invoice', 'invoice no', '订单号', '订单编号', 'commande', 'n° de commande', 'numéro de commande', 'bestellnummer', 'bestellung', 'pedido', 'número de pedido'],
    words: /order|invoice|订单|单号|commande|bestell|pedido/i,
    not: /date|time|total|status|quantity|qty|count|type|value|amount|currency|note|item/i,
  },
  date: {
    names: ['order date', 'sale date', 'created at', 'date', 'invoicedate', 'date paid', '订单创建时间', '下单时间', '日期', 'date de commande', 'bestelldatum', 'datum', 'fecha', 'fecha del pedido'],
    words: /date|time|created|datum|fecha|日期|时间/i,
    not: /ship|deliver|due|birth|updated|modified|发货|签收/i,
  },
  amount: {
    names: ['order total', 'total', 'total_price', 'order value', 'grand total', 'amount', 'net sales', 'sales', '订单金额', '实付金额', '买家实际支付金额', '金额', 'montant total', 'total de la commande', 'ventes nettes', 'gesamtsumme', 'gesamtbetrag', 'betrag', 'importe total', 'total del pedido'],
    words: /total|amount|revenue|sales|金额|实付|合计|montant|ventes|betrag|summe|importe/i,
    not: /discount|fee|tax|shipping|refund|quantity|qty|count|coupon|vat|tip|number of|折扣|优惠|运费|税|退款|数量|remise|rabatt|descuento|envío|livraison|versand/i,
  },
  price: {
    names: ['unitprice', 'unit price', 'price', 'item price', '单价', 'prix unitaire', 'prix', 'einzelpreis', 'preis', 'precio'],
    words: /price|unit|单价|prix|preis|precio/i,
    not: /total|compare|discount/i,
  },
  currency: { names: ['currency', 'order currency', '币种', 'devise', 'währung', 'moneda'], words: /currency|币种|devise|währung|moneda/i },
  status: { names: ['status', 'order status', '订单状态', 'statut', 'état', 'estado'], words: /status|state|状态|statut|état|estado/i, not: /payment|fulfil|ship/i },
  item: {
    names: ['item', 'item name', 'product', 'title', 'description', 'stockcode', 'sku', '商品', '宝贝标题', 'produit', 'artikel', 'producto'],
    words: /item|product|sku|title|description|stockcode|商品|宝贝|produit|artikel|producto/i,
    not: /quantity|qty|price|count|total|id$/i,
  },
  quantity: { names: ['quantity', 'qty', '数量', 'quantité', 'menge', 'anzahl', 'cantidad'], words: /qty|quantity|数量|quantité|menge|anzahl|cantidad/i },
  birthday: {
    names: ['birthday', 'date of birth', 'birth date', 'dob', '生日', '出生日期', 'anniversaire', 'date de naissance', 'geburtstag', 'geburtsdatum', 'cumpleaños', 'fecha de nacimiento'],
    words: /birth|生日|出生|naissance|anniversaire|geburt|cumpleaños|nacimiento/i,
  },
};

/** Whether a column's values have the shape a field needs: amounts are numbers, dates are dates. */
function valuesFit(field: MappableField, values: readonly string[]): boolean {
  const filled = values.map((v) => v.trim()).filter(Boolean).slice(0, 50);
  if (filled.length === 0) return true;
  const share = (test: (value: string) => boolean) => filled.filter(test).length / filled.length;
  switch (field) {
    case 'amount':
    case 'price':
      return share((v) => numberText(v) !== null) >= 0.8;
    case 'quantity':
      return share((v) => /^-?\d+([.,]\d+)?$/.test(v)) >= 0.8;
    case 'date':
      return share((v) => /\d/.test(v) && /[-/.年:\s]|^\d{8}/.test(v)) >= 0.8;
    default:
      return true;
  }
}

/**
 * Guesses a mapping from header names and the values under them; each column is used once. A
 * column named as the field outright wins over one whose name only suggests it, and one whose
 * values do not have the field's shape is never taken.
 */
export function guessMapping(header: readonly string[], sample: readonly (readonly string[])[] = []): ColumnMapping {
  const mapping: ColumnMapping = {};
  const used = new Set<number>();
  const names = header.map((name) => normaliseHeader(name));
  for (const field of MAPPABLE_FIELDS) {
    const hint = HINTS[field];
    let best = -1;
    let bestScore = 0;
    names.forEach((name, i) => {
      if (used.has(i) || name === '') return;
      // Named outright beats suggested; among names, the one listed first ("order total" over "order value").
      const named = hint.names.indexOf(name);
      const score = named >= 0 ? 2 + (hint.names.length - named) / hint.names.length : hint.words.test(name) && !hint.not?.test(name) ? 1 : 0;
      if (score > bestScore && valuesFit(field, sample.map((row) => row[i] ?? ''))) {
        best = i;
        bestScore = score;
      }
    });
    if (best >= 0) {
      mapping[field] = header[best]!.trim();
      used.add(best);
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
    throw new FormatError(both(`Column "${name}" (mapped to ${field}) is not in the file. Columns are: ${known}`, `文件中没有 "${name}" 列（对应 ${field}）。文件的列有：${known}`));
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
    if (col.date < 0) throw new FormatError(both('Choose the date column (date=…): every order needs a date.', '请选择下单时间列（date=…）：每个订单都需要日期。'));
    if (col.amount < 0 && col.price < 0) throw new FormatError(both('Choose the amount column (amount=…) or a unit price (price=…) with quantity.', '请选择金额列（amount=…），或单价列（price=…）及数量列。'));
    if (col.order < 0 && col.customer < 0) throw new FormatError(both('Choose the order id column (order=…) or at least the customer column.', '请选择订单号列（order=…），至少也要选择客户列。'));
    const read = new RowReader(columns.header, options);
    return (row) => {
      const customer = read.text(row, col.customer);
      const dateCell = read.required(row, col.date, 'date');
      const orderId = col.order >= 0 ? read.required(row, col.order, 'order id') : `${customer}@${dateCell}`;
      const quantity = read.quantity(row, col.quantity);
      const price = read.money(row, col.price);
      const amount = read.money(row, col.amount) ?? (price !== undefined ? Math.round(price * quantity) : undefined);
      if (amount === undefined) throw new RowProblem(both('missing amount', '缺少金额'));
      const statusText = read.text(row, col.status);
      const known = statusFromText(statusText);
      const status = known ?? 'completed';
      const negative = quantity < 0 || amount < 0;
      const isReturn = negative && (status === 'refunded' || status === 'cancelled' || CREDIT_NOTE.test(orderId));
      if (negative && !isReturn) {
        const what = quantity < 0 ? both(`quantity (${quantity})`, `数量（${quantity}）`) : both('amount', '金额');
        throw new RowProblem(both(
          `negative ${what.en} in an order that is not a refund; give it a refund status or a credit-note number (C…)`,
          `不是退款的订单中出现了负的${what['zh-CN']}；请给它退款状态，或贷项凭证号（C…）`,
        ));
      }
      const title = read.text(row, col.item);
      const birthdayText = read.text(row, col.birthday).trim();
      const birthday = birthdayText === '' ? null : monthDayOf(birthdayText, options.parseDate, options.timeZone);
      return {
        orderId,
        buyer: { id: customer || undefined, birthday: birthday ?? undefined },
        unreadBirthday: birthday === null && birthdayText !== '' ? birthdayText : undefined,
        createdAt: read.date(row, col.date),
        status: isReturn ? 'refunded' : status,
        unknownStatus: known === null && statusText.trim() !== '' ? statusText.trim() : undefined,
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
