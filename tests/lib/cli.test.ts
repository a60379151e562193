import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import Papa from 'papaparse';
import { main } from '../../lib/cli';
import { fixture, sharedData } from '../helpers';

async function cli(...args: string[]) {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(args), stderr };
  } finally {
    spy.mockRestore();
  }
}
const out = (name: string) => join(mkdtempSync(join(tmpdir(), 'tiermark-cli-')), name);

describe('tiermark score', () => {
  it('writes one row per customer and a one-line summary', async () => {
    const target = out('customers.csv');
    const { code, stderr } = await cli('score', fixture('taobao-order-report.gbk.csv'), '--as-of', '2024-05-01', '--out', target);
    expect(code).toBe(0);
    expect(stderr.split('\n')[0]).toBe('taobao-order-report.gbk.csv: Taobao / Tmall order report; rows read 8, orders imported 7, rows rejected 1, customers 3');
    expect(stderr).toContain('rejected row 9: unparseable date');
    const rows = Papa.parse<Record<string, string>>(readFileSync(target, 'utf8'), { header: true, skipEmptyLines: true }).data;
    expect(rows[0]).toEqual({
      customerKey: '茶友小王',
      platform: 'taobao',
      orderCount: '2',
      monetary: '384.00',
      currency: 'CNY',
      firstOrderAt: '2024-03-01T10:15:00+08:00',
      lastOrderAt: '2024-04-12T21:03:11+08:00',
      recencyDays: '19',
      frequency: '2',
      avgOrderValue: '192.00',
      // Three buyers: least recent of them (R 1), tied on two purchases with 张三丰 (F 3), the top spender (M 5).
      rfmR: '1',
      rfmF: '3',
      rfmM: '5',
      rfmCode: '135',
      // 1 March to 12 April; 19 days since, well within 42, so no churn risk.
      repurchaseCycleDays: '42',
      churnRisk: '0',
      // Three customers are too few for BG/NBD and Gamma-Gamma: no figures rather than nonsense.
      pAlive: '',
      expectedPurchases90d: '',
      predictedClv365: '',
    });
    // A one-time buyer is judged by the shop's typical cycle: the median of 42 and 75 days.
    expect(rows.find((row) => row.customerKey === 'lily_2019')).toMatchObject({ rfmCode: '311', repurchaseCycleDays: '58.5' });
  });

  it('maps columns by position for a headerless whitespace file and writes JSON', async () => {
    const target = out('cdnow.json');
    const { code } = await cli('score', fixture('generic-whitespace.txt'), '--no-header', '--delimiter', 'whitespace', '--map', 'customer=1,date=3,quantity=4,amount=5', '--date-format', 'yyyyMMdd', '--tz', 'UTC', '--as-of', '1997-02-01', '--out', target);
    expect(code).toBe(0);
    const rows = JSON.parse(readFileSync(target, 'utf8'));
    expect(rows.find((r: { customerKey: string }) => r.customerKey === '00004')).toMatchObject({ orderCount: 2, monetary: '69.06', recencyDays: 14 });
  });

  it('fails with the file and the reason, and writes no output, for bad input', async () => {
    const bad = out('empty.csv');
    writeFileSync(bad, '');
    const target = out('never.csv');
    const { code, stderr } = await cli('score', bad, '--out', target);
    expect(code).toBe(1);
    expect(stderr).toBe(`tiermark: ${bad}: The file is empty (0 bytes). Export the orders again and import that file.\n`);
    expect(existsSync(target)).toBe(false);
  });

  it('explains a wrong option', async () => {
    const { code, stderr } = await cli('score', fixture('jd-orders.gbk.csv'), '--map', 'buyer=1', '--out', out('x.csv'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/--map "buyer=1": expected field=column with field one of customer, order, date/);
  });

  const cdnow = sharedData('cdnow');
  it.skipIf(!cdnow.present)('reads the raw CDNOW transactions with a date pattern', async () => {
    const target = out('cdnow.csv');
    const { code, stderr } = await cli('score', `${cdnow.path}/CDNOW_sample.txt`, '--no-header', '--delimiter', 'whitespace', '--map', 'customer=1,date=3,quantity=4,amount=5', '--date-format', 'yyyyMMdd', '--tz', 'UTC', '--out', target);
    expect(code).toBe(0);
    expect(stderr).toMatch(/rows read 6919, orders imported \d+, rows rejected 0, customers 2357/);
  });
});
