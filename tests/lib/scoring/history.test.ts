import { describe, expect, it } from 'vitest';
import { HistoryCollector, historyFromEntries } from '../../../lib/scoring/history';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { endOfDay, localDayNumber } from '../../../lib/time';
import { netSpendMinor, type Customer, type Order } from '../../../lib/model';

const ZONE = 'Asia/Shanghai';
const customer: Customer = { key: 'taobao:茶友任5009', platform: 'taobao', buyerId: '茶友任5009', names: [], emails: [], phones: [], orderCount: 5, monetaryMinor: 0, currency: 'CNY', firstOrderAt: 0, lastOrderAt: 0, refundCount: 0 };
const at = (wall: string) => Date.parse(`${wall}+08:00`);
const day = (date: string) => localDayNumber(at(`${date}T12:00:00`), ZONE);
const base = { asOf: endOfDay('2026-11-20', ZONE), asOfDay: localDayNumber(endOfDay('2026-11-20', ZONE), ZONE), timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS };
const PURCHASE = 1;
const REFUND = 2;
const UNPAID = 4;

// Two orders on one day late in the evening and just after midnight (two days in Shanghai), a
// refund booked on a day without a purchase, an unpaid order bought past, and one after the as-of day.
const orders: Array<[number, number, number]> = [
  [at('2026-03-01T23:50:00'), 12_800, PURCHASE],
  [at('2026-03-02T00:10:00'), 5_000, PURCHASE],
  [at('2026-03-02T09:00:00'), 3_000, PURCHASE | REFUND],
  [at('2026-04-10T10:00:00'), -5_000, REFUND],
  [at('2026-05-01T10:00:00'), 9_900, UNPAID],
  [at('2026-06-15T20:00:00'), 20_000, PURCHASE],
  [at('2026-11-21T08:00:00'), 7_700, PURCHASE],
];

describe('a customer’s history from their order entries', () => {
  it('merges orders by local day, gives money of a day without a purchase to the occasion before it, and leaves out what came after the as-of day', () => {
    const history = historyFromEntries(customer, orders.flat(), base);
    expect(history).toMatchObject({
      occasionDays: [day('2026-03-01'), day('2026-03-02'), day('2026-06-15')],
      // The refund's day and the unpaid order's day hold no purchase: their money is the 2 March occasion's.
      occasionSpendMinor: [12_800, 5_000 + 3_000 - 5_000 + 9_900, 20_000],
      netSpendMinor: 12_800 + 5_000 + 3_000 - 5_000 + 9_900 + 20_000,
      purchases: 4,
      refunds: 2,
      // Bought past on 15 June: abandoned, not one to chase.
      lastUnpaidDay: null,
    });
  });

  it('gives the same history when the entries are not in time order', () => {
    const shuffled = [orders[4]!, orders[0]!, orders[6]!, orders[2]!, orders[5]!, orders[1]!, orders[3]!];
    expect(historyFromEntries(customer, shuffled.flat(), base)).toEqual(historyFromEntries(customer, orders.flat(), base));
    // As of the day after the unpaid order, it is still one to chase.
    const may = { ...base, asOf: endOfDay('2026-05-02', ZONE), asOfDay: day('2026-05-02') };
    expect(historyFromEntries(customer, shuffled.flat(), may)).toMatchObject({ lastUnpaidDay: day('2026-05-01'), occasionDays: [day('2026-03-01'), day('2026-03-02')] });
  });

  it('collects two customers’ orders as an export lists them, newest first and interleaved, into the histories of their orders in time order', () => {
    const order = (createdAt: number, totalMinor: number, status: Order['status']) => ({ createdAt, totalMinor, refundedMinor: 0, isReturn: false, status }) as Order;
    const mine = [order(at('2026-02-01T10:00:00'), 1_000, 'completed'), order(at('2026-05-01T10:00:00'), 2_000, 'completed'), order(at('2026-09-01T10:00:00'), 3_000, 'unpaid')];
    const theirs = [order(at('2026-01-05T10:00:00'), 4_000, 'completed'), order(at('2026-08-05T10:00:00'), 5_000, 'completed')];
    const collector = new HistoryCollector();
    for (const [slot, o] of [[0, mine[2]], [1, theirs[1]], [0, mine[1]], [1, theirs[0]], [0, mine[0]]] as const) collector.add(slot, o!);
    const collected = collector.seal(2);
    const entries = (orders: Order[]) => orders.flatMap((o) => [o.createdAt, netSpendMinor(o), o.status === 'unpaid' ? UNPAID : PURCHASE]);
    for (const [slot, orders] of [[0, mine], [1, theirs]] as const) {
      const history = collected.history(customer, slot, base);
      expect(history).toEqual(historyFromEntries(customer, entries(orders), base));
      expect(history.occasionDays).toHaveLength(2);
    }
  });
});
