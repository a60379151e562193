import { defineScorer } from '../../lib/scoring/scorer';

/**
 * How the customer moved, as of the last rescore of an earlier day (its snapshot): the tier and RFM
 * segment they had then, and how long they had had them. "Just became VIP" is `previousTier` VIP
 * and `tierChangedDaysAgo` at most 7; "dropped from 重要价值客户" is `previousSegment` that badge
 * while the segment rules no longer give it.
 */
export default defineScorer({
  id: 'movement',
  version: 1,
  facts: {
    previousTier: {
      type: 'string',
      description: { en: 'The tier rule (ref) the customer had at the last rescore of an earlier day; empty when none or new since', 'zh-CN': '上一次（较早日期）评分时客户的会员等级规则（ref）；无或新客户为空' },
    },
    tierChangedDaysAgo: {
      type: 'number', unit: 'days',
      description: { en: 'Days since the customer came into that tier, counted to today; empty for a customer new since', 'zh-CN': '客户进入该等级至今的天数；新客户为空' },
    },
    previousSegment: {
      type: 'string',
      description: { en: 'The RFM segment badge (ref) the customer had at that rescore; empty when none or new since', 'zh-CN': '该次评分时客户的 RFM 客户分群标签（ref）；无或新客户为空' },
    },
    enteredSegmentDaysAgo: {
      type: 'number', unit: 'days',
      description: { en: 'Days since the customer came into that segment, counted to today; empty for a customer new since', 'zh-CN': '客户进入该分群至今的天数；新客户为空' },
    },
  },
  score({ history }, _model, ctx) {
    const previous = history.previous;
    if (!previous) return { previousTier: null, tierChangedDaysAgo: null, previousSegment: null, enteredSegmentDaysAgo: null };
    return {
      previousTier: previous.tier,
      tierChangedDaysAgo: ctx.asOfDay - previous.tierSince,
      previousSegment: previous.segment,
      enteredSegmentDaysAgo: ctx.asOfDay - previous.segmentSince,
    };
  },
});
