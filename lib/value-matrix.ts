import type { Localised } from './localised';

/**
 * 客户价值矩阵: predicted 12-month value (high: at least the shop's median) by potential (P(alive)
 * of one half or more), each quadrant with the course's strategy (plugins/scorers/value-matrix.ts).
 */
export const VALUE_QUADRANTS = ['develop', 'retain', 'cultivate', 'maintain'] as const;
export type ValueQuadrant = (typeof VALUE_QUADRANTS)[number];

export const isValueQuadrant = (value: unknown): value is ValueQuadrant => typeof value === 'string' && (VALUE_QUADRANTS as readonly string[]).includes(value);

export const QUADRANT_LOOK: Record<ValueQuadrant, { label: Localised; colour: string; strategy: Localised }> = {
  develop: {
    label: { en: 'Develop (high value, high potential)', 'zh-CN': '重点发展（高价值·高潜力）' },
    colour: '#7d3c98',
    strategy: { en: 'Invest most here: exclusive service, early access, raise the order value', 'zh-CN': '重点投入：专属服务、新品优先，提升客单价' },
  },
  retain: {
    label: { en: 'Retain (high value, low potential)', 'zh-CN': '重点挽留（高价值·低潜力）' },
    colour: '#c0392b',
    strategy: { en: 'Valuable but slipping away: a personal call and a reason to come back', 'zh-CN': '价值高但可能流失：主动电话关怀，给出回购理由' },
  },
  cultivate: {
    label: { en: 'Cultivate (low value, high potential)', 'zh-CN': '重点培养（低价值·高潜力）' },
    colour: '#17a589',
    strategy: { en: 'Active but small: related items and a threshold coupon to grow the basket', 'zh-CN': '活跃但消费少：关联推荐、满减券，提升客单价' },
  },
  maintain: {
    label: { en: 'Maintain (low value, low potential)', 'zh-CN': '一般维持（低价值·低潜力）' },
    colour: '#7b7d7d',
    strategy: { en: 'Keep costs low: mass campaigns only', 'zh-CN': '低成本维护：仅纳入群发活动' },
  },
};

/** P(alive) from which a customer counts as likely to buy again. */
export const HIGH_POTENTIAL = 0.5;

export function valueQuadrant(predictedValue: number, pAlive: number, medianValue: number): ValueQuadrant {
  const high = predictedValue > 0 && predictedValue >= medianValue;
  const likely = pAlive >= HIGH_POTENTIAL;
  return high ? (likely ? 'develop' : 'retain') : likely ? 'cultivate' : 'maintain';
}
