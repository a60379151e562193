import { describe, expect, it } from 'vitest';
import between from '../../../plugins/operators/between';

describe('between', () => {
  it('includes both ends, as Excel and SQL do', () => {
    expect([4999.99, 5000, 7500, 10000, 10000.01].map((v) => between.evaluate(v, [5000, 10000]))).toEqual([false, true, true, true, false]);
  });

  it('is false for an unknown fact or a value that is not a range, never an error', () => {
    expect(between.evaluate(null, [0, 10])).toBe(false);
    expect(between.evaluate(undefined, [0, 10])).toBe(false);
    expect(between.evaluate('5', [0, 10])).toBe(false);
    expect(between.evaluate(5, 10)).toBe(false);
  });
});
