import { cellByHeader, defineSiteAdapter, type Ref } from '../../lib/overlay/site-adapter';

// The order's own link in its row: /store/<shop>/orders/<id>, its text the order name (#1001).
const ORDER_LINK = 'a[href*="/orders/"]';

/** Shopify admin: the orders list under admin.shopify.com (Polaris IndexTable, generated ids). */
export default defineSiteAdapter({
  id: 'shopify-admin',
  platform: 'shopify',
  matches: ['https://admin.shopify.com/store/*'],
  testUrls: {
    pages: ['https://admin.shopify.com/store/tea-house/orders', 'https://admin.shopify.com/store/tea-house/orders?inContextTimeframe=none&status=open'],
    notPages: ['https://admin.shopify.com/store/tea-house/products', 'https://admin.shopify.com/store/tea-house/orders/5550001', 'https://accounts.shopify.com/store/login'],
  },
  isPage: (url) => url.hostname === 'admin.shopify.com' && /^\/store\/[^/]+\/orders\/?$/.test(url.pathname),
  // One table row per order (admin.shopify.com/store/<shop>/orders): Polaris gives each row the
  // order's GraphQL id, `gid://shopify/Order/<id>`, and hashes everything else.
  rows: 'tr[id^="gid://shopify/Order/"]',
  extract(row) {
    const refs: Ref[] = [];
    const name = row.querySelector(ORDER_LINK)?.textContent?.trim();
    if (name && /^#?[\w-]+$/.test(name)) refs.push({ kind: 'order', value: name });
    // The column headed Customer (客户 in a Chinese admin).
    const customer = cellByHeader(row, ['Customer', '客户'])?.textContent?.trim();
    if (customer && customer !== '—' && customer !== '-') refs.push({ kind: 'name', value: customer });
    return refs;
  },
  anchor: (row) => row.querySelector(ORDER_LINK),
});
