import { describe, expect, it } from 'vitest';
import type { CustomerRow } from '../../lib/db/customer-list';
import { overviewOf } from '../../lib/overview';

const vip = { ref: 'member-ladder/vip', label: { en: 'VIP member', 'zh-CN': 'VIP会员' }, colour: '#c0392b', rank: 3 };
const member = { ref: 'member-ladder/member', label: { en: 'Member', 'zh-CN': '普通会员' }, colour: '#5d6d7e', rank: 1 };

const row = (key: string, spendMinor: number, r: number | null, f: number | null, tier: CustomerRow['tier'], currency = 'CNY'): CustomerRow => ({
  key, buyerId: key, names: [], emails: [], phones: [], orderCount: 2, monetaryMinor: spendMinor, currency, lastOrderAt: 0, tier, badges: [], treatments: [],
  facts: r === null ? {} : { rfmR: r, rfmF: f },
});

describe('the overview', () => {
  it('counts customers and orders, sums net sales, ranks the ladder, and fills the R × F grid with counts and spend shares', () => {
    const overview = overviewOf([
      row('a', 80_000, 5, 5, vip), row('b', 10_000, 5, 5, member), row('c', 10_000, 1, 1, member), row('d', 0, null, null, null), row('e', 999, 3, 2, member, 'USD'),
    ]);
    expect(overview).toMatchObject({ customers: 5, orders: 10, currency: 'CNY', netSalesMinor: 100_000, otherCurrencies: 1, unscored: 1 });
    expect(overview.tiers.map((t) => [t.ref, t.customers])).toEqual([['member-ladder/vip', 1], ['member-ladder/member', 3], [null, 1]]);
    // Row 0 is R5, column 4 is F5.
    expect(overview.rfm[0]![4]).toEqual({ r: 5, f: 5, customers: 2, monetaryShare: 0.9 });
    expect(overview.rfm[4]![0]).toEqual({ r: 1, f: 1, customers: 1, monetaryShare: 0.1 });
    // A customer in another currency is counted in the grid, not in the shares.
    expect(overview.rfm[2]![1]).toEqual({ r: 3, f: 2, customers: 1, monetaryShare: 0 });
    expect(overview.rfm.flat().reduce((n, cell) => n + cell.customers, 0)).toBe(4);
  });

  it('sums net sales in the shop currency when the seller set one', () => {
    const rows = [row('a', 80_000, 5, 5, vip), row('e', 999, 3, 2, member, 'USD'), row('f', 1, 3, 2, member, 'USD')];
    expect(overviewOf(rows)).toMatchObject({ currency: 'USD', netSalesMinor: 1000, otherCurrencies: 1 });
    expect(overviewOf(rows, 'CNY')).toMatchObject({ currency: 'CNY', netSalesMinor: 80_000, otherCurrencies: 2 });
  });

  it('says what each F score is in purchases, and which scores nobody has in a shop of one-time buyers', () => {
    // Ten buyers: seven bought once, two twice, one five times. F = 1 + ⌊5 × (customers with fewer purchases) / 9⌋:
    // once → 1, twice → 1 + ⌊35 / 9⌋ = 4, five times → 5 (capped). Nobody is F 2 or 3.
    const buyer = (key: string, purchases: number, f: number): CustomerRow => ({ ...row(key, 100, 3, f, member), orderCount: purchases, facts: { rfmR: 3, rfmF: f, frequency: purchases } });
    const rows = [...Array.from({ length: 7 }, (_, i) => buyer(`once${i}`, 1, 1)), buyer('twice0', 2, 4), buyer('twice1', 2, 4), buyer('often', 5, 5)];
    expect(overviewOf(rows).frequencies).toEqual([{ f: 1, fewest: 1, most: 1 }, null, null, { f: 4, fewest: 2, most: 2 }, { f: 5, fewest: 5, most: 5 }]);
  });

  it('counts customers per lifecycle stage, the lost by time gone, and per value quadrant, in their fixed order', () => {
    const staged = (key: string, facts: CustomerRow['facts']): CustomerRow => ({ ...row(key, 100, 3, 1, member), facts });
    const rows = [
      staged('a', { lifecycleStage: 'new', valueQuadrant: 'cultivate' }),
      staged('b', { lifecycleStage: 'new', valueQuadrant: 'develop' }),
      staged('c', { lifecycleStage: 'lost', lostBand: 'over-365', valueQuadrant: 'maintain' }),
      staged('d', { lifecycleStage: 'lost', lostBand: '180', valueQuadrant: 'retain' }),
      staged('e', { lifecycleStage: 'mature', valueQuadrant: 'develop' }),
      staged('f', {}),
    ];
    const overview = overviewOf(rows);
    expect(overview.stages).toEqual([
      { stage: 'new', customers: 2 }, { stage: 'growing', customers: 0 }, { stage: 'mature', customers: 1 },
      { stage: 'declining', customers: 0 }, { stage: 'dormant', customers: 0 }, { stage: 'lost', customers: 2 },
    ]);
    expect(overview.lostBands).toEqual([{ band: '90', customers: 0 }, { band: '180', customers: 1 }, { band: '365', customers: 0 }, { band: 'over-365', customers: 1 }]);
    expect(overview.quadrants).toEqual([{ quadrant: 'develop', customers: 2 }, { quadrant: 'retain', customers: 1 }, { quadrant: 'cultivate', customers: 1 }, { quadrant: 'maintain', customers: 1 }]);
    // A shop the models cannot predict has no quadrants at all, not four empty ones.
    expect(overviewOf([staged('a', { lifecycleStage: 'new' })]).quadrants).toEqual([]);
  });
});
