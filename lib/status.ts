import type { OrderStatus } from './model';

/** Keyword → status, checked in order: refunds and cancellations before "paid" words they contain. */
const KEYWORDS: ReadonlyArray<readonly [RegExp, OrderStatus]> = [
  [/refund|returned|退款成功|已退款|退货/i, 'refunded'],
  [/cancel|void|closed|取消|关闭|删除/i, 'cancelled'],
  [/unpaid|pending payment|awaiting payment|on-hold|待付款|待支付|等待买家付款|等待付款|未付款/i, 'unpaid'],
  [/complete|delivered|success|成功|完成|已签收|确认收货/i, 'completed'],
  [/ship|fulfilled|transit|发货|出库|配送|等待确认收货|等待买家确认/i, 'shipped'],
  [/paid|processing|payment received|已付款|已支付|待发货|备货/i, 'paid'],
];

/** A status word from any export to the normalised status, or null when it says nothing we know. */
export function statusFromText(text: string): OrderStatus | null {
  const normalised = text.trim().replace(/，/g, ',');
  if (normalised === '') return null;
  for (const [pattern, status] of KEYWORDS) if (pattern.test(normalised)) return status;
  return null;
}
