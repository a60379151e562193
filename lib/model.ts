/** The normalised order model every format maps to (see DESIGN.md, "Orders and customers"). */

/** Every platform, for a buyer id seen on a page of none known: it could be any of theirs. */
export const PLATFORMS = ['taobao', 'jd', 'douyin', 'shopify', 'woocommerce', 'amazon', 'etsy', 'ebay', 'generic'] as const;
export type Platform = (typeof PLATFORMS)[number];

export type OrderStatus = 'unpaid' | 'paid' | 'shipped' | 'completed' | 'cancelled' | 'refunded';

/** Statuses whose money reached the shop; unpaid and cancelled orders carry no spend. */
export const SPENDING_STATUSES: ReadonlySet<OrderStatus> = new Set(['paid', 'shipped', 'completed', 'refunded']);

export interface LineItem {
  sku: string;
  title: string;
  quantity: number;
  /** Unit price in minor units. */
  priceMinor: number;
}

/** Buyer identifiers exactly as the export gives them (masked ones stay masked). */
export interface BuyerIds {
  id?: string;
  email?: string;
  name?: string;
  phone?: string;
  /** A yearly date the export keeps for the buyer (a birthday column), as "MM-DD". */
  birthday?: string;
}

export interface Order {
  /** Store key: `${shop id}:${orderId}` (see lib/shops.ts). */
  key: string;
  platform: Platform;
  orderId: string;
  /** `${shop id}:${identifier}`, or null when the export names no stable buyer. */
  customerKey: string | null;
  buyer: BuyerIds;
  /** Instants in epoch ms. */
  createdAt: number;
  paidAt?: number;
  deliveredAt?: number;
  status: OrderStatus;
  /** Order total in minor units, as charged. */
  totalMinor: number;
  /** Refunded so far, minor units; for a return (credit note) this is the amount returned. */
  refundedMinor: number;
  currency: string;
  /** A credit note or return: it lowers net spend and is not a purchase. */
  isReturn: boolean;
  items: LineItem[];
  importId: string;
  /** The platform's own id of the order where the export has one (Shopify's Id): unique across stores. */
  externalId?: string;
}

/** What one export row says about an order; rows of one order fold into one Order. */
export interface OrderLine {
  orderId: string;
  buyer: BuyerIds;
  createdAt?: number;
  paidAt?: number;
  deliveredAt?: number;
  status?: OrderStatus;
  /** Order-level figures, repeated or on the first row only; the first row that has them wins. */
  totalMinor?: number;
  refundedMinor?: number;
  /** Row-level figures for exports without an order total (one row per sub-order); summed. */
  lineAmountMinor?: number;
  lineRefundedMinor?: number;
  currency?: string;
  isReturn?: boolean;
  item?: LineItem;
  /** The column the buyer was identified by when it is not the format's first choice (Shopify's Billing Phone when Email and Phone are empty). */
  buyerFrom?: string;
  /** The row's status was read as a cash-on-delivery purchase (shipped, payment pending). */
  cashOnDelivery?: boolean;
  /** The status text as the export wrote it, when the format does not know it (the status is then the format's default). */
  unknownStatus?: string;
  /** The platform's own id of the order, unique across stores (Shopify's Id). */
  externalId?: string;
  /** A birthday cell that is no date, as the export wrote it (the order is read without it). */
  unreadBirthday?: string;
}

/** Net spend of one order, in minor units. */
export function netSpendMinor(order: Pick<Order, 'status' | 'totalMinor' | 'refundedMinor' | 'isReturn'>): number {
  if (order.isReturn) return -order.refundedMinor;
  if (!SPENDING_STATUSES.has(order.status)) return 0;
  return order.totalMinor - order.refundedMinor;
}

export interface Customer {
  key: string;
  platform: Platform;
  /** The identifier the key was built from, as the export gives it. */
  buyerId: string;
  names: string[];
  emails: string[];
  phones: string[];
  orderCount: number;
  /** Net spend, minor units. */
  monetaryMinor: number;
  currency: string;
  firstOrderAt: number;
  lastOrderAt: number;
  lastDeliveredAt?: number;
  refundCount: number;
  /** "MM-DD", from the newest order whose export gave one. */
  birthday?: string;
}

/** A yearly date the seller keeps for a customer: "birthday" or their own name for it (结婚纪念日), and "MM-DD". */
export interface KeptDate {
  name: string;
  monthDay: string;
}

/**
 * What staff keep about a customer besides the exports: a note, tags (物流敏感, 价格敏感), and two
 * flags. Do-not-contact keeps them out of follow-ups and exports; hidden on pages keeps their badge
 * and card off every seller page. Kept apart from the orders, so re-imports never touch them.
 */
/** A customer's tags are one fact's text, joined by this: no tag may hold a comma. */
export const TAG_SEPARATOR = ', ';

export interface CustomerNotes {
  key: string;
  note: string;
  tags: string[];
  doNotContact: boolean;
  hideOnPages: boolean;
  updatedAt: number;
}

/** The name a kept birthday goes by; any other name is the seller's own. */
export const BIRTHDAY = 'birthday';

export type AliasKind = 'order' | 'id' | 'email' | 'phone' | 'name';

/** Maps what a page shows back to customers; more than one key means ambiguous. */
export interface Alias {
  /** `${kind}:${normalised value}` */
  alias: string;
  customerKeys: string[];
}
