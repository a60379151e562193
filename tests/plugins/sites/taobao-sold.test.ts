import { describe, expect, it } from 'vitest';
import adapter from '../../../plugins/sites/taobao-sold';
import { fixtureRows, htmlRows } from './site-helpers';

describe('taobao-sold', () => {
  const rows = fixtureRows(adapter, 'list_sold_items.html');

  it('finds one row per order, with its order number and the buyer’s member name from the chat link', () => {
    expect(rows).toHaveLength(4);
    expect(rows.map((row) => adapter.extract(row))).toEqual([
      [{ kind: 'order', value: '2847561230001' }, { kind: 'id', value: '茶友小王' }],
      [{ kind: 'order', value: '2847561230003' }, { kind: 'id', value: 'lily_2019' }],
      [{ kind: 'order', value: '2847561230005' }, { kind: 'id', value: '张三丰' }],
      [{ kind: 'order', value: '3920000000000001' }, { kind: 'id', value: '过路客' }],
    ]);
  });

  it('anchors the badge on the buyer’s chat link', () => {
    expect(adapter.anchor(rows[0]!)?.getAttribute('class')).toBe('ww-inline ww-online');
  });

  it('gives no refs for a row without an order number or buyer', () => {
    const [empty] = htmlRows(adapter, '<div class="trade-order-main"><p>加载中…</p></div>');
    expect(adapter.extract(empty!)).toEqual([]);
    expect(adapter.anchor(empty!)).toBeNull();
  });
});
