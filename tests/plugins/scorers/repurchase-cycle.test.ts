import { describe, expect, it } from 'vitest';
import { fitScorers, scoreCustomer } from '../../../lib/scoring/pipeline';
import history from '../../../plugins/scorers/history';
import repurchaseCycle, { ownCycleDays } from '../../../plugins/scorers/repurchase-cycle';
import { baseAt, histories, order } from './scoring-helpers';

describe('repurchase-cycle scorer', () => {
  it('takes the mean gap, so a burst of orders does not make a monthly buyer look weekly', () => {
    expect(ownCycleDays([0, 2, 4, 90])).toBe(30);
    expect(ownCycleDays([10])).toBeNull();
  });

  it("uses the customer's own cycle, and the shop's median for one-time buyers, flagged as such", () => {
    const base = baseAt('2024-06-30');
    const list = histories(
      [
        order('regular', '2024-01-01 10:00', 10), order('regular', '2024-01-31 10:00', 10), order('regular', '2024-03-01 10:00', 10), // every 30 days
        order('seasonal', '2024-01-01 10:00', 10), order('seasonal', '2024-04-10 10:00', 10), // 100 days
        order('twice', '2024-05-01 10:00', 10), order('twice', '2024-05-21 10:00', 10), // 20 days
        order('once', '2024-06-20 10:00', 10),
      ],
      base,
    );
    const scorers = [history, repurchaseCycle];
    const ctx = fitScorers(() => list, base, scorers);
    const facts = new Map(list.map((h) => [h.customer.key.slice(7), scoreCustomer(h, ctx, scorers)]));
    expect(facts.get('regular')).toMatchObject({ repurchaseCycleDays: 30, repurchaseCycleSource: 'own', daysUntilRepurchaseDue: -91 });
    expect(facts.get('seasonal')).toMatchObject({ repurchaseCycleDays: 100, daysUntilRepurchaseDue: 19 });
    expect(facts.get('once')).toMatchObject({ repurchaseCycleDays: 30, repurchaseCycleSource: 'population', daysUntilRepurchaseDue: 20 });
  });
});
