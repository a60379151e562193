import { describe, expect, it } from 'vitest';
import { cohortTable, firstDayOf, unitOf } from '../../lib/cohorts';
import { day, SHOP } from './occasions';

describe('cohort retention', () => {
  it('groups customers by the month of their first purchase, by hand', () => {
    const table = cohortTable(SHOP, 'month', 'CNY', day('2024-06-30'), 4);
    expect(table.cohorts.map((cohort) => cohort.first)).toEqual([day('2024-06-01'), day('2024-05-01'), day('2024-04-01'), day('2024-03-01')]);
    const [june, may, april, march] = table.cohorts;
    // June: C alone. May: A and B; A came back in June, spending 80 more.
    expect(june).toMatchObject({ customers: 1, bought: [1], spentMinor: [8000] });
    expect(may).toMatchObject({ customers: 2, bought: [2, 1], spentMinor: [30000, 38000] });
    expect(april).toMatchObject({ customers: 0, bought: [0, 0, 0], spentMinor: [0, 0, 0] });
    // March: H, back in April, then not again; spend adds up month by month.
    expect(march).toMatchObject({ customers: 1, bought: [1, 1, 0, 0], spentMinor: [1000, 3000, 3000, 3000] });
    // G first bought in June in dollars: not summed with yuan. D, E and F first bought before March.
    expect(table.otherCurrencies).toBe(1);
    expect(cohortTable(SHOP, 'month', 'USD', day('2024-06-30'), 4).cohorts[0]).toMatchObject({ customers: 1, spentMinor: [100000] });
  });

  it('counts weeks from Monday, and nothing after the as-of day', () => {
    expect(firstDayOf('week', unitOf('week', day('2024-06-12')))).toBe(day('2024-06-10'));
    expect(firstDayOf('week', unitOf('week', day('2024-06-16')))).toBe(day('2024-06-10'));
    expect(firstDayOf('week', unitOf('week', day('2024-06-17')))).toBe(day('2024-06-17'));
    // As of 12 June: A's cohort (May) has June so far (10 June), not 20 June.
    const weeks = cohortTable(SHOP, 'month', 'CNY', day('2024-06-12'), 2);
    expect(weeks.cohorts[1]).toMatchObject({ customers: 2, bought: [2, 1], spentMinor: [30000, 35000] });
    const byWeek = cohortTable(SHOP, 'week', 'CNY', day('2024-06-23'), 3);
    // Weeks of 3, 10 and 17 June: C (5 June) in the first; A (3 May) is older.
    expect(byWeek.cohorts.map((cohort) => cohort.customers)).toEqual([0, 0, 1]);
    expect(byWeek.cohorts[2]).toMatchObject({ bought: [1, 0, 0], spentMinor: [8000, 8000, 8000] });
  });
});
