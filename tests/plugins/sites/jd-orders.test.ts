import { describe, expect, it } from 'vitest';
import adapter from '../../../plugins/sites/jd-orders';
import { fixtureRows, htmlRows } from './site-helpers';

describe('jd-orders', () => {
  const rows = fixtureRows(adapter, 'orderlist.html');

  it('reads the order number and the buyer account from the columns headed 订单号 and 下单账号', () => {
    expect(rows.map((row) => adapter.extract(row))).toEqual([
      [{ kind: 'order', value: '301234567890' }, { kind: 'id', value: 'jd_zhangwei' }],
      [{ kind: 'order', value: '301234567891' }, { kind: 'id', value: 'jd_zhangwei' }],
      // A masked account names nobody: only the order number is looked up.
      [{ kind: 'order', value: '309999999999' }],
    ]);
  });

  it('anchors the badge after the account', () => {
    expect(adapter.anchor(rows[0]!)?.textContent).toBe('jd_zhangwei');
  });

  it('finds the columns wherever the seller has moved them', () => {
    const [moved] = htmlRows(adapter, '<table><thead><tr><th>下单帐号</th><th>订单编号</th></tr></thead><tbody><tr data-row-key="1"><td><span>jd_li</span></td><td>301234567899</td></tr></tbody></table>');
    expect(adapter.extract(moved!)).toEqual([{ kind: 'order', value: '301234567899' }, { kind: 'id', value: 'jd_li' }]);
  });
});
