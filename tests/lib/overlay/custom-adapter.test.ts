import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { customFinder, refOf, withIdentifiers } from '../../../lib/overlay/custom-adapter';
import { identifierFinder } from '../../../lib/overlay/identifiers';
import { customAdapterMatches, customAdapterProblems, originOf } from '../../../lib/sites';

const adapter = { id: 'a', urlPattern: 'https://erp.example.com/orders*', rowSelector: 'tr.o', identifierSelector: '.no', regex: '单号[:：](\\d+)' };

describe('a console the seller describes', () => {
  it('finds its rows and reads the identifier through the pattern', () => {
    const { document } = parseHTML('<table><tr class="o"><td class="no">单号：2847561230001</td></tr><tr class="o"><td class="no">—</td></tr></table>');
    const finder = customFinder(adapter);
    const rows = [...finder.targets(document.querySelector('table')!)];
    expect(rows.map((row) => finder.refs(row))).toEqual([[{ kind: 'order', value: '2847561230001' }], []]);
    expect((finder.anchor(rows[0]!) as Element).getAttribute('class')).toBe('no');
  });

  it('reads the identifier from an attribute the seller names: a link target by its query, or through the pattern', () => {
    const { document } = parseHTML('<ul><li class="o"><a class="open" href="/order/detail?oid=2847561230001&tab=1">打开</a></li><li class="o"><a class="open" title="买家 lily_2019">…</a></li></ul>');
    const rows = [...document.querySelectorAll('li')];
    const byHref = customFinder({ ...adapter, rowSelector: 'li.o', identifierSelector: 'a.open', identifierAttribute: 'href', regex: undefined });
    expect(byHref.refs(rows[0]!)).toEqual([{ kind: 'order', value: '2847561230001' }]);
    expect(byHref.attributes).toEqual(['href']);
    const byTitle = customFinder({ ...adapter, rowSelector: 'li.o', identifierSelector: 'a.open', identifierAttribute: 'title', regex: '买家 (\\S+)' });
    expect(byTitle.refs(rows[1]!)).toEqual([{ kind: 'id', value: 'lily_2019' }]);
    expect(customAdapterProblems({ ...adapter, identifierAttribute: 'data order' }, ['https://erp.example.com'], document).map((p) => p.en)).toEqual([
      '"data order" is not an attribute name; write one such as href, title or data-order-id, or leave it empty to read the text.',
    ]);
  });

  it('keeps badges’ places ahead for the described rows only, not for identifiers in the page around them', () => {
    const { document } = parseHTML('<div><p class="note">退款 2847561230009</p><table><tr class="o"><td class="no">单号：2847561230001</td></tr></table></div>');
    const finder = withIdentifiers(customFinder(adapter), adapter.rowSelector, identifierFinder());
    const targets = [...finder.targets(document.querySelector('div')!)];
    expect(targets.filter((target) => finder.keepsPlace?.(target)).map((target) => target.className)).toEqual(['o']);
    expect(targets.filter((target) => !finder.keepsPlace?.(target)).map((target) => target.className)).toEqual(['note']);
  });

  it('tells emails, order numbers and buyer ids apart', () => {
    expect([refOf('a@b.cn'), refOf('#1001'), refOf('茶友小王')].map((r) => r.kind)).toEqual(['email', 'order', 'id']);
  });

  it('matches its pages by prefix with * and names each mistake', () => {
    expect(customAdapterMatches(adapter, 'https://erp.example.com/orders?page=2')).toBe(true);
    expect(customAdapterMatches(adapter, 'https://erp.example.com/goods')).toBe(false);
    const { document } = parseHTML('<p></p>');
    const problems = customAdapterProblems({ ...adapter, urlPattern: 'https://other.example.org/*', rowSelector: 'tr[', regex: '(' }, ['https://erp.example.com'], document);
    expect(problems.map((p) => p.en)).toEqual([
      'The pages must be on a site you switched on (https://erp.example.com).',
      'Row selector "tr[" is not a CSS selector, e.g. "tr.order-row" or ".buyer-id".',
      '"(" is not a regular expression; use one group for the identifier, e.g. "单号[:：](\\d+)".',
    ]);
    expect(problems.map((p) => p['zh-CN'])).toEqual([
      '页面必须在已开启的网站上（https://erp.example.com）。',
      '行选择器 "tr[" 不是 CSS 选择器，可以写成 "tr.order-row" 或 ".buyer-id" 这样。',
      '"(" 不是正则表达式；请用一个分组括出标识，例如 "单号[:：](\\d+)"。',
    ]);
    expect(customAdapterProblems(adapter, ['https://erp.example.com'], document)).toEqual([]);
    expect(originOf('erp.example.com/orders')).toBe('https://erp.example.com');
    expect(originOf('ftp://x')).toBeNull();
  });
});
