import { describe, expect, it } from 'vitest';
import adapter from '../../../plugins/sites/douyin-orders';
import { fixtureRows } from './site-helpers';

describe('douyin-orders', () => {
  const rows = fixtureRows(adapter, 'order-list.html');

  it('reads the order number and the buyer from the columns headed 订单编号 and 用户ID', () => {
    expect(rows.map((row) => adapter.extract(row))).toEqual([
      [{ kind: 'order', value: '6921000000000001' }, { kind: 'id', value: '88001001' }],
      [{ kind: 'order', value: '6921000000000002' }, { kind: 'id', value: '88001001' }],
      // A masked buyer names nobody.
      [{ kind: 'order', value: '6921000000000099' }],
    ]);
  });

  it('anchors the badge after the order number', () => {
    expect(adapter.anchor(rows[0]!)?.textContent).toBe('6921000000000001');
  });
});
