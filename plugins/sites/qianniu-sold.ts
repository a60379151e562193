import { defineSiteAdapter, type Ref } from '../../lib/overlay/site-adapter';
import { taobaoBuyer, taobaoOrderNumber } from './taobao-sold';

// A Fusion (next-table) grouped table: one group-header row per order, its item rows after it.
const ORDER_HEAD = 'tr.next-table-group-header';
const ITEM_ROW = 'tr.next-table-row';

/** The buyer's 旺旺 link in the order's item rows: the rows after its head, up to the next order's head. */
function buyerLink(head: Element) {
  for (let row = head.nextElementSibling; row && !row.matches(ORDER_HEAD); row = row.nextElementSibling) {
    const found = row.matches(ITEM_ROW) ? taobaoBuyer(row) : null;
    if (found) return found;
  }
  return null;
}

/** 千牛卖家工作台 已卖出的宝贝 (myseller.taobao.com and qn.taobao.com), the React rewrite of the sold-items list. */
export default defineSiteAdapter({
  id: 'qianniu-sold',
  platform: 'taobao',
  matches: ['https://myseller.taobao.com/home.htm/trade-platform/*', 'https://qn.taobao.com/home.htm/trade-platform/*'],
  testUrls: {
    pages: [
      'https://myseller.taobao.com/home.htm/trade-platform/tp/sold',
      'https://myseller.taobao.com/home.htm/trade-platform/tp/sold?tabCode=waitSend',
      'https://qn.taobao.com/home.htm/trade-platform/tp/sold',
    ],
    notPages: ['https://myseller.taobao.com/home.htm/trade-platform/tp/refund', 'https://myseller.taobao.com/home.htm/QnworkbenchHome/'],
  },
  isPage: (url) => /^(myseller|qn)\.taobao\.com$/.test(url.hostname) && url.pathname.startsWith('/home.htm/trade-platform/tp/sold'),
  // One group-header row per order (tp/sold): it holds 订单号; the buyer's cell is in the order's first item row.
  rows: ORDER_HEAD,
  extract(head) {
    const refs: Ref[] = [];
    const order = taobaoOrderNumber(head);
    if (order) refs.push({ kind: 'order', value: order });
    const buyer = buyerLink(head);
    if (buyer) refs.push({ kind: 'id', value: buyer.value });
    return refs;
  },
  // After the buyer's chat link; when the buyer's cell is not there, after the order number.
  anchor: (head) => buyerLink(head)?.link ?? ([...head.querySelectorAll('span')].find((span) => /^\d{10,20}$/.test(span.textContent?.trim() ?? '')) ?? null),
});
