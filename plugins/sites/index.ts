import type { SiteAdapter } from '../../lib/overlay/site-adapter';
import douyinOrders from './douyin-orders';
import jdOrders from './jd-orders';
import qianniuSold from './qianniu-sold';
import shopifyAdmin from './shopify-admin';
import taobaoSold from './taobao-sold';
import woocommerceAdmin from './woocommerce-admin';

/** Every seller console adapter. The content script runs on their match patterns, and on the origins the seller switches on (where an adapter with no patterns of its own, like woocommerce-admin, applies by path). */
export const siteAdapters: readonly SiteAdapter[] = [taobaoSold, qianniuSold, jdOrders, douyinOrders, shopifyAdmin, woocommerceAdmin];

export function adapterFor(url: URL): SiteAdapter | null {
  return siteAdapters.find((adapter) => adapter.isPage(url)) ?? null;
}
