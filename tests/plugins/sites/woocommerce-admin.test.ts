import { describe, expect, it } from 'vitest';
import adapter from '../../../plugins/sites/woocommerce-admin';
import { fixtureRows, htmlRows } from './site-helpers';

describe('woocommerce-admin', () => {
  const rows = fixtureRows(adapter, 'orders.html');

  it('reads the order number, billing name and email of each row of the orders list', () => {
    expect(rows.map((row) => adapter.extract(row))).toEqual([
      [{ kind: 'order', value: '5001' }, { kind: 'name', value: 'Marie Curie' }, { kind: 'email', value: 'marie@example.org' }],
      [{ kind: 'order', value: '5003' }, { kind: 'name', value: 'Pierre Curie' }, { kind: 'email', value: 'pierre@example.org' }],
      [{ kind: 'order', value: '6100' }, { kind: 'name', value: 'New Buyer' }, { kind: 'email', value: 'new@example.org' }],
    ]);
    expect(adapter.anchor(rows[0]!)?.textContent).toBe('#5001 Marie Curie');
  });

  it('reads the billing email on an order edit page', () => {
    const [link] = htmlRows(adapter, '<div id="order_data"><div class="order_data_column"><p><strong>Email address:</strong> <a href="mailto:marie@example.org">marie@example.org</a></p></div></div>');
    expect(adapter.extract(link!)).toEqual([{ kind: 'email', value: 'marie@example.org' }]);
    expect(adapter.anchor(link!)).toBe(link);
  });
});
