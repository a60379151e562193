import { describe, expect, it } from 'vitest';
import lifecycle from '../../../plugins/scorers/lifecycle';
import { lifecycleStage, lostBandOf } from '../../../lib/lifecycle';
import type { Facts, ScoreContext } from '../../../lib/scoring/scorer';

const ctx = (shopCycle: number | null) => ({ models: { 'repurchase-cycle': { populationCycleDays: shopCycle } } }) as unknown as ScoreContext;
const score = (facts: Facts, shopCycle: number | null = 60) => lifecycle.score({ history: null as never, facts }, undefined, ctx(shopCycle));

describe('lifecycle scorer', () => {
  it('names a customer within their cycle by purchases: one new, two growing, three or more mature', () => {
    expect(lifecycleStage(1, 10, 60, 60)).toBe('new');
    expect(lifecycleStage(2, 60, 60, 60)).toBe('growing');
    expect(lifecycleStage(7, 0, 30, 60)).toBe('mature');
  });

  it('calls a customer past their cycle declining, dormant after two cycles and lost after three', () => {
    expect(lifecycleStage(3, 61, 60, 60)).toBe('declining');
    expect(lifecycleStage(3, 120, 60, 60)).toBe('declining');
    expect(lifecycleStage(3, 121, 60, 60)).toBe('dormant');
    expect(lifecycleStage(3, 180, 60, 60)).toBe('dormant');
    expect(lifecycleStage(3, 181, 60, 60)).toBe('lost');
  });

  it('does not call a buyer in bursts lost after a fortnight, nor a twice-a-year buyer dormant inside their cycle', () => {
    // Own cycle 5 days in a shop of 60: past due after 5, dormant only after 120.
    expect(lifecycleStage(4, 15, 5, 60)).toBe('declining');
    expect(lifecycleStage(4, 119, 5, 60)).toBe('declining');
    expect(lifecycleStage(4, 121, 5, 60)).toBe('dormant');
    // Own cycle 180 in a shop of 60: mature until 180, lost only after 540.
    expect(lifecycleStage(3, 170, 180, 60)).toBe('mature');
    expect(lifecycleStage(3, 400, 180, 60)).toBe('dormant');
    expect(lifecycleStage(3, 541, 180, 60)).toBe('lost');
  });

  it('bands lost customers by days since their last purchase', () => {
    expect([90, 91, 180, 181, 365, 366].map(lostBandOf)).toEqual(['90', '180', '180', '365', '365', 'over-365']);
    expect(score({ recencyDays: 400, frequency: 1, repurchaseCycleDays: 60, repurchaseCycleSource: 'population' })).toEqual({
      lifecycleStage: 'lost', lostBand: 'over-365', lifecycleBasis: 'shop',
    });
    expect(score({ recencyDays: 100, frequency: 1, repurchaseCycleDays: 60, repurchaseCycleSource: 'population' }).lostBand).toBeNull();
  });

  it('says which cycle it judged by, falls back to three months without any, and has no stage without a purchase', () => {
    expect(score({ recencyDays: 20, frequency: 3, repurchaseCycleDays: 25, repurchaseCycleSource: 'own' })).toEqual({ lifecycleStage: 'mature', lostBand: null, lifecycleBasis: 'own' });
    expect(score({ recencyDays: 150, frequency: 1, repurchaseCycleDays: null, repurchaseCycleSource: null }, null)).toEqual({
      lifecycleStage: 'declining', lostBand: null, lifecycleBasis: 'default',
    });
    expect(score({ recencyDays: null, frequency: 0, repurchaseCycleDays: 60, repurchaseCycleSource: 'population' })).toEqual({ lifecycleStage: null, lostBand: null, lifecycleBasis: null });
  });
});
