import type { Localised } from './localised';
import type { Platform } from './model';

/** What sellers call each platform, for a shop that has no name of the seller's. */
export const PLATFORM_NAMES: Readonly<Record<Platform, Localised>> = {
  taobao: { en: 'Taobao / Tmall', 'zh-CN': '淘宝/天猫' },
  jd: { en: 'JD', 'zh-CN': '京东' },
  douyin: { en: 'Douyin shop', 'zh-CN': '抖店' },
  shopify: { en: 'Shopify', 'zh-CN': 'Shopify' },
  woocommerce: { en: 'WooCommerce', 'zh-CN': 'WooCommerce' },
  amazon: { en: 'Amazon', 'zh-CN': '亚马逊' },
  etsy: { en: 'Etsy', 'zh-CN': 'Etsy' },
  ebay: { en: 'eBay', 'zh-CN': 'eBay' },
  generic: { en: 'Own system', 'zh-CN': '自有系统' },
};

/**
 * One store the seller runs on a platform. Orders and customers are keyed within their shop
 * (`${shop id}:${order id}`), so two Shopify stores that both have an order #1001 stay apart.
 */
export interface Shop {
  /**
   * The key prefix of the shop's orders and customers. The first shop on a platform has the
   * platform's name (a store from before shops keeps its keys); more are `${platform}-2`, `-3`, ….
   */
  id: string;
  /** The seller's name for it; empty for a platform's first shop, which goes by the platform's name. */
  name: string;
  platform: Platform;
  createdAt: number;
  /** The shop takes cash on delivery (货到付款): orders shipped with payment pending are purchases. Absent: yes. */
  cashOnDelivery?: boolean;
}

/** The shop a customer or order key belongs to. */
export const shopOfKey = (key: string): string => key.slice(0, key.indexOf(':'));

/** The identifier a customer or order key was built from, without its shop. */
export const idOfKey = (key: string): string => key.slice(key.indexOf(':') + 1);

/** A platform's first shop: the one every import goes to until the seller adds another. */
export const firstShop = (platform: Platform, createdAt = Date.now()): Shop => ({ id: platform, name: '', platform, createdAt });

/** The id of one more shop on `platform`. */
export function nextShopId(platform: Platform, shops: readonly Shop[]): string {
  const taken = new Set(shops.map((shop) => shop.id));
  if (!taken.has(platform)) return platform;
  let n = 2;
  while (taken.has(`${platform}-${n}`)) n += 1;
  return `${platform}-${n}`;
}

/** What the seller sees for a shop: their name for it, else the platform's. */
export const shopLabel = (shop: Pick<Shop, 'name' | 'platform'>, language: keyof Localised): string => shop.name.trim() || PLATFORM_NAMES[shop.platform][language];
