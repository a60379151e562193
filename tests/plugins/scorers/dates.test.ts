import { describe, expect, it } from 'vitest';
import dates from '../../../plugins/scorers/dates';
import { daysUntilYearly, monthDayOf } from '../../../lib/dates';
import type { CustomerHistory, ScoreContext } from '../../../lib/scoring/scorer';
import type { KeptDate } from '../../../lib/model';

// Local day numbers: 1 May 2024 is day 19,844.
const MAY_1 = 19_844;
const score = (birthday: string | undefined, keptDates: KeptDate[] = [], asOfDay = MAY_1) =>
  dates.score({ history: { customer: { birthday }, keptDates } as unknown as CustomerHistory, facts: {} }, undefined, { asOfDay } as ScoreContext);

describe('dates scorer', () => {
  it('reads a birthday written the ways sellers write it, as month and day', () => {
    expect(['1990-05-17', '1990/5/17', '1990年5月17日', '5月17日', '05-17', '--05-17', '17/05', '1990-05-17 00:00:00'].map((text) => monthDayOf(text))).toEqual(
      Array(8).fill('05-17'),
    );
    // A full date the way the file writes its order dates: day first here.
    const dayFirst = (text: string) => (/^(\d{2})\/(\d{2})\/(\d{4})$/.test(text) ? Date.UTC(+text.slice(6), +text.slice(3, 5) - 1, +text.slice(0, 2)) : null);
    expect(monthDayOf('03/04/1985', dayFirst)).toBe('04-03');
    expect(['', 'n/a', '1990-13-01', '02-30', '未知'].map((text) => monthDayOf(text))).toEqual([null, null, null, null, null]);
    expect(monthDayOf('2000-02-29')).toBe('02-29');
  });

  it('counts days to the next time a date comes round, 29 February on 1 March in other years', () => {
    expect(daysUntilYearly('05-01', MAY_1)).toBe(0);
    expect(daysUntilYearly('05-04', MAY_1)).toBe(3);
    expect(daysUntilYearly('04-30', MAY_1)).toBe(364);
    // From 1 May 2024, the next 29 February is in 2025's place: 1 March 2025 (304 days).
    expect(daysUntilYearly('02-29', MAY_1)).toBe(304);
  });

  it('takes a birthday kept on the customer’s page over one imported, and the nearest other date by its name', () => {
    expect(score('05-17')).toEqual({ daysUntilBirthday: 16, daysUntilKeptDate: null, keptDateName: null });
    const kept = [{ name: 'birthday', monthDay: '05-03' }, { name: '结婚纪念日', monthDay: '06-01' }, { name: 'First order', monthDay: '05-10' }];
    expect(score('05-17', kept)).toEqual({ daysUntilBirthday: 2, daysUntilKeptDate: 9, keptDateName: 'First order' });
    expect(score(undefined)).toEqual({ daysUntilBirthday: null, daysUntilKeptDate: null, keptDateName: null });
  });
});
