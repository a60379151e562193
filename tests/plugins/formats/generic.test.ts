import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, importPath, sharedData, inEnglish } from '../../helpers';
import { guessMapping } from '../../../plugins/formats/generic';

describe('generic format', () => {
  it('reads a whitespace file by position with a date pattern, merging a day into one order id', async () => {
    const { report, orders, byKey } = await importPath(fixture('generic-whitespace.txt'), {
      delimiter: 'whitespace',
      hasHeader: false,
      format: 'generic',
      mapping: { customer: '1', date: '3', quantity: '4', amount: '5' },
      dateFormat: 'yyyyMMdd',
      timeZone: 'UTC',
    });
    expect(report).toMatchObject({ rowsRead: 6, rowsImported: 5, rowsRejected: 1 });
    expect(inEnglish(report.rejections)).toEqual([{ row: 5, reason: 'unparseable date in column "3": "19970132"' }]);
    // Without an order column, customer and day make the order id: two lines on 1997-01-18 fold together.
    expect(orders.get('generic:00004@19970118')!.totalMinor).toBe(3973);
    expect(byKey.get('generic:00004')).toMatchObject({ orderCount: 2, monetaryMinor: 2933 + 3973 });
  });

  it('treats C-numbered negative lines as returns and rejects other negative lines', async () => {
    const { report, orders, byKey } = await importPath(fixture('generic-retail.csv'), {
      format: 'generic',
      mapping: { customer: 'CustomerID', order: 'InvoiceNo', date: 'InvoiceDate', price: 'UnitPrice', quantity: 'Quantity', item: 'StockCode' },
      timeZone: 'Europe/London',
    });
    expect(report.format).toBe('generic');
    expect(report.dateFormat).toBe('M/d/yyyy H:mm');
    expect(inEnglish(report.rejections)).toEqual([
      { row: 6, reason: 'negative quantity (-2) in an order that is not a refund; give it a refund status or a credit-note number (C…)' },
    ]);
    expect(orders.get('generic:C536371')).toMatchObject({ isReturn: true, refundedMinor: 1500, status: 'refunded' });
    expect(byKey.get('generic:12583')).toMatchObject({ orderCount: 1, monetaryMinor: 9000 + 5400 - 1500 });
    expect(report.guestOrders).toBe(1);
  });

  it('keeps a birthday column as each buyer’s month and day, and counts the cells that are no date without losing their orders', async () => {
    const path = fixture('generic-birthdays.csv');
    const { report, byKey } = await importPath(path, { format: 'generic', timeZone: 'Asia/Shanghai' });
    expect(report.mapping).toMatchObject({ customer: '客户', order: '订单号', date: '下单时间', amount: '金额', birthday: '生日' });
    // Every row is an order: a birthday that is no date costs the birthday, not the order.
    const rows = readFileSync(path, 'utf8').split(/\r?\n/).filter(Boolean).length - 1;
    expect(report.rowsImported).toBe(rows);
    expect(byKey.get('generic:王芳')!.birthday).toBe('05-17');
    expect(byKey.get('generic:李雷')!.birthday).toBe('12-31');
    expect(byKey.get('generic:孙悟空')!.birthday).toBe('02-29');
    expect(byKey.get('generic:赵敏')!.birthday).toBeUndefined();
    expect(byKey.get('generic:钱多多')!.birthday).toBeUndefined();
    expect(report.unreadBirthdays).toEqual({ orders: 1, firstRow: 5, text: '不详' });
    expect(report.warnings.map((w) => w['zh-CN'])).toContain('1 个订单的生日无法识别为日期，如"不详"（第 5 行）：已导入订单但未记录生日。生日请写作 1990-05-17、5月17日 或 05-17。');
  });

  it('guesses a mapping from header words', () => {
    expect(guessMapping(['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'])).toEqual({
      customer: 'CustomerID',
      order: 'InvoiceNo',
      date: 'InvoiceDate',
      price: 'UnitPrice',
      item: 'Description',
      quantity: 'Quantity',
    });
  });

  it('takes the order total over discounts, fees and quantities, in the languages exports come in, and checks the values’ shape', () => {
    // Etsy's sold orders: "Discount Amount" comes before "Order Total".
    expect(guessMapping(['Sale Date', 'Order ID', 'Buyer User ID', 'Number of Items', 'Discount Amount', 'Shipping', 'Order Value', 'Order Total', 'Currency'])).toMatchObject({
      date: 'Sale Date', order: 'Order ID', customer: 'Buyer User ID', amount: 'Order Total', currency: 'Currency',
    });
    // An invoice-line file: total_quantity is no money.
    expect(guessMapping(['id', 'created_at', 'email', 'total_quantity', 'total_price', 'financial_status'])).toMatchObject({
      date: 'created_at', customer: 'email', amount: 'total_price', quantity: 'total_quantity', status: 'financial_status',
    });
    expect(guessMapping(['N° de commande', 'Date de commande', 'Client', 'Statut', 'Ventes nettes'])).toEqual({
      order: 'N° de commande', date: 'Date de commande', customer: 'Client', status: 'Statut', amount: 'Ventes nettes',
    });
    expect(guessMapping(['Bestellnummer', 'Bestelldatum', 'Kunde', 'Gesamtsumme', 'Rabatt'])).toEqual({ order: 'Bestellnummer', date: 'Bestelldatum', customer: 'Kunde', amount: 'Gesamtsumme' });
    expect(guessMapping(['订单编号', '下单时间', '买家', '优惠金额', '实付金额', '数量'])).toEqual({ order: '订单编号', date: '下单时间', customer: '买家', amount: '实付金额', quantity: '数量' });
    // A "Total" whose values are words is not the money.
    expect(guessMapping(['Order', 'Date', 'Total', 'Amount'], [['1', '2024-01-01', 'n/a', '12.00'], ['2', '2024-01-02', 'n/a', '3.50']]).amount).toBe('Amount');
  });

  const retail = sharedData('online-retail');
  it.skipIf(!retail.present)('matches independent totals on UCI Online Retail France and Germany, each repeated invoice line once', async () => {
    const mapping = { customer: 'CustomerID', order: 'InvoiceNo', date: 'InvoiceDate', price: 'UnitPrice', quantity: 'Quantity', item: 'StockCode' };
    const france = await importPath(`${retail.path}/france.csv`, { format: 'generic', mapping, timeZone: 'Europe/London' });
    const germany = await importPath(`${retail.path}/germany.csv`, { format: 'generic', mapping, timeZone: 'Europe/London' });
    // Checked with a separate script summing Quantity × UnitPrice per CustomerID (C invoices negative),
    // each distinct line once: France has 16 lines that repeat an earlier line of their invoice exactly
    // (first: row 1786, of invoice 547194), Germany 15 (first: row 294); with them the totals were 19671284 and 22169821.
    expect(france.report).toMatchObject({ rowsRead: 8557, rowsImported: 8557 - 16, rowsRejected: 0, duplicateRows: 16 });
    expect(france.customers).toHaveLength(87);
    expect(france.customers.reduce((s, c) => s + c.monetaryMinor, 0)).toBe(19662605);
    expect(france.byKey.get('generic:12731')!.monetaryMinor).toBe(1879341);
    expect(germany.encoding.bom).toBe(true);
    expect(germany.report).toMatchObject({ rowsRead: 9495, rowsImported: 9495 - 15, duplicateRows: 15 });
    expect(germany.report.duplicates[0]?.row).toBe(294);
    expect(germany.customers).toHaveLength(95);
    expect(germany.customers.reduce((s, c) => s + c.monetaryMinor, 0)).toBe(22150947);
    expect(germany.byKey.get('generic:12471')).toMatchObject({ orderCount: 30, monetaryMinor: 1870552 });
  });
});
