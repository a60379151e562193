import { netSpendMinor, SPENDING_STATUSES, type Customer, type Order } from './model';

/** A purchase occasion: money taken, not a return. Unpaid and cancelled orders are history, not purchases. */
export function isPurchase(order: Order): boolean {
  return !order.isReturn && SPENDING_STATUSES.has(order.status);
}

/** Builds one customer's aggregate from all of their orders (any order). */
export function buildCustomer(key: string, orders: readonly Order[]): Customer {
  const first = orders[0]!;
  const purchases = orders.filter(isPurchase);
  const dated = purchases.length > 0 ? purchases : orders;
  let firstOrderAt = Infinity;
  let lastOrderAt = -Infinity;
  for (const order of dated) {
    firstOrderAt = Math.min(firstOrderAt, order.createdAt);
    lastOrderAt = Math.max(lastOrderAt, order.createdAt);
  }
  const names = new Set<string>();
  const emails = new Set<string>();
  const phones = new Set<string>();
  let monetaryMinor = 0;
  let refundCount = 0;
  let lastDeliveredAt: number | undefined;
  for (const order of orders) {
    monetaryMinor += netSpendMinor(order);
    if (order.isReturn || order.refundedMinor > 0) refundCount += 1;
    if (order.buyer.name) names.add(order.buyer.name);
    if (order.buyer.email) emails.add(order.buyer.email.toLowerCase());
    if (order.buyer.phone) phones.add(order.buyer.phone);
    if (order.deliveredAt !== undefined && (lastDeliveredAt === undefined || order.deliveredAt > lastDeliveredAt)) {
      lastDeliveredAt = order.deliveredAt;
    }
  }
  return {
    key,
    platform: first.platform,
    buyerId: key.slice(first.platform.length + 1),
    names: [...names],
    emails: [...emails],
    phones: [...phones],
    orderCount: purchases.length,
    monetaryMinor,
    currency: first.currency,
    firstOrderAt,
    lastOrderAt,
    lastDeliveredAt,
    refundCount,
    orderKeys: orders.map((order) => order.key),
  };
}

/** Groups orders by customer key and builds every customer; guest orders (no key) are skipped. */
export function summariseCustomers(orders: Iterable<Order>): Customer[] {
  const byCustomer = new Map<string, Order[]>();
  for (const order of orders) {
    if (order.customerKey === null) continue;
    let list = byCustomer.get(order.customerKey);
    if (!list) byCustomer.set(order.customerKey, (list = []));
    list.push(order);
  }
  return [...byCustomer].map(([key, list]) => buildCustomer(key, list));
}
