import { describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import { candidates, identifierFinder } from '../../../lib/overlay/identifiers';
import type { Ref } from '../../../lib/overlay/site-adapter';

describe('identifiers in page text', () => {
  it('finds emails, order numbers (with and without #) and a short text as a buyer id', () => {
    expect(candidates('Order #5001 for Marie.Curie@Example.org')).toEqual([
      { kind: 'email', value: 'Marie.Curie@Example.org' },
      { kind: 'order', value: '#5001' },
      { kind: 'order', value: '5001' },
    ]);
    expect(candidates(' 茶友小王 ')).toEqual([{ kind: 'id', value: '茶友小王' }]);
    expect(candidates('2847561230001')).toEqual([{ kind: 'order', value: '2847561230001' }, { kind: 'id', value: '2847561230001' }]);
    // Prices and short numbers are not order numbers.
    expect(candidates('共 3 件，合计 ￥256.00 元，请于 12 日前发货').filter((ref) => ref.kind === 'order')).toEqual([]);
  });

  it('never takes a year, a date, a time, a price, a quantity or part of a longer number for an order number', () => {
    const orders = (text: string, context = {}) => candidates(text, context).filter((ref) => ref.kind === 'order').map((ref) => ref.value);
    for (const text of [
      '2024-05-01 10:15:00', '2025/01/31', '下单时间 2024年5月1日', '12:30:45', '¥2024.00', '￥ 2041', '$1,234.50', '1,234,567',
      '数量 ×2024', 'x 2025', '2024元', '3件', '2024 年', 'v2.4001', '13800138000123456789012', '共 2031 件',
    ]) {
      expect(orders(text), text).toEqual([]);
    }
    // Short numbers alone are not orders; with a label, a # or a link they are.
    expect(orders('2041')).toEqual([]);
    expect(orders('订单号：2041')).toEqual(['2041']);
    expect(orders('Order No. 2041')).toEqual(['2041']);
    expect(orders('Commande n° 2041')).toEqual(['2041']);
    expect(orders('#2041')).toEqual(['#2041', '2041']);
    expect(orders('2041', { link: true })).toEqual(['2041']);
    expect(orders('2041', { orderColumn: true })).toEqual(['2041']);
    expect(orders('2024-05-01', { orderColumn: true })).toEqual([]);
    // Long numbers need no label.
    expect(orders('2847561230001 已发货')).toEqual(['2847561230001']);
    expect(candidates('2024').map((ref) => ref.kind)).toEqual([]);
  });

  it('finds identifiers split across elements, in link targets, mailto links and titles, badging after the content', () => {
    const shop: Ref[] = [
      { kind: 'order', value: '38612041001' },
      { kind: 'order', value: '2847561230005' },
      { kind: 'email', value: 'marie@example.org' },
      { kind: 'id', value: 'lily_2019' },
      { kind: 'order', value: '2041' },
      { kind: 'order', value: '2024' },
    ];
    const { document } = parseHTML(`<html><body><table>
      <thead><tr><th>日期</th><th>订单号</th><th>买家</th><th>金额</th></tr></thead>
      <tbody>
        <tr id="split"><td>2024-05-01</td><td>订单号 <span>3861</span><span>2041</span><span>001</span></td><td>张三</td><td>¥2024.00</td></tr>
        <tr id="link"><td>2024-05-02</td><td><a href="/order/detail?oid=2847561230005">详情</a></td><td><a href="mailto:marie@example.org">✉</a></td><td>¥20.00</td></tr>
        <tr id="title"><td>2024-05-03</td><td><span title="lily_2019">买家</span></td><td>2041</td><td>2 件</td></tr>
        <tr id="years"><td>2024-06-01</td><td>—</td><td>2024</td><td>¥2024.00</td></tr>
      </tbody></table></body></html>`);
    const finder = identifierFinder();
    // Every word that could be an identifier is a target; the badge index then keeps the shop's.
    const isShops = (ref: Ref) => shop.some((known) => known.kind === ref.kind && known.value === ref.value);
    const found = [...finder.targets(document.body)]
      .map((holder) => [holder.closest('tr')!.id, holder.tagName, finder.refs(holder).filter(isShops)] as const)
      .filter(([, , refs]) => refs.length > 0);
    expect(found).toEqual([
      ['split', 'TD', [{ kind: 'order', value: '38612041001' }]],
      ['link', 'TD', [{ kind: 'order', value: '2847561230005' }]],
      ['link', 'TD', [{ kind: 'email', value: 'marie@example.org' }]],
      ['title', 'TD', [{ kind: 'id', value: 'lily_2019' }]],
      // Nothing from the years, prices and the short numbers outside the 订单号 column, though 2024 and 2041 are the shop's order numbers.
    ]);
    // The badge goes after the cell's content: after the link, never inside it.
    const link = document.querySelector('#link td:nth-child(2)')!;
    expect(finder.anchor(link)).toBe(link.querySelector('a'));
    expect(finder.row!(link)).toBe(document.querySelector('#link'));
  });
});
