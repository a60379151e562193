import { describe, expect, it } from 'vitest';
import movement from '../../../plugins/scorers/movement';
import type { CustomerHistory, ScoreContext } from '../../../lib/scoring/scorer';

const score = (previous: CustomerHistory['previous'], asOfDay = 20_000) => movement.score({ history: { customer: {}, previous } as unknown as CustomerHistory, facts: {} }, undefined, { asOfDay } as ScoreContext);

describe('movement scorer', () => {
  it('gives the tier and segment of the rescore before, and the days since the customer came into them', () => {
    expect(score({ day: 19_995, tier: 'member-ladder/vip', segment: 'rfm-segments/champions', stage: 'mature', tierSince: 19_995, segmentSince: 19_900 })).toEqual({
      previousTier: 'member-ladder/vip', tierChangedDaysAgo: 5, previousSegment: 'rfm-segments/champions', enteredSegmentDaysAgo: 100,
    });
  });

  it('gives nothing for a customer new since', () => {
    expect(score(undefined)).toEqual({ previousTier: null, tierChangedDaysAgo: null, previousSegment: null, enteredSegmentDaysAgo: null });
  });
});
