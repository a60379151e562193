import { describe, expect, it } from 'vitest';
import adapter from '../../../plugins/sites/qianniu-sold';
import { fixtureRows, htmlRows } from './site-helpers';

describe('qianniu-sold', () => {
  const rows = fixtureRows(adapter, 'sold.html');

  it('finds one row per order head, with its order number and the buyer from the chat link in its first item row', () => {
    expect(rows).toHaveLength(4);
    expect(rows.map((row) => adapter.extract(row))).toEqual([
      [{ kind: 'order', value: '2847561230001' }, { kind: 'id', value: '茶友小王' }],
      // A masked buyer with no link: the order number alone.
      [{ kind: 'order', value: '2847561230003' }],
      [{ kind: 'order', value: '2847561230005' }, { kind: 'id', value: '张三丰' }],
      [{ kind: 'order', value: '3920000000000002' }, { kind: 'id', value: '过路客' }],
    ]);
  });

  it('anchors the badge on the buyer’s chat link, or on the order number when the buyer is masked', () => {
    expect(adapter.anchor(rows[0]!)?.textContent).toBe('旺旺');
    expect(adapter.anchor(rows[1]!)?.textContent).toBe('2847561230003');
  });

  it('does not take the next order’s buyer for an order whose buyer cell is missing', () => {
    const [head] = htmlRows(
      adapter,
      '<table><tbody><tr class="next-table-group-header"><td><span>订单号：</span><span>2847561230010</span></td></tr><tr class="next-table-group-header"><td>订单号：2847561230011</td></tr><tr class="next-table-row"><td><a href="https://amos.alicdn.com/getcid.aw?uid=someone">旺旺</a></td></tr></tbody></table>',
    );
    expect(adapter.extract(head!)).toEqual([{ kind: 'order', value: '2847561230010' }]);
  });
});
