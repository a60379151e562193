import { describe, expect, it } from 'vitest';
import adapter from '../../../plugins/sites/shopify-admin';
import { fixtureRows, htmlRows } from './site-helpers';

describe('shopify-admin', () => {
  const rows = fixtureRows(adapter, 'orders.html');

  it('finds one row per order with its name, and the customer from the column headed Customer', () => {
    expect(rows.map((row) => adapter.extract(row))).toEqual([
      [{ kind: 'order', value: '#1001' }, { kind: 'name', value: 'Ada Lovelace' }],
      [{ kind: 'order', value: '#1003' }, { kind: 'name', value: 'Grace Hopper' }],
      [{ kind: 'order', value: '#1007' }, { kind: 'name', value: 'Linus T' }],
      [{ kind: 'order', value: '#1099' }, { kind: 'name', value: 'Someone New' }],
      // An order without a customer shows a dash: no name to look up.
      [{ kind: 'order', value: '#1005' }],
    ]);
  });

  it('finds the live IndexTable’s rows by their Polaris class, with prefixed order names, and tells customer rows by their link', () => {
    const found = htmlRows(
      adapter,
      '<table><thead><tr><th>Order</th><th>Customer</th></tr></thead><tbody>' +
        '<tr class="Polaris-Table-TableRow__Selectable"><td><a href="/store/x/orders/9001"><span>#BG7228</span></a></td><td><span>Ada Lovelace</span></td></tr>' +
        '<tr class="Polaris-Table-TableRow__Selectable"><td><a href="/store/x/customers/77">Grace Hopper</a></td><td>grace@example.com</td></tr>' +
        '</tbody></table>',
    );
    expect(found.map((row) => adapter.extract(row))).toEqual([
      [{ kind: 'order', value: '#BG7228' }, { kind: 'name', value: 'Ada Lovelace' }],
      [{ kind: 'email', value: 'grace@example.com' }, { kind: 'name', value: 'Grace Hopper' }],
    ]);
    expect(adapter.anchor(found[1]!)?.getAttribute('href')).toBe('/store/x/customers/77');
  });

  it('anchors the badge on the order link', () => {
    expect(adapter.anchor(rows[0]!)?.getAttribute('href')).toBe('/store/tea-house/orders/5550001');
  });

  it('reads the customer’s email from the order page’s customer card', () => {
    const [link, ...more] = fixtureRows(adapter, 'order-1003.html');
    expect(more).toEqual([]);
    expect(adapter.extract(link!)).toEqual([{ kind: 'email', value: 'grace@example.com' }]);
    expect(adapter.anchor(link!)).toBe(link);
  });

  it('reads the customers list: email when shown, and the name', () => {
    expect(fixtureRows(adapter, 'customers.html').map((row) => adapter.extract(row))).toEqual([
      [{ kind: 'email', value: 'ada@example.com' }, { kind: 'name', value: 'Ada Lovelace' }],
      [{ kind: 'name', value: 'Walk In' }],
    ]);
  });
});
