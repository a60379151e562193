import { describe, expect, it } from 'vitest';
import valueMatrix from '../../../plugins/scorers/value-matrix';
import { valueQuadrant } from '../../../lib/value-matrix';
import { fitOn, type CustomerHistory, type Facts, type Scored } from '../../../lib/scoring/scorer';

const member = (key: string, purchases: number, facts: Facts): Scored => ({ history: { customer: { key }, purchases } as CustomerHistory, facts });

describe('value-matrix scorer', () => {
  it('puts value at or above the median with P(alive) of one half or more in develop, and the other three corners apart', () => {
    expect(valueQuadrant(120, 0.8, 100)).toBe('develop');
    expect(valueQuadrant(100, 0.5, 100)).toBe('develop');
    expect(valueQuadrant(120, 0.49, 100)).toBe('retain');
    expect(valueQuadrant(99.99, 0.9, 100)).toBe('cultivate');
    expect(valueQuadrant(10, 0.2, 100)).toBe('maintain');
    // Nothing predicted is never high value, even where the median is nothing.
    expect(valueQuadrant(0, 0.9, 0)).toBe('cultivate');
  });

  it('splits value at the median of the buyers it was fitted on, and skips customers who never bought', () => {
    const population = [
      member('a', 1, { predictedClv365: 10 }),
      member('b', 2, { predictedClv365: 30 }),
      member('c', 3, { predictedClv365: 50 }),
      member('d', 4, { predictedClv365: 70 }),
      member('e', 0, { predictedClv365: 1000 }),
      member('f', 1, { predictedClv365: null }),
    ];
    const model = fitOn(valueMatrix, population, null as never);
    expect(model).toEqual({ medianValue: 40 });
    const score = (facts: Facts) => valueMatrix.score({ history: null as never, facts }, model, null as never);
    expect(score({ predictedClv365: 40, pAlive: 0.3 })).toEqual({ valueQuadrant: 'retain' });
    expect(score({ predictedClv365: 39, pAlive: 0.3 })).toEqual({ valueQuadrant: 'maintain' });
    expect(score({ predictedClv365: null, pAlive: 0.3 })).toEqual({ valueQuadrant: null });
  });

  it('has no quadrant in a shop whose models gave no predicted value', () => {
    const model = fitOn(valueMatrix, [member('a', 1, { predictedClv365: null })], null as never);
    expect(valueMatrix.score({ history: null as never, facts: { predictedClv365: 5, pAlive: 0.9 } }, model, null as never)).toEqual({ valueQuadrant: null });
  });
});
