import { describe, expect, it } from 'vitest';
import { churnRisk } from '../../../plugins/scorers/churn';
import churn from '../../../plugins/scorers/churn';

describe('churn scorer', () => {
  it('is P(not alive) while within the cycle and rises to 1 at three cycles overdue', () => {
    expect(churnRisk(20, 30, 0.9)).toBeCloseTo(0.1, 10);
    expect(churnRisk(60, 30, 0.9)).toBeCloseTo(1 - 0.5 * 0.9, 10);
    expect(churnRisk(90, 30, 1)).toBe(1);
    expect(churnRisk(400, 30, 0.99)).toBe(1);
  });

  it('judges a one-time buyer (P(alive) = 1) by the cycle alone, and says so without a model', () => {
    const score = (facts: Record<string, number | null>) => churn.score({ history: null as never, facts }, undefined, null as never);
    expect(score({ recencyDays: 45, repurchaseCycleDays: 30, pAlive: 1 })).toEqual({ churnRisk: 0.25, churnBasis: 'model and cycle' });
    expect(score({ recencyDays: 45, repurchaseCycleDays: 30, pAlive: null })).toEqual({ churnRisk: 0.25, churnBasis: 'cycle only' });
    expect(score({ recencyDays: 45, repurchaseCycleDays: null, pAlive: 0.5 })).toEqual({ churnRisk: null, churnBasis: null });
  });
});
