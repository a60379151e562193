import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { fixture, importPath } from '../../helpers';

describe('woocommerce format', () => {
  it('reads the order-export plugin file, keyed by billing email', async () => {
    const { report, orders, byKey } = await importPath(fixture('woocommerce-plugin.csv'));
    expect(report.format).toBe('woocommerce');
    expect(report).toMatchObject({ rowsRead: 5, orders: 4 });
    expect(report.warnings).toEqual([]);
    expect(orders.get('woocommerce:5001')).toMatchObject({ totalMinor: 8450, currency: 'EUR', status: 'completed' });
    expect(orders.get('woocommerce:5001')!.items).toHaveLength(2);
    expect(orders.get('woocommerce:5002')).toMatchObject({ status: 'refunded', refundedMinor: 3000 });
    // Her refunded order of 1 February is history, not a purchase.
    expect(byKey.get('woocommerce:marie@example.org')).toMatchObject({ orderCount: 1, monetaryMinor: 8450, refundCount: 1 });
    expect(byKey.get('woocommerce:pierre@example.org')).toMatchObject({ orderCount: 1, monetaryMinor: 15000 });
  });

  it('reads an Analytics download and warns that buyers are known by name only', async () => {
    const { report, byKey } = await importPath(fixture('woocommerce-analytics.csv'));
    expect(report.format).toBe('woocommerce');
    expect(report.warnings[0]!.en).toMatch(/keyed by name/);
    expect(byKey.get('woocommerce:Jane Roe')).toMatchObject({ orderCount: 2, monetaryMinor: 11500 });
  });
});

/** The Analytics header and status words as WooCommerce writes them in each admin language. */
const LANGUAGES: Record<string, { header: string[]; statuses: Record<string, string> }> = {
  fr: { header: ['Date', 'Commande n°', 'État', 'Client', 'Type de client', 'Produit(s)', 'Articles vendus', 'Code(s) promo', 'Ventes nettes', 'Attribution'], statuses: { Completed: 'Terminée', Processing: 'En cours', Refunded: 'Remboursée' } },
  de: { header: ['Datum', 'Bestellung #', 'Status', 'Kunde', 'Kundentyp', 'Produkt(e)', 'Verkaufte Artikel', 'Gutschein(e)', 'Nettoumsatz', 'Attribution'], statuses: { Completed: 'Abgeschlossen', Processing: 'In Bearbeitung', Refunded: 'Rückerstattet' } },
  es: { header: ['Fecha', 'Pedido #', 'Estado', 'Cliente', 'Tipo de cliente', 'Producto(s)', 'Artículos vendidos', 'Cupón(es)', 'Ventas netas', 'Atribución'], statuses: { Completed: 'Completado', Processing: 'Procesando', Refunded: 'Reembolsado' } },
  'zh-CN': { header: ['日期', '订单 #', '状态', '客户', '客户类型', '产品', '已售商品', '优惠券', '净销售额', '归因'], statuses: { Completed: '已完成', Processing: '处理中', Refunded: '已退款' } },
};

describe('woocommerce buyers without an email', () => {
  it('takes the billing phone, then the name, and counts each fallback with its first row', async () => {
    const header = readFileSync(fixture('woocommerce-plugin.csv'), 'utf8').split('\n')[0]!;
    const text = `${header}\n7001,completed,2024-02-01 10:00:00,,,Ana,Silva,,+351 912 345 678,EUR,0,30.00,T-1,Tea,1,30.00\n7002,completed,2024-02-02 10:00:00,,,Ana,Silva,,+351 912 345 678,EUR,0,12.00,T-1,Tea,1,12.00\n7003,completed,2024-02-03 10:00:00,,,Rui,Costa,,,EUR,0,9.00,T-1,Tea,1,9.00\n`;
    const file = join(mkdtempSync(join(tmpdir(), 'tiermark-woo-')), 'no-email.csv');
    writeFileSync(file, text);
    const { report, byKey } = await importPath(file);
    expect(report.fallbacks).toEqual([
      { column: 'Phone (Billing)', orders: 2, firstRow: 2 },
      { column: 'the billing name', orders: 1, firstRow: 4 },
    ]);
    expect(byKey.get('woocommerce:+351 912 345 678')).toMatchObject({ orderCount: 2, monetaryMinor: 4200 });
    expect(byKey.get('woocommerce:Rui Costa')).toMatchObject({ orderCount: 1 });
  });
});

describe('woocommerce in the admin’s language', () => {
  for (const [language, { header, statuses }] of Object.entries(LANGUAGES)) {
    it(`reads an Analytics download in ${language} to the same customers as in English`, async () => {
      const english = readFileSync(fixture('woocommerce-analytics.csv'), 'utf8');
      const rows = Papa.parse<string[]>(english, { skipEmptyLines: true }).data;
      const translated = Papa.unparse([header, ...rows.slice(1).map((cells) => cells.map((cell, i) => (i === 2 ? statuses[cell]! : cell)))]);
      const file = join(mkdtempSync(join(tmpdir(), 'tiermark-woo-')), `orders-${language}.csv`);
      writeFileSync(file, translated);
      const ours = await importPath(file);
      const theirs = await importPath(fixture('woocommerce-analytics.csv'));
      expect(ours.report).toMatchObject({ format: 'woocommerce', rowsRead: rows.length - 1, rowsRejected: 0, unknownStatuses: [] });
      expect([...ours.orders.values()].map((o) => [o.orderId, o.status, o.totalMinor])).toEqual([...theirs.orders.values()].map((o) => [o.orderId, o.status, o.totalMinor]));
      expect(ours.customers.map((c) => [c.buyerId, c.orderCount, c.monetaryMinor])).toEqual(theirs.customers.map((c) => [c.buyerId, c.orderCount, c.monetaryMinor]));
    });
  }

  it('reads a French download with decimal commas, and names a status it does not know', async () => {
    const { report, orders, byKey } = await importPath(fixture('woocommerce-analytics-fr.csv'), { currency: 'EUR' });
    expect(report).toMatchObject({ format: 'woocommerce', rowsRead: 4, rowsRejected: 0 });
    expect(report.decimalMarks).toEqual([{ column: 'Ventes nettes', mark: ',', row: 2, example: '45,00' }]);
    expect(orders.get('woocommerce:6004')).toMatchObject({ totalMinor: 125050, status: 'paid' });
    expect(report.unknownStatuses).toEqual([{ text: 'Expédiée', orders: 1, firstRow: 5, readAs: 'paid' }]);
    expect(report.warnings.map((w) => w.en)).toContain('1 order has the status "Expédiée", which this format does not know: read as paid (the first at row 5). If that is wrong, change the status in the export or import it as a table with its columns chosen.');
    expect(byKey.get('woocommerce:Jeanne Rousseau')).toMatchObject({ orderCount: 2, monetaryMinor: 11500 });
  });
});
