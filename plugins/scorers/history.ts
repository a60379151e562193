import { minorDigits } from '../../lib/money';
import { defineScorer, fixed, majorUnits } from '../../lib/scoring/scorer';
import { localDayNumber } from '../../lib/time';

/** Facts read straight from the order history, up to the as-of day. */
export default defineScorer({
  id: 'history',
  version: 1,
  facts: {
    recencyDays: { type: 'number', unit: 'days', description: { en: 'Days since the last purchase', 'zh-CN': '距最近一次购买的天数' } },
    frequency: { type: 'number', unit: 'count', description: { en: 'Purchase occasions (orders on one day count once)', 'zh-CN': '购买次数（同一天的订单合并为一次）' } },
    orderCount: { type: 'number', unit: 'count', description: { en: 'Orders purchased (unpaid and cancelled ones excluded)', 'zh-CN': '成交订单数（不含未付款、已关闭）' } },
    monetary: { type: 'number', unit: 'money', description: { en: 'Net spend, refunds deducted (shop currency)', 'zh-CN': '累计消费金额（已扣除退款）' } },
    avgOrderValue: { type: 'number', unit: 'money', description: { en: 'Average order value: net spend per order (客单价)', 'zh-CN': '客单价：平均每单消费' } },
    tenureDays: { type: 'number', unit: 'days', description: { en: 'Days since the first purchase', 'zh-CN': '距首次购买的天数' } },
    refundRate: { type: 'number', unit: 'share', description: { en: 'Share of orders with a refund or return (0–1)', 'zh-CN': '有退款或退货的订单占比（0–1）' } },
    daysSinceDelivery: { type: 'number', unit: 'days', description: { en: 'Days since the last delivery; empty when none is known', 'zh-CN': '距最近一次签收的天数；无记录时为空' } },
    monetaryLast365d: { type: 'number', unit: 'money', description: { en: 'Net spend in the last 365 days', 'zh-CN': '近365天消费金额' } },
    lastOrderValue: { type: 'number', unit: 'money', description: { en: 'Net spend of the last purchase (orders on one day together)', 'zh-CN': '最近一次购买的金额（同一天的订单合计）' } },
    daysSinceUnpaidOrder: {
      type: 'number', unit: 'days',
      description: { en: 'Days since the newest order the export shows unpaid (none bought since); empty when none', 'zh-CN': '距最近一笔未付款订单（此后无成交）的天数；无则为空' },
    },
    daysInTransit: {
      type: 'number', unit: 'days',
      description: { en: 'Days since the oldest order shipped but not yet delivered was placed; empty when none', 'zh-CN': '最早一笔已发货未签收订单下单至今的天数；无则为空' },
    },
  },
  score({ history }, _model, ctx) {
    const { customer, occasionDays } = history;
    const digits = minorDigits(customer.currency);
    const first = occasionDays[0];
    const last = occasionDays[occasionDays.length - 1];
    const delivered = customer.lastDeliveredAt;
    const deliveredDay = delivered === undefined ? null : localDayNumber(delivered, ctx.timeZone);
    const orders = history.purchases;
    return {
      recencyDays: last === undefined ? null : ctx.asOfDay - last,
      frequency: occasionDays.length,
      orderCount: orders,
      monetary: majorUnits(history.netSpendMinor, digits),
      avgOrderValue: orders > 0 ? majorUnits(Math.round(history.netSpendMinor / orders), digits) : null,
      tenureDays: first === undefined ? null : ctx.asOfDay - first,
      refundRate: orders > 0 ? Math.min(1, fixed(history.refunds / orders, 4)) : null,
      daysSinceDelivery: deliveredDay === null || deliveredDay > ctx.asOfDay ? null : ctx.asOfDay - deliveredDay,
      monetaryLast365d: majorUnits(history.spendLast365dMinor, digits),
      lastOrderValue: last === undefined ? null : majorUnits(history.occasionSpendMinor[history.occasionSpendMinor.length - 1]!, digits),
      daysSinceUnpaidOrder: history.lastUnpaidDay == null ? null : ctx.asOfDay - history.lastUnpaidDay,
      daysInTransit: history.firstInTransitDay == null ? null : ctx.asOfDay - history.firstInTransitDay,
    };
  },
});
