import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { fixture, importPath, sharedData } from '../../helpers';

describe('shopify format', () => {
  it('folds line-item rows into orders and nets refunds, from the 79-column header', async () => {
    const { report, orders, byKey } = await importPath(fixture('shopify-orders-79.csv'));
    expect(report.format).toBe('shopify');
    expect(report.rowsRead).toBe(8);
    expect(report.orders).toBe(7);
    const first = orders.get('shopify:#1001')!;
    expect(first.items.map((i) => [i.sku, i.quantity, i.priceMinor])).toEqual([
      ['FJ-M', 2, 5000],
      ['WS-1', 1, 2000],
    ]);
    expect(first).toMatchObject({ totalMinor: 12000, status: 'shipped', currency: 'USD' });
    expect(new Date(first.createdAt).toISOString()).toBe('2023-03-01T15:00:00.000Z');
    expect(byKey.get('shopify:ada@example.com')).toMatchObject({ orderCount: 2, monetaryMinor: 18450 });
    // Emails differing only in case are one customer; a fully refunded order is history, not a purchase, and worth nothing.
    expect(byKey.get('shopify:grace@example.com')).toMatchObject({ orderCount: 1, monetaryMinor: 6000, refundCount: 1 });
    // No email: the phone is the key (Excel's apostrophe guard removed); nothing at all: a guest order.
    expect(byKey.get('shopify:+15550100200')).toMatchObject({ orderCount: 1, monetaryMinor: 2500 });
    expect(orders.get('shopify:#1005')).toMatchObject({ customerKey: null, status: 'cancelled' });
    expect(byKey.get('shopify:linus@example.com')).toMatchObject({ orderCount: 0, monetaryMinor: 0 });
  });

  it('counts a fulfilled cash-on-delivery order as a purchase, and finds the buyer by Billing or Shipping Phone when Email and Phone are empty', async () => {
    const header = Papa.parse<string[]>(readFileSync(fixture('shopify-orders-79.csv'), 'utf8').split('\n')[0]!).data[0]!;
    const row = (cells: Record<string, string>) => header.map((name) => cells[name] ?? '');
    const base = { Currency: 'PKR', 'Lineitem quantity': '1', 'Lineitem name': 'Kurta', 'Lineitem price': '2500.00' };
    const rows = [
      // Cash on delivery: payment pending, delivered; the buyer only in Billing Phone.
      row({ ...base, Name: '#2001', 'Financial Status': 'pending', 'Fulfillment Status': 'fulfilled', Total: '2500.00', 'Created at': '2024-03-01 10:00:00 +0500', 'Billing Phone': '+92 300 1234567' }),
      row({ ...base, Name: '#2002', 'Financial Status': 'pending', 'Fulfillment Status': 'fulfilled', Total: '3100.00', 'Created at': '2024-04-01 10:00:00 +0500', 'Billing Phone': '+92 300 1234567' }),
      // Not yet delivered: not a purchase. The buyer only in Shipping Phone.
      row({ ...base, Name: '#2003', 'Financial Status': 'pending', 'Fulfillment Status': 'unfulfilled', Total: '900.00', 'Created at': '2024-04-02 10:00:00 +0500', 'Shipping Phone': '+92 321 7654321' }),
      // Phone itself, and an email that wins over every phone.
      row({ ...base, Name: '#2004', 'Financial Status': 'paid', 'Fulfillment Status': 'fulfilled', Total: '1000.00', 'Created at': '2024-04-03 10:00:00 +0500', Phone: '+92 333 0000001', 'Billing Phone': '+92 300 1234567' }),
      row({ ...base, Name: '#2005', Email: 'amna@example.pk', 'Financial Status': 'paid', 'Fulfillment Status': 'fulfilled', Total: '1200.00', 'Created at': '2024-04-04 10:00:00 +0500', 'Billing Phone': '+92 300 1234567' }),
    ];
    const file = join(mkdtempSync(join(tmpdir(), 'tiermark-cod-')), 'cod.csv');
    writeFileSync(file, Papa.unparse([header, ...rows]));
    const { report, orders, byKey } = await importPath(file, { timeZone: 'Asia/Karachi' });
    expect(report).toMatchObject({ rowsRead: 5, orders: 5, guestOrders: 0 });
    expect(orders.get('shopify:#2001')!.status).toBe('completed');
    expect(orders.get('shopify:#2003')!.status).toBe('unpaid');
    expect(byKey.get('shopify:+923001234567')).toMatchObject({ orderCount: 2, monetaryMinor: 560000 });
    expect(byKey.get('shopify:+923217654321')).toMatchObject({ orderCount: 0, monetaryMinor: 0 });
    expect(byKey.get('shopify:+923330000001')).toMatchObject({ orderCount: 1 });
    expect(byKey.get('shopify:amna@example.pk')).toMatchObject({ orderCount: 1 });
    expect(report.fallbacks).toEqual([
      { column: 'Billing Phone', orders: 2, firstRow: 2 },
      { column: 'Shipping Phone', orders: 1, firstRow: 4 },
      { column: 'Phone', orders: 1, firstRow: 5 },
    ]);
    expect(report.warnings.map((w) => w.en)).toContain('2 orders were tied to their buyer by "Billing Phone", as the columns before it were empty (the first at row 2).');
    // The reading is said, with a count and a row, and a shop that takes no cash on delivery reads them as unpaid.
    expect(report.cashOnDelivery).toEqual({ orders: 2, firstRow: 2 });
    expect(report.warnings.map((w) => w.en)).toContain('2 orders were shipped with payment pending and counted as cash-on-delivery purchases (the first at row 2). If the shop takes no cash on delivery, untick it for the shop and import again.');
    const prepaid = await importPath(file, { timeZone: 'Asia/Karachi', cashOnDelivery: false });
    expect(prepaid.report.cashOnDelivery).toBeNull();
    expect(prepaid.orders.get('shopify:#2001')!.status).toBe('unpaid');
    expect(prepaid.byKey.get('shopify:+923001234567')).toMatchObject({ orderCount: 0, monetaryMinor: 0 });
    // The shop's own setting applies when the import does not say.
    const shops = [{ id: 'shopify', name: '', platform: 'shopify' as const, createdAt: 0, cashOnDelivery: false }];
    expect((await importPath(file, { timeZone: 'Asia/Karachi', shops })).orders.get('shopify:#2002')!.status).toBe('unpaid');
  });

  it('reads the older 73-column header to the same orders', async () => {
    const older = await importPath(fixture('shopify-orders-73.csv'));
    const newer = await importPath(fixture('shopify-orders-79.csv'));
    expect([...older.orders.values()]).toEqual([...newer.orders.values()]);
  });

  const oks = sharedData('shopify-oks234');
  it.skipIf(!oks.present)("matches Shopify's own customers export (Total Orders, Total Spent)", async () => {
    const { byKey } = await importPath(`${oks.path}/orders_export_1.anon.csv`);
    const platform = Papa.parse<Record<string, string>>(readFileSync(`${oks.path}/customers_export_1.anon.csv`, 'utf8'), {
      header: true,
      skipEmptyLines: true,
    }).data;
    // Shopify's Total Orders counts fully refunded orders; Tiermark's purchases do not. Those are
    // counted here from the export's own order rows (Financial Status on each order's first row).
    const orderRows = Papa.parse<Record<string, string>>(readFileSync(`${oks.path}/orders_export_1.anon.csv`, 'utf8'), { header: true, skipEmptyLines: true }).data;
    const refundedOrders = new Map<string, number>();
    for (const row of orderRows) {
      if (row['Financial Status'] !== 'refunded' || !row.Email) continue;
      const email = row.Email.toLowerCase();
      refundedOrders.set(email, (refundedOrders.get(email) ?? 0) + 1);
    }
    expect([...refundedOrders.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    let matched = 0;
    let countsEqual = 0;
    const spentDiffers: string[] = [];
    for (const row of platform) {
      const ours = row.Email ? byKey.get(`shopify:${row.Email.toLowerCase()}`) : undefined;
      if (!ours) continue;
      matched += 1;
      if (ours.orderCount + (refundedOrders.get(row.Email!.toLowerCase()) ?? 0) === Number(row['Total Orders'])) countsEqual += 1;
      if (ours.monetaryMinor !== Math.round(Number(row['Total Spent']) * 100)) spentDiffers.push(row.Email!);
    }
    expect(matched).toBe(296);
    expect(countsEqual).toBe(296);
    // Two customers differ: their order rows total 79.00 and 79.20 more than Shopify's figure,
    // an order edit the Orders export does not show.
    expect(spentDiffers.sort()).toEqual(['customer00035@example.com', 'customer00036@example.com']);
  });

  const steproac = sharedData('shopify-steproac');
  it.skipIf(!steproac.present)('imports the real 79-column export with its refunds, voids and guests', async () => {
    const { report, orders, customers, byKey } = await importPath(`${steproac.path}/orders_export.anon.csv`);
    const rows = Papa.parse<Record<string, string>>(readFileSync(`${steproac.path}/orders_export.anon.csv`, 'utf8'), {
      header: true,
      skipEmptyLines: true,
    }).data;
    // Independent figures: first row of each order, net = Total - Refunded Amount unless voided or unpaid.
    const firstRows = new Map<string, Record<string, string>>();
    for (const row of rows) if (!firstRows.has(row.Name!)) firstRows.set(row.Name!, row);
    let net = 0;
    const buyers = new Set<string>();
    for (const row of firstRows.values()) {
      const key = row.Email?.toLowerCase() || row.Phone?.replace(/^'/, '') || row['Billing Phone']?.replace(/^'/, '');
      if (key) buyers.add(key);
      if (['pending', 'authorized', 'expired', 'voided'].includes(row['Financial Status']!)) continue;
      net += Math.round(Number(row.Total) * 100) - Math.round(Number(row['Refunded Amount'] || 0) * 100);
    }
    expect(report.rowsRead).toBe(7921);
    expect(report.rowsRejected).toBe(0);
    expect(report.orders).toBe(firstRows.size);
    expect(report.orders).toBe(4936);
    expect(customers.length).toBe(buyers.size);
    const ourNet = [...orders.values()].filter((o) => o.customerKey).reduce((sum, o) => sum + (['unpaid', 'cancelled'].includes(o.status) ? 0 : o.totalMinor - o.refundedMinor), 0);
    const guestNet = [...orders.values()].filter((o) => !o.customerKey && !['unpaid', 'cancelled'].includes(o.status)).reduce((sum, o) => sum + o.totalMinor - o.refundedMinor, 0);
    expect(ourNet + guestNet).toBe(net);
    // Cross-checked in a separate script: the top buyer has 34 orders worth 11,577.62 net.
    expect(byKey.get('shopify:customer00088@example.com')).toMatchObject({ orderCount: 34, monetaryMinor: 1157762 });
  });
});
