import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, importPath } from '../../helpers';

describe('douyin format', () => {
  it('reads a BOM file with tab-guarded ids, sums 子订单 and nets a refunded line', async () => {
    const { report, encoding, orders, byKey } = await importPath(fixture('douyin-orders.csv'));
    expect(report.format).toBe('douyin');
    expect(encoding).toMatchObject({ encoding: 'utf-8', bom: true });
    expect(report).toMatchObject({ rowsRead: 4, orders: 3, rowsRejected: 0 });
    const split = orders.get('douyin:6921000000000002')!;
    expect(split).toMatchObject({ totalMinor: 17890, refundedMinor: 4990, status: 'shipped', customerKey: 'douyin:88001001' });
    expect(split.items).toHaveLength(2);
    // Masked names and phones are kept as shown but never used as identifiers.
    expect(split.buyer).toEqual({ id: '88001001', name: '陈**' });
    expect(byKey.get('douyin:88001001')).toMatchObject({ orderCount: 2, monetaryMinor: 9980 + 12900 });
    expect(new Date(orders.get('douyin:6921000000000001')!.createdAt).toISOString()).toBe('2024-06-01T12:15:00.000Z');
    expect(byKey.get('douyin:88001002')).toMatchObject({ orderCount: 0 });
  });

  it('takes an unmasked 收件人手机号 when the 用户ID is empty, and counts it as a fallback', async () => {
    const text = readFileSync(fixture('douyin-orders.csv'), 'utf8');
    const lines = text.split('\n');
    // The first order again under another number, with no 用户ID and the phone shown in full.
    const copy = lines[1]!.replace(/6921000000000001/g, '6921000000000009').replace('137****1234', '13712341234').replace(/\t88001001\s*$/, '');
    const file = join(mkdtempSync(join(tmpdir(), 'tiermark-douyin-')), 'phone.csv');
    writeFileSync(file, `${lines[0]}\n${copy}\n`);
    const { report, byKey } = await importPath(file);
    expect(report).toMatchObject({ rowsRead: 1, orders: 1, guestOrders: 0, fallbacks: [{ column: '收件人手机号', orders: 1, firstRow: 2 }] });
    expect(byKey.get('douyin:13712341234')).toMatchObject({ orderCount: 1 });
  });
});
