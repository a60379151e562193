import { describe, expect, it } from 'vitest';
import { calendarPeriod, DEFAULT_KPI_SETTINGS, KPIS, periodFigures, previousPeriod, type KpiId, type Period, type PeriodFigures } from '../../lib/kpis';
import { day, SHOP } from './occasions';

const span = (first: string, last: string): Period => ({ first: day(first), last: day(last) });

const AS_OF = day('2024-06-30');
const valueOf = (figures: PeriodFigures, id: KpiId, currency = 'CNY') => KPIS.find((kpi) => kpi.id === id)!.value(figures, currency);

describe('periods', () => {
  it('are calendar months, quarters and years, each compared with the one before; a custom span with as many days before it', () => {
    expect(calendarPeriod('month', day('2024-02-15'))).toEqual(span('2024-02-01', '2024-02-29'));
    expect(calendarPeriod('month', day('2024-01-31'), 1)).toEqual(span('2023-12-01', '2023-12-31'));
    expect(calendarPeriod('quarter', day('2024-05-20'))).toEqual(span('2024-04-01', '2024-06-30'));
    expect(previousPeriod('quarter', span('2024-01-01', '2024-03-31'))).toEqual(span('2023-10-01', '2023-12-31'));
    expect(calendarPeriod('year', day('2024-07-04'), 1)).toEqual(span('2023-01-01', '2023-12-31'));
    expect(previousPeriod('custom', span('2024-06-10', '2024-06-19'))).toEqual(span('2024-05-31', '2024-06-09'));
  });
});

describe('shop KPIs', () => {
  it('counts a month against the month before, by hand', () => {
    const june = periodFigures(SHOP, span('2024-06-01', '2024-06-30'), span('2024-05-01', '2024-05-31'), AS_OF, DEFAULT_KPI_SETTINGS);
    // Bought in June: A, C, D, G. New: C, G. On two days of June: A.
    expect(valueOf(june, 'buyers')).toBe(4);
    expect(valueOf(june, 'new-customers')).toBe(2);
    expect(valueOf(june, 'repurchase-rate')).toBe(1 / 4);
    // C and G bought first in June: their 90 days are not over, so no second-purchase rate yet.
    expect(june.newSettled).toBe(0);
    expect(valueOf(june, 'second-purchase-rate')).toBeNull();
    // Bought in May: A and B; B did not come back.
    expect([june.previousBuyers, june.churned]).toEqual([2, 1]);
    expect(valueOf(june, 'churn-rate')).toBe(1 / 2);
    // Gone more than 180 days on 1 June: D (since 1 Oct) and E (since 15 Nov), not F (143 days); D bought.
    expect([june.lapsed, june.reactivated]).toEqual([2, 1]);
    expect(valueOf(june, 'reactivation-rate')).toBe(1 / 2);
    // In yuan: A 50 + 30, C 80, D 40 from three buyers; G's dollars apart.
    expect(valueOf(june, 'net-sales')).toBe(20000);
    expect(valueOf(june, 'customer-spend')).toBeCloseTo(20000 / 3, 9);
    expect(valueOf(june, 'net-sales', 'USD')).toBe(100000);
    expect(valueOf(june, 'customer-spend', 'USD')).toBe(100000);
    expect(valueOf(june, 'customer-spend', 'EUR')).toBeNull();
  });

  it('gives a quarter’s new customers their second-purchase rate once their days are over', () => {
    const q1 = periodFigures(SHOP, calendarPeriod('quarter', day('2024-02-01')), calendarPeriod('quarter', day('2024-02-01'), 1), AS_OF, DEFAULT_KPI_SETTINGS);
    // New in Q1: F (10 Jan) and H (1 Mar), both past 90 days by 30 June; H bought again on 15 April, within them.
    expect([q1.newCustomers, q1.newSettled, q1.newBoughtAgain]).toEqual([2, 2, 1]);
    expect(valueOf(q1, 'second-purchase-rate')).toBe(1 / 2);
    // Q4 2023's buyers, D and E, did not buy in Q1; nobody was gone 180 days on 1 January.
    expect(valueOf(q1, 'churn-rate')).toBe(1);
    expect(valueOf(q1, 'reactivation-rate')).toBeNull();
    // A 30-day window: H's second purchase, 45 days on, is outside it.
    const shorter = periodFigures(SHOP, calendarPeriod('quarter', day('2024-02-01')), calendarPeriod('quarter', day('2024-02-01'), 1), AS_OF, { ...DEFAULT_KPI_SETTINGS, secondWithinDays: 30 });
    expect(valueOf(shorter, 'second-purchase-rate')).toBe(0);
  });

  it('counts a period not yet over up to the as-of day, and only the customers kept', () => {
    const soFar = periodFigures(SHOP, span('2024-06-01', '2024-06-30'), span('2024-05-01', '2024-05-31'), day('2024-06-11'), DEFAULT_KPI_SETTINGS);
    // By 11 June: A (10 June), C, D bought; A's 20 June and G's 12 June have not happened.
    expect(soFar.through).toBe(day('2024-06-11'));
    expect([soFar.buyers, soFar.repeatBuyers, soFar.byCurrency.CNY!.netSalesMinor]).toEqual([3, 0, 17000]);
    expect(soFar.byCurrency.USD).toBeUndefined();
    const onlyA = periodFigures(SHOP, span('2024-06-01', '2024-06-30'), span('2024-05-01', '2024-05-31'), AS_OF, DEFAULT_KPI_SETTINGS, (row) => row === 0);
    expect([onlyA.buyers, onlyA.previousBuyers, onlyA.byCurrency.CNY!.netSalesMinor]).toEqual([1, 1, 8000]);
  });

  it('defines every KPI in both languages, with the settings’ days in the words', () => {
    const settings = { secondWithinDays: 60, lapsedAfterDays: 365 };
    for (const kpi of KPIS) {
      const { en, 'zh-CN': zh } = kpi.definition(settings);
      expect(en.length).toBeGreaterThan(20);
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(KPIS.find((kpi) => kpi.id === 'second-purchase-rate')!.definition(settings).en).toContain('60 days');
    expect(KPIS.find((kpi) => kpi.id === 'reactivation-rate')!.definition(settings)['zh-CN']).toContain('365 天');
  });
});
