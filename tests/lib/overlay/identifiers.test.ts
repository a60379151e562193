import { describe, expect, it } from 'vitest';
import { fnv1a } from '../../../lib/hash';
import { candidates, IdentifierIndex, identifierKey } from '../../../lib/overlay/identifiers';

describe('identifiers in page text', () => {
  it('finds emails, order numbers (with and without #) and a short text as a buyer id', () => {
    expect(candidates('Order #5001 for Marie.Curie@Example.org')).toEqual([
      { kind: 'email', value: 'Marie.Curie@Example.org' },
      { kind: 'order', value: '#5001' },
      { kind: 'order', value: '5001' },
    ]);
    expect(candidates(' 茶友小王 ')).toEqual([{ kind: 'id', value: '茶友小王' }]);
    expect(candidates('2847561230001')).toEqual([{ kind: 'order', value: '2847561230001' }, { kind: 'id', value: '2847561230001' }]);
    // Prices and short numbers are not order numbers.
    expect(candidates('共 3 件，合计 ￥256.00 元，请于 12 日前发货').filter((ref) => ref.kind === 'order')).toEqual([]);
  });

  it('knows an identifier by the key the store’s aliases use, and nothing else', () => {
    const index = new IdentifierIndex(['order:2847561230001', 'email:marie.curie@example.org', 'id:茶友小王'].map(fnv1a));
    expect(index.has(identifierKey({ kind: 'order', value: '2847561230001' }))).toBe(true);
    expect(index.has(identifierKey({ kind: 'email', value: 'Marie.Curie@Example.org' }))).toBe(true);
    expect(index.has(identifierKey({ kind: 'id', value: '茶友小王' }))).toBe(true);
    expect(index.has(identifierKey({ kind: 'order', value: '2847561230002' }))).toBe(false);
    expect(new IdentifierIndex([]).has('order:1')).toBe(false);
  });
});
