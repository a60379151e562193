import { cellByHeader, defineSiteAdapter, type Ref } from '../../lib/overlay/site-adapter';

const ORDER_HEADERS = ['订单编号', '主订单编号', '订单号'];
const BUYER_HEADERS = ['用户ID', '买家ID', '买家昵称', '用户昵称'];

/** 抖店 (Douyin shop) order management: 订单 → 订单管理. */
export default defineSiteAdapter({
  id: 'douyin-orders',
  platform: 'douyin',
  matches: ['https://fxg.jinritemai.com/*'],
  testUrls: {
    pages: ['https://fxg.jinritemai.com/ffa/morder/order/list', 'https://fxg.jinritemai.com/ffa/morder/order/list?tab=stock_up'],
    notPages: ['https://fxg.jinritemai.com/ffa/morder/order/detail?id=6921000000000001', 'https://fxg.jinritemai.com/ffa/mshop/homepage/index'],
  },
  isPage: (url) => url.hostname === 'fxg.jinritemai.com' && url.pathname.startsWith('/ffa/morder/order/list'),
  // One table row per order (fxg.jinritemai.com/ffa/morder/order/list): the table keys each row with
  // `data-row-key`; columns are found by their headers (订单编号, 用户ID or 买家昵称).
  rows: 'tr[data-row-key]',
  extract(row) {
    const refs: Ref[] = [];
    const order = cellByHeader(row, ORDER_HEADERS)?.textContent?.match(/\d{12,20}/)?.[0];
    if (order) refs.push({ kind: 'order', value: order });
    // Buyers are often masked (陈**); a masked value names nobody.
    const buyer = cellByHeader(row, BUYER_HEADERS)?.textContent?.trim();
    if (buyer && !buyer.includes('*')) refs.push({ kind: 'id', value: buyer });
    return refs;
  },
  // After the order number's own element, so the badge stays on its line.
  anchor: (row) => {
    const cell = cellByHeader(row, ORDER_HEADERS);
    return cell?.querySelector('span') ?? cell?.lastElementChild ?? null;
  },
});
