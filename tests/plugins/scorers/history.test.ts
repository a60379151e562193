import { describe, expect, it } from 'vitest';
import history from '../../../plugins/scorers/history';
import { baseAt, histories, order } from './scoring-helpers';

describe('history scorer', () => {
  const base = baseAt('2024-05-01');
  const ctx = { ...base, models: {} };
  const score = (orders: Parameters<typeof histories>[0]) => history.score({ history: histories(orders, base)[0]!, facts: {} }, undefined, ctx);

  it('merges orders on one China-time day into one occasion and counts days in the shop zone', () => {
    const facts = score([
      order('wang', '2024-03-01 10:00', 100),
      order('wang', '2024-03-01 23:30', 50), // same day in Shanghai (15:30 UTC)
      order('wang', '2024-04-30 23:59', 30), // the day before the as-of date, though 15:59 UTC
    ]);
    expect(facts).toMatchObject({ frequency: 2, orderCount: 3, monetary: 180, avgOrderValue: 60, recencyDays: 1, tenureDays: 61 });
  });

  it('deducts refunds and returns, counts the refund rate, and ignores unpaid orders and orders after the as-of date', () => {
    const facts = score([
      order('li', '2024-01-10 09:00', 200, { refundedMinor: 5000 }),
      order('li', '2024-02-10 09:00', 80, { status: 'unpaid' }),
      order('li', '2024-03-10 09:00', 0, { isReturn: true, refundedMinor: 3000, status: 'refunded' }),
      order('li', '2024-04-10 09:00', 100),
      order('li', '2024-06-10 09:00', 999),
    ]);
    // Spend 200 − 50 + 100 − 30; two purchases (the return is not one), two of them with money back.
    expect(facts).toMatchObject({ orderCount: 2, frequency: 2, monetary: 220, avgOrderValue: 110, refundRate: 1, recencyDays: 21, monetaryLast365d: 220, lastOrderValue: 100 });
  });

  it('knows the days since delivery, and leaves it empty when no delivery is known', () => {
    const delivered = order('zhao', '2024-04-01 09:00', 10, { deliveredAt: Date.parse('2024-04-03T20:00:00+08:00') });
    expect(score([delivered]).daysSinceDelivery).toBe(28);
    expect(score([order('qian', '2024-04-01 09:00', 10)]).daysSinceDelivery).toBeNull();
  });

  it('counts only the last 365 days in monetaryLast365d (3 May 2023 to 1 May 2024, a leap year)', () => {
    const facts = score([order('sun', '2023-04-30 12:00', 500), order('sun', '2023-05-03 12:00', 40), order('sun', '2024-04-01 12:00', 60)]);
    expect(facts).toMatchObject({ monetary: 600, monetaryLast365d: 100 });
  });

  it('counts the days since an order left unpaid, unless the buyer has bought since, for a payment reminder', () => {
    const paid = order('zhou', '2024-04-20 09:00', 60);
    const unpaid = order('zhou', '2024-04-30 21:00', 80, { status: 'unpaid' });
    expect(score([paid, unpaid]).daysSinceUnpaidOrder).toBe(1);
    // A later purchase: the unpaid order was abandoned (or paid as another), nothing to chase.
    expect(score([paid, unpaid, order('zhou', '2024-05-01 08:00', 80)]).daysSinceUnpaidOrder).toBeNull();
    // Of two unpaid orders, the newer one counts.
    expect(score([order('zhou', '2024-04-25 09:00', 80, { status: 'unpaid' }), unpaid]).daysSinceUnpaidOrder).toBe(1);
    expect(score([paid]).daysSinceUnpaidOrder).toBeNull();
  });

  it('counts the days the oldest parcel shipped and not delivered has been under way', () => {
    const shipped = (at: string, extra = {}) => order('wu', at, 60, { status: 'shipped', ...extra });
    expect(score([shipped('2024-04-24 09:00'), shipped('2024-04-28 09:00')]).daysInTransit).toBe(7);
    // Delivered (a delivery date) or completed: no longer in transit.
    expect(score([shipped('2024-04-24 09:00', { deliveredAt: Date.parse('2024-04-27T12:00:00+08:00') })]).daysInTransit).toBeNull();
    expect(score([order('wu', '2024-04-24 09:00', 60, { status: 'completed' })]).daysInTransit).toBeNull();
  });
});
