import { describe, expect, it } from 'vitest';
import { countAtMost, countBelow, orderOfWords } from '../../lib/sorted';

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

  it('orders pairs of hashes as unsigned words, first word then second, equal pairs in their own order', () => {
    let seed = 11;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    // Few first words, so many pairs share one; some pairs alike; words past 2³¹, which compare unsigned.
    const size = 30_000;
    const high = Uint32Array.from({ length: size + 5 }, () => (next() % 50) * 0x0500_0001 + (next() % 2 ? 0x8000_0000 : 0));
    const low = Uint32Array.from({ length: size + 5 }, () => (next() % 4 === 0 ? 7 : next() * 2));
    const expected = Array.from({ length: size }, (_, i) => i).sort((a, b) => high[a]! - high[b]! || low[a]! - low[b]! || a - b);
    // Only the first `size` entries: a builder's columns are longer than what they hold.
    expect(Array.from(orderOfWords(high, low, size))).toEqual(expected);
    expect(Array.from(orderOfWords(new Uint32Array([2, 1, 2]), new Uint32Array([0, 9, 0])))).toEqual([1, 0, 2]);
    // By the first word alone: pairs that share it stay in their own order.
    const byHigh = Array.from({ length: size }, (_, i) => i).sort((a, b) => high[a]! - high[b]! || a - b);
    expect(Array.from(orderOfWords(high, null, size))).toEqual(byHigh);
  });
});
