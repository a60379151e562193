import { describe, expect, it } from 'vitest';
import { countAtMost, countBelow } from '../../lib/sorted';

describe('counting in sorted values', () => {
  it('counts the values below and at most a value as counting them one by one does', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 200; round += 1) {
      // Few distinct values, so most searches land among equal ones; typed and plain arrays alike.
      const values = Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 8) - 2).sort((a, b) => a - b);
      const sorted = round % 2 ? Float64Array.from(values) : values;
      for (const value of [-3, -2, 0, 0.5, 3, 5, 6, Infinity, -Infinity]) {
        expect(countBelow(sorted, value)).toBe(values.filter((x) => x < value).length);
        expect(countAtMost(sorted, value)).toBe(values.filter((x) => x <= value).length);
      }
    }
  });
});
