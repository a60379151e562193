import type { Customer, Order } from '../../../lib/model';
import { historyFromOrders, type ScoringBase } from '../../../lib/scoring/history';
import { DEFAULT_SCORE_SETTINGS, type CustomerHistory } from '../../../lib/scoring/scorer';
import { endOfDay, localDayNumber } from '../../../lib/time';
import { buildCustomer } from '../../../lib/customers';

export function baseAt(isoDate: string, timeZone = 'Asia/Shanghai'): ScoringBase {
  const asOf = endOfDay(isoDate, timeZone);
  return { asOf, asOfDay: localDayNumber(asOf, timeZone), timeZone, settings: DEFAULT_SCORE_SETTINGS };
}

let orderCount = 0;
/** A paid Taobao order at a China-time wall clock ("2024-03-01 10:00"), total in yuan. */
export function order(customer: string, at: string, yuan: number, extra: Partial<Order> = {}): Order {
  const createdAt = Date.parse(`${at.replace(' ', 'T')}:00+08:00`);
  return {
    key: `taobao:${(orderCount += 1)}`, platform: 'taobao', orderId: String(orderCount), customerKey: `taobao:${customer}`, buyer: { id: customer },
    createdAt, status: 'completed', totalMinor: Math.round(yuan * 100), refundedMinor: 0, currency: 'CNY', isReturn: false, items: [], importId: 'test',
    ...extra,
  };
}

/** Histories of customers from their orders, as the store path builds them. */
export function histories(orders: readonly Order[], base: ScoringBase): CustomerHistory[] {
  const byCustomer = new Map<string, Order[]>();
  for (const o of orders) byCustomer.set(o.customerKey!, [...(byCustomer.get(o.customerKey!) ?? []), o]);
  return [...byCustomer].map(([key, list]) => historyFromOrders(buildCustomer(key, list) as Customer, list, base));
}
