import type { BuyerIds, LineItem, Order, OrderStatus, Platform } from '../model';

/**
 * An order as the `orders` buckets hold it: its fields in a fixed order, without their names. The names were half of every order's text: a million customers' first import
 * stored 1.1 GB of order buckets, and storing them took 20 s of its commit. Absent fields are
 * null; trailing ones are left out. An order stored before is an object, and is read as it is.
 */
export type OrderTuple = [
  typeof TUPLE,
  key: string,
  platform: Platform,
  orderId: string,
  customerKey: string | null,
  buyer: Array<string | null>,
  createdAt: number,
  paidAt: number | null,
  deliveredAt: number | null,
  status: OrderStatus,
  totalMinor: number,
  refundedMinor: number,
  currency: string,
  isReturn: 0 | 1,
  items: Array<[sku: string, title: string, quantity: number, priceMinor: number]>,
  importId: string,
  externalId?: string,
];

export type StoredOrder = Order | OrderTuple;

/** The layout's number, first in every tuple: a later layout gets another. */
const TUPLE = 1;

/** `true` when the keys K are every key of T: a codec's check that it knows each field. */
type Covers<T, K extends keyof T> = Exclude<keyof T, K> extends never ? true : never;

// Both order codecs, these tuples and the staged columns (staged-orders.ts), carry every field: a
// field added to these types must be added here and to both (the compiler stops at this check).
const ORDER_STORED: Covers<Order, 'key' | 'platform' | 'orderId' | 'customerKey' | 'buyer' | 'createdAt' | 'paidAt' | 'deliveredAt' | 'status' | 'totalMinor' | 'refundedMinor' | 'currency' | 'isReturn' | 'items' | 'importId' | 'externalId'> = true;
const BUYER_STORED: Covers<BuyerIds, 'id' | 'email' | 'name' | 'phone' | 'birthday'> = true;
const ITEM_STORED: Covers<LineItem, 'sku' | 'title' | 'quantity' | 'priceMinor'> = true;
void [ORDER_STORED, BUYER_STORED, ITEM_STORED];

export function orderTuple(order: Order): OrderTuple {
  const { buyer } = order;
  const ids = [buyer.id ?? null, buyer.email ?? null, buyer.name ?? null, buyer.phone ?? null, buyer.birthday ?? null];
  while (ids.length > 0 && ids[ids.length - 1] === null) ids.pop();
  const tuple: OrderTuple = [
    TUPLE,
    order.key,
    order.platform,
    order.orderId,
    order.customerKey,
    ids,
    order.createdAt,
    order.paidAt ?? null,
    order.deliveredAt ?? null,
    order.status,
    order.totalMinor,
    order.refundedMinor,
    order.currency,
    order.isReturn ? 1 : 0,
    order.items.map((item) => [item.sku, item.title, item.quantity, item.priceMinor]),
    order.importId,
  ];
  if (order.externalId !== undefined) tuple.push(order.externalId);
  return tuple;
}

/** An order as read from a bucket, in either layout; its fields in the order the import folds them. */
export function orderOfStored(stored: StoredOrder): Order {
  if (!Array.isArray(stored)) return stored;
  if (stored[0] !== TUPLE) throw new Error(`an order stored in layout ${String(stored[0])}, which this release does not read`);
  const ids = stored[5];
  const order: Order = {
    key: stored[1],
    platform: stored[2],
    orderId: stored[3],
    customerKey: stored[4],
    buyer: { id: ids[0] ?? undefined, email: ids[1] ?? undefined, name: ids[2] ?? undefined, phone: ids[3] ?? undefined, birthday: ids[4] ?? undefined },
    createdAt: stored[6],
    paidAt: stored[7] ?? undefined,
    deliveredAt: stored[8] ?? undefined,
    status: stored[9],
    totalMinor: stored[10],
    refundedMinor: stored[11],
    currency: stored[12],
    isReturn: stored[13] === 1,
    items: stored[14].map(([sku, title, quantity, priceMinor]) => ({ sku, title, quantity, priceMinor })),
    importId: stored[15],
  };
  if (stored[16] !== undefined) order.externalId = stored[16];
  return order;
}

export const storedHistory = (orders: readonly Order[]): OrderTuple[] => orders.map(orderTuple);
export const historyOfStored = (stored: readonly StoredOrder[]): Order[] => stored.map(orderOfStored);

/** A bucket's histories as read (`readBucket`, `entriesIn`), each order in hand, in a map (see BucketEntries). */
export function historiesOfStored(read: Record<string, readonly StoredOrder[]>): Map<string, Order[]> {
  const histories = new Map<string, Order[]>();
  for (const key in read) histories.set(key, historyOfStored(read[key]!));
  return histories;
}
