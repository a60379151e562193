import { describe, expect, it } from 'vitest';
import { RowPrints } from '../../../lib/import/row-prints';

describe('RowPrints', () => {
  it('knows each of 200,000 distinct rows as new, and each repeat by the row it first came at, as the table grows', () => {
    const prints = new RowPrints(16);
    const row = (i: number) => [`#${1000 + (i >> 1)}`, `buyer${i % 977}@example.com`, `${i % 7}`, `${(i * 37) % 10_000}.00`].join(',');
    for (let i = 0; i < 200_000; i += 1) expect(prints.check(row(i), i + 2)).toBe(0);
    for (let i = 0; i < 200_000; i += 997) expect(prints.check(row(i), 300_000 + i)).toBe(i + 2);
  });

  it('tells rows apart by every character, their length and odd ends included', () => {
    const prints = new RowPrints();
    expect(prints.check('ab,c', 2)).toBe(0);
    expect(prints.check('a,bc', 3)).toBe(0);
    expect(prints.check('ab,c,', 4)).toBe(0);
    expect(prints.check('ab,c\u0000', 5)).toBe(0);
    expect(prints.check('ab,c', 6)).toBe(2);
  });
});
