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

  it('reads the order number from the checkbox or the React id, and the buyer from the name link, where the page has no 订单号 text or chat link', () => {
    const [fromInput, fromReact] = htmlRows(
      adapter,
      '<div class="trade-order-main" data-reactid=".0.4.3:$2847561230005"><input type="checkbox" name="orderid" value="2847561230003"><p><a class="buyer-mod__name___S9vit">lily_2019</a></p></div>' +
        '<div class="item-mod__trade-order___2LnGB trade-order-main" data-reactid=".0.4.3:$2847561230005"><div class="buyer-mod__buyer___3NRwJ"><p><a class="buyer-mod__name___XyZ12">张三丰</a></p></div></div>',
    );
    expect(adapter.extract(fromInput!)).toEqual([{ kind: 'order', value: '2847561230003' }, { kind: 'id', value: 'lily_2019' }]);
    expect(adapter.extract(fromReact!)).toEqual([{ kind: 'order', value: '2847561230005' }, { kind: 'id', value: '张三丰' }]);
    expect(adapter.anchor(fromReact!)?.textContent).toBe('张三丰');
  });

  it('gives no refs for a row without an order number or buyer', () => {
    const [empty] = htmlRows(adapter, '<div class="trade-order-main"><p>加载中…</p></div>');
    expect(adapter.extract(empty!)).toEqual([]);
    expect(adapter.anchor(empty!)).toBeNull();
  });
});
