import { defineSiteAdapter, type Ref } from '../../lib/overlay/site-adapter';

// "#5001 Marie Curie": the order number and the billing name, in the link to the order.
const ORDER_LINK = '.column-order_number a.order-view';
const MAILTO = 'a[href^="mailto:"]';

function listRow(row: Element): Ref[] {
  const refs: Ref[] = [];
  const text = row.querySelector(ORDER_LINK)?.textContent?.trim() ?? '';
  const match = /^#?(\d+)\s*(.*)$/.exec(text);
  if (match) {
    refs.push({ kind: 'order', value: match[1]! });
    if (match[2]) refs.push({ kind: 'name', value: match[2] });
  }
  const email = row.querySelector(MAILTO)?.getAttribute('href')?.slice('mailto:'.length);
  if (email) refs.push({ kind: 'email', value: decodeURIComponent(email) });
  return refs;
}

/**
 * The WooCommerce admin: the orders list (legacy `edit.php?post_type=shop_order`, HPOS
 * `admin.php?page=wc-orders`) and the order edit page. It lives on the seller's own domain, so it
 * runs only where the seller has switched Tiermark on.
 */
export default defineSiteAdapter({
  id: 'woocommerce-admin',
  platform: 'woocommerce',
  matches: [],
  testUrls: {
    pages: [
      'https://shop.example.com/wp-admin/edit.php?post_type=shop_order',
      'https://shop.example.com/wp-admin/admin.php?page=wc-orders&status=wc-processing',
      'https://shop.example.com/wp-admin/admin.php?page=wc-orders&action=edit&id=5001',
      'https://shop.example.com/wp-admin/post.php?post=5001&action=edit',
    ],
    notPages: ['https://shop.example.com/wp-admin/edit.php?post_type=product', 'https://shop.example.com/wp-admin/admin.php?page=wc-settings', 'https://shop.example.com/shop/'],
  },
  isPage: (url) =>
    (url.pathname.endsWith('/wp-admin/edit.php') && url.searchParams.get('post_type') === 'shop_order') ||
    (url.pathname.endsWith('/wp-admin/admin.php') && url.searchParams.get('page') === 'wc-orders') ||
    (url.pathname.endsWith('/wp-admin/post.php') && url.searchParams.get('action') === 'edit'),
  // Orders list: one `tr` per order in `#the-list` (id `post-5001` legacy, `order-5001` HPOS).
  // Order edit page: the billing email's mailto link in the order data panel.
  rows: '#the-list tr, #order_data a[href^="mailto:"]',
  extract(row) {
    if (row.matches(MAILTO)) return [{ kind: 'email', value: decodeURIComponent(row.getAttribute('href')!.slice('mailto:'.length)) }];
    return listRow(row);
  },
  anchor: (row) => (row.matches(MAILTO) ? row : row.querySelector(ORDER_LINK)),
});
