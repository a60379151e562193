import { describe, expect, it } from 'vitest';
import { rounded } from '../../../lib/scoring/scorer';

/** A seeded uniform in [0, 1). */
function uniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('a fact rounded for output', () => {
  it('is the number toFixed writes, for values of every size and sign, halves and near-halves included', () => {
    const random = uniform(17);
    const values: number[] = [0, -0, 0.5, -0.5, 1.005, 2.675, 1.255, 0.285, -1.005, 1e-9, -1e-9, 0.004, -0.004, 123456.785, 1e9, 1e12, 5e-7, 0.1 + 0.2];
    for (let i = 0; i < 200_000; i += 1) {
      const magnitude = 10 ** (Math.floor(random() * 14) - 6);
      const sign = random() < 0.3 ? -1 : 1;
      values.push(sign * random() * magnitude);
      // Exact halves and their neighbours at each number of digits: where rounding could go either way.
      const digits = Math.floor(random() * 5);
      const half = (Math.floor(random() * 1e6) + 0.5) / 10 ** digits;
      values.push(half, sign * half, half + Number.EPSILON * half, half - Number.EPSILON * half);
    }
    let differing = 0;
    for (const value of values) {
      for (const digits of [0, 1, 2, 3, 4, 6]) {
        const got = rounded(value, digits);
        const expected = Number(value.toFixed(digits));
        if (!Object.is(got, expected)) {
          differing += 1;
          expect({ value, digits, got }).toEqual({ value, digits, got: expected });
        }
      }
    }
    expect(differing).toBe(0);
    expect(values.length).toBeGreaterThan(900_000);
  });

  it('is null where the arithmetic broke down', () => {
    expect(rounded(Number.NaN, 2)).toBeNull();
    expect(rounded(Infinity, 2)).toBeNull();
    expect(rounded(-Infinity, 0)).toBeNull();
  });
});
