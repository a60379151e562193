import { describe, expect, it } from 'vitest';
import notes from '../../../plugins/scorers/notes';
import type { CustomerHistory, ScoreContext } from '../../../lib/scoring/scorer';

const score = (kept?: CustomerHistory['notes']) => notes.score({ history: { customer: {}, notes: kept } as unknown as CustomerHistory, facts: {} }, undefined, {} as ScoreContext);

describe('notes scorer', () => {
  it('gives the tags staff kept, sorted and joined, and the do-not-contact flag', () => {
    expect(score({ tags: ['物流敏感', '价格敏感'], doNotContact: true, hideOnPages: false })).toEqual({ tags: '价格敏感, 物流敏感', doNotContact: true });
    expect(score({ tags: [], doNotContact: false, hideOnPages: true })).toEqual({ tags: null, doNotContact: false });
  });

  it('gives no tags and contact allowed to a customer without notes', () => {
    expect(score()).toEqual({ tags: null, doNotContact: false });
  });
});
