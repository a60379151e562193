import { defineSiteAdapter, linkParam, textMatch, type Ref } from '../../lib/overlay/site-adapter';

// The buyer's chat (旺旺) link carries the buyer's member name: amos.alicdn.com/getcid.aw?uid=… on
// 已卖出的宝贝, www.taobao.com/webww/ww.php?touid=… on older pages and 千牛.
const BUYER_LINK = 'a[href*="amos.alicdn.com"], a[href*="ww.php"], a[href*="webww"]';
// "订单号：2847561230001" in each order's head row; order numbers are 15–19 digits today, older ones shorter.
const ORDER_NUMBER = /订单号[：:]\s*(\d{10,20})/;

/** The buyer's 旺旺 link in an element of a Taobao console, with the member name it carries (also read by qianniu-sold). */
export const taobaoBuyer = (element: Element) => linkParam(element, BUYER_LINK, ['uid', 'touid']);

/** The order number after 订单号 in an element's text. */
export const taobaoOrderNumber = (element: Element) => textMatch(element, ORDER_NUMBER);

// What public scripts written against the live page read (tests/fixtures/sites/taobao-sold/SOURCE.md):
// each order's checkbox `input[name="orderid"]` holds its number, as does the `$…` of the order
// div's React id (`.0.4.3:$2847561230001`); the buyer is `a.buyer-mod__name___S9vit`.
const ORDER_INPUT = 'input[name="orderid"]';
const BUYER_NAME = '[class*="buyer-mod__name"]';

/** The order number of an order div: its checkbox's value, its React id, or the text after 订单号. */
function soldOrderNumber(row: Element): string | null {
  const input = row.querySelector<HTMLInputElement>(ORDER_INPUT)?.getAttribute('value') ?? '';
  if (/^\d{8,20}$/.test(input)) return input;
  const reactId = /\$(\d{8,20})$/.exec(row.getAttribute('data-reactid') ?? '')?.[1];
  return reactId ?? taobaoOrderNumber(row);
}

/** The buyer's member name: from the 旺旺 link, else the name the row shows. */
function soldBuyer(row: Element): { anchor: Element; value: string } | null {
  const chat = taobaoBuyer(row);
  if (chat) return { anchor: chat.link, value: chat.value };
  const name = row.querySelector(BUYER_NAME);
  const value = name?.textContent?.trim() ?? '';
  return name && value ? { anchor: name, value } : null;
}

/**
 * Taobao and Tmall 已卖出的宝贝 (sold items), the seller's order list. A React page that fetches
 * its orders and renders them, reusing the order divs on paging: the overlay re-reads a div
 * whose text or attributes change.
 */
export default defineSiteAdapter({
  id: 'taobao-sold',
  platform: 'taobao',
  matches: ['https://trade.taobao.com/trade/itemlist/*', 'https://trade.tmall.com/trade/itemlist/*'],
  testUrls: {
    pages: [
      'https://trade.taobao.com/trade/itemlist/list_sold_items.htm',
      'https://trade.taobao.com/trade/itemlist/list_sold_items.htm?action=itemlist/SoldQueryAction&tabCode=waitSend',
      'https://trade.tmall.com/trade/itemlist/list_sold_items.htm?t=1',
    ],
    notPages: ['https://trade.taobao.com/trade/itemlist/list_bought_items.htm', 'https://trade.taobao.com/detail/orderDetail.htm?bizOrderId=1'],
  },
  isPage: (url) => /^trade\.(taobao|tmall)\.com$/.test(url.hostname) && url.pathname.startsWith('/trade/itemlist/list_sold_items'),
  // One `div.trade-order-main` per order (list_sold_items.htm): the one class the React rewrite kept
  // unhashed; the rows inside are `suborder-mod__item___<hash>`.
  rows: 'div.trade-order-main',
  extract(row) {
    const refs: Ref[] = [];
    const order = soldOrderNumber(row);
    if (order) refs.push({ kind: 'order', value: order });
    const buyer = soldBuyer(row);
    if (buyer) refs.push({ kind: 'id', value: buyer.value });
    return refs;
  },
  // After the buyer: the chat link beside the name, or the name itself.
  anchor: (row) => soldBuyer(row)?.anchor ?? null,
});
