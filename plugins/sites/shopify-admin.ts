import { cellByHeader, defineSiteAdapter, type Ref } from '../../lib/overlay/site-adapter';

// The order's own link in its row: /store/<shop>/orders/<id>, its text the order name (#1001).
const ORDER_LINK = 'a[href*="/orders/"]';
// The customer's own link in a customers-list row: /store/<shop>/customers/<id>, its text the name.
const CUSTOMER_LINK = 'a[href*="/customers/"]';
const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const ONLY_EMAIL = new RegExp(`^${EMAIL.source}$`);

function orderRow(row: Element): Ref[] {
  const refs: Ref[] = [];
  const name = row.querySelector(ORDER_LINK)?.textContent?.trim();
  if (name && /^#?[\w-]+$/.test(name)) refs.push({ kind: 'order', value: name });
  // The column headed Customer (客户 in a Chinese admin).
  const customer = cellByHeader(row, ['Customer', '客户'])?.textContent?.trim();
  if (customer && customer !== '—' && customer !== '-') refs.push({ kind: 'name', value: customer });
  return refs;
}

/** A customers-list row: it links a customer and no order. */
function isCustomerRow(row: Element): boolean {
  if (row.id.startsWith('gid://shopify/Customer/')) return true;
  return !row.id.startsWith('gid://shopify/Order/') && !row.querySelector(ORDER_LINK) && row.querySelector(CUSTOMER_LINK) !== null;
}

function customerRow(row: Element): Ref[] {
  const refs: Ref[] = [];
  // An element of its own holds the email (the row's text runs the name and email together).
  const email = [...row.querySelectorAll('*')].map((el) => el.textContent?.trim() ?? '').find((text) => ONLY_EMAIL.test(text));
  if (email) refs.push({ kind: 'email', value: email });
  const name = row.querySelector(CUSTOMER_LINK)?.textContent?.trim();
  if (name) refs.push({ kind: 'name', value: name });
  return refs;
}

/**
 * Shopify admin under admin.shopify.com: the orders and customers lists (Polaris IndexTable) and
 * the order and customer pages, where the customer's email link is the one stable thing to anchor
 * on. The admin is a single-page app that fetches its orders as JSON and renders them, reusing the
 * rows on paging and search. A row is found by its Polaris row class or its record id, and told an
 * order's or a customer's by the link it holds; order names may carry a prefix (#BG7228)
 * (tests/fixtures/sites/shopify-admin/SOURCE.md).
 */
export default defineSiteAdapter({
  id: 'shopify-admin',
  platform: 'shopify',
  matches: ['https://admin.shopify.com/store/*'],
  testUrls: {
    pages: [
      'https://admin.shopify.com/store/tea-house/orders',
      'https://admin.shopify.com/store/tea-house/orders?inContextTimeframe=none&status=open',
      'https://admin.shopify.com/store/tea-house/orders/5550001',
      'https://admin.shopify.com/store/tea-house/customers',
      'https://admin.shopify.com/store/tea-house/customers/7770001',
    ],
    notPages: ['https://admin.shopify.com/store/tea-house/products', 'https://admin.shopify.com/store/tea-house/orders/drafts', 'https://accounts.shopify.com/store/login'],
  },
  isPage: (url) => url.hostname === 'admin.shopify.com' && /^\/store\/[^/]+\/(orders|customers)(\/\d+)?\/?$/.test(url.pathname),
  // Orders list: one row per order, id'd with its GraphQL id `gid://shopify/Order/<id>`.
  // Customers list: likewise `gid://shopify/Customer/<id>`.
  // Order and customer pages: the customer's `mailto:` link in the customer card.
  rows: 'tr.Polaris-Table-TableRow__Selectable, tr.Polaris-IndexTable__TableRow, tr[id^="gid://shopify/Order/"], tr[id^="gid://shopify/Customer/"], a[href^="mailto:"]',
  extract(row) {
    if (row.matches('a[href^="mailto:"]')) {
      const email = decodeURIComponent(row.getAttribute('href')!.slice('mailto:'.length).split('?')[0]!).trim();
      return EMAIL.test(email) ? [{ kind: 'email', value: email }] : [];
    }
    return isCustomerRow(row) ? customerRow(row) : orderRow(row);
  },
  anchor: (row) => (row.matches('a[href^="mailto:"]') ? row : row.querySelector(isCustomerRow(row) ? CUSTOMER_LINK : ORDER_LINK)),
});
