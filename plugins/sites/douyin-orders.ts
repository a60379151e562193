import { cellByHeader, defineSiteAdapter, tableRowRefs } from '../../lib/overlay/site-adapter';

const ORDER_HEADERS = ['订单编号', '主订单编号', '订单号'];
const BUYER_HEADERS = ['用户ID', '买家ID', '买家昵称', '用户昵称'];
const HEADERS = { order: ORDER_HEADERS, buyer: BUYER_HEADERS };

/**
 * 抖店 (Douyin shop) order management: 订单 → 订单管理. A single-page app (a Garfish micro-frontend
 * under #__GARFISH_SSR_ECOM_FXG_ADMIN_DOM) that fetches its orders as JSON (/api/order/searchlist)
 * and renders them, reusing the rows on paging and search: the rows are found by the table's row
 * keys and their cells by header label (tests/fixtures/sites/douyin-orders/SOURCE.md).
 */
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
  // Buyers are often masked (陈**).
  extract: (row) => tableRowRefs(row, HEADERS, /\d{12,20}/),
  // After the order number's own element, so the badge stays on its line.
  anchor: (row) => {
    const cell = cellByHeader(row, ORDER_HEADERS);
    return cell?.querySelector('span') ?? cell?.lastElementChild ?? null;
  },
});
