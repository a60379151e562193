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

/** Taobao and Tmall 已卖出的宝贝 (sold items), the seller's order list. */
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
    const order = taobaoOrderNumber(row);
    if (order) refs.push({ kind: 'order', value: order });
    const buyer = taobaoBuyer(row);
    if (buyer) refs.push({ kind: 'id', value: buyer.value });
    return refs;
  },
  // After the buyer's name: the chat link sits right beside it.
  anchor: (row) => taobaoBuyer(row)?.link ?? null,
});
