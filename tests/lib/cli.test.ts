import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import Papa from 'papaparse';
import { main } from '../../lib/cli';
import { parseScoreArgs, score } from '../../lib/cli/score';
import { FIXTURES, fixture, ROOT, sharedData } from '../helpers';

/** Runs the command line in-process, capturing what it prints. */
async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const capture = (append: (text: string) => void) => (chunk: string | Uint8Array) => (append(String(chunk)), true);
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture((text) => (stdout += text))),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture((text) => (stderr += text))),
  ];
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    for (const spy of spies) spy.mockRestore();
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
      // Three buyers: least recent of them (R 1), the only one with two purchases (F 5: 张三丰's refunded
      // order is no purchase), the top spender (M 5).
      rfmR: '1',
      rfmF: '5',
      rfmM: '5',
      rfmCode: '155',
      // 1 March to 12 April; 19 days since, well within 42, so no churn risk.
      repurchaseCycleDays: '42',
      churnRisk: '0',
      // Three customers are too few for BG/NBD and Gamma-Gamma: no figures rather than nonsense.
      pAlive: '',
      expectedPurchases90d: '',
      predictedClv365: '',
      lifecycleStage: 'growing',
      valueQuadrant: '',
      // 384 yuan is below the 400 of 高级会员; RFM 155 is a frequent big spender who is not recent.
      tier: 'Member',
      badges: 'Important to retain',
      // Two purchases 42 days apart, the last 19 days ago: within their cycle, a growing customer.
      treatments: 'Growing: build the habit',
      followUps: '',
    });
    // A one-time buyer is judged by the shop's typical cycle: 茶友小王's 42 days, the only repeat buyer's
    // (张三丰's refunded order of 10 February is no purchase, so his 75 days are gone).
    expect(rows.find((row) => row.customerKey === 'lily_2019')).toMatchObject({ rfmCode: '311', repurchaseCycleDays: '42' });
    expect(rows.find((row) => row.customerKey === '张三丰')).toMatchObject({ orderCount: '1', monetary: '150.00', rfmCode: '513', firstOrderAt: '2024-04-25T18:30:00+08:00' });
  });

  it('labels outcomes in Chinese and applies the rule files of a folder', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tiermark-rules-'));
    writeFileSync(join(folder, 'ladder.json'), JSON.stringify({
      id: 'tea-ladder', title: { en: 'Tea ladder', 'zh-CN': '茶客等级' }, version: 1, enabled: true,
      rules: [{ name: 'regular', conditions: { all: [{ fact: 'frequency', operator: 'greaterThanInclusive', value: 2 }] }, event: { type: 'tier', params: { label: { en: 'Regular', 'zh-CN': '老茶客' }, colour: '#1e8449', rank: 1 } } }],
    }));
    const target = out('customers.csv');
    const { code } = await cli('score', fixture('taobao-order-report.gbk.csv'), '--as-of', '2024-05-01', '--out', target, '--columns', 'customerKey,tier,badges', '--rules', folder, '--lang', 'zh-CN');
    expect(code).toBe(0);
    expect(readFileSync(target, 'utf8').split('\n').slice(0, 2)).toEqual(['customerKey,tier,badges', '茶友小王,老茶客,']);
    const shipped = out('shipped.csv');
    await cli('score', fixture('taobao-order-report.gbk.csv'), '--as-of', '2024-05-01', '--out', shipped, '--columns', 'customerKey,tier,badges', '--lang', 'zh-CN');
    expect(readFileSync(shipped, 'utf8').split('\n')[1]).toBe('茶友小王,普通会员,重要保持客户');
  });

  it('refuses to score with a broken rule file, naming the file and pointer', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tiermark-rules-'));
    writeFileSync(join(folder, 'broken.json'), '{"id": "x", "title": {"en": "X", "zh-CN": "X"}, "version": 1, "enabled": true, "rules": [{"name": "a", "conditions": {"all": [{"fact": "spend", "operator": "equal", "value": 1}]}, "event": {"type": "tier", "params": {"label": {"en": "A", "zh-CN": "A"}, "colour": "#000000", "rank": 1}}}]}');
    const target = out('customers.csv');
    const { code, stdout } = await cli('score', fixture('taobao-order-report.gbk.csv'), '--out', target, '--rules', folder);
    expect(code).toBe(1);
    expect(stdout).toBe(`${join(folder, 'broken.json')}: /rules/0/conditions/all/0/fact: unknown fact "spend"; did you mean "monetary" (Net spend, refunds deducted (shop currency))? (line 1)\n`);
    expect(existsSync(target)).toBe(false);
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

  it('writes only the columns asked for', async () => {
    const target = out('few.csv');
    const { code } = await cli('score', fixture('taobao-order-report.gbk.csv'), '--as-of', '2024-05-01', '--columns', 'customerKey,rfmCode,monetary', '--out', target);
    expect(code).toBe(0);
    expect(readFileSync(target, 'utf8').split('\n').slice(0, 2)).toEqual(['customerKey,rfmCode,monetary', '茶友小王,155,384.00']);
    const { code: wrong, stderr } = await cli('score', fixture('taobao-order-report.gbk.csv'), '--columns', 'customerKey,tier2', '--out', target);
    expect(wrong).toBe(2);
    expect(stderr).toContain('--columns: unknown tier2; choose from customerKey');
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

describe('tiermark score on real-world input', () => {
  const csv = (target: string) => Papa.parse<Record<string, string>>(readFileSync(target, 'utf8'), { header: true, skipEmptyLines: true }).data;
  const generic = (rows: string[]) => `Order,Customer,Date,Total\n${rows.join('\n')}\n`;
  const map = ['--map', 'order=Order,customer=Customer,date=Date,amount=Total', '--tz', 'UTC'];

  it('reads several overlapping exports of one shop, as files and as a folder, counting each order once', async () => {
    const whole = generic(['1,a@x.com,2024-01-05,10.00', '2,b@x.com,2024-02-05,20.00', '3,a@x.com,2024-03-05,30.00', '4,c@x.com,2024-04-05,40.00']);
    const lines = whole.trimEnd().split('\n');
    const folder = mkdtempSync(join(tmpdir(), 'tiermark-exports-'));
    // January to March, then February to April: two orders are in both files.
    writeFileSync(join(folder, '2024-q1.csv'), `${lines.slice(0, 4).join('\n')}\n`);
    writeFileSync(join(folder, '2024-q2.csv'), `${[lines[0], ...lines.slice(2)].join('\n')}\n`);
    writeFileSync(join(folder, 'notes.md'), 'not an export');
    const single = out('single.csv');
    const wholeFile = out('whole.csv');
    writeFileSync(wholeFile, whole);
    expect((await cli('score', wholeFile, ...map, '--as-of', '2024-05-01', '--out', single)).code).toBe(0);
    const fromFolder = out('folder.csv');
    const run = await cli('score', folder, ...map, '--as-of', '2024-05-01', '--out', fromFolder);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('2 files: 4 orders (2 found again in a later file and taken from it), customers 3');
    expect(csv(fromFolder)).toEqual(csv(single));
    const fromFiles = out('files.csv');
    expect((await cli('score', join(folder, '2024-q1.csv'), join(folder, '2024-q2.csv'), ...map, '--as-of', '2024-05-01', '--out', fromFiles)).code).toBe(0);
    expect(csv(fromFiles)).toEqual(csv(single));
  });

  it('refuses, with each row, an order number an earlier file has for another buyer: two shops are never merged', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tiermark-two-shops-'));
    writeFileSync(join(folder, 'a-uk.csv'), generic(['1001,a@x.com,2024-01-05,10.00', '1002,b@x.com,2024-02-05,20.00', '1004,a@x.com,2024-01-20,3.00']));
    // The second store numbers its orders the same way: its 1001 is another buyer's, its 1004 the same buyer's on another day.
    writeFileSync(join(folder, 'b-eu.csv'), generic(['1001,z@y.de,2024-01-07,99.00', '1002,b@x.com,2024-02-05,20.00', '1003,y@y.de,2024-03-01,5.00', '1004,a@x.com,2024-04-01,7.00']));
    const rejected = out('clash-rejected.csv');
    const target = out('clash.csv');
    const run = await cli('score', folder, ...map, '--as-of', '2024-05-01', '--out', target, '--rejected', rejected);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('b-eu.csv: Any table (choose the columns); rows read 4, orders imported 2, rows rejected 2');
    expect(csv(rejected)).toEqual([
      { file: 'b-eu.csv', row: '2', reason: expect.stringContaining('order 1001 is in an earlier file for another buyer (a@x.com); this file has it for z@y.de') },
      { file: 'b-eu.csv', row: '5', reason: expect.stringContaining('order 1004 is in an earlier file made on 2024-01-20; this file has it made on 2024-04-01') },
    ]);
    const rows = csv(target);
    expect(rows.map((r) => r.customerKey).sort()).toEqual(['a@x.com', 'b@x.com', 'y@y.de']);
    expect(rows.find((r) => r.customerKey === 'a@x.com')).toMatchObject({ orderCount: '2', monetary: '13.00' });
  });

  const steproac = sharedData('shopify-steproac');
  it.skipIf(!steproac.present)('gives no purchase and no tier to a customer whose every order was refunded in full (a real Shopify store)', async () => {
    const file = `${steproac.path}/orders_export.anon.csv`;
    // Each buyer's orders and their Financial Status, from the export's order rows (the first row of each order has it).
    const statuses = new Map<string, string[]>();
    let last = '';
    for (const row of Papa.parse<Record<string, string>>(readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true }).data) {
      if (!row['Financial Status'] || !row.Email) continue;
      const email = row.Email.toLowerCase();
      statuses.set(email, [...(statuses.get(email) ?? []), row['Financial Status']]);
      if (row['Created at']! > last) last = row['Created at']!;
    }
    const refundedOnly = [...statuses].filter(([, list]) => list.every((status) => status === 'refunded')).map(([email]) => email);
    expect(refundedOnly.length).toBeGreaterThan(100);
    const asOf = new Date(Date.parse(last.slice(0, 10)) + 86_400_000).toISOString().slice(0, 10);
    const target = out('steproac.csv');
    expect((await cli('score', file, '--as-of', asOf, '--columns', 'customerKey,orderCount,monetary,tier', '--out', target)).code).toBe(0);
    const rows = new Map(csv(target).map((row) => [row.customerKey!, row]));
    for (const email of refundedOnly) expect(rows.get(email), email).toMatchObject({ orderCount: '0', tier: '' });
  });

  const retail = sharedData('online-retail');
  it.skipIf(!steproac.present || !retail.present)('gives a ladder that tells customers apart in dollar and pound shops, retail and wholesale', async () => {
    const tiers = async (file: string, ...options: string[]) => {
      const target = out('tiers.csv');
      const run = await cli('score', file, ...options, '--columns', 'customerKey,tier', '--out', target);
      expect(run.code).toBe(0);
      // The summary says the ladder climbs by the shop's spend, and why.
      expect(run.stderr).toMatch(/^rule member-ladder\/premier-vip: its (USD|GBP) amount would take in too many of the shop's buyers, so the shop's top 10% by spend$/m);
      const rows = csv(target);
      return (tier: string) => rows.filter((row) => row.tier === tier).length / rows.length;
    };
    // A retail store in USD (average order about 235 dollars) and a UK wholesaler's French buyers in GBP:
    // the ladder's dollar and pound amounts would make most of them 尊贵VIP, so the shop's spend decides.
    for (const share of [
      await tiers(`${steproac.path}/orders_export.anon.csv`, '--as-of', '2023-04-10'),
      await tiers(`${retail.path}/france.csv`, '--currency', 'GBP', '--tz', 'Europe/London', '--as-of', '2011-12-10'),
    ]) {
      expect(share('Premier VIP')).toBeGreaterThan(0.05);
      expect(share('Premier VIP')).toBeLessThan(0.15);
      expect(share('Member')).toBeGreaterThan(0.4);
    }
  });

  it('prints each command’s own help for --help, and every command’s with none', async () => {
    const heads = (text: string) => [...text.matchAll(/^ {2}tiermark (\w+)/gm)].map((m) => m[1]);
    for (const [command, args] of [['score', ['score', '--help']], ['fit', ['fit', '--help']], ['rules', ['rules', 'check', '--help']]] as const) {
      const { code, stdout } = await cli(...args);
      expect(code, command).toBe(0);
      expect(heads(stdout), command).toEqual([command]);
    }
    const none = await cli();
    expect(none.code).toBe(2);
    expect(heads(none.stdout)).toEqual(['score', 'rules', 'fit']);
    // A mistake is followed by that command's usage only.
    const wrong = await cli('fit', '--model', 'pareto');
    expect(wrong.code).toBe(2);
    expect(heads(wrong.stderr)).toEqual(['fit']);
  });

  it('refuses an --out that is a folder or in a missing folder in one line, leaving no file behind', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tiermark-out-'));
    mkdirSync(join(folder, 'customers.csv'));
    const intoFolder = await cli('score', fixture('taobao-order-report.gbk.csv'), '--out', join(folder, 'customers.csv'));
    expect(intoFolder).toMatchObject({ code: 1, stderr: `tiermark: --out ${join(folder, 'customers.csv')} is a folder: give a file name, such as ${join(folder, 'customers.csv', 'customers.csv')}\n` });
    const missing = await cli('score', fixture('taobao-order-report.gbk.csv'), '--out', join(folder, 'nope', 'customers.csv'));
    expect(missing).toMatchObject({ code: 1, stderr: `tiermark: --out ${join(folder, 'nope', 'customers.csv')}: the folder ${join(folder, 'nope')} does not exist\n` });
    expect(readdirSync(folder)).toEqual(['customers.csv']);
    const noInput = await cli('score', join(folder, 'missing.csv'), '--out', join(folder, 'x.csv'));
    expect(noInput).toMatchObject({ code: 1, stderr: `tiermark: ${join(folder, 'missing.csv')}: no such file or folder\n` });
  });

  it('writes every rejected row with --rejected, counted apart from the importer', async () => {
    const rows = ['1,a@x.com,2024-01-05,10.00', '2,a@x.com,yesterday,5.00', '3,b@x.com,2024-01-06,lots', ',c@x.com,2024-01-07,1.00', '5,c@x.com,2024-01-08,2.00'];
    const input = out('orders.csv');
    writeFileSync(input, generic(rows));
    const rejected = out('rejected.csv');
    const { code } = await cli('score', input, ...map, '--rejected', rejected, '--out', out('c.csv'));
    expect(code).toBe(0);
    const bad = rows.map((row, i) => ({ row, number: i + 2 })).filter(({ row }) => /yesterday|lots|^,/.test(row));
    expect(csv(rejected).map((r) => [r.file, Number(r.row)])).toEqual(bad.map((b) => ['orders.csv', b.number]));
  });

  it('exits 1 when no order could be imported, with the commonest reasons and the likely fix', async () => {
    const input = out('us-dates.csv');
    // Month-first with dashes and two-digit years: no pattern the import tries reads them.
    writeFileSync(input, generic(['1,a@x.com,01-02-21,10.00', '2,b@x.com,12-25-21,5.00', '3,c@x.com,03-04-21,1.00']));
    const target = out('none.csv');
    const { code, stderr } = await cli('score', input, '--map', 'order=Order,customer=Customer,date=Date,amount=Total', '--out', target);
    expect(code).toBe(1);
    expect(stderr).toContain('No order could be imported. The commonest reasons:\n  3 × unparseable date in column "Date": "01-02-21"');
    expect(stderr).toContain('Likely fix: dates look like 01-02-21: add --date-format M-d-yy (or d-M-yy if the day comes first)');
  });

  it('cuts every column at --as-of, leaving later orders out and saying how many', async () => {
    const input = out('later.csv');
    writeFileSync(input, generic(['1,a@x.com,2024-01-05,10.00', '2,a@x.com,2024-06-05,20.00', '3,b@x.com,2024-07-05,30.00', '4,a@x.com,2024-02-01,5.00']));
    const target = out('asof.csv');
    const { code, stderr } = await cli('score', input, ...map, '--as-of', '2024-03-01', '--out', target);
    expect(code).toBe(0);
    expect(stderr).toContain('orders after --as-of left out 2, customers 1');
    expect(stderr).toContain('warning: 2 orders were made after the as-of day 2024-03-01 and left out (the first at row 3).');
    const [a, ...others] = csv(target);
    expect(others).toEqual([]);
    expect(a).toMatchObject({ customerKey: 'a@x.com', orderCount: '2', monetary: '15.00', lastOrderAt: '2024-02-01T00:00:00Z', recencyDays: '29', frequency: '2' });
  });

  it('counts days where the timestamps’ offsets put the shop, not in the machine’s zone', async () => {
    // Two orders on one Los Angeles evening: one purchase day there, two in UTC.
    const input = out('la.csv');
    writeFileSync(input, generic(['1,a@x.com,2023-04-09 15:00:00 -0700,10.00', '2,a@x.com,2023-04-09 19:23:02 -0700,5.00', '3,a@x.com,2023-01-15 08:00:00 -0800,2.00']));
    const target = out('la-out.csv');
    const { code, stderr } = await cli('score', input, '--map', 'order=Order,customer=Customer,date=Date,amount=Total', '--as-of', '2023-05-01', '--columns', 'customerKey,orderCount,frequency,lastOrderAt', '--out', target);
    expect(code).toBe(0);
    expect(stderr).toContain('time zone America/Los_Angeles');
    expect(stderr).toContain("warning: Days are counted in America/Los_Angeles, the zone the timestamps' offsets (-07:00, -08:00) point to.");
    expect(csv(target)).toEqual([{ customerKey: 'a@x.com', orderCount: '3', frequency: '2', lastOrderAt: '2023-04-09T19:23:02-07:00' }]);
    // Counted in UTC, the evening's two orders fall on two days.
    await cli('score', input, '--map', 'order=Order,customer=Customer,date=Date,amount=Total', '--tz', 'UTC', '--as-of', '2023-05-01', '--columns', 'customerKey,frequency', '--out', target);
    expect(csv(target)).toEqual([{ customerKey: 'a@x.com', frequency: '3' }]);
  });

  it('takes --map for the fields it names and the guess for the rest, and says which columns it used', async () => {
    const input = out('etsy-like.csv');
    writeFileSync(input, 'Sale Date,Order ID,Buyer User ID,Discount Amount,Order Total,Note\n2024-03-01,1,buyer1,1.00,20.00,a\n2024-03-02,2,buyer2,0.00,30.00,b\n');
    const target = out('etsy-out.csv');
    const { code, stderr } = await cli('score', input, '--format', 'generic', '--map', 'customer=Note', '--tz', 'UTC', '--as-of', '2024-04-01', '--columns', 'customerKey,monetary', '--out', target);
    expect(code).toBe(0);
    expect(stderr).toContain('columns customer=Note, order=Order ID, date=Sale Date, amount=Order Total');
    expect(csv(target)).toEqual([{ customerKey: 'b', monetary: '30.00' }, { customerKey: 'a', monetary: '20.00' }]);
  });

  it('writes cells Excel would run as formulas as text, and keeps numbers as numbers', async () => {
    const input = out('hostile.csv');
    writeFileSync(input, `Order,Customer,Date,Total,Currency\n1,"=HYPERLINK(""http://x"")",2024-01-05,10.00,USD\n2,@SUM(A1),2024-01-06,5.00,+EV\n3,-x,2024-01-07,-2.00,USD\n`);
    const target = out('safe.csv');
    const { code } = await cli('score', input, '--map', 'order=Order,customer=Customer,date=Date,amount=Total,currency=Currency', '--tz', 'UTC', '--as-of', '2024-02-01', '--columns', 'customerKey,monetary,currency', '--out', target);
    expect(code).toBe(0);
    const text = readFileSync(target, 'utf8');
    for (const line of text.trimEnd().split('\n').slice(1)) expect(line).not.toMatch(/(^|,)"?[=+@]/);
    expect(csv(target)).toEqual(expect.arrayContaining([
      { customerKey: "'=HYPERLINK(\"http://x\")", monetary: '10.00', currency: 'USD' },
      { customerKey: "'@SUM(A1)", monetary: '5.00', currency: "'+EV" },
    ]));
  });
});

describe('tiermark score of a big file, in threads', () => {
  /** A shop of `customers` buyers in three currencies, some with Chinese names and birthdays; the keys of those whose birthday is 1–3 days after 2024-06-01. */
  function shop(customers: number) {
    const rows = ['Order,Customer,Date,Total,Currency,Birthday,Status'];
    const birthdaySoon = new Set<string>();
    let order = 1000;
    let seed = 7;
    const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let c = 0; c < customers; c += 1) {
      const key = c % 5 === 0 ? `顾客${c}` : `buyer${c}@example.com`;
      const currency = ['USD', 'CNY', 'JPY'][c % 3]!;
      const soon = c % 11 === 0;
      const birthday = soon ? `1990-06-0${2 + (c % 3)}` : c % 4 === 0 ? '1985-12-24' : '';
      if (soon) birthdaySoon.add(key);
      for (let n = 1 + Math.floor(next() * 5); n > 0; n -= 1) {
        const day = new Date(Date.UTC(2022, 6, 1) + Math.floor(next() * 700) * 86_400_000).toISOString().slice(0, 10);
        const refund = next() < 0.05;
        const total = ((refund ? -1 : 1) * Math.round(next() * 50_000)) / 100;
        rows.push(`${(order += 1)},${key},${day},${currency === 'JPY' ? Math.round(total * 100) : total.toFixed(2)},${currency},${birthday},${refund ? 'Refunded' : 'Paid'}`);
      }
    }
    return { text: `${rows.join('\r\n')}\r\n`, birthdaySoon };
  }
  const map = ['--map', 'order=Order,customer=Customer,date=Date,amount=Total,currency=Currency,birthday=Birthday,status=Status', '--tz', 'Asia/Shanghai', '--as-of', '2024-06-01'];

  it('writes the same rows, in the same order, as scored on one thread', async () => {
    const { text, birthdaySoon } = shop(401);
    const input = out('big-shop.csv');
    writeFileSync(input, text);
    // Counted here: every distinct buyer of the file.
    const buyers = new Set(text.trimEnd().split('\r\n').slice(1).map((line) => line.split(',')[1]));
    for (const [name, extra] of [['rows.csv', ['--lang', 'zh-CN']], ['rows.json', []]] as const) {
      const [alone, threaded] = [out(name), out(name)];
      const one = await score(parseScoreArgs([input, ...map, ...extra, '--out', alone]), { threadsFrom: Infinity });
      // Odd sizes: the last batch is short, and the threads finish out of turn.
      const many = await score(parseScoreArgs([input, ...map, ...extra, '--out', threaded]), { threadsFrom: 0, threads: 2, threadBatch: 37 });
      expect([one.threads, many.threads]).toEqual([0, 2]);
      expect(one.text).toContain('rows rejected 0');
      expect(many.text).toBe(one.text);
      expect(readFileSync(threaded, 'utf8')).toBe(readFileSync(alone, 'utf8'));
      const rows: Array<Record<string, string>> = name.endsWith('.json') ? JSON.parse(readFileSync(threaded, 'utf8')) : Papa.parse<Record<string, string>>(readFileSync(threaded, 'utf8'), { header: true, skipEmptyLines: true }).data;
      expect(new Set(rows.map((row) => String(row.customerKey)))).toEqual(buyers);
      expect(rows).toHaveLength(buyers.size);
      // The birthdays went to the threads with their customers.
      const greeted = rows.filter((row) => /生日祝福|Birthday greeting/.test(String(row.followUps))).map((row) => String(row.customerKey));
      expect(new Set(greeted)).toEqual(new Set([...birthdaySoon].filter((key) => rows.some((row) => row.customerKey === key && Number(row.orderCount) >= 1))));
      expect(greeted.length).toBeGreaterThan(20);
    }
  }, 60_000);
});

describe('tiermark fit', () => {
  it('names the row and column of a bad summary, and the columns it expects', async () => {
    const bad = out('summary.csv');
    writeFileSync(bad, 'ID,frequency,recency,T\n1,2,30.43,38.86\n2,1,40,38.86\n');
    expect(await cli('fit', '--model', 'bgnbd', '--summary', bad)).toMatchObject({ code: 1, stderr: expect.stringContaining('row 3: recency (40) is after T (38.86)') });
    writeFileSync(bad, 'id,purchases\n1,2\n');
    expect((await cli('fit', '--model', 'bgnbd', '--summary', bad)).stderr).toContain('expected columns frequency,recency,T[,monetary_value] or x,t_x,T,zbar; found id, purchases');
    expect(await cli('fit', '--model', 'pareto', '--summary', bad)).toMatchObject({ code: 2, stderr: expect.stringContaining('fit needs --model bgnbd or --model gamma-gamma (got pareto)') });
    expect((await cli('fit', '--model', 'bgnbd', '--orders', bad)).stderr).toContain('--calibration-end');
  });

  const cdnow = sharedData('cdnow');
  it.skipIf(!cdnow.present)('fits the published CDNOW parameters from the summary and from the raw transactions', async () => {
    const bgnbd = JSON.parse((await cli('fit', '--model', 'bgnbd', '--summary', `${cdnow.path}/cdnow_customers_summary.csv`)).stdout);
    expect(bgnbd).toMatchObject({ model: 'bgnbd', customers: 2357 });
    expect(bgnbd.logLikelihood).toBeCloseTo(-9582.4256, 2);
    const close = (params: Record<string, number>, expected: Record<string, number>) => {
      for (const [key, value] of Object.entries(expected)) expect(Math.abs(params[key]! - value), key).toBeLessThan(0.015);
    };
    close(bgnbd.params, { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 });
    // The summary was made from CDNOW_sample.txt with the calibration ending 1997-09-30, in weeks.
    const reading = ['--no-header', '--delimiter', 'whitespace', '--map', 'customer=2,date=3,amount=5', '--date-format', 'yyyyMMdd', '--tz', 'UTC', '--calibration-end', '1997-09-30', '--unit', 'week'];
    const fromOrders = JSON.parse((await cli('fit', '--model', 'bgnbd', '--orders', `${cdnow.path}/CDNOW_sample.txt`, ...reading)).stdout);
    expect(fromOrders.customers).toBe(2357);
    close(fromOrders.params, { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 });
    const gg = JSON.parse((await cli('fit', '--model', 'gamma-gamma', '--orders', `${cdnow.path}/CDNOW_sample.txt`, ...reading)).stdout);
    expect(gg.customers).toBe(946);
    close(gg.params, { p: 6.25, q: 3.74, v: 15.44 });
  });
});

describe('tiermark rules check', () => {
  it('passes the shipped rules', async () => {
    const { code, stdout } = await cli('rules', 'check');
    expect(code).toBe(0);
    const shipped = readdirSync(join(ROOT, 'rules')).filter((name) => name.endsWith('.json') && name !== 'rules.schema.json').length;
    expect(stdout).toMatch(new RegExp(`^${shipped} rule files, \\d+ rules: no problems\n$`));
  });

  it('rejects each kind of mistake with the file, the JSON pointer, the fix and the line', async () => {
    const names = ['malformed', 'missing-event-type', 'unknown-fact', 'unknown-operator', 'wrong-value-type'];
    const { code, stdout } = await cli('rules', 'check', ...names.map((name) => join(FIXTURES, 'rules', `${name}.json`)));
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n').map((line) => line.slice(line.indexOf('rules/')));
    expect(lines).toEqual([
      'rules/malformed.json: /rules/0/conditions/all: malformed JSON at column 9: a comma before "]" (remove the trailing comma) (line 12)',
      'rules/missing-event-type.json: /rules/0/event: missing "type": one of "tier", "badge", "treatment", "follow-up" (line 14)',
      'rules/unknown-fact.json: /rules/0/conditions/all/0/fact: unknown fact "totalSpend"; did you mean "monetary" (Net spend, refunds deducted (shop currency))? (line 11)',
      expect.stringMatching(/^rules\/unknown-operator\.json: \/rules\/0\/conditions\/all\/0\/operator: unknown operator "atLeast"; the operators are: equal, .*greaterThanInclusive, between, hasTag \(line 11\)$/),
      'rules/wrong-value-type.json: /rules/0/conditions/all/0/value: "greaterThanInclusive" needs a number: write 1000, without quotes (line 11)',
    ]);
  });

  it('checks every rule file of a folder, and says how to use it', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tiermark-rules-'));
    writeFileSync(join(folder, 'a.json'), readFileSync(join(FIXTURES, 'rules', 'unknown-operator.json')));
    writeFileSync(join(folder, 'rules.schema.json'), '{}');
    const { code, stdout } = await cli('rules', 'check', folder);
    expect(code).toBe(1);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect((await cli('rules', 'lint')).code).toBe(2);
  });
});
