import { describe, expect, it } from 'vitest';
import { parseMoneyMinor } from '../../../lib/money';
import { importToMemory } from '../../../lib/import/collect';
import { chunked, inEnglish } from '../../helpers';
import type { StreamSettings } from '../../../lib/import/stream';
import { textIn } from '../../../lib/localised';

const mapping = { order: 'Order', customer: 'Customer', date: 'Date', amount: 'Total', quantity: 'Qty' };

async function load(text: string, settings: StreamSettings = {}) {
  return importToMemory(chunked(new TextEncoder().encode(text), 64), { format: 'generic', mapping, ...settings });
}

describe('amounts', () => {
  it('reads either decimal mark exactly, with currency signs, codes and groups', () => {
    const cases: Array<[string, '.' | ',', number | null]> = [
      ['178.8', '.', 17880],
      ['1,234.50', '.', 123450],
      ['1 234.50', '.', 123450],
      ["1'234.50", '.', 123450],
      ['US$ 1,234.50', '.', 123450],
      ['-$3.50', '.', -350],
      ['$-3.50', '.', -350],
      ['(3.50)', '.', -350],
      ['¥12.00', '.', 1200],
      ['30元', '.', 3000],
      ['12.00 USD', '.', 1200],
      ['1.234,50', ',', 123450],
      ['12,50 €', ',', 1250],
      ['R$ 1.234,56', ',', 123456],
      ['1\u00a0234,50', ',', 123450],
      ['1\u202f234,50', ',', 123450],
      ['-1.234,5', ',', -123450],
      ['0,125', ',', 13],
      // Never a different number in silence.
      ['1.234,50', '.', null],
      ['12.50', ',', null],
      ['1,2,3', '.', null],
      ['12-', '.', null],
      ['1,23,4.00', '.', null],
      ['--5', '.', null],
      ['12 34', '.', null],
      ['1.2.3', ',', null],
      ['abc', '.', null],
    ];
    for (const [cell, mark, minor] of cases) expect(parseMoneyMinor(cell, 2, mark), `${cell} with "${mark}"`).toBe(minor);
    expect(parseMoneyMinor('1.234', 0, ',')).toBe(1234);
  });

  it('decides a column\'s decimal mark from its own values and says which it used', async () => {
    // A German shop's export, semicolon-separated: "1.234" is a thousand and more here.
    const text = 'Order;Customer;Date;Total;Qty\n1;a@x.de;2024-03-01;1.234;1\n2;b@x.de;2024-03-02;12,50;2\n3;a@x.de;2024-03-03;1.000.000,00;1\n4;c@x.de;2024-03-04;7;1\n';
    const { report, orders } = await load(text);
    expect(report).toMatchObject({ rowsRead: 4, rowsImported: 4, rowsRejected: 0 });
    expect([...orders.values()].map((o) => o.totalMinor)).toEqual([123400, 1250, 100000000, 700]);
    expect(report.decimalMarks).toEqual([{ column: 'Total', mark: ',', row: 3, example: '12,50' }]);
  });

  it('refuses a cell that could be read either way when nothing in its column decides', async () => {
    const text = 'Order,Customer,Date,Total,Qty\n1,a@x.com,2024-03-01,12,1\n2,b@x.com,2024-03-02,"1,234",1\n3,c@x.com,2024-03-03,9,1\n';
    const { report, orders } = await load(text);
    expect(report).toMatchObject({ rowsRead: 3, rowsImported: 2, rowsRejected: 1 });
    expect(inEnglish(report.rejections)[0]).toEqual({
      row: 3,
      reason:
        'column "Total": "1,234" could be 1234 or 1.234, and no other amount in this column shows whether "." or "," is its decimal mark. Write it as 1234.00 or 1.234, or fix the column in the export.',
    });
    expect([...orders.values()].map((o) => o.totalMinor)).toEqual([1200, 900]);
  });

  it('refuses a cell written in the other convention from its column, naming the row that showed the column\'s', async () => {
    const text = 'Order,Customer,Date,Total,Qty\n1,a@x.com,2024-03-01,"1,234.50",1\n2,b@x.com,2024-03-02,"1.234,50",1\n3,b@x.com,2024-03-02,"1,2,3",1\n4,b@x.com,2024-03-02,12-,1\n5,b@x.com,2024-03-02,5.00,"1,5"\n';
    const { report } = await load(text);
    expect(report).toMatchObject({ rowsRead: 5, rowsImported: 2, rowsRejected: 3 });
    expect(report.rejections.map((r) => r.row)).toEqual([3, 4, 5]);
    expect(textIn(report.rejections[0]!.reason, 'en')).toBe('column "Total": "1.234,50" is not an amount (this column writes numbers like "1,234.50", row 2, with "." before the decimals)');
    expect(textIn(report.rejections[2]!.reason, 'en')).toMatch(/^column "Total": "12-" is not an amount/);
  });

  it('reads quantities with the column\'s mark and refuses "1,2,3"', async () => {
    const text = 'Order,Customer,Date,Price,Qty\n1,a@x.com,2024-03-01,2.00,"1,5"\n2,a@x.com,2024-03-02,2.00,"1,2,3"\n3,a@x.com,2024-03-03,2.00,3\n';
    const { report, orders } = await load(text, { mapping: { order: 'Order', customer: 'Customer', date: 'Date', price: 'Price', quantity: 'Qty' } });
    expect(inEnglish(report.rejections)).toEqual([{ row: 3, reason: 'column "Qty": "1,2,3" is not a quantity (this column writes numbers like "1,5", row 2, with "," before the decimals)' }]);
    expect([...orders.values()].map((o) => o.totalMinor)).toEqual([300, 600]);
  });
});

describe('header names', () => {
  it('warns when two columns share a name, naming both and the one read', async () => {
    const text = 'Order,Customer,Date,Total,Qty,total\n1,a@x.com,2024-03-01,5.00,1,7.00\n';
    const { report, orders } = await load(text);
    expect(report.warnings.map((w) => w.en)).toContain(
      'Columns D and F are both named "Total": column D is read and column F is not. Rename one in the export if F is the one that holds the figures.',
    );
    expect(orders.get('generic:1')!.totalMinor).toBe(500);
  });
});
