import type { SiteAdapter } from '../../lib/overlay/site-adapter';
import douyinOrders from './douyin-orders';
import jdOrders from './jd-orders';
import shopifyAdmin from './shopify-admin';
import taobaoSold from './taobao-sold';

/** Every seller console adapter; the content script runs on their match patterns only. */
export const siteAdapters: readonly SiteAdapter[] = [taobaoSold, jdOrders, douyinOrders, shopifyAdmin];

export function adapterFor(url: URL): SiteAdapter | null {
  return siteAdapters.find((adapter) => adapter.isPage(url)) ?? null;
}
