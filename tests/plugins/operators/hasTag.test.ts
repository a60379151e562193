import { describe, expect, it } from 'vitest';
import hasTag from '../../../plugins/operators/hasTag';

describe('hasTag', () => {
  it('finds a whole tag among the customer’s tags, never a part of one', () => {
    expect(hasTag.evaluate('价格敏感, 物流敏感', '物流敏感')).toBe(true);
    expect(hasTag.evaluate('价格敏感, 物流敏感', ' 价格敏感 ')).toBe(true);
    expect(hasTag.evaluate('价格敏感, 物流敏感', '敏感')).toBe(false);
    expect(hasTag.evaluate('VIP回访', 'VIP')).toBe(false);
  });

  it('is false for a customer without tags or a value that is not text, never an error', () => {
    expect(hasTag.evaluate(null, '回访')).toBe(false);
    expect(hasTag.evaluate(undefined, '回访')).toBe(false);
    expect(hasTag.evaluate('回访', ['回访'])).toBe(false);
  });
});
