import { cellByHeader, defineSiteAdapter, tableRowRefs } from '../../lib/overlay/site-adapter';

const ORDER_HEADERS = ['订单号', '订单编号'];
const ACCOUNT_HEADERS = ['下单帐号', '下单账号', '用户账号', '买家账号'];
const HEADERS = { order: ORDER_HEADERS, buyer: ACCOUNT_HEADERS };

/**
 * The JD merchant back office (京东商家后台) order list: 订单管理 → 订单查询, at porder.shop.jd.com
 * and, since the back office moved, at shop.jd.com/jdm/trade/orders/order-list. Both fetch their
 * orders as JSON (orderId, userPin) and render them into a table, reusing its rows on paging: the
 * rows are found by the table's row keys and their cells by the header labels, which the rendered
 * table keeps whatever its generated class names (tests/fixtures/sites/jd-orders/SOURCE.md).
 */
export default defineSiteAdapter({
  id: 'jd-orders',
  platform: 'jd',
  matches: ['https://porder.shop.jd.com/*', 'https://shop.jd.com/jdm/trade/orders/*'],
  testUrls: {
    pages: [
      'https://porder.shop.jd.com/order/orderlist/allOrders',
      'https://porder.shop.jd.com/order/orderlist/waitOut?t=1',
      'https://shop.jd.com/jdm/trade/orders/order-list?tabType=waitOut',
    ],
    notPages: ['https://porder.shop.jd.com/order/orderDetail?orderId=301234567890', 'https://shop.jd.com/', 'https://shop.jd.com/jdm/trade/orders/order-detail?orderId=1'],
  },
  isPage: (url) =>
    (url.hostname === 'porder.shop.jd.com' && url.pathname.startsWith('/order/orderlist')) ||
    (url.hostname === 'shop.jd.com' && url.pathname.startsWith('/jdm/trade/orders/order-list')),
  // One table row per order (porder.shop.jd.com/order/orderlist/...): the console's table component
  // keys each row with `data-row-key`, whatever its generated class names.
  rows: 'tr[data-row-key]',
  // The account may be masked for privacy (jd_***).
  extract: (row) => tableRowRefs(row, HEADERS, /\d{9,20}/),
  // After the buyer's account, or the order number when the account column is hidden.
  anchor: (row) => (cellByHeader(row, ACCOUNT_HEADERS) ?? cellByHeader(row, ORDER_HEADERS))?.lastElementChild ?? null,
});
